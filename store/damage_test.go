package store

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"parley/feeds"
	"parley/store/damagetest"
)

// corpusThreads is enough threads for a threads bucket of several pages
// (a branch page over leaves), so branch and leaf damage can be made.
const corpusThreads = 300

// healthyDB writes a parley database with corpusThreads threads.
func healthyDB(t testing.TB, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "healthy.db")
	s, err := Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	items := make([]feeds.Item, corpusThreads)
	for i := range items {
		items[i] = item(fmt.Sprintf("item-%03d", i), "author", i,
			text(strings.Repeat(fmt.Sprintf("words of item %d ", i), 8)))
	}
	if _, err := s.Ingest(result("blog", items...), at(corpusThreads)); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveDraft(threadOfNoCheck(t, s, "item-000"), "a draft", at(1)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func threadOfNoCheck(t testing.TB, s *Store, msgID string) string {
	t.Helper()
	q, err := s.Queue(at(corpusThreads))
	if err != nil || len(q) == 0 {
		t.Fatalf("Queue: %v (%d threads)", err, len(q))
	}
	return q[0].ID
}

func corpus(t *testing.T) []damagetest.Case {
	t.Helper()
	dir := t.TempDir()
	cases, err := damagetest.Corpus(healthyDB(t, dir), dir)
	if err != nil {
		t.Fatal(err)
	}
	return cases
}

type fileState struct {
	sum   [32]byte
	mtime time.Time
	size  int64
}

func stateOf(t testing.TB, path string) fileState {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fileState{sha256.Sum256(b), fi.ModTime(), fi.Size()}
}

// TestDamagedCorpus opens every damaged file in a child process, so that
// a crash (a SIGSEGV or SIGBUS from bbolt's memory map is fatal, not a
// panic) fails the test instead of killing it.
func TestDamagedCorpus(t *testing.T) {
	for _, c := range corpus(t) {
		t.Run(c.Name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestDamagedChild$", "-test.v")
			opens := "0"
			if c.Opens {
				opens = "1"
			}
			cmd.Env = append(os.Environ(), "PARLEY_DAMAGED_DB="+c.Path, "PARLEY_DAMAGED_OPENS="+opens)
			out, err := cmd.CombinedOutput()
			if err != nil || !strings.Contains(string(out), "--- PASS: TestDamagedChild") {
				t.Fatalf("child: %v\n%s", err, out)
			}
			for _, bad := range []string{"goroutine ", "fatal error", "unexpected fault"} {
				if strings.Contains(string(out), bad) {
					t.Errorf("child output has %q:\n%s", bad, out)
				}
			}
			t.Logf("%s", out)
		})
	}
}

// TestDamagedChild is run by TestDamagedCorpus on one damaged file.
func TestDamagedChild(t *testing.T) {
	path := os.Getenv("PARLEY_DAMAGED_DB")
	if path == "" {
		t.Skip("run by TestDamagedCorpus in a child process")
	}
	before := stateOf(t, path)
	s, err := Open(path, Options{NoSync: true, Timeout: time.Second})
	if os.Getenv("PARLEY_DAMAGED_OPENS") == "1" {
		// One meta page is bad: bbolt uses the other, and so must parley.
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		defer s.Close()
		if n, _, err := s.Stats(); err != nil || n == 0 {
			t.Fatalf("Stats: %d threads, %v", n, err)
		}
		if err := s.Check(); err != nil {
			t.Fatalf("Check: %v", err)
		}
		return
	}
	if err != nil {
		if !errors.Is(err, ErrDamaged) {
			t.Fatalf("Open: %v, want ErrDamaged", err)
		}
		for _, want := range []string{path + " is damaged: ", "parley doctor --salvage"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("Open's error lacks %q: %v", want, err)
			}
		}
		if after := stateOf(t, path); after != before {
			t.Errorf("Open changed the damaged file: %+v -> %+v", before, after)
		}
		t.Logf("Open: %v", err)
		return
	}
	defer s.Close()
	// The damage is deep in the tree: Open cannot see it, and the first
	// call that reads the bad page must end in ErrDamaged, not a crash.
	ops := []struct {
		name string
		run  func() error
	}{
		{"Export", func() error { return s.Export(func(ExportRow) error { return nil }) }},
		{"Queue", func() error { _, err := s.Queue(at(corpusThreads)); return err }},
		{"Stats", func() error { _, _, err := s.Stats(); return err }},
		{"Ingest", func() error {
			_, err := s.Ingest(result("blog", item("new-item", "x", 1)), at(corpusThreads))
			return err
		}},
		{"Check", s.Check},
	}
	var first string
	for _, op := range ops {
		err := op.run()
		t.Logf("%s: %v", op.name, err)
		if errors.Is(err, ErrDamaged) && first == "" {
			first = op.name
		}
	}
	if first == "" {
		t.Fatal("no operation reported ErrDamaged")
	}
	if first != "Export" {
		t.Errorf("Export read every thread but did not report the damage (first: %s)", first)
	}
	if err := s.Damaged(); !errors.Is(err, ErrDamaged) {
		t.Errorf("Damaged() = %v after the damage was found", err)
	}
	select {
	case <-s.DamagedNotify():
	default:
		t.Error("DamagedNotify not closed")
	}
	if _, err := s.Drafts(); !errors.Is(err, ErrDamaged) {
		t.Errorf("Drafts after damage: %v, want ErrDamaged at once", err)
	}
}

