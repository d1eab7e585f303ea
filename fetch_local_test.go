package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"parley/store"
)

// runCLIOrHang is runCLI that fails the test instead of hanging with it.
func runCLIOrHang(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	type out struct {
		code           int
		stdout, stderr string
	}
	done := make(chan out, 1)
	go func() {
		c, o, e := runCLI(args...)
		done <- out{c, o, e}
	}()
	select {
	case r := <-done:
		return r.code, r.stdout, r.stderr
	case <-time.After(10 * time.Second):
		t.Fatalf("parley %s did not return within 10s", strings.Join(args, " "))
		return 0, "", ""
	}
}

// A FIFO as a feed used to hang `parley fetch` for good, holding the
// database lock. It is refused with one line, and the other feeds are
// fetched; with nothing else configured, fetch exits 1 like any run where
// every feed failed.
func TestFetchRefusesAFIFOFeed(t *testing.T) {
	home := privateEnv(t)
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.xml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("cannot make a FIFO here: %v", err)
	}
	good := filepath.Join(dir, "good.xml")
	rss, err := os.ReadFile("feeds/testdata/wordpress-comments.rss")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(good, rss, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := writeConfig(t, "[[feed]]\nname = \"Pipe\"\nurl = \""+fifo+"\"\n\n[[feed]]\nname = \"Good\"\nurl = \""+good+"\"\n")
	code, out, errOut := runCLIOrHang(t, "fetch", "--config", cfg, "--db", filepath.Join(home, "p.db"))
	if code != 0 {
		t.Errorf("exit %d, want 0 (one feed worked)\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "✗ Pipe:") || !strings.Contains(out, fifo+" is a named pipe (FIFO)") {
		t.Errorf("no line refusing the FIFO:\n%s", out)
	}
	if !strings.Contains(out, "✓ Good:") {
		t.Errorf("the working feed was not fetched:\n%s", out)
	}

	cfg = writeConfig(t, "[[feed]]\nname = \"Pipe\"\nurl = \""+fifo+"\"\n")
	code, out, errOut = runCLIOrHang(t, "fetch", "--config", cfg, "--db", filepath.Join(home, "p.db"))
	if code != 1 || !strings.Contains(errOut, "every feed failed") || !strings.Contains(out, "named pipe") {
		t.Errorf("FIFO only: exit %d, stdout %q, stderr %q; want exit 1 with the refusal", code, out, errOut)
	}
}

// A token file named as a feed by mistake: what fetch prints and what it
// stores as the feed's last error say what is wrong without the token.
func TestFetchNeverQuotesALocalFile(t *testing.T) {
	home := privateEnv(t)
	const token = "glpat-Xq9vT2rLmN8sK4wZ7yB1"
	path := filepath.Join(t.TempDir(), "token.txt")
	if err := os.WriteFile(path, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := writeConfig(t, "[[feed]]\nname = \"Oops\"\nurl = \""+path+"\"\n")
	db := filepath.Join(home, "p.db")
	code, out, errOut := runCLIOrHang(t, "fetch", "--config", cfg, "--db", db)
	if code != 1 || !strings.Contains(out, path+" is not an RSS, Atom or JSON feed (starts with plain text)") {
		t.Errorf("exit %d, stdout %q; want 1 and a line saying what the file is", code, out)
	}
	if strings.Contains(out+errOut, token[:10]) {
		t.Errorf("fetch printed the file's content:\n%s%s", out, errOut)
	}
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	states, err := st.FeedStates()
	if err != nil || len(states) != 1 {
		t.Fatalf("feed states %+v, %v", states, err)
	}
	if e := states[0].LastError; !strings.Contains(e, "starts with plain text") || strings.Contains(e, token[:10]) {
		t.Errorf("stored last error %q: want what is wrong, without the token", e)
	}
}
