package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A console that dies without restoring the terminal (kill -9 here; a
// panic in one of its own goroutines ends it the same way, before Bubble
// Tea can restore anything) leaves the shell usable: main screen, lines
// read as lines, and one line saying what happened. Before, the shell
// stayed on the alternate screen in raw mode.
func TestE2ETerminalRestoredAfterTheConsoleDies(t *testing.T) {
	bin := buildParley(t)
	env := isolatedEnv(t)
	home := strings.TrimPrefix(env[0], "HOME=")
	rss, err := os.ReadFile("feeds/testdata/wordpress-comments.rss")
	if err != nil {
		t.Fatal(err)
	}
	feed := filepath.Join(home, "feed.rss")
	if err := os.WriteFile(feed, rss, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(home, "config.toml")
	if err := os.WriteFile(cfg, []byte("[[feed]]\nname = \"Blog\"\nurl = \""+feed+"\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// The exit status goes to a file: the shell may print before the guard
	// has left the alternate screen, and a line printed there is gone.
	status := filepath.Join(home, "status")
	s := startTmux(t, filepath.Join(t.TempDir(), "tmux.sock"), env,
		bin, "--config", cfg, ";", "echo", "exit=$?", ">", status, ";", "exec", "sh")
	s.waitFor("WAITING FOR A REPLY")
	// The pane runs sh, which runs parley.
	out, err := exec.Command("pgrep", "-P", strconv.Itoa(s.panePID()), "-f", bin).Output()
	pid, perr := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil || perr != nil {
		t.Fatalf("parley's pid: %q, %v", out, err)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		got, _ := os.ReadFile(status)
		if strings.TrimSpace(string(got)) == "exit=137" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("parley's exit status: %q, want exit=137 (killed)", got)
		}
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		alt := strings.TrimSpace(s.tmux("display-message", "-p", "-t", s.name, "#{alternate_on}"))
		if alt == "0" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the terminal is left in the alternate screen:\n%s", s.screen())
		}
	}
	s.waitFor("the terminal is restored")
	s.keys("-l", "echo ok-$((40+2))")
	s.keys("Enter")
	s.waitFor("ok-42") // typed text is read as a line again
}