// TestCheckFileFindsTheDamageAndWritesNothing: doctor's check reports
// every damaged file and leaves every byte and the mtime as they were.
func TestCheckFileFindsTheDamageAndWritesNothing(t *testing.T) {
	for _, c := range corpus(t) {
		t.Run(c.Name, func(t *testing.T) {
			before := stateOf(t, c.Path)
			rep, err := CheckFile(c.Path, time.Second)
			if c.Opens {
				if err != nil {
					t.Errorf("CheckFile: %v, want nil (bbolt uses the other meta page)", err)
				}
			} else {
				if !errors.Is(err, ErrDamaged) {
					t.Errorf("CheckFile: %v, want ErrDamaged", err)
				}
				if len(rep.Problems) == 0 {
					t.Error("no problems listed")
				}
			}
			t.Logf("%v %+v", err, rep)
			if after := stateOf(t, c.Path); after != before {
				t.Errorf("CheckFile changed the file: %+v -> %+v", before, after)
			}
		})
	}
}

func TestCheckFileOnAHealthyDatabase(t *testing.T) {
	path := healthyDB(t, t.TempDir())
	rep, err := CheckFile(path, time.Second)
	if err != nil {
		t.Fatalf("CheckFile: %v", err)
	}
	if rep.Keys < 2*corpusThreads || rep.Buckets != len(allBuckets) {
		t.Errorf("report %+v: want at least %d keys in %d buckets", rep, 2*corpusThreads, len(allBuckets))
	}
	// A parley that holds the file: in use, not damaged.
	s, err := Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := CheckFile(path, 100*time.Millisecond); !errors.Is(err, ErrLocked) {
		t.Errorf("CheckFile on a held file: %v, want ErrLocked", err)
	}
}

