package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"parley/store"
)

// parley backup as a second process while the console holds the database:
// the console writes the copy, and carries on afterwards.
func TestE2EBackupWhileTheConsoleRuns(t *testing.T) {
	bin := buildParley(t)
	env := isolatedEnv(t)
	s := startTmux(t, filepath.Join(t.TempDir(), "tmux.sock"), env, bin, "--demo")
	s.waitFor("WAITING FOR A REPLY")
	home := strings.TrimPrefix(env[0], "HOME=")
	sock := filepath.Join(home, "data", "parley", "demo.db.sock")
	if fi, err := os.Lstat(sock); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("console's socket %s: %v, %v; want it there with 0600", sock, fi, err)
	}

	target := filepath.Join(t.TempDir(), "copy.db")
	backup := exec.Command(bin, "--demo", "backup", target)
	backup.Env = env
	out, err := backup.CombinedOutput()
	if err != nil {
		t.Fatalf("parley backup: %v\n%s", err, out)
	}
	if !strings.HasPrefix(string(out), "backed up ") || !strings.Contains(string(out), " to "+target) {
		t.Errorf("output = %q", out)
	}
	c, err := store.Open(target, store.Options{Timeout: time.Second})
	if err != nil {
		t.Fatalf("the copy does not open: %v", err)
	}
	threads, _, err := c.Stats()
	c.Close()
	if err != nil || threads == 0 {
		t.Errorf("the copy holds %d threads (%v), want the demo's", threads, err)
	}

	// The console still answers keys.
	s.keys("j")
	s.keys("Enter")
	s.waitFor(threadOpen)
	s.keys("Escape")
	s.waitFor("WAITING FOR A REPLY")
	s.keys("q")
	s.waitGone()
	if _, err := os.Lstat(sock); !os.IsNotExist(err) {
		t.Errorf("the socket outlived the console (stat: %v)", err)
	}
}
