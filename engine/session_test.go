package engine

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"parley/feeds"
	"parley/store"
)

// A session's change feed carries every committed write, the engine's
// and another writer's, and ends with its context or with the engine.
func TestSessionChangesEndWithContextAndEngine(t *testing.T) {
	st := testStore(t)
	e := New(Config{Store: st, Feeds: []feeds.Feed{rssFeed(t, "Forum", 2)}})
	ctx, cancel := context.WithCancel(context.Background())
	src := e.Session("maya").Changes(ctx)
	other := e.Session("maya").Changes(context.Background())

	var stored store.IngestResult
	e.FetchOnce(context.Background(), func(_ feeds.Result, res store.IngestResult, err error) {
		if err != nil {
			t.Error(err)
		}
		stored = res
	})
	wait, stop := context.WithTimeout(context.Background(), time.Second)
	defer stop()
	c, err := src.Next(wait)
	if err != nil || c.Kind != store.ChangeIngest || c.Feed != "Forum" || len(c.Threads) != 2 || stored.New != 2 {
		t.Fatalf("first change = %+v, %v; want the ingest of Forum's 2 threads", c, err)
	}

	if c, err := other.Next(wait); err != nil || c.Kind != store.ChangeIngest {
		t.Fatalf("the other session's first change = %+v, %v; want the same ingest", c, err)
	}

	cancel()
	if _, err := src.Next(wait); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Next after the context ended: %v, want ErrClosed", err)
	}
	e.Close()
	if _, err := other.Next(wait); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Next after the engine closed: %v, want ErrClosed", err)
	}
}

// Each session reads and writes its own user's drafts, and its writes
// publish that user's name; one teammate's reply leaves the other's draft.
func TestSessionDraftsAreTheUsers(t *testing.T) {
	st := testStore(t)
	e := New(Config{Store: st, Feeds: []feeds.Feed{rssFeed(t, "Forum", 1)}})
	defer e.Close()
	e.FetchOnce(context.Background(), func(_ feeds.Result, _ store.IngestResult, err error) {
		if err != nil {
			t.Error(err)
		}
	})
	q, err := st.Queue(testNow.Add(time.Hour))
	if err != nil || len(q) != 1 {
		t.Fatalf("queue = %v, %v", q, err)
	}
	id := q[0].ID
	ctx := context.Background()
	ana, bob := e.Session("ana"), e.Session("bob")
	changes := ana.Changes(ctx)
	if err := ana.SaveDraft(ctx, id, "Ana's words", testNow); err != nil {
		t.Fatal(err)
	}
	wait, stop := context.WithTimeout(ctx, time.Second)
	defer stop()
	if c, err := changes.Next(wait); err != nil || c.Kind != store.ChangeDraft || c.Who != "ana" {
		t.Errorf("change = %+v, %v; want Ana's draft, by ana", c, err)
	}
	if err := bob.SaveDraft(ctx, id, "Bob's words", testNow); err != nil {
		t.Fatal(err)
	}
	if err := ana.RecordReply(ctx, store.Reply{ThreadID: id, Text: "Ana's words", At: testNow.Add(time.Minute), Via: "clipboard", Who: "ana"}); err != nil {
		t.Fatal(err)
	}
	if d, ok, _ := ana.Draft(ctx, id); ok {
		t.Errorf("Ana's draft after her reply = %+v", d)
	}
	if d, ok, _ := bob.Draft(ctx, id); !ok || d.Text != "Bob's words" {
		t.Errorf("Bob's draft = %+v, %v; want his words kept", d, ok)
	}
}

// Two teammates press ctrl+s on one thread at once, both having opened it
// before either reply: one reply is written, the other session gets
// ErrStaleReply with it, and a second send (Force) goes.
func TestSessionStaleReplyAcrossTeammates(t *testing.T) {
	for round := range 10 {
		st := testStore(t)
		id := mastodonThread(t, st)
		e := New(Config{Store: st})
		ctx := context.Background()
		sessions := []*Session{e.Session("ana"), e.Session("bob")}
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i, s := range sessions {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := store.Reply{ThreadID: id, Text: s.user + " answers", At: testNow.Add(time.Minute), Via: "clipboard",
					Who: s.user, Seen: testNow}
				errs[i] = s.RecordReply(ctx, r)
			}()
		}
		wg.Wait()
		loser := -1
		for i, err := range errs {
			var stale *store.ErrStaleReply
			if errors.As(err, &stale) {
				loser = i
			} else if err != nil {
				t.Fatal(err)
			}
		}
		if loser < 0 || errs[1-loser] != nil {
			t.Fatalf("round %d: errs = %v; want one reply and one ErrStaleReply", round, errs)
		}
		s := sessions[loser]
		if err := s.RecordReply(ctx, store.Reply{ThreadID: id, Text: "mine too", At: testNow.Add(2 * time.Minute),
			Via: "clipboard", Who: s.user, Seen: testNow, Force: true}); err != nil {
			t.Fatalf("the second ctrl+s: %v", err)
		}
		if r, _ := st.Replies(id); len(r) != 2 {
			t.Fatalf("round %d: %d replies, want 2", round, len(r))
		}
		e.Close()
	}
}

// Assign assigns as the session's user, and the queue shows it.
func TestSessionAssign(t *testing.T) {
	st := testStore(t)
	id := mastodonThread(t, st)
	e := New(Config{Store: st})
	defer e.Close()
	ctx := context.Background()
	if err := e.Session("ana").Assign(ctx, id, "bob"); err != nil {
		t.Fatal(err)
	}
	q, err := e.Session("bob").Queue(ctx, testNow.Add(time.Hour))
	if err != nil || len(q) != 1 || q[0].Assignee != "bob" {
		t.Fatalf("queue = %+v, %v; want the thread assigned to bob", q, err)
	}
	var by []string
	if err := st.Audit(func(a store.AuditEntry) error {
		by = append(by, a.Who+" "+a.Action+" "+a.Detail)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(by) != 1 || by[0] != "ana assigned bob" {
		t.Errorf("audit = %q, want ana assigning bob", by)
	}
}