func TestOpenReadOnlyWritesNothing(t *testing.T) {
	path := healthyDB(t, t.TempDir())
	before := stateOf(t, path)
	s, err := OpenReadOnly(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if n, _, err := s.Stats(); err != nil || n != corpusThreads {
		t.Errorf("Stats: %d, %v", n, err)
	}
	if ok, err := s.UpToDate(); !ok || err != nil {
		t.Errorf("UpToDate: %v %v", ok, err)
	}
	if err := s.SaveDraft("x", "y", at(1)); err == nil {
		t.Error("a read-only store wrote a draft")
	}
	s.Close()
	if after := stateOf(t, path); after != before {
		t.Errorf("the file changed: %+v -> %+v", before, after)
	}
}

func TestSalvageCopiesWhatCanBeRead(t *testing.T) {
	for _, c := range corpus(t) {
		t.Run(c.Name, func(t *testing.T) {
			before := stateOf(t, c.Path)
			out := filepath.Join(t.TempDir(), "salvaged.db")
			res, err := Salvage(c.Path, out, time.Second)
			if after := stateOf(t, c.Path); after != before {
				t.Errorf("Salvage changed the damaged file")
			}
			t.Logf("%+v %v", res, err)
			switch c.Name {
			case "zero-length", "not-bbolt", "meta-both-bitflip":
				if err == nil || !strings.Contains(err.Error(), "nothing can be salvaged") {
					t.Errorf("Salvage: %v, want nothing can be salvaged", err)
				}
				if _, err := os.Stat(out); err == nil {
					t.Error("an output file was left")
				}
				return
			}
			if err != nil {
				t.Fatalf("Salvage: %v", err)
			}
			if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o600 {
				t.Fatalf("output: %v %v", fi.Mode(), err)
			}
			s, err := Open(out, Options{NoSync: true})
			if err != nil {
				t.Fatalf("the salvaged file does not open: %v", err)
			}
			defer s.Close()
			if err := s.Check(); err != nil {
				t.Errorf("Check of the salvaged file: %v", err)
			}
			checkCounts(t, s) // counted again, not copied
			n, _, err := s.Stats()
			if err != nil {
				t.Fatal(err)
			}
			if c.Opens && (n != corpusThreads || res.Skipped != 0) {
				t.Errorf("%d threads, %d skipped; want all %d, none skipped", n, res.Skipped, corpusThreads)
			}
			if !c.Opens && (res.Skipped == 0 || len(res.Problems) == 0) {
				t.Errorf("nothing reported skipped: %+v", res)
			}
			if c.Name == "branch-all-children-beyond" && (n != 0 || res.Copied == 0) {
				t.Errorf("%d threads and %d records salvaged; want no threads, the other buckets' records", n, res.Copied)
			}
			if c.Name == "branch-child-beyond" || c.Name == "leaf-count-inflated" {
				if n == 0 || n >= corpusThreads {
					t.Errorf("%d threads salvaged, want some but not all %d", n, corpusThreads)
				}
			}
			if c.Name == "freelist-beyond" && n != corpusThreads {
				t.Errorf("%d threads salvaged, want all %d (only the freelist is bad)", n, corpusThreads)
			}
			if res.Copied < n {
				t.Errorf("Copied %d < %d threads", res.Copied, n)
			}
		})
	}
}

func TestSalvageRefusesAnExistingTarget(t *testing.T) {
	dir := t.TempDir()
	src := healthyDB(t, dir)
	out := filepath.Join(dir, "taken.db")
	if err := os.WriteFile(out, []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Salvage(src, out, time.Second); !errors.Is(err, ErrTargetExists) {
		t.Errorf("Salvage onto an existing file: %v, want ErrTargetExists", err)
	}
	if b, _ := os.ReadFile(out); string(b) != "mine" {
		t.Errorf("the existing file was changed: %q", b)
	}
	// A healthy file is copied whole: every record, the sequences too.
	out2 := filepath.Join(dir, "copy.db")
	res, err := Salvage(src, out2, time.Second)
	if err != nil || res.Skipped != 0 {
		t.Fatalf("Salvage: %+v %v", res, err)
	}
	if a, b := dumpDB(t, src), dumpDB(t, out2); a != b {
		t.Errorf("the copy differs from the original")
	}
}

// dumpDB lists every bucket's sequence and records.
func dumpDB(t *testing.T, path string) string {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var buf bytes.Buffer
	db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			fmt.Fprintf(&buf, "%s %d\n", name, b.Sequence())
			return b.ForEach(func(k, v []byte) error {
				fmt.Fprintf(&buf, "  %x=%x\n", k, v)
				return nil
			})
		})
	})
	return buf.String()
}

func TestBackupFileRefusesADamagedDatabase(t *testing.T) {
	for _, c := range corpus(t) {
		if c.Opens || !c.Deep {
			continue // the others fail at Open, as the corpus test shows
		}
		t.Run(c.Name, func(t *testing.T) {
			target := filepath.Join(t.TempDir(), "copy.db")
			_, err := BackupFile(c.Path, target, time.Second)
			if !errors.Is(err, ErrDamaged) {
				t.Errorf("BackupFile: %v, want ErrDamaged", err)
			}
			if _, err := os.Stat(target); err == nil {
				t.Error("a copy was written")
			}
		})
	}
}

// TestGuardLeavesParleyBugsVisible: a panic in parley's own code inside a
// transaction is a bug, not a damaged file, and is not disguised as one.
func TestGuardLeavesParleyBugsVisible(t *testing.T) {
	s := openTest(t)
	defer func() {
		if r := recover(); r != "a bug" {
			t.Errorf("recovered %v, want the bug's panic", r)
		}
		if s.Damaged() != nil {
			t.Error("a bug marked the store damaged")
		}
	}()
	_ = s.view(func(*bolt.Tx) error { panic("a bug") })
	t.Error("the panic was swallowed")
}

// TestStoreBackupRefusesDeepDamage: the console's backup (through the
// control socket) of a file damaged below the meta pages is refused, and
// no copy is left where the user would trust it.
func TestStoreBackupRefusesDeepDamage(t *testing.T) {
	for _, c := range corpus(t) {
		if !c.Deep {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			s, err := Open(c.Path, Options{NoSync: true})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			target := filepath.Join(t.TempDir(), "copy.db")
			if _, err := s.Backup(target); !errors.Is(err, ErrDamaged) {
				t.Errorf("Backup: %v, want ErrDamaged", err)
			}
			if _, err := os.Stat(target); err == nil {
				t.Error("a damaged copy was left at the target")
			}
		})
	}
}
