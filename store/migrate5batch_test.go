package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// copyFixture copies testdata/name to a fresh file (Open upgrades in
// place) and returns its path.
func copyFixture(t *testing.T, name string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	mustNil(t, err)
	path := filepath.Join(t.TempDir(), "parley.db")
	mustNil(t, os.WriteFile(path, raw, 0o600))
	return path
}

// upgradedSnapshot opens path, a copy of fixture name (upgrading it), and
// returns every bucket's content, after checking the indexes.
func upgradedSnapshot(t *testing.T, name, path string) []string {
	t.Helper()
	unkeyed := unkeyedReplies(t, filepath.Join("testdata", name))
	s, err := Open(path, Options{NoSync: true, Ours: fixtureOurs})
	mustNil(t, err)
	defer s.Close()
	checkIndexes(t, s)
	return withoutNewReplyKeys(t, s, snapshotDB(t, s), unkeyed)
}

// unkeyedReplies lists the replies of the file at path that have no Key
// (recorded before replies had one).
func unkeyedReplies(t *testing.T, path string) map[string]bool {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	mustNil(t, err)
	defer db.Close()
	out := map[string]bool{}
	mustNil(t, db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketReplies).ForEach(func(k, v []byte) error {
			r, err := decodeReply(v)
			if err == nil && r.Key == "" {
				out[string(k)] = true
			}
			return err
		})
	}))
	return out
}

// withoutNewReplyKeys blanks, in a snapshot, the Key of each reply in
// unkeyed: the step gives it a random one.
func withoutNewReplyKeys(t *testing.T, s *Store, snap []string, unkeyed map[string]bool) []string {
	t.Helper()
	mustNil(t, s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketReplies).ForEach(func(k, v []byte) error {
			r, err := decodeReply(v)
			if err != nil || !unkeyed[string(k)] {
				return err
			}
			line := fmt.Sprintf("%s %x=%x", bucketReplies, k, v)
			i := slices.Index(snap, line)
			if i < 0 {
				return fmt.Errorf("reply %x is not in the snapshot", k)
			}
			r.Key = "new"
			snap[i] = fmt.Sprintf("%s %x=%x", bucketReplies, k, encodeReply(&r))
			return nil
		})
	}))
	return snap
}

// withOneTxStep5 runs fn with the schema 5 step as it was before it
// committed in batches.
func withOneTxStep5(fn func()) {
	saved := migrations
	defer func() { migrations = saved }()
	migrations = slices.Clone(saved)
	migrations[4] = migration{name: saved[4].name, run: migrateConversationsOneTx}
	fn()
}

// migrateFixtures are the fixtures older than schema 5, with threads of
// several people, manual moves, a conversion on an old thread ref and an
// unsent outbox entry between them.
var migrateFixtures = []string{"v1.db", "v3.db", "v4.db", "v4multi.db"}

// TestBatchedStep5IsTheOneTxStep: committing the schema 5 step in batches
// (here one thread or one contact per transaction) leaves exactly the
// file the single transaction did.
func TestBatchedStep5IsTheOneTxStep(t *testing.T) {
	for _, name := range migrateFixtures {
		t.Run(name, func(t *testing.T) {
			var want []string
			withOneTxStep5(func() { want = upgradedSnapshot(t, name, copyFixture(t, name)) })
			for _, budget := range []int{1, 3, migrate5Budget} {
				saved := migrate5Budget
				migrate5Budget = budget
				got := upgradedSnapshot(t, name, copyFixture(t, name))
				migrate5Budget = saved
				if !slices.Equal(got, want) {
					t.Errorf("budget %d: the batched upgrade differs from the one-transaction one:\n%s", budget, diffLines(got, want))
				}
			}
		})
	}
}

var errKilled = errors.New("killed between batches")

