package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func TestOpenLockedNamesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parley.db")
	first, err := Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()

	type result struct {
		s   *Store
		err error
	}
	done := make(chan result, 1)
	start := time.Now()
	go func() {
		s, err := Open(path, Options{NoSync: true, Timeout: 200 * time.Millisecond})
		done <- result{s, err}
	}()
	select {
	case r := <-done:
		if r.s != nil {
			r.s.Close()
			t.Fatal("second Open of a locked database succeeded")
		}
		if !errors.Is(r.err, ErrLocked) {
			t.Fatalf("err = %v, want ErrLocked", r.err)
		}
		want := "another parley is using " + path + " (close it, or use --db for a different database)"
		if r.err.Error() != want {
			t.Errorf("message = %q\nwant      %q", r.err, want)
		}
		if d := time.Since(start); d < 150*time.Millisecond {
			t.Errorf("gave up after %v, before the 200ms timeout", d)
		}
	case <-time.After(2500 * time.Millisecond):
		t.Fatal("second Open hung instead of returning ErrLocked")
	}

	// Once the first closes, the file opens again.
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := Open(path, Options{NoSync: true, Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatalf("Open after the holder closed: %v", err)
	}
	again.Close()
}

func TestOpenPermissions(t *testing.T) {
	tests := []struct {
		name     string
		existing os.FileMode // 0: directory does not exist yet
		wantDir  os.FileMode
	}{
		{"new directory is private", 0, 0o700},
		{"existing directory is left alone", 0o755, 0o755},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "cfg", "parley")
			if tc.existing != 0 {
				mustNil(t, os.MkdirAll(dir, 0o700))
				mustNil(t, os.Chmod(dir, tc.existing))
			}
			path := filepath.Join(dir, "parley.db")
			s, err := Open(path, Options{NoSync: true})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if s.Path() != path {
				t.Errorf("Path = %q, want %q", s.Path(), path)
			}
			fi, err := os.Stat(path)
			mustNil(t, err)
			if got := fi.Mode().Perm(); got != 0o600 {
				t.Errorf("file mode = %o, want 600", got)
			}
			di, err := os.Stat(dir)
			mustNil(t, err)
			if got := di.Mode().Perm(); got != tc.wantDir {
				t.Errorf("dir mode = %o, want %o", got, tc.wantDir)
			}
		})
	}
}

func TestOpenRelativePathIsAbsolute(t *testing.T) {
	t.Chdir(t.TempDir())
	s, err := Open("parley.db", Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !filepath.IsAbs(s.Path()) {
		t.Errorf("Path = %q, want absolute so messages name the real file", s.Path())
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parley.db")
	s, err := Open(path, Options{NoSync: true})
	mustNil(t, err)
	mustNil(t, s.Close())
	setVersion(t, path, 99)

	_, err = Open(path, Options{NoSync: true})
	if !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("err = %v, want ErrNewerSchema", err)
	}
	for _, want := range []string{path, "99", "upgrade parley"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q does not mention %q", err, want)
		}
	}
	if v := readVersion(t, path); v != 99 {
		t.Errorf("refused Open changed schema_version to %d", v)
	}
}

func TestOpenNotADatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.txt")
	mustNil(t, os.WriteFile(path, []byte(strings.Repeat("not bolt\n", 1000)), 0o600))
	_, err := Open(path, Options{NoSync: true})
	if err == nil || !strings.Contains(err.Error(), "not a parley database") || !strings.Contains(err.Error(), path) {
		t.Errorf("err = %v, want a message naming the file as not a parley database", err)
	}
}

func TestMigrationsRunInOrderOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parley.db")
	s, err := Open(path, Options{NoSync: true})
	mustNil(t, err)
	mustNil(t, s.SaveDraft("0123456789abcdef", "keep me", at(0)))
	mustNil(t, s.Close())
	base := schemaVersion()
	if v := readVersion(t, path); v != base {
		t.Fatalf("fresh schema_version = %d, want %d", v, base)
	}

	var ran []string
	saved := migrations
	t.Cleanup(func() { migrations = saved })
	migrations = append(append([]migration(nil), saved...),
		migration{name: "two", run: func(*bolt.Tx, migrateEnv) error { ran = append(ran, "two"); return nil }},
		migration{name: "three", run: func(*bolt.Tx, migrateEnv) error { ran = append(ran, "three"); return nil }},
	)
	s, err = Open(path, Options{NoSync: true})
	mustNil(t, err)
	mustNil(t, s.Close())
	if strings.Join(ran, ",") != "two,three" {
		t.Errorf("migrations ran %v, want [two three]", ran)
	}
	if v := readVersion(t, path); v != base+2 {
		t.Errorf("schema_version = %d, want %d", v, base+2)
	}

	ran = nil
	s, err = Open(path, Options{NoSync: true})
	mustNil(t, err)
	defer s.Close()
	if len(ran) != 0 {
		t.Errorf("migrations ran again on reopen: %v", ran)
	}
	if d, ok, _ := s.Draft("0123456789abcdef"); !ok || d.Text != "keep me" {
		t.Errorf("draft lost across migration: %+v %v", d, ok)
	}
}

func TestFailedMigrationLeavesFileUntouched(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parley.db")
	s, err := Open(path, Options{NoSync: true})
	mustNil(t, err)
	mustNil(t, s.Close())

	saved := migrations
	t.Cleanup(func() { migrations = saved })
	migrations = append(append([]migration(nil), saved...),
		migration{name: "adds a bucket", run: func(tx *bolt.Tx, _ migrateEnv) error {
			_, err := tx.CreateBucket([]byte("half-done"))
			return err
		}},
		migration{name: "fails", run: func(*bolt.Tx, migrateEnv) error { return errors.New("boom") }},
	)
	_, err = Open(path, Options{NoSync: true})
	base := uint64(len(saved))
	if err == nil || !strings.Contains(err.Error(), "boom") || !strings.Contains(err.Error(), fmt.Sprint("schema version ", base+2)) {
		t.Fatalf("err = %v, want the failing step named", err)
	}
	migrations = saved
	if v := readVersion(t, path); v != base {
		t.Errorf("schema_version = %d after failed upgrade, want %d", v, base)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, ReadOnly: true})
	mustNil(t, err)
	defer db.Close()
	_ = db.View(func(tx *bolt.Tx) error {
		if tx.Bucket([]byte("half-done")) != nil {
			t.Error("a failed migration left its bucket behind")
		}
		return nil
	})
}

func setVersion(t *testing.T, path string, v uint64) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	mustNil(t, err)
	defer db.Close()
	mustNil(t, db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(keySchemaVersion, uint64Bytes(v))
	}))
}

func readVersion(t *testing.T, path string) uint64 {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, ReadOnly: true})
	mustNil(t, err)
	defer db.Close()
	var v uint64
	_ = db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketMeta); b != nil {
			if raw := b.Get(keySchemaVersion); len(raw) == 8 {
				v = uint64FromBytes(raw)
			}
		}
		return nil
	})
	return v
}

// Opening a file that is already current writes nothing: a commit would
// fsync, which on a big database is most of the start-up time.
func TestOpenCurrentFileWritesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parley.db")
	txID := func() int {
		s, err := Open(path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		var id int
		s.db.View(func(tx *bolt.Tx) error { id = tx.ID(); return nil })
		return id
	}
	first := txID() // creates the buckets: one commit
	if again := txID(); again != first {
		t.Errorf("reopening committed a transaction (txid %d -> %d)", first, again)
	}
}
