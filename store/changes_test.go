package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"parley/feeds"
	"parley/funnel"
)

// drain returns the changes a subscription holds now, without waiting: a
// done context makes Next return what is queued (or owed) and then stop.
func drain(t testing.TB, sub *Subscription) []Change {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out []Change
	for {
		c, err := sub.Next(ctx)
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Next: %v", err)
			}
			return out
		}
		out = append(out, c)
	}
}

// seen is what a test compares of a Change: everything but the time.
type seen struct {
	Kind    ChangeKind
	Who     string
	Feed    string
	Threads string // comma-separated, sorted
}

func (c Change) seen() seen {
	ids := slices.Clone(c.Threads)
	slices.Sort(ids)
	return seen{Kind: c.Kind, Who: c.Who, Feed: c.Feed, Threads: strings.Join(ids, ",")}
}

// checkSeqs fails unless the changes are numbered first, first+1, ...
func checkSeqs(t *testing.T, cs []Change, first uint64) {
	t.Helper()
	for i, c := range cs {
		if c.Seq != first+uint64(i) {
			t.Fatalf("change %d has Seq %d, want %d (all: %+v)", i, c.Seq, first+uint64(i), cs)
		}
		if c.Time.IsZero() || c.Resync {
			t.Errorf("change %d: time %v resync %v", i, c.Time, c.Resync)
		}
	}
}

func TestChangesAfterEachWrite(t *testing.T) {
	s := openFake(t)
	sub := s.Subscribe(64)
	tid := twoWayThread(t, s)                                                     // ingest
	blog := mustIngest(t, s, result("blog", item("b1", "bob", 1)), at(2)).Threads // ingest
	mustNil(t, s.SaveDraft(tid, "thinking...", at(4)))
	mustNil(t, s.SetDone(tid, true))
	mustNil(t, s.As("bea").SetDone(tid, false))
	mustNil(t, s.Snooze(tid, at(60)))
	mustNil(t, s.Snooze(tid, time.Time{}))
	mustNil(t, s.Snooze(blog[0], at(5)))
	if n, err := s.WakeSnoozed(at(6)); err != nil || n != 1 {
		t.Fatalf("WakeSnoozed = %d, %v", n, err)
	}
	_, err := s.SetStage(tid, "", funnel.Intent, "maya", at(7))
	mustNil(t, err)
	e := mustQueue(t, s, Reply{ThreadID: tid, Text: "Yes, SSO is in.", Via: "Mastodon", Who: "ann", At: at(8)})
	_, err = s.MarkSending(e.Key, at(9))
	mustNil(t, err)
	_, err = s.MarkSent(e.Key, feeds.Posted{ItemID: "masto:1", URL: "https://example.social/1"}, at(10))
	mustNil(t, err)
	e2 := mustQueue(t, s, Reply{ThreadID: tid, Text: "And SCIM.", Via: "Mastodon", At: at(11)})
	_, err = s.As("engine").MarkFailed(e2.Key, Failure{Err: "422 closed", Permanent: true}, at(12))
	mustNil(t, err)
	mustNil(t, s.MarkRead(blog[0]))
	mustNil(t, s.As("bea").RecordReply(Reply{ThreadID: blog[0], Text: "copied", Via: "clipboard", At: at(13)}))
	th := mustThread(t, s, tid)
	r, err := s.ImportConversions([]Conversion{{Ref: th.Ref(), Amount: Money{"EUR", 4900}, At: at(14)}}, at(15))
	if err != nil || r.Imported != 1 {
		t.Fatalf("ImportConversions = %+v, %v", r, err)
	}

	got := drain(t, sub)
	want := []seen{
		{Kind: ChangeIngest, Feed: "masto", Threads: tid},
		{Kind: ChangeIngest, Feed: "blog", Threads: blog[0]},
		{Kind: ChangeDraft, Threads: tid},
		{Kind: ChangeDone, Threads: tid},
		{Kind: ChangeUndone, Who: "bea", Threads: tid},
		{Kind: ChangeSnooze, Threads: tid},
		{Kind: ChangeUnsnooze, Threads: tid},
		{Kind: ChangeSnooze, Threads: blog[0]},
		{Kind: ChangeUnsnooze, Threads: blog[0]},
		{Kind: ChangeStage, Who: "maya", Threads: tid},
		{Kind: ChangeReplyQueued, Who: "ann", Threads: tid},
		{Kind: ChangeReplySending, Who: "ann", Threads: tid},
		{Kind: ChangeReplySent, Who: "ann", Threads: tid},
		{Kind: ChangeReplyQueued, Threads: tid},
		{Kind: ChangeReplyFailed, Who: "engine", Threads: tid},
		{Kind: ChangeRead, Threads: blog[0]},
		{Kind: ChangeReplyRecorded, Who: "bea", Threads: blog[0]},
		{Kind: ChangeConversions, Threads: tid},
	}
	gotSeen := make([]seen, len(got))
	for i, c := range got {
		gotSeen[i] = c.seen()
	}
	if !slices.Equal(gotSeen, want) {
		t.Errorf("changes:\n got %+v\nwant %+v", gotSeen, want)
	}
	checkSeqs(t, got, 1)
}

