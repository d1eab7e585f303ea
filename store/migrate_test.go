package store

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"parley/funnel"
)

// testdata/v1.db was written by the schema 1 store (commit 90fcec9) with
// Ours = ["support"]:
//
//	blog  a1 ann  @1  "How much is the team plan?"             thread A
//	blog  b1 bob  @2  "This is broken and I want a refund."     thread B
//	blog  c1 cat  @3  "Can you help me set up the export?"      thread C
//	blog  c2 support @4 (reply to c1) "Sure: Settings, then Export."
//	blog  c3 cat  @5  (reply to c1) "Thanks, that fixed it!"
//	blog  d1 dee  @6  "A question about the docs."              thread D
//	blog  e1 eve  @8  "Just a note about the weather."          thread E
//	blog  a2 "Ann " @9 "Still wondering about the plan."        thread A2
//	forum f1 ann  @10 "A question about the API limits."        thread F
//	RecordReply to D @7; a draft on E; times are minutes after t0.
//
// Its queue is A B C E A2 F, every key with rank 0.
const (
	v1A  = "285512eec0c42c4e"
	v1B  = "c2b79638e817e3c2"
	v1C  = "a115946252c98d54"
	v1D  = "6b48ce7a1f630c7b"
	v1E  = "efb2869d09e06b5d"
	v1A2 = "1f76fde5bed5a312"
	v1F  = "270d42c6f2fbe7dd"
)

// openV1Copy copies the fixture (Open upgrades in place) and returns its path.
func openV1Copy(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "v1.db"))
	mustNil(t, err)
	path := filepath.Join(t.TempDir(), "parley.db")
	mustNil(t, os.WriteFile(path, raw, 0o600))
	if v := readVersion(t, path); v != 1 {
		t.Fatalf("fixture schema_version = %d, want 1", v)
	}
	return path
}

func TestMigrateV1(t *testing.T) {
	path := openV1Copy(t)
	s, err := Open(path, Options{NoSync: true, Ours: []string{"support"}})
	if err != nil {
		t.Fatalf("Open v1: %v", err)
	}
	_ = s.db.View(func(tx *bolt.Tx) error {
		if v := uint64FromBytes(tx.Bucket(bucketMeta).Get(keySchemaVersion)); v != schemaVersion() {
			t.Errorf("schema_version = %d, want %d", v, schemaVersion())
		}
		for _, b := range [][]byte{bucketOutbox, bucketOutboxThreads, bucketOutboxRemote} {
			if tx.Bucket(b) == nil {
				t.Errorf("bucket %s missing after the upgrade", b)
			}
		}
		return nil
	})
	checkIndexes(t, s) // stage index, moves, contacts, links, counters, queue ranks

	// Nothing of schema 1 is lost.
	if th, msgs, _ := s.Stats(); th != 7 || msgs != 9 {
		t.Errorf("Stats = %d threads, %d messages; want 7, 9", th, msgs)
	}
	if d, ok, _ := s.Draft(v1E); !ok || d.Text != "draft kept" {
		t.Errorf("draft = %+v, %v", d, ok)
	}

	// Contacts: one per author and feed; "Ann " and "ann" are one.
	blogAnn := contactID("blog", "ann")
	ann, err := s.Contact(blogAnn)
	mustNil(t, err)
	if ann.Messages != 2 || ann.Threads != 2 || !ann.FirstSeen.Equal(at(1)) || !ann.LastSeen.Equal(at(9)) {
		t.Errorf("blog ann = %+v", ann)
	}
	if c, err := s.Contact(contactID("forum", "ann")); err != nil || c.Messages != 1 || c.Threads != 1 {
		t.Errorf("forum ann = %+v, %v", c, err)
	}
	all, _ := s.Contacts()
	if len(all) != 6 { // ann (blog), bob, cat, dee, eve, ann (forum); never support
		t.Errorf("%d contacts, want 6: %+v", len(all), all)
	}
	if th := mustThread(t, s, v1A); th.Contact != blogAnn {
		t.Errorf("thread A: Contact %q, want %q", th.Contact, blogAnn)
	}
	if c, _ := s.Contact(contactID("blog", "dee")); c.Replies != 1 {
		t.Errorf("dee: Replies %d, want 1 (recorded in parley)", c.Replies)
	}
	if c, _ := s.Contact(contactID("blog", "cat")); c.Replies != 1 {
		t.Errorf("cat: Replies %d, want 1 (ours in the feed)", c.Replies)
	}

	// Opening again changes nothing.
	before := snapshotDB(t, s)
	mustNil(t, s.Close())
	s, err = Open(path, Options{NoSync: true, Ours: []string{"support"}})
	mustNil(t, err)
	defer s.Close()
	if after := snapshotDB(t, s); !slices.Equal(after, before) {
		t.Error("second Open changed the database")
	}
}

