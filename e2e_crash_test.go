package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// panePID is the pid of the program in the session's pane (env execs
// parley, so it is parley itself).
func (s *tmuxSession) panePID() int {
	s.t.Helper()
	out := strings.TrimSpace(s.tmux("display-message", "-p", "-t", s.name, "#{pane_pid}"))
	pid, err := strconv.Atoi(out)
	if err != nil {
		s.t.Fatalf("pane pid %q: %v", out, err)
	}
	return pid
}

// waitExited waits until pid is gone (the deadline only bounds a failure).
func waitExited(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for syscall.Kill(pid, 0) == nil {
		if time.Now().After(deadline) {
			t.Fatalf("process %d still running", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Every way a session dies on a shared box: the OOM killer or a kill -9,
// a polite SIGTERM (shutdown, systemd), and SIGHUP when the SSH
// connection drops (tmux closing the session). The draft typed just before
// is there after a restart.
func TestE2EDraftSurvivesEveryWayOfDying(t *testing.T) {
	bin := buildParley(t)
	for _, tc := range []struct {
		name string
		kill func(s *tmuxSession, pid int)
	}{
		{"kill -9", func(_ *tmuxSession, pid int) { syscall.Kill(pid, syscall.SIGKILL) }},
		{"SIGTERM", func(_ *tmuxSession, pid int) { syscall.Kill(pid, syscall.SIGTERM) }},
		{"SIGHUP from a closed session", func(s *tmuxSession, _ int) { s.tmux("kill-session", "-t", s.name) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := isolatedEnv(t)
			s := startTmux(t, filepath.Join(t.TempDir(), "tmux.sock"), env, bin, "--demo")
			s.waitFor("WAITING FOR A REPLY")
			s.keys("Enter")
			s.waitFor(threadOpen)
			s.keys("r")
			s.waitFor("ctrl+s copy + record")
			draft := "Typed just before " + strings.ReplaceAll(tc.name, " ", "_") + ", must survive"
			s.keys("-l", draft)
			s.waitFor("must survive")
			// The contract under test: a change is on disk 250 ms after it
			// was typed, whatever happens next. This wait is that bound.
			time.Sleep(250 * time.Millisecond)
			pid := s.panePID()
			tc.kill(s, pid)
			waitExited(t, pid)
			exec.Command("tmux", "-S", s.socket, "kill-server").Run()

			s = startTmux(t, filepath.Join(t.TempDir(), "tmux.sock"), env, bin, "--demo")
			scr := s.waitFor("WAITING FOR A REPLY")
			if !strings.Contains(scr, "✎") {
				t.Errorf("no draft mark in the queue after the restart:\n%s", scr)
			}
			s.keys("Enter")
			s.waitFor(draft)
		})
	}
}

// A second parley on the same database stops at once with an error that
// names the file; the first one carries on.
func TestE2ESecondInstanceIsRefusedAndTheFirstKeepsWorking(t *testing.T) {
	bin := buildParley(t)
	env := isolatedEnv(t)
	s := startTmux(t, filepath.Join(t.TempDir(), "tmux.sock"), env, bin, "--demo")
	s.waitFor("WAITING FOR A REPLY")

	second := exec.Command(bin, "--demo")
	second.Env = env
	start := time.Now()
	out, err := second.CombinedOutput()
	took := time.Since(start)
	if err == nil {
		t.Fatalf("the second parley started on a database in use:\n%s", out)
	}
	home := strings.TrimPrefix(env[0], "HOME=")
	dbFile := filepath.Join(home, "data", "parley", "demo.db")
	// One line: already open, by whom, and what shares a database.
	pid := s.panePID()
	for _, want := range []string{"parley is already open on " + dbFile, fmt.Sprintf("(pid %d on /dev/pts/", pid), "parley serve"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the error does not say %q:\n%s", want, out)
		}
	}
	if strings.Count(strings.TrimSpace(string(out)), "\n") != 0 {
		t.Errorf("the message is not one line:\n%s", out)
	}
	t.Logf("second instance refused after %s", took.Round(time.Millisecond))
	if took > 10*time.Second {
		t.Errorf("the second instance hung for %s before giving up", took)
	}

	s.keys("2")
	s.waitFor("advocate")
	s.keys("1")
	s.waitFor("WAITING FOR A REPLY")
}

// A kill at any point of a heavy ingest leaves a database that opens and
// passes parley doctor, and the next fetch carries on.
func TestE2EKillDuringIngestLeavesAHealthyDatabase(t *testing.T) {
	bin := buildParley(t)
	const nFeeds, nItems = 120, 150
	var served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(bigFeed(r.URL.Path, nItems))
	}))
	t.Cleanup(srv.Close)

	env := isolatedEnv(t)
	home := strings.TrimPrefix(env[0], "HOME=")
	var cfg strings.Builder
	for i := range nFeeds {
		fmt.Fprintf(&cfg, "[[feed]]\nname = \"feed %03d\"\nurl = \"%s/f%d\"\n\n", i, srv.URL, i)
	}
	cfgPath := filepath.Join(home, "config.toml")
	if err := os.WriteFile(cfgPath, []byte(cfg.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(home, "data", "parley", "parley.db")

	for round, killAfter := range []int64{5, 40, 90} {
		fetch := exec.Command(bin, "fetch", "--config", cfgPath, "--db", db)
		fetch.Env = env
		if err := fetch.Start(); err != nil {
			t.Fatal(err)
		}
		base := served.Load()
		deadline := time.Now().Add(20 * time.Second)
		for served.Load()-base < killAfter && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		fetch.Process.Signal(syscall.SIGKILL)
		fetch.Wait()

		var out bytes.Buffer
		doctor := exec.Command(bin, "doctor", "--config", cfgPath, "--db", db)
		doctor.Env = env
		doctor.Stdout, doctor.Stderr = &out, &out
		if err := doctor.Run(); err != nil {
			t.Fatalf("round %d: doctor after a kill -9 during ingest: %v\n%s", round, err, out.String())
		}
		if !strings.Contains(out.String(), "is consistent") {
			t.Fatalf("round %d: doctor did not check the database:\n%s", round, out.String())
		}
	}
	// And the database still takes writes: a full fetch completes.
	fetch := exec.Command(bin, "fetch", "--config", cfgPath, "--db", db)
	fetch.Env = env
	if out, err := fetch.CombinedOutput(); err != nil {
		t.Fatalf("fetch after the kills: %v\n%s", err, out)
	}
}

// bigFeed is an RSS document of n comment-sized items, distinct per path.
func bigFeed(path string, n int) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>`)
	at := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	for i := range n {
		fmt.Fprintf(&b, `<item><guid>%s-%d</guid><title>Comment %d</title><link>https://blog.example%s/post-%d/#c%d</link>`+
			`<pubDate>%s</pubDate><author>reader%d@example.com (Reader %d)</author>`+
			`<description>I tried the new export and it mostly works, but the PDF margins are off on A4 and the table of contents loses its links. Any plans to fix that? Thanks for the great tool.</description></item>`,
			path, i, i, path, i%20, i, at.Add(time.Duration(i)*time.Minute).Format(time.RFC1123Z), i%37, i%37)
	}
	b.WriteString(`</channel></rss>`)
	return b.Bytes()
}
