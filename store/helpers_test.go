package store

import (
	"bytes"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"parley/feeds"
)

// t0 is a fixed base time so tests never depend on the clock.
var t0 = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

func at(minutes int) time.Time { return t0.Add(time.Duration(minutes) * time.Minute) }

func openTest(t testing.TB, ours ...string) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "parley.db"), Options{NoSync: true, Ours: ours})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// item builds a feeds.Item; the options keep call sites short.
func item(id, author string, minutes int, opts ...func(*feeds.Item)) feeds.Item {
	it := feeds.Item{
		ID:        id,
		Feed:      "blog",
		Author:    author,
		Title:     "title " + id,
		Text:      "text of " + id,
		Published: at(minutes),
	}
	for _, o := range opts {
		o(&it)
	}
	return it
}

func link(l string) func(*feeds.Item)     { return func(it *feeds.Item) { it.Link = l } }
func replyTo(id string) func(*feeds.Item) { return func(it *feeds.Item) { it.InReplyTo = id } }
func text(s string) func(*feeds.Item)     { return func(it *feeds.Item) { it.Text = s } }
func title(s string) func(*feeds.Item)    { return func(it *feeds.Item) { it.Title = s } }
func published(p time.Time) func(*feeds.Item) {
	return func(it *feeds.Item) { it.Published = p }
}

func result(feed string, items ...feeds.Item) feeds.Result {
	for i := range items {
		if items[i].Feed == "blog" {
			items[i].Feed = feed
		}
	}
	return feeds.Result{Feed: feed, Items: items}
}

func mustIngest(t testing.TB, s *Store, res feeds.Result, now time.Time) IngestResult {
	t.Helper()
	r, err := s.Ingest(res, now)
	if err != nil {
		t.Fatalf("Ingest: %v", err)
	}
	checkIndexes(t, s)
	return r
}

// threadOf returns the thread an item was stored in.
func threadOf(t testing.TB, s *Store, msgID string) string {
	t.Helper()
	var tid string
	_ = s.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketMessages).Get([]byte(msgID)); v != nil {
			tid = decodeMessageThread(v)
		}
		return nil
	})
	if tid == "" {
		t.Fatalf("message %q is not stored", msgID)
	}
	return tid
}

func mustThread(t testing.TB, s *Store, id string) Thread {
	t.Helper()
	th, err := s.Thread(id)
	if err != nil {
		t.Fatalf("Thread(%s): %v", id, err)
	}
	return th
}

func queueIDs(t testing.TB, s *Store, now time.Time) []string {
	t.Helper()
	q, err := s.Queue(now)
	if err != nil {
		t.Fatalf("Queue: %v", err)
	}
	n, err := s.QueueLen(now)
	if err != nil {
		t.Fatalf("QueueLen: %v", err)
	}
	if n != len(q) {
		t.Errorf("QueueLen = %d, len(Queue) = %d", n, len(q))
	}
	ids := make([]string, len(q))
	for i, th := range q {
		if !th.NeedsAttention(now) {
			t.Errorf("queued thread %s does not need attention: %+v", th.ID, th)
		}
		ids[i] = th.ID
	}
	return ids
}

// checkIndexes rebuilds the queue, snooze and per-thread indexes from the
// thread and message records (a full scan, fine in tests) and compares
// them with what the store maintained incrementally.
func checkIndexes(t testing.TB, s *Store) {
	t.Helper()
	err := s.db.View(func(tx *bolt.Tx) error {
		var wantQ, wantS, wantM [][]byte
		err := tx.Bucket(bucketThreads).ForEach(func(k, v []byte) error {
			th, err := decodeThread(k, v)
			if err != nil {
				return err
			}
			if queued(&th) {
				wantQ = append(wantQ, queueKey(rankDefault, th.WaitingSince, th.ID))
			}
			if !bytes.Equal(th.queueKey, keyOrNil(queued(&th), th)) {
				return fmt.Errorf("thread %s: stored queue key %x, want %x", th.ID, th.queueKey, keyOrNil(queued(&th), th))
			}
			if !th.SnoozedUntil.IsZero() {
				wantS = append(wantS, snoozeKey(th.SnoozedUntil, th.ID))
			}
			return nil
		})
		if err != nil {
			return err
		}
		counts := map[string]int{}
		err = tx.Bucket(bucketMessages).ForEach(func(k, v []byte) error {
			m, err := decodeMessage(k, v)
			if err != nil {
				return err
			}
			counts[m.ThreadID]++
			wantM = append(wantM, []byte(m.ThreadID+"|"+m.ID))
			return nil
		})
		if err != nil {
			return err
		}
		for id, n := range counts {
			th, err := loadThread(tx, id)
			if err != nil {
				return err
			}
			if th.Messages != n {
				return fmt.Errorf("thread %s: Messages = %d, %d stored", id, th.Messages, n)
			}
		}
		if err := sameKeys("queue", tx.Bucket(bucketQueue), wantQ, nil); err != nil {
			return err
		}
		// The covering copy in the queue must match the thread record.
		err = tx.Bucket(bucketQueue).ForEach(func(k, v []byte) error {
			if rec := tx.Bucket(bucketThreads).Get(k[9:]); !bytes.Equal(rec, v) {
				return fmt.Errorf("queue entry %x is stale", k)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if err := sameKeys("snoozed", tx.Bucket(bucketSnoozed), wantS, nil); err != nil {
			return err
		}
		// thread_msgs: same (thread, message) pairs as the messages say.
		return sameKeys("thread_msgs", tx.Bucket(bucketThreadMsgs), wantM, func(k, v []byte) []byte {
			return []byte(string(k[:threadIDLen]) + "|" + string(v[1:]))
		})
	})
	if err != nil {
		t.Fatalf("index check: %v", err)
	}
}

func keyOrNil(ok bool, th threadRec) []byte {
	if !ok {
		return nil
	}
	return queueKey(rankDefault, th.WaitingSince, th.ID)
}

func sameKeys(name string, b *bolt.Bucket, want [][]byte, project func(k, v []byte) []byte) error {
	var got [][]byte
	_ = b.ForEach(func(k, v []byte) error {
		if project != nil {
			got = append(got, project(k, v))
		} else {
			got = append(got, append([]byte(nil), k...))
		}
		return nil
	})
	slices.SortFunc(got, bytes.Compare)
	slices.SortFunc(want, bytes.Compare)
	if !slices.EqualFunc(got, want, bytes.Equal) {
		return fmt.Errorf("%s index: got %d keys %x, want %d keys %x", name, len(got), got, len(want), want)
	}
	return nil
}