// TestIngestBatchChanges: one Change per result of a batch, and a batch
// that rolled back publishes only what was stored after it, result by
// result.
func TestIngestBatchChanges(t *testing.T) {
	s := openTest(t)
	sub := s.Subscribe(64)
	outs, errs := s.IngestBatch([]feeds.Result{
		result("a", item("a1", "ann", 1)),
		result("b", item("b1", "bob", 1)),
	}, at(2))
	mustNil(t, errors.Join(errs...))
	got := drain(t, sub)
	if len(got) != 2 || got[0].seen() != (seen{Kind: ChangeIngest, Feed: "a", Threads: outs[0].Threads[0]}) ||
		got[1].seen() != (seen{Kind: ChangeIngest, Feed: "b", Threads: outs[1].Threads[0]}) {
		t.Fatalf("batch changes = %+v", got)
	}
	checkSeqs(t, got, 1)

	_, errs = s.IngestBatch([]feeds.Result{
		result("c", item("c1", "cat", 1)),
		result("d", item(strings.Repeat("x", 40000), "dee", 1)), // key too large: the batch rolls back
	}, at(3))
	if errs[0] != nil || errs[1] == nil {
		t.Fatalf("errs = %v", errs)
	}
	got = drain(t, sub)
	if len(got) != 1 || got[0].Feed != "c" {
		t.Fatalf("after a failed batch: %+v, want only feed c's change", got)
	}
	checkSeqs(t, got, 3)
	// A failed poll changes only the feed's state, and says so.
	_, err := s.Ingest(feeds.Result{Feed: "e", Err: errors.New("503")}, at(4))
	mustNil(t, err)
	got = drain(t, sub)
	if len(got) != 1 || got[0].seen() != (seen{Kind: ChangeIngest, Feed: "e"}) || got[0].AllThreads {
		t.Fatalf("after a failed poll: %+v, want one ingest of feed e, no threads", got)
	}
}

// TestIngestChunkedChanges: a huge result commits chunk by chunk, and so
// publishes chunk by chunk; beyond MaxChangeThreads it lists no IDs.
func TestIngestChunkedChanges(t *testing.T) {
	defer func(n int) { ingestChunk = n }(ingestChunk)
	ingestChunk = 100
	s := openTest(t)
	sub := s.Subscribe(64)
	var items []feeds.Item
	for i := range 150 {
		items = append(items, item(fmt.Sprintf("i%d", i), "ann", i))
	}
	mustIngest(t, s, result("big", items...), at(200))
	got := drain(t, sub)
	if len(got) != 2 {
		t.Fatalf("got %d changes, want one per chunk (2): %+v", len(got), got)
	}
	if !got[0].AllThreads || got[0].Threads != nil {
		t.Errorf("100 threads: AllThreads %v, %d IDs; want all, none listed", got[0].AllThreads, len(got[0].Threads))
	}
	if got[1].AllThreads || len(got[1].Threads) != 50 {
		t.Errorf("50 threads: AllThreads %v, %d IDs; want 50 listed", got[1].AllThreads, len(got[1].Threads))
	}
	checkSeqs(t, got, 1)
}

