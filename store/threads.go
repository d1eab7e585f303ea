package store

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// empty is the value of index entries whose key says everything.
var empty = []byte{}

// rankFor is the queue rank of a thread, its Waiter's: unhappy first,
// then buying intent, then everything else (see keys.go).
func rankFor(t *Thread) byte {
	switch {
	case t.Waiter.Unhappy:
		return rankUnhappy
	case t.Waiter.Intent:
		return rankIntent
	}
	return rankOther
}

// queued reports whether t belongs in bucketQueue. Snoozed threads live
// in bucketSnoozed instead until WakeSnoozed moves them back.
func queued(t *threadRec) bool {
	return t.SnoozedUntil.IsZero() && waiting(t)
}

// waiting is NeedsAttention without the snooze condition.
func waiting(t *threadRec) bool {
	return !t.Done && t.WaitingPeople > 0
}

func loadThread(tx *bolt.Tx, id string) (threadRec, error) {
	v := tx.Bucket(bucketThreads).Get([]byte(id))
	if v == nil {
		return threadRec{}, fmt.Errorf("thread %s: %w", id, ErrNotFound)
	}
	return decodeThread([]byte(id), v)
}

// saveThread writes t and moves its queue, snooze and stage index entries
// to match it. prevSnooze is t.SnoozedUntil as it was loaded (zero for a new
// thread); the previous queue key travels in t.queueKey.
//
// The queue entry's value is a copy of the thread record (a covering
// index): Queue then reads one bucket sequentially instead of doing a
// random Get per queued thread, about 3x faster at 100k threads.
func saveThread(tx *bolt.Tx, t *threadRec, prevSnooze time.Time) error {
	var qk []byte
	if queued(t) {
		qk = queueKey(rankFor(&t.Thread), t.WaitingSince, t.ID)
	}
	q := tx.Bucket(bucketQueue)
	if t.queueKey != nil && !bytes.Equal(qk, t.queueKey) {
		if err := q.Delete(t.queueKey); err != nil {
			return fmt.Errorf("update queue for thread %s: %w", t.ID, err)
		}
	}
	// The bucket's sequence counts its entries, so the console shows the
	// queue's length without reading (and mapping in) every queue page.
	switch {
	case t.queueKey == nil && qk != nil:
		if err := q.SetSequence(q.Sequence() + 1); err != nil {
			return fmt.Errorf("count queue for thread %s: %w", t.ID, err)
		}
	case t.queueKey != nil && qk == nil:
		if err := q.SetSequence(max(q.Sequence(), 1) - 1); err != nil {
			return fmt.Errorf("count queue for thread %s: %w", t.ID, err)
		}
	}
	t.queueKey = qk
	rec := encodeThread(t)
	if qk != nil {
		if err := q.Put(qk, rec); err != nil {
			return fmt.Errorf("update queue for thread %s: %w", t.ID, err)
		}
	}
	if !prevSnooze.Equal(t.SnoozedUntil) {
		sn := tx.Bucket(bucketSnoozed)
		if !prevSnooze.IsZero() {
			if err := sn.Delete(snoozeKey(prevSnooze, t.ID)); err != nil {
				return fmt.Errorf("update snooze for thread %s: %w", t.ID, err)
			}
		}
		if !t.SnoozedUntil.IsZero() {
			if err := sn.Put(snoozeKey(t.SnoozedUntil, t.ID), empty); err != nil {
				return fmt.Errorf("update snooze for thread %s: %w", t.ID, err)
			}
		}
	}
	threads := tx.Bucket(bucketThreads)
	if err := countThread(tx, threads.Get([]byte(t.ID)), t); err != nil {
		return fmt.Errorf("count thread %s: %w", t.ID, err)
	}
	if err := threads.Put([]byte(t.ID), rec); err != nil {
		return fmt.Errorf("save thread %s: %w", t.ID, err)
	}
	return nil
}

// updateThread loads a thread, applies fn and saves it with its indexes,
// then rolls up its contact if fn changed what the rollup reads. Once
// that committed it publishes a Change of kind by who (see Store.changed).
func (s *Store) updateThread(kind ChangeKind, who, action, id string, fn func(tx *bolt.Tx, t *threadRec) error) error {
	err := s.update(func(tx *bolt.Tx) error { return updateThreadTx(tx, id, fn) })
	if err != nil {
		return fmt.Errorf("%s: %w", action, err)
	}
	s.changed(kind, who, id)
	return nil
}