// TestMigrateV1Signals checks what the real analyzer makes of the
// fixture's clear-cut messages: stages, flags and the re-ranked queue.
func TestMigrateV1Signals(t *testing.T) {
	path := openV1Copy(t)
	s, err := Open(path, Options{NoSync: true, Ours: []string{"support"}})
	mustNil(t, err)
	defer s.Close()

	tests := []struct {
		id      string
		stage   funnel.Stage
		unhappy bool
	}{
		{v1A, funnel.Intent, false},
		{v1B, funnel.New, true},
		{v1C, funnel.Trusting, false},
		{v1D, funnel.New, false},
		{v1F, funnel.New, false},
	}
	for _, tc := range tests {
		th := mustThread(t, s, tc.id)
		if th.Stage != tc.stage || th.Unhappy != tc.unhappy || th.Intent != (tc.stage == funnel.Intent) {
			t.Errorf("thread %s: stage %s unhappy %v intent %v; want %s, %v", tc.id, th.Stage, th.Unhappy, th.Intent, tc.stage, tc.unhappy)
		}
	}
	if h, _ := s.StageHistory(v1A); len(h) != 1 || h[0].To != funnel.Intent || !h[0].At.Equal(at(1)) || h[0].Cause == "" {
		t.Errorf("history of A = %+v, want one move to intent at %v with a cause", h, at(1))
	}
	// Unhappy first, then intent, then longest waiting.
	want := []string{v1B, v1A, v1C, v1E, v1A2, v1F}
	if got := queueIDs(t, s, at(30)); !slices.Equal(got, want) {
		t.Errorf("queue = %v\nwant    %v", got, want)
	}
	_ = s.db.View(func(tx *bolt.Tx) error {
		k, _ := tx.Bucket(bucketQueue).Cursor().First()
		if k == nil || k[0] != rankUnhappy || !bytes.Equal(k[9:], []byte(v1B)) {
			t.Errorf("first queue key = %x, want rank 0 for B", k)
		}
		return nil
	})
	if c, _ := s.Contact(contactID("blog", "ann")); c.Stage != funnel.Intent {
		t.Errorf("blog ann at %s, want intent", c.Stage)
	}
	if c, _ := s.Contact(contactID("blog", "bob")); !c.Unhappy {
		t.Error("bob is not unhappy")
	}
}

// writeV2 makes a schema 2 file: written by this code, then taken back
// to version 2 (no outbox buckets, message and reply records cut before
// the schema 3 fields, which are all empty here).
func writeV2(t *testing.T, path string) (threads []string) {
	t.Helper()
	s, err := Open(path, Options{NoSync: true, Ours: []string{"support"}})
	mustNil(t, err)
	mustIngest(t, s, result("blog",
		item("a1", "ann", 1, text("How much is the team plan?")),
		item("b1", "bob", 2, text("This is broken and I want a refund.")),
		item("b2", "support", 3, replyTo("b1"), text("Sorry! Refunded.")),
	), at(5))
	a, b := threadOf(t, s, "a1"), threadOf(t, s, "b1")
	mustNil(t, s.RecordReply(Reply{ThreadID: a, Text: "49 EUR a seat.", At: at(6), Via: "clipboard"}))
	mustNil(t, s.SaveDraft(b, "draft kept", at(7)))
	mustNil(t, s.Close())

	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	mustNil(t, err)
	defer db.Close()
	mustNil(t, db.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketOutbox, bucketOutboxThreads, bucketOutboxRemote, bucketConversations, bucketStageConvs} {
			if err := tx.DeleteBucket(name); err != nil {
				return err
			}
		}
		if _, err := tx.CreateBucket(bucketStageThreads); err != nil {
			return err
		}
		// The schema 5 fields go first: a message's Contact, a reply's To
		// and InReplyTo (and the Key RecordReply now gives every reply).
		err := tx.Bucket(bucketMessages).ForEach(func(k, v []byte) error {
			m, err := decodeMessage(k, v)
			if err != nil {
				return err
			}
			m.Contact = ""
			return tx.Bucket(bucketMessages).Put(k, encodeMessage(&m))
		})
		if err != nil {
			return err
		}
		err = tx.Bucket(bucketReplies).ForEach(func(k, v []byte) error {
			r, err := decodeReply(v)
			if err != nil {
				return err
			}
			r.To, r.InReplyTo, r.Key = "", "", ""
			return tx.Bucket(bucketReplies).Put(k, encodeReply(&r))
		})
		if err != nil {
			return err
		}
		// Empty Target (5 one-byte fields) + ReplyKey + Contact; empty Who
		// Key RemoteID URL To InReplyTo.
		for _, c := range []struct {
			bucket []byte
			cut    int
		}{{bucketMessages, 7}, {bucketReplies, 6}} {
			b := tx.Bucket(c.bucket)
			cut := map[string][]byte{}
			err := b.ForEach(func(k, v []byte) error {
				if !bytes.Equal(v[len(v)-c.cut:], make([]byte, c.cut)) {
					return fmt.Errorf("%s %x does not end in %d empty fields", c.bucket, k, c.cut)
				}
				cut[string(k)] = append([]byte(nil), v[:len(v)-c.cut]...)
				return nil
			})
			if err != nil {
				return err
			}
			for k, v := range cut {
				if err := b.Put([]byte(k), v); err != nil {
					return err
				}
			}
		}
		return tx.Bucket(bucketMeta).Put(keySchemaVersion, uint64Bytes(2))
	}))
	return []string{a, b}
}