// TestNoChangeWithoutCommit: writes that fail, roll back or change
// nothing publish nothing.
func TestNoChangeWithoutCommit(t *testing.T) {
	s := openFake(t)
	tid := twoWayThread(t, s)
	blog := mustIngest(t, s, result("blog", item("b1", "bob", 1)), at(2)).Threads[0]
	e := mustQueue(t, s, Reply{ThreadID: tid, Text: "hi", Via: "Mastodon", At: at(3)})
	_, err := s.MarkSent(e.Key, feeds.Posted{ItemID: "masto:1"}, at(4))
	mustNil(t, err)
	sub := s.Subscribe(64)
	missing := strings.Repeat("0", 16)

	writes := []struct {
		name    string
		write   func() error
		wantErr bool
	}{
		{"Ingest with a key too large", func() error {
			_, err := s.Ingest(result("blog", item(strings.Repeat("x", 40000), "ann", 1)), at(5))
			return err
		}, true},
		{"SetDone of a missing thread", func() error { return s.SetDone(missing, true) }, true},
		{"Snooze of a missing thread", func() error { return s.Snooze(missing, at(9)) }, true},
		{"MarkRead of a missing thread", func() error { return s.MarkRead(missing) }, true},
		{"RecordReply to a missing thread", func() error { return s.RecordReply(Reply{ThreadID: missing, Text: "x"}) }, true},
		{"SetStage to the same stage", func() error {
			_, err := s.SetStage(blog, "", funnel.Stage(0), "maya", at(5))
			return err
		}, true},
		{"QueueReply with no target", func() error {
			_, err := s.QueueReply(Reply{ThreadID: blog, Text: "x"})
			return err
		}, true},
		{"MarkSending a sent reply", func() error { _, err := s.MarkSending(e.Key, at(6)); return err }, true},
		{"MarkSending an unknown key", func() error { _, err := s.MarkSending("nope", at(6)); return err }, true},
		{"MarkSent again (unchanged)", func() error {
			_, err := s.MarkSent(e.Key, feeds.Posted{ItemID: "masto:1"}, at(7))
			return err
		}, false},
		{"SaveDraft typed before the reply", func() error { return s.SaveDraft(tid, "late autosave", at(3)) }, false},
		{"WakeSnoozed with nothing to wake", func() error { _, err := s.WakeSnoozed(at(8)); return err }, false},
		{"ImportConversions of unknown refs only", func() error {
			_, err := s.ImportConversions([]Conversion{{Ref: "deadbeef00", Amount: Money{"EUR", 1}, At: at(1)}}, at(9))
			return err
		}, false},
	}
	for _, w := range writes {
		err := w.write()
		if (err != nil) != w.wantErr {
			t.Errorf("%s: err = %v, want error %v", w.name, err, w.wantErr)
		}
		if got := drain(t, sub); len(got) != 0 {
			t.Errorf("%s published %+v", w.name, got)
		}
	}

	// Nothing was numbered either: the 4 writes of the setup, then this.
	mustNil(t, s.MarkRead(blog))
	if got := drain(t, sub); len(got) != 1 || got[0].Seq != 5 {
		t.Fatalf("after the failed writes: %+v, want Seq 5", got)
	}

	// A closed store writes and publishes nothing.
	mustNil(t, s.Close())
	if err := s.SetDone(blog, true); err == nil {
		t.Error("SetDone on a closed store succeeded")
	}
	if _, err := sub.Next(context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("Next after Store.Close = %v, want ErrClosed", err)
	}
	if late := s.Subscribe(1); !errors.Is(nextErr(late), ErrClosed) {
		t.Error("Subscribe on a closed store is not closed")
	}
}

