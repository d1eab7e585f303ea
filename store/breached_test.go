package store

import (
	"fmt"
	"testing"
	"time"

	"parley/feeds"
)

// TestQueueBreachedCountsEachRanksHead checks the count against the
// queue read whole, across ranks (unhappy, intent and the rest wait in
// separate runs of the index) and for every way the count is bounded.
func TestQueueBreachedCountsEachRanksHead(t *testing.T) {
	s := openTest(t)
	texts := []string{"This is terrible, I hate it, awful bug.", "How much is the pricing for a team?", "Nice post."}
	var items []feeds.Item
	for i := range 30 {
		items = append(items, item(fmt.Sprintf("m%02d", i), fmt.Sprintf("person %d", i), i*10, func(it *feeds.Item) {
			it.Text = texts[i%3]
			it.Title = fmt.Sprintf("thread %d", i)
		}))
	}
	mustIngest(t, s, result("blog", items...), at(400))
	q, err := s.Queue(at(400))
	mustNil(t, err)
	ranks := map[bool]int{}
	for _, th := range q {
		ranks[th.Waiter.Unhappy]++
	}
	if len(q) != 30 || ranks[true] == 0 {
		t.Fatalf("fixture: %d queued, %d unhappy; want 30 with some unhappy", len(q), ranks[true])
	}
	want := func(cutoff time.Time) int {
		n := 0
		for _, th := range q {
			if !th.WaitingSince.After(cutoff) {
				n++
			}
		}
		return n
	}
	for _, tc := range []struct {
		cutoff  int // minutes
		limit   int
		atLeast bool
	}{
		{-1, 100, false},  // nothing breached
		{95, 100, false},  // the heads, counted
		{95, 3, false},    // many breached: the short tails are counted instead
		{205, 3, false},   // 21 breached, 9 fresh, limit 3... both long
		{1000, 5, false},  // everything breached, no tail at all
		{145, 100, false}, // exact with a generous bound
	} {
		cutoff := at(tc.cutoff)
		got, err := s.QueueBreached(cutoff, tc.limit)
		mustNil(t, err)
		w := want(cutoff)
		heads, tails := w, len(q)-w
		switch {
		case heads <= tc.limit || tails <= tc.limit:
			if got.N != w || got.AtLeast {
				t.Errorf("cutoff %d limit %d: got %+v, want exactly %d", tc.cutoff, tc.limit, got, w)
			}
		default:
			if got.N != tc.limit || !got.AtLeast {
				t.Errorf("cutoff %d limit %d: got %+v, want at least %d (real %d)", tc.cutoff, tc.limit, got, tc.limit, w)
			}
		}
	}
}
