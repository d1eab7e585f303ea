package store

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"parley/feeds"
)

// windowStore holds n threads, one per author, waiting since minute i.
func windowStore(t *testing.T, n int) *Store {
	t.Helper()
	s := openTest(t, "support")
	var items []feeds.Item
	for i := range n {
		items = append(items, item(fmt.Sprintf("w%03d", i), fmt.Sprintf("author %03d", i), i))
	}
	mustIngest(t, s, result("blog", items...), at(n+10))
	return s
}

func ids(ts []Thread) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.ID
	}
	return out
}

// Every window must be a slice of Queue: same order, same rows, At on the
// anchor, First/Last and Total telling the truth.
func checkWindow(t *testing.T, s *Store, now time.Time, a QueueAnchor, before, after int) QueueWindow {
	t.Helper()
	full := queueIDs(t, s, now)
	w, err := s.QueueWindow(now, a, before, after)
	if err != nil {
		t.Fatal(err)
	}
	if w.Total != len(full) {
		t.Errorf("Total = %d, queue has %d", w.Total, len(full))
	}
	got := ids(w.Threads)
	if len(full) == 0 {
		if len(got) != 0 || w.At != -1 || !w.First || !w.Last {
			t.Errorf("empty queue: window %v At %d First %v Last %v", got, w.At, w.First, w.Last)
		}
		return w
	}
	start := slices.Index(full, got[0])
	if start < 0 || start+len(got) > len(full) || !slices.Equal(full[start:start+len(got)], got) {
		t.Fatalf("window %v is not a slice of the queue %v", got, full)
	}
	if w.First != (start == 0) || w.Last != (start+len(got) == len(full)) {
		t.Errorf("First %v Last %v for rows %d..%d of %d", w.First, w.Last, start, start+len(got), len(full))
	}
	if w.At < 0 || w.At >= len(got) {
		t.Fatalf("At = %d outside the window of %d", w.At, len(got))
	}
	if n := w.At; n > before {
		t.Errorf("%d rows before the anchor, asked for %d", n, before)
	}
	return w
}

func TestQueueWindowIsASliceOfTheQueue(t *testing.T) {
	s := windowStore(t, 40)
	now := at(100)
	full := queueIDs(t, s, now)
	if len(full) != 40 {
		t.Fatalf("queue of %d, want 40", len(full))
	}

	head := checkWindow(t, s, now, QueueAnchor{}, 5, 10)
	if head.At != 0 || len(head.Threads) != 10 || !head.First || head.Last {
		t.Errorf("head: At %d, %d rows, First %v Last %v", head.At, len(head.Threads), head.First, head.Last)
	}

	mid := checkWindow(t, s, now, QueueAnchor{Thread: mustThread(t, s, full[20])}, 5, 10)
	if mid.Threads[mid.At].ID != full[20] || mid.At != 5 || len(mid.Threads) != 15 {
		t.Errorf("anchored on row 20: At %d (%s), %d rows", mid.At, mid.Threads[mid.At].ID, len(mid.Threads))
	}

	near := checkWindow(t, s, now, QueueAnchor{Thread: mustThread(t, s, full[37])}, 5, 10)
	if near.Threads[near.At].ID != full[37] || !near.Last || len(near.Threads) != 8 {
		t.Errorf("anchored near the tail: At %d, %d rows, Last %v", near.At, len(near.Threads), near.Last)
	}

	end := checkWindow(t, s, now, QueueAnchor{End: true}, 5, 10)
	if end.Threads[end.At].ID != full[39] || end.At != len(end.Threads)-1 || !end.Last || len(end.Threads) != 6 {
		t.Errorf("end: At %d of %d rows, Last %v", end.At, len(end.Threads), end.Last)
	}
}

