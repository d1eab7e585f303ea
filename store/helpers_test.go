package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"parley/feeds"
	"parley/funnel"
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
func rootIs(id string) func(*feeds.Item)  { return func(it *feeds.Item) { it.Root = id } }
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
	checkCounts(t, s)
	err := s.db.View(func(tx *bolt.Tx) error {
		var wantQ, wantS, wantM [][]byte
		err := tx.Bucket(bucketThreads).ForEach(func(k, v []byte) error {
			th, err := decodeThread(k, v)
			if err != nil {
				return err
			}
			if queued(&th) {
				wantQ = append(wantQ, queueKey(rankFor(&th.Thread), th.WaitingSince, th.ID))
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
		if n := tx.Bucket(bucketQueue).Sequence(); n != uint64(len(wantQ)) {
			return fmt.Errorf("queue sequence (its length) = %d, want %d entries", n, len(wantQ))
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
		if err := sameKeys("thread_msgs", tx.Bucket(bucketThreadMsgs), wantM, func(k, v []byte) []byte {
			return []byte(string(k[:threadIDLen]) + "|" + string(v[1:]))
		}); err != nil {
			return err
		}
		if err := checkFunnelIndexes(tx); err != nil {
			return err
		}
		if err := checkConvMsgs(tx); err != nil {
			return err
		}
		return checkOutbox(tx)
	})
	if err != nil {
		t.Fatalf("index check: %v", err)
	}
}

func keyOrNil(ok bool, th threadRec) []byte {
	if !ok {
		return nil
	}
	return queueKey(rankFor(&th.Thread), th.WaitingSince, th.ID)
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

// checkFunnelIndexes rebuilds the funnel's indexes and rollups from the
// records by brute force and compares: stage_conversations matches every
// conversation's Stage/StageAt; moves_by_time pairs with stage_moves;
// each conversation's history ends at its stage; conversations count the
// messages and replies that name them; threads roll their conversations
// up; contacts and their links match the messages and conversations;
// thread counters match the messages, replies and conversions.
func checkFunnelIndexes(tx *bolt.Tx) error {
	threads := map[string]threadRec{}
	err := tx.Bucket(bucketThreads).ForEach(func(k, v []byte) error {
		th, err := decodeThread(k, v)
		if err != nil {
			return err
		}
		threads[th.ID] = th
		if want := contactIDOrEmpty(tx, &th); th.Contact != want {
			return fmt.Errorf("thread %s: Contact %q, want %q", th.ID, th.Contact, want)
		}
		return nil
	})
	if err != nil {
		return err
	}
	var wantStage [][]byte
	convs := map[string]convRec{} // thread ID + contact ID
	err = tx.Bucket(bucketConversations).ForEach(func(k, v []byte) error {
		c, err := decodeConv(k, v)
		if err != nil {
			return err
		}
		convs[string(k)] = c
		wantStage = append(wantStage, convStageKey(c.Stage, c.StageAt, c.ThreadID, c.Contact))
		if c.Intent != (c.Stage == funnel.Intent) {
			return fmt.Errorf("conversation %s: Intent %v at stage %s", c.Ref(), c.Intent, c.Stage)
		}
		if _, ok := threads[c.ThreadID]; !ok {
			return fmt.Errorf("conversation %s: no thread", c.Ref())
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := sameKeys("stage_conversations", tx.Bucket(bucketStageConvs), wantStage, nil); err != nil {
		return err
	}

	// stage_moves <-> moves_by_time, and each history is a chain ending
	// at the conversation's stage.
	var wantByTime [][]byte
	last := map[string]StageMove{}
	err = tx.Bucket(bucketStageMoves).ForEach(func(k, v []byte) error {
		m, err := decodeMove(k, v)
		if err != nil {
			return err
		}
		ck := m.ThreadID + m.Contact
		if prev, ok := last[ck]; ok && prev.To != m.From {
			// Only a move dated before an earlier one can break the chain
			// in key order; none of the tests do that.
			return fmt.Errorf("conversation %s: move %s->%s follows a move to %s", ck, m.From, m.To, prev.To)
		}
		last[ck] = m
		seq := binary.BigEndian.Uint64(k[threadIDLen+8:])
		wantByTime = append(wantByTime, append(movesByTimeKey(m.At, seq), movesByTimeValue(&m)...))
		return nil
	})
	if err != nil {
		return err
	}
	if err := sameKeys("moves_by_time", tx.Bucket(bucketMovesByTime), wantByTime, func(k, v []byte) []byte {
		return append(append([]byte(nil), k...), v...)
	}); err != nil {
		return err
	}
	for ck, c := range convs {
		m, ok := last[ck]
		switch {
		case !ok && (c.Stage != funnel.New || !c.StageAt.IsZero()):
			return fmt.Errorf("conversation %s: at %s since %v with no moves", c.Ref(), c.Stage, c.StageAt)
		case ok && (m.To != c.Stage || !m.At.Equal(c.StageAt)):
			return fmt.Errorf("conversation %s: at %s since %v, last move %+v", c.Ref(), c.Stage, c.StageAt, m)
		}
	}

	// Contacts from the messages; ourMsgs from messages and replies;
	// conversation counts from the messages and replies that name them.
	type want struct {
		c     Contact
		links map[string]bool
	}
	contacts := map[string]*want{}
	ours := map[string]int{}
	theirs, answered := map[string]int{}, map[string]int{}
	err = tx.Bucket(bucketMessages).ForEach(func(k, v []byte) error {
		m, err := decodeMessage(k, v)
		if err != nil {
			return err
		}
		name := strings.TrimSpace(m.Author)
		if m.Ours {
			if m.ReplyKey == "" { // else its reply record counts it
				ours[m.ThreadID]++
				if m.Contact != "" {
					answered[m.ThreadID+m.Contact]++
				}
			}
			return nil
		}
		if want := contactID(m.Feed, name); m.Contact != want {
			return fmt.Errorf("message %s by %q: Contact %q, want %q", m.ID, name, m.Contact, want)
		}
		theirs[m.ThreadID+m.Contact]++
		if name == "" {
			return nil
		}
		id := contactID(m.Feed, name)
		w := contacts[id]
		if w == nil {
			w = &want{c: Contact{ID: id, Feed: m.Feed}, links: map[string]bool{}}
			contacts[id] = w
		}
		w.c.Messages++
		if w.c.FirstSeen.IsZero() || m.Published.Before(w.c.FirstSeen) {
			w.c.FirstSeen = m.Published
		}
		if m.Published.After(w.c.LastSeen) {
			w.c.LastSeen = m.Published
		}
		w.links[m.ThreadID] = true
		return nil
	})
	if err != nil {
		return err
	}
	err = tx.Bucket(bucketReplies).ForEach(func(k, v []byte) error {
		ours[string(k[:threadIDLen])]++
		r, err := decodeReply(v)
		if err == nil && r.To != "" {
			answered[r.ThreadID+r.To]++
		}
		return err
	})
	if err != nil {
		return err
	}
	sales, convSales := map[string]int{}, map[string]int{}
	_ = tx.Bucket(bucketConversions).ForEach(func(k, v []byte) error {
		c, _ := decodeConversion(k, v)
		sales[c.ThreadID]++
		convSales[c.ThreadID+c.Contact]++
		return nil
	})
	type roll struct {
		stage   funnel.Stage
		intent  bool
		sales   int
		waiting int
	}
	rolls := map[string]*roll{}
	for ck, c := range convs {
		if c.Messages != theirs[ck] || c.Replies != answered[ck] || c.Conversions != convSales[ck] {
			return fmt.Errorf("conversation %s: %d messages, %d replies, %d sales; want %d, %d, %d",
				c.Ref(), c.Messages, c.Replies, c.Conversions, theirs[ck], answered[ck], convSales[ck])
		}
		r := rolls[c.ThreadID]
		if r == nil {
			r = &roll{}
			rolls[c.ThreadID] = r
		}
		r.stage = max(r.stage, c.Stage)
		r.intent = r.intent || c.Stage == funnel.Intent
		r.sales += c.Conversions
		if c.Waiting() {
			r.waiting++
		}
	}
	for ck := range theirs {
		if _, ok := convs[ck]; !ok {
			return fmt.Errorf("messages of %s have no conversation", ck)
		}
	}
	for id, th := range threads {
		if th.ourMsgs != ours[id] {
			return fmt.Errorf("thread %s: ourMsgs %d, want %d", id, th.ourMsgs, ours[id])
		}
		if th.Conversions != sales[id] {
			return fmt.Errorf("thread %s: Conversions %d, want %d", id, th.Conversions, sales[id])
		}
		r := rolls[id]
		if r == nil {
			r = &roll{}
		}
		if th.Stage != r.stage || th.Intent != r.intent || th.Conversions != r.sales || th.WaitingPeople != r.waiting {
			return fmt.Errorf("thread %s: stage %s intent %v sales %d waiting %d; its conversations say %+v",
				id, th.Stage, th.Intent, th.Conversions, th.WaitingPeople, *r)
		}
		if (th.WaitingPeople > 0) != (th.Waiter.Contact != "" || convs[id+th.Waiter.Contact].Waiting()) {
			return fmt.Errorf("thread %s: %d waiting, waiter %+v", id, th.WaitingPeople, th.Waiter)
		}
		if w := th.Waiter; w.Contact != "" {
			c := convs[id+w.Contact]
			if !c.Waiting() || w.Name != c.Name || w.Preview != c.Preview || !th.WaitingSince.Equal(c.WaitingSince) {
				return fmt.Errorf("thread %s: waiter %+v since %v is not their conversation %+v", id, w, th.WaitingSince, c.Conversation)
			}
		}
	}
	var wantLinks [][]byte
	for id, w := range contacts {
		w.c.Threads = len(w.links)
		for tid := range w.links {
			th := threads[tid]
			flag := byte(0)
			if th.Contact == id {
				flag = flagStarted
			}
			c := convs[tid+id]
			w.c.Stage = max(w.c.Stage, c.Stage)
			w.c.Unhappy = w.c.Unhappy || c.Unhappy
			w.c.Replies += c.Replies
			wantLinks = append(wantLinks, append(contactThreadKey(id, tid), flag))
		}
		got, err := loadContact(tx, id)
		if err != nil {
			return err
		}
		w.c.Name = got.Name // the first spelling seen: not derivable here
		if got != w.c {
			return fmt.Errorf("contact %s:\n got %+v\nwant %+v", id, got, w.c)
		}
	}
	if n := tx.Bucket(bucketContacts).Stats().KeyN; n != len(contacts) {
		return fmt.Errorf("%d contacts stored, %d from the messages", n, len(contacts))
	}
	return sameKeys("contact_threads", tx.Bucket(bucketContactThreads), wantLinks, func(k, v []byte) []byte {
		return append(append([]byte(nil), k...), v...)
	})
}

// contactIDOrEmpty is the contact a thread's Author should have: the
// feed of the Author's earliest message by that name.
func contactIDOrEmpty(tx *bolt.Tx, th *threadRec) string {
	if th.Author == "" {
		return ""
	}
	prefix := []byte(th.ID)
	msgs := tx.Bucket(bucketMessages)
	c := tx.Bucket(bucketThreadMsgs).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		m, err := decodeMessage(v[1:], msgs.Get(v[1:]))
		if err == nil && !m.Ours && strings.TrimSpace(m.Author) == th.Author {
			return contactID(m.Feed, th.Author)
		}
	}
	return "?"
}

// snapshotDB dumps every bucket's keys and values, to prove that an
// operation changed nothing at all.
func snapshotDB(t testing.TB, s *Store) []string {
	t.Helper()
	var out []string
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			out = append(out, fmt.Sprintf("bucket %s seq %d", name, b.Sequence()))
			return b.ForEach(func(k, v []byte) error {
				out = append(out, fmt.Sprintf("%s %x=%x", name, k, v))
				return nil
			})
		})
	})
	if err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	return out
}

// checkOutbox checks the outbox against its indexes and the reply
// history: one outbox_threads entry per entry; outbox_remote is exactly
// the sent entries with a RemoteID; a sent entry has exactly one reply
// record with its Key and the rest none; a message with a ReplyKey is
// ours and names a sent entry.
func checkOutbox(tx *bolt.Tx) error {
	var wantThreads, wantRemote [][]byte
	entries := map[string]OutboxEntry{}
	err := tx.Bucket(bucketOutbox).ForEach(func(k, v []byte) error {
		e, err := decodeOutbox(k, v)
		if err != nil {
			return err
		}
		entries[e.Key] = e
		if len(e.Key) != 32 || strings.Trim(e.Key, "0123456789abcdef") != "" {
			return fmt.Errorf("outbox key %q is not 32 lowercase hex chars", e.Key)
		}
		if tx.Bucket(bucketThreads).Get([]byte(e.ThreadID)) == nil {
			return fmt.Errorf("outbox entry %s: thread %s does not exist", e.Key, e.ThreadID)
		}
		if e.Permanent && e.State != OutboxFailed {
			return fmt.Errorf("outbox entry %s: Permanent in state %s", e.Key, e.State)
		}
		wantThreads = append(wantThreads, outboxThreadKey(&e))
		if e.State == OutboxSent && e.RemoteID != "" {
			wantRemote = append(wantRemote, []byte(e.RemoteID+"->"+e.Key))
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := sameKeys("outbox_threads", tx.Bucket(bucketOutboxThreads), wantThreads, nil); err != nil {
		return err
	}
	if err := sameKeys("outbox_remote", tx.Bucket(bucketOutboxRemote), wantRemote, func(k, v []byte) []byte {
		return []byte(string(k) + "->" + string(v))
	}); err != nil {
		return err
	}
	replies := map[string]int{}
	err = tx.Bucket(bucketReplies).ForEach(func(k, v []byte) error {
		r, err := decodeReply(v)
		if err != nil {
			return err
		}
		if r.Key == "" {
			return nil
		}
		replies[r.Key]++
		e, ok := entries[r.Key]
		switch {
		case !ok:
			return nil // recorded by hand: RecordReply keys every reply (schema 5)
		case e.State != OutboxSent:
			return fmt.Errorf("reply record with key %s, but no such sent entry (%+v)", r.Key, e)
		case r.ThreadID != e.ThreadID || string(k[:threadIDLen]) != e.ThreadID || r.Text != e.Text ||
			r.RemoteID != e.RemoteID || r.URL != e.URL || r.Who != e.Who || r.Via != e.Via:
			return fmt.Errorf("reply record %+v does not match its entry %+v", r, e)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for key, e := range entries {
		if n := replies[key]; (e.State == OutboxSent) != (n == 1) || n > 1 {
			return fmt.Errorf("outbox entry %s in state %s has %d reply records", key, e.State, n)
		}
	}
	return tx.Bucket(bucketMessages).ForEach(func(k, v []byte) error {
		m, err := decodeMessage(k, v)
		if err != nil || m.ReplyKey == "" {
			return err
		}
		if e, ok := entries[m.ReplyKey]; !ok && m.Ours && replies[m.ReplyKey] == 1 {
			return nil // a reply copied by hand, fetched back
		} else if !m.Ours || !ok || e.State != OutboxSent {
			return fmt.Errorf("message %s: ReplyKey %s, Ours %v, entry %+v", m.ID, m.ReplyKey, m.Ours, e)
		}
		return nil
	})
}
