package ui

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"parley/engine"
	"parley/feeds"
	"parley/store"
)

// fakeReplier records what the console asks of a two-way source. fail
// holds the errors of the next Reply calls, in order; after them Reply
// succeeds. posted is what a server would now hold.
type fakeReplier struct {
	mu      sync.Mutex
	fail    []error
	replies []feeds.Outgoing // every Reply call
	finds   []feeds.Outgoing // every Find call
	posted  []feeds.Outgoing
	// postAnyway makes a failing Reply still create the post (a
	// connection cut after the server stored it).
	postAnyway bool
}

func (f *fakeReplier) Reply(_ context.Context, o feeds.Outgoing) (feeds.Posted, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.replies = append(f.replies, o)
	if len(f.fail) > 0 {
		err := f.fail[0]
		f.fail = f.fail[1:]
		if f.postAnyway {
			f.posted = append(f.posted, o)
		}
		return feeds.Posted{}, err
	}
	f.posted = append(f.posted, o)
	return feeds.Posted{ItemID: "mastodon:m.example:" + o.Key[:6], URL: "https://m.example/@quill/" + o.Key[:6]}, nil
}

func (f *fakeReplier) Find(_ context.Context, o feeds.Outgoing) (feeds.Posted, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.finds = append(f.finds, o)
	for _, p := range f.posted {
		if p.Key == o.Key {
			return feeds.Posted{ItemID: "mastodon:m.example:" + o.Key[:6], URL: "https://m.example/@quill/" + o.Key[:6]}, true, nil
		}
	}
	return feeds.Posted{}, false, nil
}

func (f *fakeReplier) counts() (replies, finds, posted int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.replies), len(f.finds), len(f.posted)
}

const mastoFeed = "Mastodon"

// mastodonStore is a store with one Mastodon thread from @alice that can
// be answered (its message has a Target).
func mastodonStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "parley.db"), store.Options{Ours: []string{"@quillstone"}, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Ingest(feeds.Result{Feed: mastoFeed, Items: []feeds.Item{{
		ID: "mastodon:m.example:101", Feed: mastoFeed, Author: "@alice@social.example",
		Link: "https://social.example/@alice/101", Published: testNow.Add(-4 * time.Hour),
		Text:   "@quillstone does Quillstone export to PDF?",
		Target: feeds.Target{ID: "101", Visibility: "unlisted", Mention: "alice@social.example"},
	}}}, testNow); err != nil {
		t.Fatal(err)
	}
	return st
}

func newMastodonApp(t *testing.T, st *store.Store, r feeds.Replier) *App {
	b := startedBackend(t, engine.Config{Store: st, User: "maya",
		Repliers:    map[string]feeds.Replier{mastoFeed: r},
		RetryDelays: []time.Duration{20 * time.Millisecond}})
	return New(Deps{Backend: b, User: "maya", Now: func() time.Time { return testNow },
		Feeds: []feeds.Feed{{Name: "Blog comments"}, {Name: "Forum"}, {Name: "Reviews"}, {Name: mastoFeed, Kind: feeds.KindMastodon}}})
}

// waitUntil polls cond; the deadline only bounds a failure.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// openAlice opens @alice's thread (the oldest waiting: first row).
func openAlice(t *testing.T, st *store.Store, r feeds.Replier) (*teatest.TestModel, func(...any)) {
	app := newMastodonApp(t, st, r)
	tm := startApp(t, app, 100, 30)
	waitFor(t, tm, "@alice@social.exa")
	send := func(keys ...any) {
		for _, k := range keys {
			switch k := k.(type) {
			case string:
				for _, r := range k {
					tm.Send(press(r))
				}
			default:
				tm.Send(k)
			}
		}
	}
	send(enter)
	waitFor(t, tm, "does Quillstone export to PDF?", "stage")
	send(press('r'))
	waitFor(t, tm, "ctrl+s send to Mastodon")
	t.Cleanup(func() { tm.Quit() })
	return tm, send
}