// A thread that left the queue (done) anchors on the one that took its
// place; one that moved (their new message changed its rank) is followed.
func TestQueueWindowFollowsOrReplacesTheAnchor(t *testing.T) {
	s := windowStore(t, 30)
	now := at(100)
	full := queueIDs(t, s, now)

	gone := mustThread(t, s, full[10])
	mustNil(t, s.SetDone(gone.ID, true))
	w := checkWindow(t, s, now, QueueAnchor{Thread: gone}, 3, 5)
	if got := w.Threads[w.At].ID; got != full[11] {
		t.Errorf("anchor on a done thread: At is %s, want the next one %s", got, full[11])
	}
	if w.Total != 29 {
		t.Errorf("Total = %d after one was done, want 29", w.Total)
	}

	// Made unhappy, the last thread jumps to the head; the anchor follows it.
	last := mustThread(t, s, full[29])
	mustIngest(t, s, result("blog", item("angry", "author 029", 90, replyTo("w029"),
		text("This is awful, broken and useless. I am furious and want a refund."))), now)
	if th := mustThread(t, s, last.ID); !th.Unhappy {
		t.Fatalf("fixture: thread not unhappy after an angry message: %+v", th)
	}
	w = checkWindow(t, s, now, QueueAnchor{Thread: last}, 3, 5)
	if w.Threads[w.At].ID != last.ID || w.At != 0 || !w.First {
		t.Errorf("moved anchor not followed: At %d is %s, First %v", w.At, w.Threads[w.At].ID, w.First)
	}

	// A place past the tail anchors on the last row.
	tail := mustThread(t, s, queueIDs(t, s, now)[28])
	mustNil(t, s.SetDone(tail.ID, true))
	w = checkWindow(t, s, now, QueueAnchor{Thread: tail}, 3, 5)
	if !w.Last || w.At != len(w.Threads)-1 {
		t.Errorf("anchor past the tail: At %d of %d, Last %v", w.At, len(w.Threads), w.Last)
	}
}

func TestQueueWindowWakesExpiredSnoozes(t *testing.T) {
	s := windowStore(t, 5)
	full := queueIDs(t, s, at(100))
	mustNil(t, s.Snooze(full[0], at(200)))
	if w := checkWindow(t, s, at(150), QueueAnchor{}, 0, 10); w.Total != 4 || slices.Contains(ids(w.Threads), full[0]) {
		t.Fatalf("snoozed thread in the window before its time: %v (Total %d)", ids(w.Threads), w.Total)
	}
	w := checkWindow(t, s, at(250), QueueAnchor{}, 0, 10)
	if w.Total != 5 || w.Threads[0].ID != full[0] {
		t.Errorf("after the snooze: %v (Total %d), want %s back first", ids(w.Threads), w.Total, full[0])
	}
	checkIndexes(t, s)
}

func TestQueueWindowEmptyAndDrafts(t *testing.T) {
	s := openTest(t, "support")
	checkWindow(t, s, at(0), QueueAnchor{}, 3, 3)
	checkWindow(t, s, at(0), QueueAnchor{End: true}, 3, 3)

	s = windowStore(t, 4)
	full := queueIDs(t, s, at(100))
	mustNil(t, s.SaveDraft(full[2], "half an answer", at(50)))
	w := checkWindow(t, s, at(100), QueueAnchor{}, 0, 10)
	if !w.Drafts[full[2]] || len(w.Drafts) != 1 {
		t.Errorf("Drafts = %v, want only %s", w.Drafts, full[2])
	}
}

// The length comes from the counter, so it must survive every kind of
// change; checkIndexes (in mustIngest and here) compares it with the
// entries after each.
func TestQueueCountFollowsEveryChange(t *testing.T) {
	s := windowStore(t, 6)
	full := queueIDs(t, s, at(100))
	mustNil(t, s.SetDone(full[0], true))
	mustNil(t, s.SetDone(full[0], false))
	mustNil(t, s.SetDone(full[1], true))
	mustNil(t, s.Snooze(full[2], at(500)))
	mustNil(t, s.RecordReply(Reply{ThreadID: full[3], Text: "thanks", At: at(101)}))
	checkIndexes(t, s)
	if n, _ := s.QueueLen(at(102)); n != 3 {
		t.Errorf("QueueLen = %d, want 3", n)
	}
	if n, _ := s.QueueLen(at(600)); n != 4 {
		t.Errorf("QueueLen after the snooze = %d, want 4", n)
	}
}