// updateThreadTx is updateThread inside a transaction the caller owns,
// for writes that change a thread along with other records (MarkSent).
func updateThreadTx(tx *bolt.Tx, id string, fn func(tx *bolt.Tx, t *threadRec) error) error {
	t, err := loadThread(tx, id)
	if err != nil {
		return err
	}
	prevSnooze := t.SnoozedUntil
	before := contactFacts(&t)
	if err := fn(tx, &t); err != nil {
		return err
	}
	if err := saveThread(tx, &t, prevSnooze); err != nil {
		return err
	}
	if contactFacts(&t) == before {
		return nil
	}
	return rollupContacts(tx, nil, t.Contact)
}

// Thread returns one thread, or an error wrapping ErrNotFound.
func (s *Store) Thread(id string) (Thread, error) {
	var t threadRec
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		t, err = loadThread(tx, id)
		unreadFor(tx, &t.Thread, s.who)
		return err
	})
	if err != nil {
		return Thread{}, fmt.Errorf("read thread: %w", err)
	}
	return t.Thread, nil
}

// Queue returns the threads needing attention at now: unhappy first, then
// buying intent, then the rest, each group longest waiting first
// (WaitingSince, then ID). It walks the queue index, plus the part
// of the snooze index that has expired by now, so threads whose snooze
// ran out show up even before WakeSnoozed moves them.
func (s *Store) Queue(now time.Time) ([]Thread, error) {
	var out []Thread
	err := s.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketQueue).Cursor()
		// Count first: growing a slice of 100k Threads by appending
		// costs more than a second pass over the keys.
		n := 0
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			n++
		}
		out = make([]Thread, 0, n)
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if len(k) <= 1+8 {
				continue
			}
			t, err := decodeThreadSummary(k[1+8:], v)
			if err != nil {
				return err
			}
			out = append(out, t)
		}
		woken, err := expiredSnoozes(tx, now)
		if err != nil {
			return err
		}
		if len(woken) > 0 {
			for _, t := range woken {
				out = append(out, t.Thread)
			}
			slices.SortFunc(out, compareQueue)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read queue: %w", err)
	}
	return out, nil
}

