package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"parley/store"
)

// checkBackup opens the copy as parley would and compares its threads
// with the source's count; it returns the copy's size.
func checkBackup(t *testing.T, copyPath string, threads int) int64 {
	t.Helper()
	fi, err := os.Stat(copyPath)
	if err != nil {
		t.Fatalf("no copy: %v", err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("copy mode = %o, want 600", fi.Mode().Perm())
	}
	c, err := store.Open(copyPath, store.Options{Timeout: time.Second})
	if err != nil {
		t.Fatalf("the copy does not open: %v", err)
	}
	defer c.Close()
	if err := c.Check(); err != nil {
		t.Errorf("the copy is damaged: %v", err)
	}
	if n, _, _ := c.Stats(); n != threads {
		t.Errorf("the copy holds %d threads, want %d", n, threads)
	}
	return fi.Size()
}

// threadCount reads how many threads the database at db holds.
func threadCount(t *testing.T, db string) int {
	t.Helper()
	st, err := store.Open(db, store.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	n, _, err := st.Stats()
	if err != nil || n == 0 {
		t.Fatalf("fixture has %d threads (%v)", n, err)
	}
	return n
}

func wantBackedUp(t *testing.T, out, target string, threads int, size int64) {
	t.Helper()
	want := fmt.Sprintf("backed up %d threads (%d KB) to %s\n", threads, (size+1023)/1024, target)
	if out != want {
		t.Errorf("stdout = %q, want %q", out, want)
	}
}

func TestBackupWithoutAConsole(t *testing.T) {
	home := privateEnv(t)
	db, _ := fixtureDB(t, home)
	threads := threadCount(t, db)
	target := filepath.Join(t.TempDir(), "copy.db")

	code, out, errOut := runCLI("backup", target, "--db", db)
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	size := checkBackup(t, target, threads)
	wantBackedUp(t, out, target, threads, size)
}

// A stale socket (a console killed with -9) does not get in the way.
func TestBackupPastAStaleSocket(t *testing.T) {
	home := privateEnv(t)
	db, _ := fixtureDB(t, home)
	ln, err := net.Listen("unix", store.ControlSocket(db))
	if err != nil {
		t.Fatal(err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	ln.Close()
	target := filepath.Join(t.TempDir(), "copy.db")
	if code, _, errOut := runCLI("backup", target, "--db", db); code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	checkBackup(t, target, threadCount(t, db))
}

// With a console running (here: the store held in-process, serving its
// socket as console() does), the copy comes from it.
func TestBackupThroughTheRunningConsole(t *testing.T) {
	home := privateEnv(t)
	db, _ := fixtureDB(t, home)
	threads := threadCount(t, db)
	held, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	stop, err := held.ServeControl(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer stop()

	target := filepath.Join(t.TempDir(), "copy.db")
	// A relative FILE is relative to the backup command, not the console.
	t.Chdir(filepath.Dir(target))
	code, out, errOut := runCLI("backup", "copy.db", "--db", db)
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	stop()
	held.Close()
	size := checkBackup(t, target, threads)
	wantBackedUp(t, out, target, threads, size)
}

func TestBackupErrors(t *testing.T) {
	home := privateEnv(t)
	db, _ := fixtureDB(t, home)
	existing := writeFile(t, t.TempDir(), "precious.db", "keep me")

	tests := []struct {
		name string
		args []string
		hold bool // a parley without the socket holds the database
		code int
		want string
	}{
		{"existing file", []string{"backup", existing, "--db", db}, false, 1,
			existing + " already exists: a backup never overwrites a file"},
		{"existing file, console running", []string{"backup", existing, "--db", db}, true, 1,
			existing + " already exists"},
		{"no database", []string{"backup", filepath.Join(home, "x.db"), "--db", filepath.Join(home, "none.db")}, false, 1,
			"no database at " + filepath.Join(home, "none.db")},
		{"a parley that does not answer", []string{"backup", filepath.Join(home, "y.db"), "--db", db}, true, 1,
			db + " is in use by a running parley that did not answer a backup request (is it an older version?)"},
		{"no FILE", []string{"backup", "--db", db}, false, 2, "name the file to write"},
		{"two FILEs", []string{"backup", "a.db", "b.db", "--db", db}, false, 2, `unexpected argument "b.db"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.hold {
				st, err := store.Open(db, store.Options{})
				if err != nil {
					t.Fatal(err)
				}
				defer st.Close()
			}
			code, out, errOut := runCLI(tc.args...)
			if code != tc.code || !strings.Contains(errOut, tc.want) || out != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d and %q", code, out, errOut, tc.code, tc.want)
			}
		})
	}
	if raw, _ := os.ReadFile(existing); string(raw) != "keep me" {
		t.Errorf("the existing file became %q", raw)
	}
	for _, f := range []string{"x.db", "y.db"} {
		if _, err := os.Stat(filepath.Join(home, f)); !os.IsNotExist(err) {
			t.Errorf("a failed backup left %s (stat: %v)", f, err)
		}
	}
}

func TestBackupHelp(t *testing.T) {
	privateEnv(t)
	if code, errOut, _ := runCLI("--help"); code != 0 || !strings.Contains(errOut, "parley backup FILE") {
		t.Errorf("parley --help: exit %d, lacks parley backup FILE:\n%s", code, errOut)
	}
	code, errOut, _ := runCLI("backup", "--help")
	if code != 0 {
		t.Errorf("backup --help: exit %d", code)
	}
	for _, want := range []string{"Usage: parley backup FILE", "never overwritten", "while the console runs", "restore"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("backup --help lacks %q:\n%s", want, errOut)
		}
	}
}
