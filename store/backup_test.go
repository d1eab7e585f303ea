package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"parley/feeds"
)

// fillForBackup stores a little of everything: threads in two feeds, a
// recorded reply and a draft.
func fillForBackup(t *testing.T, s *Store) (draftThread string) {
	t.Helper()
	mustIngest(t, s, result("blog",
		item("a1", "ann", 1, text("How much is the team plan?")),
		item("b1", "bob", 2, text("This is broken.")),
	), at(3))
	mustIngest(t, s, result("forum", item("f1", "cat", 4, text("Any news on the API?"))), at(5))
	a, b := threadOf(t, s, "a1"), threadOf(t, s, "b1")
	mustNil(t, s.RecordReply(Reply{ThreadID: a, Text: "49 EUR a seat.", At: at(6), Via: "clipboard", Who: "maya"}))
	mustNil(t, s.SaveDraft(b, "Sorry, looking into it", at(7)))
	return b
}

// openCopy opens a backup as parley would and checks its pages.
func openCopy(t *testing.T, path string) *Store {
	t.Helper()
	c, err := Open(path, Options{NoSync: true, Timeout: time.Second})
	if err != nil {
		t.Fatalf("the copy does not open: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	if err := c.Check(); err != nil {
		t.Fatalf("the copy is inconsistent: %v", err)
	}
	return c
}

func TestBackupIsAFaithfulPrivateCopy(t *testing.T) {
	s := openTest(t, "support")
	draftThread := fillForBackup(t, s)
	target := filepath.Join(t.TempDir(), "copy.db")

	info, err := s.Backup(target)
	mustNil(t, err)
	fi, err := os.Stat(target)
	mustNil(t, err)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("copy mode = %o, want 600", fi.Mode().Perm())
	}
	if info.Bytes != fi.Size() || info.Threads != 3 {
		t.Errorf("info = %+v; want %d bytes (the file) and 3 threads", info, fi.Size())
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(target), ".*tmp*")); len(left) > 0 {
		t.Errorf("temp files left beside the copy: %v", left)
	}

	c := openCopy(t, target)
	// Every bucket, key, value and sequence is the same.
	if got, want := snapshotDB(t, c), snapshotDB(t, s); !slices.Equal(got, want) {
		t.Errorf("the copy differs from the database:\n got %d entries\nwant %d", len(got), len(want))
	}
	checkIndexes(t, c)
	if th, msgs, _ := c.Stats(); th != 3 || msgs != 3 {
		t.Errorf("copy Stats = %d threads, %d messages; want 3, 3", th, msgs)
	}
	if d, ok, _ := c.Draft(draftThread); !ok || d.Text != "Sorry, looking into it" {
		t.Errorf("copy draft = %+v, %v", d, ok)
	}
	if r, _ := c.Replies(threadOf(t, c, "a1")); len(r) != 1 || r[0].Text != "49 EUR a seat." || r[0].Who != "maya" {
		t.Errorf("copy replies = %+v", r)
	}
}

func TestBackupNeverOverwrites(t *testing.T) {
	s := openTest(t)
	fillForBackup(t, s)
	dir := t.TempDir()
	target := filepath.Join(dir, "precious.db")
	mustNil(t, os.WriteFile(target, []byte("keep me"), 0o600))

	_, err := s.Backup(target)
	if !errors.Is(err, ErrTargetExists) || !strings.Contains(err.Error(), target) {
		t.Errorf("err = %v, want ErrTargetExists naming %s", err, target)
	}
	if raw, _ := os.ReadFile(target); string(raw) != "keep me" {
		t.Errorf("the existing file was changed to %q", raw)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("dir holds %d entries after a refused backup, want the one file", len(entries))
	}
}

func TestBackupTargetErrors(t *testing.T) {
	s := openTest(t)
	tests := []struct {
		name, target, want string
	}{
		{"relative path", "copy.db", "not an absolute path"},
		{"missing directory", filepath.Join(t.TempDir(), "nope", "copy.db"), "create the copy in"},
		{"the database itself", s.Path(), "already exists"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := s.Backup(tc.target); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Backup(%s) err = %v, want %q", tc.target, err, tc.want)
			}
		})
	}
}

