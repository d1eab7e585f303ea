package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// ownerFeed serves an RSS feed with the first n of titles; before is called
// with the response writer after the headers are sent (nil: no stall).
func ownerFeed(t *testing.T, titles []string, n *atomic.Int64, before func(w http.ResponseWriter, r *http.Request)) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		if before != nil {
			before(w, r)
		}
		var b strings.Builder
		b.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>Shop blog</title>`)
		at := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
		for i := range int(n.Load()) {
			fmt.Fprintf(&b, `<item><guid>k-%d</guid><title>%s</title><link>https://blog.example/k%d/</link>`+
				`<pubDate>%s</pubDate><author>k%d@example.com (Reader %d)</author><description>%s?</description></item>`,
				i, titles[i], i, at.Add(time.Duration(i)*time.Minute).Format(time.RFC1123Z), i, i, titles[i])
		}
		b.WriteString(`</channel></rss>`)
		fmt.Fprint(w, b.String())
	}))
	t.Cleanup(srv.Close)
	return srv
}

func ownerConfig(t *testing.T, env []string, url string) string {
	t.Helper()
	cfg := filepath.Join(strings.TrimPrefix(env[0], "HOME="), "config.toml")
	if err := os.WriteFile(cfg, []byte("[[feed]]\nname = \"Blog\"\nurl = \""+url+"/feed\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func runParley(t *testing.T, env []string, bin string, args ...string) (string, error) {
	t.Helper()
	c := exec.Command(bin, args...)
	c.Env = env
	out, err := c.CombinedOutput()
	return string(out), err
}

// A sale imported from another process shows in the funnel view the console
// has open, with no key pressed.
func TestE2EConversionsImportShowsInTheOpenFunnelView(t *testing.T) {
	bin := buildParley(t)
	titles := []string{"Invoice question one", "Refund question two"}
	var n atomic.Int64
	n.Store(2)
	srv := ownerFeed(t, titles, &n, nil)
	env := isolatedEnv(t)
	cfg := ownerConfig(t, env, srv.URL)
	s := startTmux(t, filepath.Join(t.TempDir(), "tmux.sock"), env, bin, "--config", cfg)
	s.waitFor(titles[1])

	s.keys("2")
	before := s.waitFor("conversions 0")
	for _, want := range []string{"2 threads", "revenue –"} {
		if !strings.Contains(before, want) {
			t.Errorf("the funnel view lacks %q before the import:\n%s", want, before)
		}
	}

	out, err := runParley(t, env, bin, "export", "--format", "csv")
	if err != nil {
		t.Fatalf("parley export: %v\n%s", err, out)
	}
	var ref string
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, ","+titles[1]+",") {
			ref = strings.SplitN(line, ",", 2)[0]
		}
	}
	// The conversation's ref: the thread's, a dash, the person's.
	if !regexp.MustCompile(`^[0-9a-f]{10}-[0-9a-f]{6}$`).MatchString(ref) {
		t.Fatalf("no ref for the second thread in the export:\n%s", out)
	}

	sales := filepath.Join(t.TempDir(), "sales.csv")
	csv := "ref,amount,currency,time\n" + ref + ",49.00,EUR," + time.Now().UTC().Add(-time.Hour).Format(time.RFC3339) + "\n"
	if err := os.WriteFile(sales, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := runParley(t, env, bin, "conversions", "import", sales); err != nil {
		t.Fatalf("parley conversions import while the console runs: %v\n%s", err, out)
	}
	imported := time.Now()
	for {
		scr := s.screen()
		if strings.Contains(scr, "conversions 1") && strings.Contains(scr, "revenue 49.00 EUR") {
			break
		}
		if time.Since(imported) > 5*time.Second {
			t.Fatalf("the funnel view never showed the conversion; it shows:\n%s", scr)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("the conversion was in the funnel view %v after the import returned", time.Since(imported).Round(time.Millisecond))
	if d := time.Since(imported); d > 2*time.Second {
		t.Errorf("the conversion took %v to reach the funnel view, want about 1 s at most", d)
	}
	s.keys("q")
	s.waitGone()
}

// The console dies (kill -9) while a cron fetch goes through it: the fetch
// ends with an error instead of hanging, doctor reports the socket the
// console left as stale, and the next fetch opens the database itself and
// removes it.
func TestE2EKillNineOfTheConsoleDuringACronFetch(t *testing.T) {
	bin := buildParley(t)
	titles := []string{"Invoice question one", "Refund question two"}
	var n, stall atomic.Int64
	n.Store(1)
	release := make(chan struct{})
	stalled := make(chan struct{}, 8)
	srv := ownerFeed(t, titles, &n, func(w http.ResponseWriter, r *http.Request) {
		if stall.Load() == 0 {
			return
		}
		fmt.Fprint(w, `<?xml version="1.0"?>`)
		w.(http.Flusher).Flush()
		stalled <- struct{}{}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	var released atomic.Bool
	unblock := func() {
		if released.CompareAndSwap(false, true) {
			close(release)
		}
	}
	t.Cleanup(unblock) // runs before srv.Close, which waits for handlers
	env := isolatedEnv(t)
	cfg := ownerConfig(t, env, srv.URL)
	s := startTmux(t, filepath.Join(t.TempDir(), "tmux.sock"), env, bin, "--config", cfg)
	s.waitFor(titles[0])
	pid := s.panePID()

	n.Store(2)
	stall.Store(1)
	fetch := exec.Command(bin, "fetch", "--config", cfg)
	fetch.Env = env
	var fout strings.Builder
	fetch.Stdout, fetch.Stderr = &fout, &fout
	if err := fetch.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- fetch.Wait() }()
	select {
	case <-stalled:
	case err := <-done:
		t.Fatalf("parley fetch ended before the feed answered: %v\n%s", err, fout.String())
	case <-time.After(15 * time.Second):
		t.Fatal("the console never asked the feed")
	}

	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatalf("kill -9 %d: %v", pid, err)
	}
	killed := time.Now()
	select {
	case err := <-done:
		out := fout.String()
		t.Logf("the in-flight fetch ended %v after kill -9: %v\n%s", time.Since(killed).Round(time.Millisecond), err, out)
		if err == nil {
			t.Errorf("the in-flight fetch exited 0 after the console was killed:\n%s", out)
		}
		if !strings.Contains(out, "parley fetch: ") || !strings.Contains(out, "stopped answering") {
			t.Errorf("the in-flight fetch does not say the console stopped answering:\n%s", out)
		}
	case <-time.After(20 * time.Second):
		fetch.Process.Kill()
		t.Fatalf("the in-flight fetch still runs 20 s after the console was killed:\n%s", fout.String())
	}

	unblock()
	stall.Store(0)
	db := filepath.Join(strings.TrimPrefix(env[0], "HOME="), "data", "parley", "parley.db")
	sock := db + ".sock"
	// The dead console's socket stays (the kernel drops the listener, not
	// the file); doctor says it is stale and what becomes of it.
	if fi, err := os.Lstat(sock); err != nil || fi.Mode().Type() != os.ModeSocket {
		t.Fatalf("no socket left by the killed console at %s: %v", sock, err)
	}
	out, err := runParley(t, env, bin, "doctor", "--config", cfg)
	if err != nil || !strings.Contains(out, "· control socket: "+sock+" is stale: ") ||
		!strings.Contains(out, "the next parley that opens the database removes it") {
		t.Errorf("parley doctor with the dead console's socket: %v\n%s", err, out)
	}
	if _, err := os.Lstat(sock); err != nil {
		t.Errorf("parley doctor (which only reads) removed the socket: %v", err)
	}
	// The next command goes on and removes it.
	out, err = runParley(t, env, bin, "fetch", "--config", cfg)
	if err != nil || !regexp.MustCompile(`(?m)^✓ Blog: 1 new / 2 items`).MatchString(out) {
		t.Fatalf("parley fetch after the console died: %v\n%s", err, out)
	}
	if _, err := os.Lstat(sock); !os.IsNotExist(err) {
		t.Errorf("the stale socket is still there after parley fetch opened the database: %v", err)
	}
	out, err = runParley(t, env, bin, "export", "--format", "csv")
	if err != nil || !strings.Contains(out, titles[0]) || !strings.Contains(out, titles[1]) {
		t.Fatalf("parley export after the console died: %v\n%s", err, out)
	}
	out, err = runParley(t, env, bin, "doctor", "--config", cfg)
	t.Logf("parley doctor: %v\n%s", err, out)
	if !strings.Contains(out, "✓ database: "+db+" is consistent") || strings.Contains(out, "stale") {
		t.Errorf("parley doctor after the console died: %v\n%s", err, out)
	}
}