func TestCtrlSSendsToTheSourceOnceAndShowsSent(t *testing.T) {
	st := mastodonStore(t)
	id := threadIDOf(t, st)
	r := &fakeReplier{}
	tm, send := openAlice(t, st, r)
	send("Yes: File, Export, PDF.", ctrlS)
	waitFor(t, tm, "✓ sent", "https://m.example/@quill/")
	waitUntil(t, "the reply to be posted and recorded", func() bool {
		replies, _ := st.Replies(id)
		return len(replies) == 1
	})
	replies, _, posted := r.counts()
	if replies != 1 || posted != 1 {
		t.Fatalf("Reply called %d times, %d posted; want 1 and 1", replies, posted)
	}
	o := r.replies[0]
	if o.Text != "Yes: File, Export, PDF." || o.Target.ID != "101" || o.Target.Visibility != "unlisted" || len(o.Key) < 16 {
		t.Errorf("outgoing = %+v: want the text, the target of @alice's status and an idempotency key", o)
	}
	rs, _ := st.Replies(id)
	if rs[0].Via != "Mastodon" || rs[0].Who != "maya" || rs[0].Key != o.Key || rs[0].URL == "" {
		t.Errorf("recorded reply = %+v", rs[0])
	}
	if _, ok, _ := st.Draft(id); ok {
		t.Error("the draft is still there after the send")
	}
}

func TestFailedSendRetriesWithoutPostingTwice(t *testing.T) {
	for _, tc := range []struct {
		name       string
		err        error
		postAnyway bool
		wantFinds  bool
	}{
		{"5xx that did not post", &feeds.SendError{Outcome: feeds.MaybePosted, Err: errors.New("server answered 500")}, false, true},
		{"connection cut after the post", &feeds.SendError{Outcome: feeds.MaybePosted, Err: errors.New("connection reset")}, true, true},
		{"429", &feeds.SendError{Outcome: feeds.NotPosted, Err: errors.New("server answered 429")}, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := mastodonStore(t)
			id := threadIDOf(t, st)
			r := &fakeReplier{fail: []error{tc.err}, postAnyway: tc.postAnyway}
			_, send := openAlice(t, st, r)
			send("Yes: File, Export, PDF.", ctrlS)
			waitUntil(t, "the reply to be recorded as sent", func() bool {
				rs, _ := st.Replies(id)
				return len(rs) == 1
			})
			_, finds, posted := r.counts()
			if posted != 1 {
				t.Errorf("%d posts on the server, want exactly 1", posted)
			}
			if tc.wantFinds && finds == 0 {
				t.Error("no Find before retrying an ambiguous failure")
			}
			if !tc.wantFinds && finds != 0 {
				t.Errorf("%d Find calls after a failure that certainly did not post", finds)
			}
		})
	}
}

// threadIDOf is the ID of @alice's thread, found while it is queued.
func threadIDOf(t *testing.T, st *store.Store) string {
	t.Helper()
	return threadBy(t, st, "@alice@social.example").ID
}

func TestPermanentFailurePutsTheTextBackInTheDraft(t *testing.T) {
	st := mastodonStore(t)
	r := &fakeReplier{fail: []error{&feeds.SendError{Outcome: feeds.NotPosted, Permanent: true,
		Err: errors.New("server answered 422 Unprocessable Entity: Validation failed: Text character limit of 500 exceeded")}}}
	id := threadIDOf(t, st)
	tm, send := openAlice(t, st, r)
	send("A reply the server refuses.", ctrlS)
	// The refused text is back in the composer, ready to edit.
	waitFor(t, tm, "back in your draft", "draft (r to continue)")
	waitUntil(t, "the reply to be given up", func() bool {
		ob, _ := st.Outbox(id)
		return len(ob) == 1 && ob[0].Permanent
	})
	if d, ok, _ := st.As("maya").Draft(id); !ok || d.Text != "A reply the server refuses." {
		t.Errorf("draft = %q (%v), want the refused text back", d.Text, ok)
	}
	if replies, _, _ := r.counts(); replies != 1 {
		t.Errorf("Reply called %d times after a permanent failure, want 1", replies)
	}
}

