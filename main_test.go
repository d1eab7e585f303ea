package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"parley/store"
)

// privateEnv points every XDG dir at a temp dir so tests never touch the
// real ones.
func privateEnv(t *testing.T) string {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, "config"))
	t.Setenv("XDG_DATA_HOME", filepath.Join(home, "data"))
	t.Setenv("XDG_STATE_HOME", filepath.Join(home, "state"))
	return home
}

func feedServer(t *testing.T) *httptest.Server {
	rss, err := os.ReadFile("feeds/testdata/wordpress-comments.rss")
	if err != nil {
		t.Fatal(err)
	}
	modified := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	mux := http.NewServeMux()
	mux.HandleFunc("/comments/feed/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		http.ServeContent(w, r, "feed.rss", modified, bytes.NewReader(rss))
	})
	mux.HandleFunc("/broken", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func writeConfig(t *testing.T, text string) string {
	p := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestFetchPrintsOneLinePerFeed(t *testing.T) {
	home := privateEnv(t)
	srv := feedServer(t)
	cfg := writeConfig(t, `
[[feed]]
name = "Blog comments"
url  = "`+srv.URL+`/comments/feed/"

[[feed]]
name = "Broken"
url  = "`+srv.URL+`/broken"
`)
	db := filepath.Join(home, "p.db")
	code, out, errOut := runCLI("fetch", "--config", cfg, "--db", db)
	if code != 0 {
		t.Fatalf("exit %d, want 0 (one feed worked)\n%s%s", code, out, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("want one line per feed, got:\n%s", out)
	}
	if !strings.Contains(out, "✓ Blog comments:") || !strings.Contains(out, " new / ") {
		t.Errorf("no success line for the blog:\n%s", out)
	}
	if !strings.Contains(out, "✗ Broken:") || !strings.Contains(out, "500") {
		t.Errorf("no error line naming the status for the broken feed:\n%s", out)
	}

	// Second run: Last-Modified comes back as If-Modified-Since -> 304.
	code, out, _ = runCLI("--db", db, "fetch", "--config", cfg)
	if code != 0 || !strings.Contains(out, "Blog comments: not modified") {
		t.Errorf("second fetch (exit %d) did not use conditional GET:\n%s", code, out)
	}

	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	states, _ := st.FeedStates()
	var broken store.FeedState
	for _, s := range states {
		if s.Name == "Broken" {
			broken = s
		}
	}
	if !strings.Contains(broken.LastError, "500") {
		t.Errorf("the broken feed's error is not kept: %+v", broken)
	}
}

func TestFetchExitsNonZeroWhenEveryFeedFails(t *testing.T) {
	home := privateEnv(t)
	srv := feedServer(t)
	cfg := writeConfig(t, "[[feed]]\nname = \"Broken\"\nurl = \""+srv.URL+"/broken\"\n")
	code, out, errOut := runCLI("fetch", "--config", cfg, "--db", filepath.Join(home, "p.db"))
	if code != 1 || !strings.Contains(errOut, "every feed failed") {
		t.Fatalf("exit %d, stderr %q, stdout %q", code, errOut, out)
	}
}

func TestFetchWithoutConfigSaysWhatToDo(t *testing.T) {
	privateEnv(t)
	code, _, errOut := runCLI("fetch")
	if code != 1 || !strings.Contains(errOut, "no config at") || !strings.Contains(errOut, "--demo") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}

func TestBadConfigNamesFileAndLine(t *testing.T) {
	home := privateEnv(t)
	cfg := writeConfig(t, "[[feed]]\nurl = \"https://a.example/f\"\nevery = \"often\"\n")
	code, _, errOut := runCLI("fetch", "--config", cfg, "--db", filepath.Join(home, "p.db"))
	if code != 1 || !strings.Contains(errOut, cfg+":3:") {
		t.Fatalf("exit %d, stderr %q: want %s:3", code, errOut, cfg)
	}
}

func TestSecondInstanceGetsClearErrorQuickly(t *testing.T) {
	home := privateEnv(t)
	db := filepath.Join(home, "data", "parley", "demo.db")
	first, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	start := time.Now()
	code, _, errOut := runCLI("fetch", "--demo")
	took := time.Since(start)
	if code != 1 || !strings.Contains(errOut, "another parley is using "+db) {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if took > 5*time.Second {
		t.Errorf("took %v to give up on the lock, want about 2s", took)
	}
}

func TestDemoFetchUsesDemoDatabaseOnly(t *testing.T) {
	home := privateEnv(t)
	code, out, errOut := runCLI("fetch", "--demo")
	if code != 0 || strings.Count(out, "✓") != 3 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	dataDir := filepath.Join(home, "data", "parley")
	if _, err := os.Stat(filepath.Join(dataDir, "demo.db")); err != nil {
		t.Errorf("demo.db not created: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dataDir, "parley.db")); !os.IsNotExist(err) {
		t.Errorf("--demo touched the real database (stat: %v)", err)
	}
	for _, p := range []string{filepath.Join(home, "data", "parley"), filepath.Join(home, "state", "parley")} {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o700 {
			t.Errorf("%s: mode %v, err %v; want 0700", p, fi.Mode().Perm(), err)
		}
	}
	for _, p := range []string{filepath.Join(dataDir, "demo.db"), filepath.Join(home, "state", "parley", "parley.log")} {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, err %v; want 0600", p, fi.Mode().Perm(), err)
		}
	}
}

func TestUnknownAndUnbuiltCommands(t *testing.T) {
	privateEnv(t)
	if code, _, errOut := runCLI("frobnicate"); code != 2 || !strings.Contains(errOut, "unknown command") {
		t.Errorf("unknown: exit %d %q", code, errOut)
	}
	if code, _, errOut := runCLI("serve"); code != 2 || !strings.Contains(errOut, "not available") {
		t.Errorf("serve: exit %d %q", code, errOut)
	}
	if code, _, errOut := runCLI("--help"); code != 0 || !strings.Contains(errOut, "parley fetch") {
		t.Errorf("help: exit %d %q", code, errOut)
	}
}
