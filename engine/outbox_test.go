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

const mastoFeed = "Mastodon"

// replier is a fake two-way source. fail holds the errors of the next
// Reply calls; postAnyway makes a failing Reply still create the post (a
// connection cut after the server stored it). gate, when set, holds each
// Reply until it is closed, after saying so on entered.
type replier struct {
	mu         sync.Mutex
	fail       []error
	postAnyway bool
	replies    int
	finds      int
	posted     map[string]bool
	entered    chan struct{}
	gate       chan struct{}
}

func (r *replier) Reply(_ context.Context, o feeds.Outgoing) (feeds.Posted, error) {
	if r.gate != nil {
		r.entered <- struct{}{}
		<-r.gate
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.replies++
	if r.posted == nil {
		r.posted = map[string]bool{}
	}
	if len(r.fail) > 0 {
		err := r.fail[0]
		r.fail = r.fail[1:]
		if r.postAnyway {
			r.posted[o.Key] = true
		}
		return feeds.Posted{}, err
	}
	r.posted[o.Key] = true
	return feeds.Posted{ItemID: "mastodon:m.example:" + o.Key[:6], URL: "https://m.example/@quill/" + o.Key[:6]}, nil
}

func (r *replier) Find(_ context.Context, o feeds.Outgoing) (feeds.Posted, bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.finds++
	if r.posted[o.Key] {
		return feeds.Posted{ItemID: "mastodon:m.example:" + o.Key[:6], URL: "https://m.example/@quill/" + o.Key[:6]}, true, nil
	}
	return feeds.Posted{}, false, nil
}

func (r *replier) counts() (replies, finds, posted int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.replies, r.finds, len(r.posted)
}

// mastodonThread stores a Mastodon status from @alice that can be
// answered and returns its thread ID.
func mastodonThread(t *testing.T, st *store.Store) string {
	t.Helper()
	res, err := st.Ingest(feeds.Result{Feed: mastoFeed, Items: []feeds.Item{{
		ID: "mastodon:m.example:101", Feed: mastoFeed, Author: "@alice@social.example",
		Link: "https://social.example/@alice/101", Published: testNow.Add(-4 * time.Hour),
		Text:   "@quillstone does Quillstone export to PDF?",
		Target: feeds.Target{ID: "101", Visibility: "unlisted", Mention: "alice@social.example"},
	}}}, testNow)
	if err != nil || len(res.Threads) != 1 {
		t.Fatalf("ingest: %v %+v", err, res)
	}
	return res.Threads[0]
}

func reply(id string) store.Reply {
	return store.Reply{ThreadID: id, Text: "Yes: File, Export, PDF.", Via: mastoFeed, Who: "maya", At: testNow}
}

// nextSend waits for the end of the next send attempt.
func nextSend(t *testing.T, e *Engine) SendEvent {
	t.Helper()
	timeout := time.After(10 * time.Second) // bounds a failure only
	for {
		select {
		case ev := <-e.Events():
			if ev.Send != nil && !ev.Send.Started {
				return *ev.Send
			}
		case <-timeout:
			t.Fatal("no send attempt ended")
		}
	}
}

// Two callers asking to send one outbox entry at once (ctrl+s and a
// retry timer, or two consoles): exactly one attempt runs, and the
// server gets one post.
func TestTwoCallersRacingSendOnce(t *testing.T) {
	st := testStore(t)
	id := mastodonThread(t, st)
	r := &replier{entered: make(chan struct{}, 2), gate: make(chan struct{})}
	e := New(Config{Store: st, Repliers: map[string]feeds.Replier{mastoFeed: r}, Clock: &fakeClock{now: testNow}})
	ent, err := st.QueueReply(reply(id))
	if err != nil {
		t.Fatal(err)
	}

	var wg sync.WaitGroup
	start := make(chan struct{})
	won := make([]bool, 2)
	for i := range won {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			won[i] = e.SendNow(ent.Key)
		}()
	}
	close(start)
	wg.Wait()
	<-r.entered // the winner's Reply is on the wire, held there
	if won[0] == won[1] {
		t.Fatalf("SendNow results %v: want exactly one attempt", won)
	}
	// Still in flight: a third caller is refused too.
	if e.SendNow(ent.Key) {
		t.Error("a second attempt started while the first was in flight")
	}
	close(r.gate)
	e.Close()

	// Done: asking again reaches the store, which refuses a sent entry.
	e2 := New(Config{Store: st, Repliers: map[string]feeds.Replier{mastoFeed: r}, Clock: &fakeClock{now: testNow}})
	e2.SendNow(ent.Key)
	e2.Close()
	if replies, _, posted := r.counts(); replies != 1 || posted != 1 {
		t.Errorf("Reply called %d times, %d posts: want exactly 1", replies, posted)
	}
	if rs, _ := st.Replies(id); len(rs) != 1 {
		t.Errorf("%d replies recorded, want 1", len(rs))
	}
}

