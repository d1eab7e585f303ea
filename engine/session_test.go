package engine

import (
	"context"
	"errors"
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
