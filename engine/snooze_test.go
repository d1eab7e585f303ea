package engine

import (
	"context"
	"testing"
	"time"

	"parley/feeds"
)

// The snooze clock wakes a thread at its time, also one snoozed before
// the engine started and one snoozed for longer than a clock check.
func TestSnoozeWakesAtItsTime(t *testing.T) {
	st := testStore(t)
	res, err := st.Ingest(feeds.Result{Feed: "Blog", Items: []feeds.Item{
		{ID: "a1", Feed: "Blog", Author: "Alice", Title: "Sync", Text: "Sync lost my notes", Published: testNow.Add(-time.Hour)},
		{ID: "b1", Feed: "Blog", Author: "Bob", Title: "Price", Text: "How much is the team plan?", Published: testNow.Add(-time.Hour)},
	}}, testNow)
	if err != nil || len(res.Threads) != 2 {
		t.Fatalf("ingest: %v %+v", err, res)
	}
	early, late := res.Threads[0], res.Threads[1]
	// Snoozed by an earlier run, for an hour and a half.
	if err := st.Snooze(late, testNow.Add(90*time.Minute)); err != nil {
		t.Fatal(err)
	}
	clock := &fakeClock{now: testNow}
	e := New(Config{Store: st, Clock: clock})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	defer e.Close()
	e.Start(ctx)
	// Snoozed now, through the engine, for less than a clock check.
	if err := e.Snooze(early, testNow.Add(30*time.Second)); err != nil {
		t.Fatal(err)
	}
	snoozed := func(id string) bool {
		th, err := st.Thread(id)
		if err != nil {
			t.Fatal(err)
		}
		return !th.SnoozedUntil.IsZero()
	}

	clock.Advance(30*time.Second - time.Millisecond)
	if !snoozed(early) || !snoozed(late) {
		t.Fatal("a thread woke before its time")
	}
	clock.Advance(time.Millisecond)
	if snoozed(early) {
		t.Error("the 30-second snooze did not wake at its time")
	}
	if !snoozed(late) {
		t.Error("the 90-minute snooze woke early")
	}
	if ev := nextWoke(t, e); ev != 1 {
		t.Errorf("Woke = %d, want 1", ev)
	}
	clock.Advance(90*time.Minute - 30*time.Second - time.Millisecond)
	if !snoozed(late) {
		t.Fatal("the 90-minute snooze woke early")
	}
	clock.Advance(time.Millisecond)
	if snoozed(late) {
		t.Error("the 90-minute snooze (set before start) did not wake at its time")
	}
}

func nextWoke(t *testing.T, e *Engine) int {
	t.Helper()
	timeout := time.After(10 * time.Second) // bounds a failure only
	for {
		select {
		case ev := <-e.Events():
			if ev.Woke > 0 {
				return ev.Woke
			}
		case <-timeout:
			t.Fatal("no Woke event")
		}
	}
}
