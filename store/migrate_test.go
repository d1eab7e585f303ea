package store

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"

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
		if v := uint64FromBytes(tx.Bucket(bucketMeta).Get(keySchemaVersion)); v != 3 {
			t.Errorf("schema_version = %d, want 3", v)
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