// compareQueue orders threads as bucketQueue keys do.
func compareQueue(a, b Thread) int {
	ra, rb := rankFor(&a), rankFor(&b)
	if c := cmp.Compare(ra, rb); c != 0 {
		return c
	}
	if c := cmp.Compare(nanos(a.WaitingSince), nanos(b.WaitingSince)); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// expiredSnoozes returns snoozed threads whose snooze is over by now and
// that are otherwise waiting. It reads only the expired head of the
// snooze index.
func expiredSnoozes(tx *bolt.Tx, now time.Time) ([]threadRec, error) {
	var out []threadRec
	limit := nanos(now)
	threads := tx.Bucket(bucketThreads)
	c := tx.Bucket(bucketSnoozed).Cursor()
	for k, _ := c.First(); len(k) >= 8 && binary.BigEndian.Uint64(k) <= limit; k, _ = c.Next() {
		id := k[8:]
		v := threads.Get(id)
		if v == nil {
			continue
		}
		t, err := decodeThread(id, v)
		if err != nil {
			return nil, err
		}
		if waiting(&t) {
			out = append(out, t)
		}
	}
	return out, nil
}

// QueueLen counts Queue(now) without reading the queued threads: the
// queue index keeps its length in its sequence.
func (s *Store) QueueLen(now time.Time) (int, error) {
	n := 0
	err := s.view(func(tx *bolt.Tx) error {
		n = int(tx.Bucket(bucketQueue).Sequence())
		woken, err := expiredSnoozes(tx, now)
		n += len(woken)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("count queue: %w", err)
	}
	return n, nil
}

// Messages returns a thread's messages oldest first, read through the
// per-thread index.
func (s *Store) Messages(threadID string) ([]Message, error) {
	var out []Message
	err := s.view(func(tx *bolt.Tx) error {
		if _, err := loadThread(tx, threadID); err != nil {
			return err
		}
		return eachThreadMessage(tx, threadID, func(_, id, rec []byte) error {
			m, err := decodeMessage(id, rec)
			if err != nil {
				return err
			}
			out = append(out, m)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read messages: %w", err)
	}
	return out, nil
}

// Replies returns the replies recorded for a thread, oldest first.
func (s *Store) Replies(threadID string) ([]Reply, error) {
	var out []Reply
	err := s.view(func(tx *bolt.Tx) error {
		if _, err := loadThread(tx, threadID); err != nil {
			return err
		}
		var err error
		out, err = threadReplies(tx, threadID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read replies: %w", err)
	}
	return out, nil
}

// threadReplies reads a thread's recorded replies, oldest first.
func threadReplies(tx *bolt.Tx, threadID string) ([]Reply, error) {
	var out []Reply
	prefix := []byte(threadID)
	c := tx.Bucket(bucketReplies).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		r, err := decodeReply(v)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// MarkRead zeroes the thread's unread count; a teammate's handle (As)
// marks it read for that teammate only (reads.go).
func (s *Store) MarkRead(threadID string) error {
	if s.who != "" {
		return s.markRead(threadID)
	}
	return s.updateThread(ChangeRead, "", "mark thread read", threadID, func(_ *bolt.Tx, t *threadRec) error {
		t.Unread = 0
		return nil
	})
}

// SetDone marks a thread done (out of the queue until they write again)
// or not done.
func (s *Store) SetDone(threadID string, done bool) error {
	kind := ChangeUndone
	if done {
		kind = ChangeDone
	}
	action := AuditUndone
	if done {
		action = AuditDone
	}
	return s.updateThread(kind, "", "mark thread done", threadID, func(tx *bolt.Tx, t *threadRec) error {
		t.Done = done
		return audit(tx, AuditEntry{Who: s.who, Action: action, ThreadID: t.ID})
	})
}

// Snooze hides a thread from the queue until the given time; a zero time
// unsnoozes it at once.
func (s *Store) Snooze(threadID string, until time.Time) error {
	kind := ChangeSnooze
	if until.IsZero() {
		kind = ChangeUnsnooze
	}
	return s.updateThread(kind, "", "snooze thread", threadID, func(tx *bolt.Tx, t *threadRec) error {
		a := AuditEntry{Who: s.who, Action: AuditUnsnoozed, ThreadID: t.ID}
		if until.IsZero() {
			t.SnoozedUntil = time.Time{}
		} else {
			t.SnoozedUntil = until.UTC()
			a.Action, a.Detail = AuditSnoozed, "until "+t.SnoozedUntil.Format(time.RFC3339)
		}
		return audit(tx, a)
	})
}

// WakeSnoozed ends every snooze that is over by now, putting those
// threads back into the queue index if they are waiting, and returns how
// many it woke. It reads only the expired head of the snooze index.
func (s *Store) WakeSnoozed(now time.Time) (int, error) {
	woken := 0
	var wokenIDs []string
	err := s.update(func(tx *bolt.Tx) error {
		woken, wokenIDs = 0, nil
		limit := nanos(now)
		sn := tx.Bucket(bucketSnoozed)
		var stale [][]byte
		var ids []string
		c := sn.Cursor()
		for k, _ := c.First(); len(k) >= 8 && binary.BigEndian.Uint64(k) <= limit; k, _ = c.Next() {
			ids = append(ids, string(k[8:]))
			stale = append(stale, append([]byte(nil), k...))
		}
		for i, id := range ids {
			t, err := loadThread(tx, id)
			if errors.Is(err, ErrNotFound) {
				// Index entry without a thread: drop it so it is not
				// read again on every wake.
				if err := sn.Delete(stale[i]); err != nil {
					return err
				}
				continue
			}
			if err != nil {
				return err
			}
			prev := t.SnoozedUntil
			t.SnoozedUntil = time.Time{}
			if err := saveThread(tx, &t, prev); err != nil {
				return err
			}
			woken++
			wokenIDs = append(wokenIDs, id)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("wake snoozed threads: %w", err)
	}
	if woken > 0 {
		s.changed(ChangeUnsnooze, "", wokenIDs...)
	}
	return woken, nil
}

// RecordReply stores a reply we sent or copied, deletes the thread's
// draft, and moves our last reply to the person answered (r.To; empty:
// the thread's Waiter, else its starter) forward, so they leave the queue
// until they write again; others in the thread still wait. A zero r.At
// means now; an empty r.Key gets a fresh one, so a copied reply posted by
// hand and fetched back is recognised (see "Our replies fetched back").
// Replying implies the thread was read, so Unread is zeroed too. The
// conversations are recomputed with the reply in them, and contacts
// rolled up.
func (s *Store) RecordReply(r Reply) error {
	now := time.Now().UTC()
	if r.At.IsZero() {
		r.At = now
	}
	r.At = r.At.UTC()
	if r.At.After(now) {
		now = r.At
	}
	if r.Key == "" {
		key, err := newOutboxKey()
		if err != nil {
			return fmt.Errorf("record reply: %w", err)
		}
		r.Key = key
	}
	return s.updateThread(ChangeReplyRecorded, r.Who, "record reply", r.ThreadID, func(tx *bolt.Tx, t *threadRec) error {
		if err := deleteDraftOf(tx, t.ID, r.Who); err != nil {
			return err
		}
		if r.To == "" {
			r.To = defaultTo(&t.Thread)
		}
		if err := checkStale(tx, &r, r.To); err != nil {
			return err
		}
		if err := audit(tx, AuditEntry{At: r.At, Who: r.Who, Action: AuditReplyRecorded, ThreadID: t.ID, Contact: r.To, Detail: r.Via}); err != nil {
			return err
		}
		return answerThread(tx, s.an, t, &r, now)
	})
}

// defaultTo is whom a reply that names nobody answers: the person the
// queue row shows, else the starter.
func defaultTo(t *Thread) string { return cmp.Or(t.Waiter.Contact, t.Contact) }

// answerThread stores r in t's reply history and applies what a reply
// does: our last reply to r.To moves forward (they stop waiting), Unread
// is zeroed (replying implies reading), our reply count goes up, and the
// conversations are recomputed with the reply in them and their contacts
// rolled up. It does not save t; updateThreadTx does. RecordReply and
// MarkSent share it.
func answerThread(tx *bolt.Tx, an analyzer, t *threadRec, r *Reply, now time.Time) error {
	if err := putReply(tx, t, r); err != nil {
		return err
	}
	return refreshAll(tx, an, t, now)
}

// putReply is the part of answerThread that Ingest needs (it refreshes
// the conversations once per thread at the end).
func putReply(tx *bolt.Tx, t *threadRec, r *Reply) error {
	b := tx.Bucket(bucketReplies)
	seq, err := b.NextSequence()
	if err != nil {
		return fmt.Errorf("record reply to thread %s: %w", t.ID, err)
	}
	if err := b.Put(timedKey(t.ID, r.At, seq), encodeReply(r)); err != nil {
		return fmt.Errorf("record reply to thread %s: %w", t.ID, err)
	}
	if r.At.After(t.LastOurs) {
		t.LastOurs = r.At
	}
	t.Unread = 0
	t.ourMsgs++
	// Replying is reading, for the teammate who replied too.
	return markReadTx(tx, t.ID, r.Who, t.LastTheirs)
}

// Stats counts threads and messages. bbolt keeps no counts, so this walks
// the pages of both buckets (no decoding): fine for a status line, not
// for every frame.
func (s *Store) Stats() (threads, messages int, err error) {
	err = s.view(func(tx *bolt.Tx) error {
		threads = countKeys(tx, tx.Bucket(bucketThreads))
		messages = countKeys(tx, tx.Bucket(bucketMessages))
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("count threads and messages: %w", err)
	}
	return threads, messages, nil
}

// eachThreadMessage calls fn for every stored message of a thread, oldest
// first, with its thread_msgs key (which holds its time), its ID and its
// record. The slices are only valid inside the transaction.
func eachThreadMessage(tx *bolt.Tx, threadID string, fn func(key, id, rec []byte) error) error {
	// One cursor for every look-up: Bucket.Get makes a new cursor and its
	// stack each time, which in a long thread was most of the allocations.
	msgs := tx.Bucket(bucketMessages).Cursor()
	prefix := []byte(threadID)
	c := tx.Bucket(bucketThreadMsgs).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if len(v) < 1 {
			continue
		}
		id := v[1:]
		mk, rec := msgs.Seek(id)
		if rec == nil || !bytes.Equal(mk, id) {
			continue
		}
		if err := fn(k, id, rec); err != nil {
			return err
		}
	}
	return nil
}