func TestMigrateV2(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parley.db")
	ids := writeV2(t, path)
	if v := readVersion(t, path); v != 2 {
		t.Fatalf("fixture schema_version = %d, want 2", v)
	}

	// A parley that knows only schema 2 opens it.
	saved := migrations
	migrations = saved[:2]
	s, err := Open(path, Options{NoSync: true, Ours: []string{"support"}})
	mustNil(t, err)
	type view struct {
		threads []Thread
		msgs    [][]Message
		replies [][]Reply
	}
	read := func(s *Store) view {
		var v view
		for _, id := range ids {
			v.threads = append(v.threads, mustThread(t, s, id))
			m, err := s.Messages(id)
			mustNil(t, err)
			r, err := s.Replies(id)
			mustNil(t, err)
			v.msgs, v.replies = append(v.msgs, m), append(v.replies, r)
		}
		return v
	}
	before := read(s)
	mustNil(t, s.Close())
	migrations = saved
	if v := readVersion(t, path); v != 2 {
		t.Fatalf("schema_version = %d after a schema 2 parley opened it", v)
	}

	s, err = Open(path, Options{NoSync: true, Ours: []string{"support"}})
	mustNil(t, err)
	_ = s.db.View(func(tx *bolt.Tx) error {
		if v := uint64FromBytes(tx.Bucket(bucketMeta).Get(keySchemaVersion)); v != schemaVersion() {
			t.Errorf("schema_version = %d, want %d", v, schemaVersion())
		}
		return nil
	})
	checkIndexes(t, s) // checks the outbox buckets exist, too
	after := read(s)
	// Schema 5 gives each message and reply its person, each reply a key
	// and each thread its waiting person; nothing else changes.
	for i := range ids {
		after.threads[i].Waiter, after.threads[i].WaitingPeople = Thread{}.Waiter, 0
		for j := range after.msgs[i] {
			after.msgs[i][j].Contact = ""
		}
		for j := range after.replies[i] {
			after.replies[i][j].To, after.replies[i][j].InReplyTo, after.replies[i][j].Key = "", "", ""
		}
	}
	for i := range ids {
		if after.threads[i] != before.threads[i] || !slices.Equal(after.msgs[i], before.msgs[i]) ||
			!slices.Equal(after.replies[i], before.replies[i]) {
			t.Errorf("thread %s changed in the upgrade:\n got %+v\nwant %+v", ids[i], after, before)
		}
	}
	if len(before.msgs[1]) != 2 || !before.msgs[1][1].Ours || len(before.replies[0]) != 1 {
		t.Errorf("fixture read back wrong: %+v", before)
	}
	if d, ok, _ := s.Draft(ids[1]); !ok || d.Text != "draft kept" {
		t.Errorf("draft = %+v, %v", d, ok)
	}
	if p, err := s.Pending(); err != nil || len(p) != 0 {
		t.Errorf("Pending = %v, %v; want an empty outbox", p, err)
	}
	mustNil(t, s.Close())

	// Now that it may hold an outbox, a schema 2 parley must refuse it.
	migrations = saved[:2]
	defer func() { migrations = saved }()
	if _, err := Open(path, Options{NoSync: true}); !errors.Is(err, ErrNewerSchema) {
		t.Errorf("schema 2 parley opening a schema 3 file: err = %v, want ErrNewerSchema", err)
	}
}