// TestStep5ResumesAfterAStop stops the schema 5 step after each of its
// batches in turn (as a kill -9 between two commits would; a kill inside
// one is rolled back by bbolt), and after one more batch of the resumed
// run: the file stays at schema 4 until the step is done, and the next
// Open finishes it with the same result as an uninterrupted run, with no
// conversation, move, contact or sale doubled or lost.
func TestStep5ResumesAfterAStop(t *testing.T) {
	saved := migrate5Budget
	migrate5Budget = 1
	defer func() { migrate5Budget, migrate5AfterBatch = saved, nil }()
	for _, name := range migrateFixtures {
		t.Run(name, func(t *testing.T) {
			migrate5AfterBatch = nil
			want := upgradedSnapshot(t, name, copyFixture(t, name))
			for stopAt := 1; ; stopAt++ {
				path := copyFixture(t, name)
				batches, limit := 0, stopAt
				migrate5AfterBatch = func() error {
					if batches++; batches == limit {
						return errKilled
					}
					return nil
				}
				s, err := Open(path, Options{NoSync: true, Ours: fixtureOurs})
				if err == nil {
					mustNil(t, s.Close())
					migrate5AfterBatch = nil
					if stopAt == 1 {
						t.Fatal("the step never stopped between batches: one batch only?")
					}
					break // stopAt is past the last batch
				}
				if !errors.Is(err, errKilled) {
					t.Fatalf("stop after batch %d: %v", stopAt, err)
				}
				if v := readVersion(t, path); v != 4 {
					t.Errorf("stop after batch %d: schema_version = %d, want 4 until the step is done", stopAt, v)
				}
				if !hasMigrate5Mark(t, path) {
					t.Errorf("stop after batch %d: no meta/migrate5 to resume from", stopAt)
				}
				// Stopped again one batch into the resumed run.
				batches, limit = 0, 1
				if s, err := Open(path, Options{NoSync: true, Ours: fixtureOurs}); err == nil {
					mustNil(t, s.Close()) // the rest was one batch
				} else if !errors.Is(err, errKilled) {
					t.Fatalf("second stop: %v", err)
				}
				migrate5AfterBatch = nil
				got := upgradedSnapshot(t, name, path)
				if !slices.Equal(got, want) {
					t.Errorf("resumed after a stop: the file differs from an uninterrupted upgrade:\n%s", diffLines(got, want))
				}
				if hasMigrate5Mark(t, path) {
					t.Error("meta/migrate5 left after the step finished")
				}
			}
		})
	}
}

func hasMigrate5Mark(t *testing.T, path string) bool {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	mustNil(t, err)
	defer db.Close()
	found := false
	mustNil(t, db.View(func(tx *bolt.Tx) error {
		found = tx.Bucket(bucketMeta).Get(keyMigrate5) != nil || tx.Bucket(bucketMigrate5Kept) != nil
		return nil
	}))
	return found
}

// diffLines lists the lines only one side has.
func diffLines(got, want []string) string {
	out := ""
	for _, l := range got {
		if !slices.Contains(want, l) {
			out += "+ " + l + "\n"
		}
	}
	for _, l := range want {
		if !slices.Contains(got, l) {
			out += "- " + l + "\n"
		}
	}
	return out
}

// TestUpgradeReportsStepsAndProgress: Open names each upgrade step before
// the progress it reports, and the schema 5 step reports its batches up
// to done == total (threads and contacts).
func TestUpgradeReportsStepsAndProgress(t *testing.T) {
	saved := migrate5Budget
	migrate5Budget = 2
	defer func() { migrate5Budget = saved }()
	var got []string
	s, err := Open(copyFixture(t, "v4multi.db"), Options{NoSync: true, Ours: fixtureOurs,
		Step:     func(name string) { got = append(got, name) },
		Progress: func(done, total int) { got = append(got, fmt.Sprintf("%d/%d", done, total)) }})
	mustNil(t, err)
	defer s.Close()
	// Units of work: a thread and each of its messages (the blog post's 6,
	// the Mastodon thread's 3), a contact (6). Each batch is one thread
	// or two contacts. Schema 7 counts threads, conversations and contacts.
	want := []string{"schema 5: conversations", "7/17", "11/17", "13/17", "15/17", "17/17",
		"schema 6: teammates", "schema 7: funnel counters", "14/14", "schema 8: team reads and counters"}
	if !slices.Equal(got, want) {
		t.Errorf("Step and Progress heard %q\nwant %q", got, want)
	}
}