// A failure that may have posted is never retried blindly: the next
// attempt, at its time, first looks for the post; one that certainly did
// not post is sent again without looking.
func TestFailedSendRetriesAtItsTimeWithoutPostingTwice(t *testing.T) {
	for _, tc := range []struct {
		name       string
		err        error
		postAnyway bool
		wantFinds  bool
	}{
		{"5xx that did not post", &feeds.SendError{Outcome: feeds.MaybePosted, Err: errors.New("server answered 500")}, false, true},
		{"connection cut after the post", &feeds.SendError{Outcome: feeds.MaybePosted, Err: errors.New("connection reset")}, true, true},
		{"unclassified error", errors.New("something odd"), true, true},
		{"429", &feeds.SendError{Outcome: feeds.NotPosted, Err: errors.New("server answered 429")}, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := testStore(t)
			id := mastodonThread(t, st)
			r := &replier{fail: []error{tc.err}, postAnyway: tc.postAnyway}
			clock := &fakeClock{now: testNow}
			e := New(Config{Store: st, Repliers: map[string]feeds.Replier{mastoFeed: r}, Clock: clock,
				RetryDelays: []time.Duration{time.Minute}})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			defer e.Close()
			e.Start(ctx)
			if _, err := e.QueueReply(ctx, reply(id)); err != nil {
				t.Fatal(err)
			}
			first := nextSend(t, e)
			if first.Err != nil || first.Entry.State != store.OutboxFailed || first.Entry.Permanent {
				t.Fatalf("first attempt: %+v, want a failure to retry", first)
			}
			if want := testNow.Add(time.Minute); !first.Entry.NextTry.Equal(want) {
				t.Errorf("next try at %v, want %v", first.Entry.NextTry, want)
			}
			clock.Advance(59 * time.Second)
			if replies, finds, _ := r.counts(); replies != 1 || finds != 0 {
				t.Fatalf("before its time: %d replies, %d finds; want the first attempt only", replies, finds)
			}
			clock.Advance(time.Second)
			second := nextSend(t, e)
			if second.Err != nil || second.Entry.State != store.OutboxSent {
				t.Fatalf("second attempt: %+v, want sent", second)
			}
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

// A permanent failure gives up: no more attempts, the text is back in the
// draft.
func TestPermanentFailureIsNotRetried(t *testing.T) {
	st := testStore(t)
	id := mastodonThread(t, st)
	r := &replier{fail: []error{&feeds.SendError{Outcome: feeds.NotPosted, Permanent: true, Err: errors.New("422: too long")}}}
	clock := &fakeClock{now: testNow}
	e := New(Config{Store: st, Repliers: map[string]feeds.Replier{mastoFeed: r}, Clock: clock})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	defer e.Close()
	e.Start(ctx)
	if _, err := e.QueueReply(ctx, reply(id)); err != nil {
		t.Fatal(err)
	}
	if ev := nextSend(t, e); !ev.Entry.Permanent {
		t.Fatalf("attempt: %+v, want given up", ev)
	}
	clock.Advance(24 * time.Hour)
	if replies, _, _ := r.counts(); replies != 1 {
		t.Errorf("Reply called %d times after a permanent failure, want 1", replies)
	}
	if d, ok, _ := st.As("maya").Draft(id); !ok || d.Text != reply(id).Text { // its author's draft
		t.Errorf("draft = %q (%v), want the refused text back", d.Text, ok)
	}
}

// A crash mid-send left an entry in state sending: on Start the engine
// resumes it, looking for the post first, and it goes out once.
func TestPendingSendResumesOnStartOnce(t *testing.T) {
	for _, postedBeforeCrash := range []bool{false, true} {
		st := testStore(t)
		id := mastodonThread(t, st)
		ent, err := st.QueueReply(reply(id))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.MarkSending(ent.Key, testNow); err != nil {
			t.Fatal(err)
		}
		r := &replier{}
		if postedBeforeCrash {
			r.posted = map[string]bool{ent.Key: true}
		}
		e := New(Config{Store: st, Repliers: map[string]feeds.Replier{mastoFeed: r}, Clock: &fakeClock{now: testNow}})
		ctx, cancel := context.WithCancel(context.Background())
		e.Start(ctx)
		if ev := <-e.Events(); ev.Resumed != 1 {
			t.Errorf("first event %+v, want Resumed 1 (the console says a reply is being sent)", ev)
		}
		if ev := nextSend(t, e); ev.Entry.State != store.OutboxSent {
			t.Fatalf("resumed attempt: %+v, want sent", ev)
		}
		cancel()
		e.Close()
		replies, finds, posted := r.counts()
		wantReplies := 1
		if postedBeforeCrash {
			wantReplies = 0
		}
		if finds != 1 || replies != wantReplies || posted != 1 {
			t.Errorf("posted before crash %v: finds %d, replies %d, posted %d; want a Find first, then %d Reply, one post",
				postedBeforeCrash, finds, replies, posted, wantReplies)
		}
	}
}
