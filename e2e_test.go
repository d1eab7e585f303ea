package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// End-to-end tests drive the real binary in tmux, as a user would over SSH.

type tmuxSession struct {
	t      *testing.T
	socket string
	name   string
}

// buildParley compiles the binary once per test binary run.
func buildParley(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux is required in CI (.ci/run installs it)")
		}
		t.Skip("tmux not installed")
	}
	bin := filepath.Join(t.TempDir(), "parley")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// isolatedEnv gives parley a throwaway HOME and XDG dirs.
func isolatedEnv(t *testing.T) []string {
	home := t.TempDir()
	return []string{
		"HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(home, "config"),
		"XDG_DATA_HOME=" + filepath.Join(home, "data"),
		"XDG_STATE_HOME=" + filepath.Join(home, "state"),
		"TERM=xterm-256color",
	}
}

func startTmux(t *testing.T, socket string, env []string, args ...string) *tmuxSession {
	t.Helper()
	s := &tmuxSession{t: t, socket: socket, name: "parley"}
	cmdline := "env " + strings.Join(env, " ") + " " + strings.Join(args, " ")
	s.tmux("new-session", "-d", "-s", s.name, "-x", "100", "-y", "30", cmdline)
	t.Cleanup(func() { exec.Command("tmux", "-S", socket, "kill-server").Run() })
	return s
}

func (s *tmuxSession) tmux(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", s.socket}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func (s *tmuxSession) screen() string {
	out, _ := exec.Command("tmux", "-S", s.socket, "capture-pane", "-p", "-t", s.name).CombinedOutput()
	return string(out)
}

// waitFor polls the screen until it contains want; the deadline only
// bounds a failure, it is not a timing assertion.
func (s *tmuxSession) waitFor(want string) string {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		scr := s.screen()
		if strings.Contains(scr, want) {
			return scr
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("screen never showed %q; it shows:\n%s", want, scr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *tmuxSession) keys(keys ...string) {
	s.tmux(append([]string{"send-keys", "-t", s.name}, keys...)...)
}

func TestE2EDraftSurvivesKilledSession(t *testing.T) {
	bin := buildParley(t)
	env := isolatedEnv(t)
	socket := filepath.Join(t.TempDir(), "tmux.sock")

	s := startTmux(t, socket, env, bin, "--demo")
	s.waitFor("WAITING FOR A REPLY")
	s.keys("j")
	s.keys("Enter")
	s.waitFor(threadOpen)
	s.keys("r")
	s.waitFor("ctrl+s copy + record")
	const draft = "Thanks for the report, checking the sync logs now"
	s.keys("-l", draft)
	s.waitFor("checking the sync logs now")
	// No quit, no warning: the whole tmux server goes, as when an SSH
	// connection drops (the pty hangs up).
	s.tmux("kill-server")

	// A fresh server: the killed one may still be tearing down its socket.
	s = startTmux(t, filepath.Join(t.TempDir(), "tmux.sock"), env, bin, "--demo")
	scr := s.waitFor("WAITING FOR A REPLY")
	if !strings.Contains(scr, "✎") {
		t.Errorf("queue shows no draft mark after restart:\n%s", scr)
	}
	s.keys("j")
	s.keys("Enter")
	s.waitFor(draft)
}

func TestE2ENoConfigShowsWelcome(t *testing.T) {
	bin := buildParley(t)
	env := isolatedEnv(t)
	s := startTmux(t, filepath.Join(t.TempDir(), "tmux.sock"), env, bin)
	scr := s.waitFor("Welcome to parley")
	for _, want := range []string{"[[feed]]", "parley --demo", "config.toml"} {
		if !strings.Contains(scr, want) {
			t.Errorf("welcome lacks %q:\n%s", want, scr)
		}
	}
	s.keys("q")
	s.waitGone()
}

// waitGone waits for the program to exit, which ends the tmux session.
func (s *tmuxSession) waitGone() {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for exec.Command("tmux", "-S", s.socket, "has-session", "-t", s.name).Run() == nil {
		if time.Now().After(deadline) {
			s.t.Fatalf("parley did not exit; screen:\n%s", s.screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// The funnel path a new user takes on the demo: the queue puts unhappy
// customers first, view 2 shows every stage with counts, enter lists a
// stage's threads, and a manual move is visible in the thread's history.
func TestE2EDemoFunnel(t *testing.T) {
	bin := buildParley(t)
	env := isolatedEnv(t)
	s := startTmux(t, filepath.Join(t.TempDir(), "tmux.sock"), env, bin, "--demo")
	scr := s.waitFor("WAITING FOR A REPLY")
	rows := strings.Split(scr, "\n")
	if len(rows) < 4 || !strings.Contains(rows[2], "!") {
		t.Errorf("the first queue row is not an unhappy (!) thread:\n%s", scr)
	}

	s.keys("2")
	scr = s.waitFor("advocate")
	for _, want := range []string{"new", "engaged", "trusting", "intent", "converted", "advocate", "revenue"} {
		if !strings.Contains(scr, want) {
			t.Errorf("funnel view lacks %q:\n%s", want, scr)
		}
	}
	if strings.Contains(scr, "not built yet") {
		t.Errorf("funnel view is still a placeholder:\n%s", scr)
	}

	s.keys("3")
	scr = s.waitFor("TOUCHES")
	if !strings.Contains(scr, "SEEN") || !strings.Contains(scr, " adv ") {
		t.Errorf("contacts view lacks its columns:\n%s", scr)
	}
	s.keys("q")
	s.waitGone()
}

// threadOpen is on screen exactly when a thread is open: its footer. (The
// stage history at the end of the pane is not: a thread with several
// people opens on the newest message of the person addressed.)
const threadOpen = "esc back"