func nextErr(sub *Subscription) error {
	_, err := sub.Next(context.Background())
	return err
}

// TestResyncOnOverflow: a subscriber that does not read never holds up a
// writer; it gets what fitted, one Resync, then changes as before.
func TestResyncOnOverflow(t *testing.T) {
	s := openTest(t)
	sub := s.Subscribe(4)
	other := s.Subscribe(256) // a reader that keeps up sees every change

	// The writes run while nobody reads sub: if publishing waited for
	// it, they would never finish.
	done := make(chan error)
	go func() {
		for i := range 100 {
			if err := s.SaveDraft(fmt.Sprintf("t%03d", i), "draft", at(i)); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	select {
	case err := <-done:
		mustNil(t, err)
	case <-time.After(30 * time.Second):
		t.Fatal("100 writes did not finish while a subscriber was not reading: publishing blocked")
	}

	got := drain(t, sub)
	if len(got) != 5 {
		t.Fatalf("got %d changes, want 4 then a resync: %+v", len(got), got)
	}
	checkSeqs(t, got[:4], 1)
	if r := got[4]; !r.Resync || r.Kind != ChangeResync || r.Seq != 100 || len(r.Threads) != 0 {
		t.Errorf("after the buffer: %+v, want Resync at Seq 100", r)
	}
	if n := len(drain(t, other)); n != 100 {
		t.Errorf("the subscriber that kept up got %d changes, want 100", n)
	}

	// Caught up: new changes arrive normally.
	mustNil(t, s.SaveDraft("t100", "draft", at(100)))
	got = drain(t, sub)
	if len(got) != 1 || got[0].Resync || got[0].Seq != 101 || got[0].Threads[0] != "t100" {
		t.Errorf("after the resync: %+v, want change 101", got)
	}

	// Falling behind while reading a little still owes exactly one resync.
	for i := range 10 {
		mustNil(t, s.SaveDraft("t", fmt.Sprint(i), at(200+i)))
	}
	if c, err := sub.Next(context.Background()); err != nil || c.Seq != 102 {
		t.Fatalf("Next = %+v, %v; want change 102", c, err)
	}
	for i := range 5 {
		mustNil(t, s.SaveDraft("t", fmt.Sprint(i), at(300+i)))
	}
	got = drain(t, sub)
	if len(got) != 4 || got[0].Seq != 103 || got[2].Seq != 105 || !got[3].Resync || got[3].Seq != 116 {
		t.Errorf("got %+v; want 103..105 then one resync at 116", got)
	}
}

func TestUnsubscribeStopsDelivery(t *testing.T) {
	s := openTest(t)
	sub, other := s.Subscribe(8), s.Subscribe(8)
	mustNil(t, s.SaveDraft("t1", "a", at(1)))

	// A Next that is waiting returns when its subscription closes.
	waiting := s.Subscribe(8)
	errc := make(chan error)
	go func() { errc <- nextErr(waiting) }()
	waiting.Close()
	if err := <-errc; !errors.Is(err, ErrClosed) {
		t.Errorf("waiting Next after Close = %v, want ErrClosed", err)
	}

	sub.Close()
	sub.Close() // harmless
	mustNil(t, s.SaveDraft("t2", "b", at(2)))
	if _, err := sub.Next(context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("Next after Close = %v, want ErrClosed", err)
	}
	if got := drain(t, other); len(got) != 2 {
		t.Errorf("the other subscriber got %+v, want 2 changes", got)
	}
	s.feed.mu.Lock()
	n := len(s.feed.subs)
	s.feed.mu.Unlock()
	if n != 1 {
		t.Errorf("%d subscriptions left, want 1: a closed one is still published to", n)
	}

	// Closing the store ends a waiting Next too.
	go func() { errc <- nextErr(other) }()
	mustNil(t, s.Close())
	if err := <-errc; !errors.Is(err, ErrClosed) {
		t.Errorf("waiting Next after Store.Close = %v, want ErrClosed", err)
	}
}

// TestManySubscribers: concurrent writers, subscribers reading as they
// go. Each sees Seq strictly increasing (delivery order is Seq order);
// one that keeps up sees every change; a slow one ends at the last Seq,
// as a change or a resync.
func TestManySubscribers(t *testing.T) {
	const writers, each = 4, 25
	s := openTest(t)
	type reader struct {
		sub  *Subscription
		got  []Change
		errc chan error
	}
	var readers []*reader
	for i := range 8 {
		buf := writers * each
		if i%2 == 1 {
			buf = 2 // falls behind, and must still end up current
		}
		readers = append(readers, &reader{sub: s.Subscribe(buf), errc: make(chan error, 1)})
	}
	last := uint64(writers * each)
	for _, r := range readers {
		go func() {
			for {
				c, err := r.sub.Next(context.Background())
				if err != nil {
					r.errc <- err
					return
				}
				r.got = append(r.got, c)
				if c.Seq == last {
					r.errc <- nil
					return
				}
			}
		}()
	}
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				if err := s.SaveDraft(fmt.Sprintf("w%d", w), fmt.Sprint(i), at(i)); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	for i, r := range readers {
		select {
		case err := <-r.errc:
			mustNil(t, err)
		case <-time.After(30 * time.Second):
			t.Fatalf("subscriber %d never saw Seq %d: got %d changes", i, last, len(r.got))
		}
		for j := 1; j < len(r.got); j++ {
			if r.got[j].Seq <= r.got[j-1].Seq {
				t.Fatalf("subscriber %d: Seq %d after %d", i, r.got[j].Seq, r.got[j-1].Seq)
			}
		}
		if i%2 == 0 {
			checkSeqs(t, r.got, 1)
			if len(r.got) != int(last) {
				t.Errorf("subscriber %d got %d changes, want %d", i, len(r.got), last)
			}
		}
	}
}

// BenchmarkIngestSubscribers: publishing must cost nothing next to the
// commit, with or without idle subscribers.
func BenchmarkIngestSubscribers(b *testing.B) {
	for _, n := range []int{0, 8} {
		b.Run(fmt.Sprintf("subscribers=%d", n), func(b *testing.B) {
			s, err := Open(b.TempDir()+"/parley.db", Options{NoSync: true})
			mustNil(b, err)
			defer s.Close()
			for range n {
				s.Subscribe(64) // never read: behind after 64
			}
			i := 0
			for b.Loop() {
				res := result("blog", item(fmt.Sprintf("m%d", i), "ann", i%1000, replyTo(fmt.Sprintf("m%d", i-i%5))))
				if _, err := s.Ingest(res, at(2000)); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkPublish is publishing alone: 8 subscribers that keep up (each
// reading on its own goroutine) or that stopped reading (behind).
func BenchmarkPublish(b *testing.B) {
	for _, bench := range []struct {
		name    string
		n       int
		reading bool
	}{{"subscribers=0", 0, false}, {"subscribers=8/idle", 8, false}, {"subscribers=8/reading", 8, true}} {
		b.Run(bench.name, func(b *testing.B) {
			f := &changeFeed{}
			s := &Store{feed: f}
			var wg sync.WaitGroup
			for range bench.n {
				sub := s.Subscribe(64)
				if bench.reading {
					wg.Go(func() {
						for nextErr(sub) == nil {
						}
					})
				}
			}
			threads := []string{"0123456789abcdef"}
			for b.Loop() {
				f.publish(Change{Kind: ChangeDraft, Threads: threads})
			}
			f.close()
			wg.Wait()
		})
	}
}