// A backup is one read transaction: taken while another goroutine keeps
// ingesting, each copy is a whole state of the database, with every index
// matching its records.
func TestBackupWhileIngesting(t *testing.T) {
	s := openTest(t, "support")
	stop := make(chan struct{})
	var rounds atomic.Int64
	ingestErr := make(chan error, 1)
	go func() {
		defer close(ingestErr)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			// Enough text per round that the file grows and pages split.
			res := feeds.Result{Feed: "blog"}
			for j := range 20 {
				id := fmt.Sprintf("m%d-%d", i, j)
				res.Items = append(res.Items, feeds.Item{ID: id, Feed: "blog", Author: fmt.Sprintf("user%d", j%7),
					Title: "t " + id, Text: strings.Repeat("words about pricing ", 20), Published: at(i*20 + j),
					InReplyTo: map[bool]string{true: fmt.Sprintf("m%d-0", i), false: ""}[j%3 == 1]})
			}
			if _, err := s.Ingest(res, at(i*20+20)); err != nil {
				ingestErr <- err
				return
			}
			if i%4 == 0 {
				var tid string
				_ = s.db.View(func(tx *bolt.Tx) error {
					tid = decodeMessageThread(tx.Bucket(bucketMessages).Get([]byte(fmt.Sprintf("m%d-0", i))))
					return nil
				})
				if err := s.SaveDraft(tid, fmt.Sprintf("draft %d", i), at(i*20+20)); err != nil {
					ingestErr <- err
					return
				}
			}
			rounds.Add(1)
		}
	}()
	waitRounds := func(n int64) {
		deadline := time.Now().Add(20 * time.Second)
		for rounds.Load() < n {
			if time.Now().After(deadline) {
				t.Fatalf("ingest stalled at %d rounds", rounds.Load())
			}
			time.Sleep(time.Millisecond)
		}
	}
	waitRounds(1)
	dir := t.TempDir()
	var threads []int
	for i := range 6 {
		before := rounds.Load()
		target := filepath.Join(dir, fmt.Sprintf("copy%d.db", i))
		info, err := s.Backup(target)
		mustNil(t, err)
		c := openCopy(t, target) // Check: the pages are sound
		checkIndexes(t, c)       // and the records agree with each other
		if n, _, _ := c.Stats(); n != info.Threads {
			t.Errorf("copy %d holds %d threads, Backup said %d", i, n, info.Threads)
		}
		threads = append(threads, info.Threads)
		waitRounds(before + 1) // the next copy sees a different state
	}
	close(stop)
	if err := <-ingestErr; err != nil {
		t.Fatalf("ingest: %v", err)
	}
	if !slices.IsSorted(threads) || threads[0] == threads[len(threads)-1] {
		t.Errorf("threads per copy = %v: the copies did not follow the ingest", threads)
	}
}

func TestBackupFileLeavesTheSourceAlone(t *testing.T) {
	path := openV1Copy(t) // schema 1: Open would upgrade it
	before, err := os.ReadFile(path)
	mustNil(t, err)
	target := filepath.Join(t.TempDir(), "copy.db")

	info, err := BackupFile(path, target, time.Second)
	mustNil(t, err)
	if info.Threads != 7 {
		t.Errorf("info = %+v, want 7 threads", info)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Error("BackupFile changed the database")
	}
	if v := readVersion(t, target); v != 1 {
		t.Errorf("copy schema_version = %d, want 1: a backup keeps the layout it copied", v)
	}
	if fi, err := os.Stat(target); err != nil || fi.Mode().Perm() != 0o600 || fi.Size() != info.Bytes {
		t.Errorf("copy: %v, %v; want 0600 and %d bytes", fi, err, info.Bytes)
	}
	c := openCopy(t, target) // and parley can still upgrade the copy
	if th, msgs, _ := c.Stats(); th != 7 || msgs != 9 {
		t.Errorf("copy Stats = %d threads, %d messages; want 7, 9", th, msgs)
	}
}

func TestBackupFileErrors(t *testing.T) {
	dir := t.TempDir()
	held := filepath.Join(dir, "held.db")
	s, err := Open(held, Options{NoSync: true})
	mustNil(t, err)
	defer s.Close()
	other := filepath.Join(dir, "other.db")
	db, err := bolt.Open(other, 0o600, nil)
	mustNil(t, err)
	mustNil(t, db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("x")); return err }))
	mustNil(t, db.Close())

	tests := []struct {
		name, path string
		is         error
		want       string
	}{
		{"held by a parley", held, ErrLocked, "another parley is using " + held},
		{"missing", filepath.Join(dir, "none.db"), nil, "no database at " + filepath.Join(dir, "none.db")},
		{"another bbolt file", other, nil, other + " is not a parley database"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			target := filepath.Join(t.TempDir(), "copy.db")
			_, err := BackupFile(tc.path, target, 100*time.Millisecond)
			if err == nil || !strings.Contains(err.Error(), tc.want) || (tc.is != nil && !errors.Is(err, tc.is)) {
				t.Errorf("err = %v, want %q (is %v)", err, tc.want, tc.is)
			}
			if _, err := os.Stat(target); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a failed backup left %s (stat: %v)", target, err)
			}
		})
	}
}

// A target that appears between the check and the rename is still not
// overwritten.
func TestPlaceNoClobberKeepsAFileThatAppeared(t *testing.T) {
	dir := t.TempDir()
	tmp, target := filepath.Join(dir, ".copy.tmp"), filepath.Join(dir, "copy.db")
	mustNil(t, os.WriteFile(tmp, []byte("new copy"), 0o600))
	mustNil(t, os.WriteFile(target, []byte("appeared meanwhile"), 0o600))
	if err := placeNoClobber(tmp, target); !errors.Is(err, ErrTargetExists) {
		t.Errorf("err = %v, want ErrTargetExists", err)
	}
	if raw, _ := os.ReadFile(target); string(raw) != "appeared meanwhile" {
		t.Errorf("target became %q", raw)
	}
	mustNil(t, os.Remove(target))
	mustNil(t, placeNoClobber(tmp, target))
	if raw, _ := os.ReadFile(target); string(raw) != "new copy" {
		t.Errorf("target = %q, want the copy", raw)
	}
}
