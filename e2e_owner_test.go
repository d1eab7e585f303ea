package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// The console is open all day; cron fetches, an export is taken and a
// second console is tried, each from another process.
func TestE2ECommandsWhileTheConsoleRuns(t *testing.T) {
	bin := buildParley(t)
	titles := []string{"Invoice question one", "Refund question two"}
	var shown atomic.Int64 // items in the feed
	shown.Store(1)
	srv := ownerFeed(t, titles, &shown, nil)

	env := isolatedEnv(t)
	home := strings.TrimPrefix(env[0], "HOME=")
	cfgPath := ownerConfig(t, env, srv.URL)
	s := startTmux(t, filepath.Join(t.TempDir(), "tmux.sock"), env, bin, "--config", cfgPath)
	s.waitFor(titles[0])

	// cron: a fetch while the console runs picks up the new item.
	shown.Store(2)
	fetch := exec.Command(bin, "fetch", "--config", cfgPath)
	fetch.Env = env
	out, err := fetch.CombinedOutput()
	if err != nil || !regexp.MustCompile(`^✓ Blog: 1 new / 2 items \(`).Match(out) {
		t.Fatalf("parley fetch while the console runs: %v\n%s", err, out)
	}
	// The console shows the new item with no key pressed: the fetch was
	// stored by the console's process, and its change feed refreshed the
	// queue. The console's own poll is 10 minutes away.
	fetched := time.Now()
	for !strings.Contains(s.screen(), titles[1]) {
		if time.Since(fetched) > 5*time.Second {
			t.Fatalf("the console never showed the fetched item; it shows:\n%s", s.screen())
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("the fetched item was on screen %v after parley fetch returned", time.Since(fetched).Round(time.Millisecond))
	if d := time.Since(fetched); d > 2*time.Second {
		t.Errorf("the fetched item took %v to reach the screen, want about 1 s at most", d)
	}

	// A fetch run with another config is refused, not polled with the
	// console's feeds (nor stored into its database): exit 2, one line.
	other := filepath.Join(home, "other.toml")
	if err := os.WriteFile(other, []byte("[[feed]]\nname = \"Other\"\nurl = \""+srv.URL+"/other\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	fetch = exec.Command(bin, "fetch", "--config", other)
	fetch.Env = env
	out, err = fetch.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 || strings.Count(string(out), "\n") != 1 ||
		!strings.HasPrefix(string(out), "parley fetch: the running console (pid "+strconv.Itoa(s.panePID())+") uses "+cfgPath+"; this fetch names "+other+": ") {
		t.Errorf("parley fetch --config OTHER while the console runs: %v\n%s", err, out)
	}

	export := exec.Command(bin, "export")
	export.Env = env
	out, err = export.CombinedOutput()
	if err != nil || !strings.Contains(string(out), titles[1]) || strings.Count(string(out), "\n") != 3 {
		t.Fatalf("parley export while the console runs: %v\n%s", err, out)
	}

	// A second console, in another window, says who has the database.
	second := "env " + strings.Join(env, " ") + " sh -c 'start=$(date +%s%N); " + bin +
		"; code=$?; echo \"exit=$code ms=$(( ($(date +%s%N) - start) / 1000000 ))\"; sleep 60'"
	s.tmux("new-window", "-t", s.name+":", "-n", "second", second)
	w := &tmuxSession{t: t, socket: s.socket, name: s.name + ":second"}
	scr := w.waitFor("exit=")
	m := regexp.MustCompile(`exit=(\d+) ms=(\d+)`).FindStringSubmatch(scr)
	if m == nil || m[1] == "0" {
		t.Fatalf("the second console did not stop with an error:\n%s", scr)
	}
	db := filepath.Join(home, "data", "parley", "parley.db")
	pid := strconv.Itoa(s.panePID())
	// -J joins the message's line where it wrapped at 100 columns.
	joined := w.tmux("capture-pane", "-p", "-J", "-t", w.name)
	if n := strings.Count(strings.TrimSpace(joined[:strings.Index(joined, "exit=")]), "\n"); n != 0 {
		t.Errorf("the message is %d lines, want one:\n%s", n+1, joined)
	}
	for _, want := range []string{"parley is already open on " + db + " (pid " + pid + " on /dev/pts/", "parley serve"} {
		if !strings.Contains(joined, want) {
			t.Errorf("the second console does not say %q:\n%s", want, scr)
		}
	}
	ms, _ := strconv.Atoi(m[2])
	t.Logf("second console stopped after %d ms", ms)
	if ms > 10000 {
		t.Errorf("the second console took %d ms to stop, want about 2 s", ms)
	}

	// The first console still answers keys.
	s.tmux("kill-window", "-t", w.name)
	s.keys("q")
	s.waitGone()
}