func TestCtrlSShowsMessagesThatArrivedWhileWriting(t *testing.T) {
	st := mastodonStore(t)
	r := &fakeReplier{}
	tm, send := openAlice(t, st, r)
	send("Yes: File, Export, PDF.")
	// @alice writes again while the reply is being typed.
	if _, err := st.Ingest(feeds.Result{Feed: mastoFeed, Items: []feeds.Item{{
		ID: "mastodon:m.example:102", Feed: mastoFeed, Author: "@alice@social.example", InReplyTo: "mastodon:m.example:101",
		Published: testNow.Add(-time.Minute), Text: "Never mind, found it, but can it export to Word?",
		Target: feeds.Target{ID: "102", Visibility: "unlisted", Mention: "alice@social.example"},
	}}}, testNow); err != nil {
		t.Fatal(err)
	}
	send(ctrlS)
	waitFor(t, tm, "● new", "can it export to Word?", "ctrl+s again to send")
	if replies, _, _ := r.counts(); replies != 0 {
		t.Fatalf("sent without showing the new message first")
	}
	send(ctrlS)
	waitUntil(t, "the second ctrl+s to send", func() bool {
		n, _, _ := r.counts()
		return n == 1
	})
	if r.replies[0].Target.ID != "102" {
		t.Errorf("the reply answers status %s, want the newest (102)", r.replies[0].Target.ID)
	}
}

func TestPendingRepliesAreSentOnStart(t *testing.T) {
	st := mastodonStore(t)
	id := threadIDOf(t, st)
	e, err := st.QueueReply(store.Reply{ThreadID: id, Text: "Queued before a crash.", Via: "Mastodon", Who: "maya", At: testNow})
	if err != nil {
		t.Fatal(err)
	}
	// The crash came mid-send: the post may exist.
	if _, err := st.MarkSending(e.Key, testNow); err != nil {
		t.Fatal(err)
	}
	r := &fakeReplier{}
	tm := startApp(t, newMastodonApp(t, st, r), 100, 30)
	t.Cleanup(func() { tm.Quit() })
	waitUntil(t, "the pending reply to be sent", func() bool {
		rs, _ := st.Replies(id)
		return len(rs) == 1
	})
	replies, finds, posted := r.counts()
	if finds != 1 || replies != 1 || posted != 1 {
		t.Errorf("finds %d, replies %d, posted %d: want a Find first (it may have been posted), then one post", finds, replies, posted)
	}
}

// The engine may report an attempt starting before ctrl+s's own answer
// reaches the screen: the thread still shows the reply once, as sending.
func TestSendStartedBeforeQueuedShowsOneRow(t *testing.T) {
	st := mastodonStore(t)
	id := threadIDOf(t, st)
	app := New(Deps{Backend: backendOf(st, "maya"), Now: func() time.Time { return testNow }})
	app.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	loaded := loadThread(app.c.B, id, app.c.Now, 0)().(threadLoadedMsg)
	app.pendingOpen = id
	app.Update(openedMsg{threadLoadedMsg: loaded, compose: true, from: viewQueue})
	if app.thread == nil {
		t.Fatal("the thread did not open")
	}
	e, err := st.QueueReply(store.Reply{ThreadID: id, Text: "Yes: File, Export, PDF.", Via: mastoFeed, Who: "maya", At: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.MarkSending(e.Key, testNow); err != nil {
		t.Fatal(err)
	}
	cmd := app.handleSend(&engine.SendEvent{Entry: store.OutboxEntry{Key: e.Key, ThreadID: id}, Started: true})
	if cmd == nil {
		t.Fatal("an attempt starting on the open thread does not reload its outbox")
	}
	app.handleResult(cmd())
	app.handleResult(replyQueuedMsg{entry: e})
	if n := len(app.thread.outbox); n != 1 || app.thread.outbox[0].State != store.OutboxSending {
		t.Errorf("outbox rows = %+v, want the one reply, sending", app.thread.outbox)
	}
}
