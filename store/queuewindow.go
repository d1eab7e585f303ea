package store

import (
	"encoding/binary"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// QueueAnchor says where in the queue a window is read.
type QueueAnchor struct {
	// Thread is a row read earlier, usually the one under the console's
	// cursor. The window centres on it where it is queued now; if it has
	// left the queue, on the thread that now holds its old place (the one
	// after it). A zero Thread means the head of the queue.
	Thread Thread
	// End reads the tail of the queue instead; Thread is ignored.
	End bool
}

// QueueWindow is a slice of the queue around an anchor.
type QueueWindow struct {
	Threads []Thread // in queue order
	// At is the index in Threads of the anchor's row: the anchor thread,
	// the one after its old place, or the last row for End. -1 when the
	// queue is empty.
	At int
	// Total is the whole queue's length.
	Total int
	// First and Last: Threads holds the head / the tail of the queue.
	First, Last bool
	// Drafts marks the threads in Threads that have a draft of the
	// handle's teammate (As): their own or the legacy one.
	Drafts map[string]bool
}

// QueueWindow reads up to before threads ahead of the anchor and up to
// after threads from it on (after >= 1 includes the anchor's row), in the
// order of Queue(now). It reads only those entries of the queue index,
// plus one thread record to find a moved anchor, so its cost and the
// pages it maps in do not grow with the queue: the console shows a
// 100k-thread queue without reading it whole.
//
// Snoozes that are over by now are woken first (a write, only when there
// are some), because the window is read from the queue index alone.
func (s *Store) QueueWindow(now time.Time, a QueueAnchor, before, after int) (QueueWindow, error) {
	before, after = max(before, 0), max(after, 1)
	expired := false
	if err := s.view(func(tx *bolt.Tx) error {
		k, _ := tx.Bucket(bucketSnoozed).Cursor().First()
		expired = len(k) >= 8 && binary.BigEndian.Uint64(k) <= nanos(now)
		return nil
	}); err != nil {
		return QueueWindow{}, fmt.Errorf("read queue: %w", err)
	}
	if expired {
		if _, err := s.WakeSnoozed(now); err != nil {
			return QueueWindow{}, err
		}
	}
	var w QueueWindow
	err := s.view(func(tx *bolt.Tx) error {
		q := tx.Bucket(bucketQueue)
		w = QueueWindow{At: -1, Total: int(q.Sequence()), Drafts: map[string]bool{}}
		var seek []byte
		switch {
		case a.End:
		case a.Thread.ID != "":
			seek = anchorKey(tx, a.Thread)
		default:
			seek = []byte{}
		}
		fwd := q.Cursor()
		var k, v []byte
		if seek != nil {
			k, v = fwd.Seek(seek)
		}
		if k == nil {
			// End, or the anchor's place is past the tail: the last row.
			k, v = fwd.Last()
		}
		if k == nil {
			w.First, w.Last = true, true
			return nil
		}
		// Backwards from the anchor (exclusive), then forwards from it.
		back := q.Cursor()
		back.Seek(k)
		var ahead []Thread
		bk, bv := back.Prev()
		for ; bk != nil && len(ahead) < before; bk, bv = back.Prev() {
			t, err := queueRow(bk, bv)
			if err != nil {
				return err
			}
			ahead = append(ahead, t)
		}
		w.First = bk == nil
		slices.Reverse(ahead)
		w.Threads = append(ahead, make([]Thread, 0, after)...)
		w.At = len(ahead)
		if a.End {
			// The last row is the anchor: nothing after it.
			after = 1
		}
		for ; k != nil && len(w.Threads)-w.At < after; k, v = fwd.Next() {
			t, err := queueRow(k, v)
			if err != nil {
				return err
			}
			w.Threads = append(w.Threads, t)
		}
		w.Last = k == nil
		for _, t := range w.Threads {
			// The handle's teammate's drafts (As): theirs or the legacy one.
			_, _, ok, err := draftOf(tx, t.ID, s.who)
			if err != nil {
				return err
			}
			if ok {
				w.Drafts[t.ID] = true
			}
		}
		for i := range w.Threads {
			unreadFor(tx, &w.Threads[i], s.who) // the teammate's own count
		}
		return nil
	})
	if err != nil {
		return QueueWindow{}, fmt.Errorf("read queue: %w", err)
	}
	return w, nil
}

// anchorKey is where to seek for a: the thread's current queue key if it
// is queued, else the key it had as the caller read it.
func anchorKey(tx *bolt.Tx, t Thread) []byte {
	if v := tx.Bucket(bucketThreads).Get([]byte(t.ID)); v != nil {
		if rec, err := decodeThread([]byte(t.ID), v); err == nil && rec.queueKey != nil {
			return rec.queueKey
		}
	}
	return queueKey(rankFor(&t), t.WaitingSince, t.ID)
}

func queueRow(k, v []byte) (Thread, error) {
	if len(k) <= 1+8 {
		return Thread{}, fmt.Errorf("queue key of %d bytes", len(k))
	}
	return decodeThreadSummary(k[1+8:], v)
}
