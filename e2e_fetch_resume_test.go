package main

import (
	"bufio"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"

	"parley/store"
)

// A fetch killed between its batched commits keeps every result it
// reported (a ✓ line is printed only once its batch is committed), never
// keeps a feed's conditional-GET state without that feed's items (or the
// next fetch would get a 304 and never store them), and the next fetch
// completes the rest: every item of every feed is stored exactly once.
func TestE2EKilledFetchKeepsItsCommitsAndTheNextCompletesIt(t *testing.T) {
	bin := buildParley(t)
	const nFeeds, nItems = 60, 80
	var (
		mu      sync.Mutex
		full    = map[string]int{} // 200s by path
		gate    = make(chan struct{})
		gateOff sync.Once
	)
	open := func() { gateOff.Do(func() { close(gate) }) }
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscanf(r.URL.Path, "/f%d", &n)
		if n >= nFeeds/2 {
			<-gate // the second half waits, so the kill lands mid-fetch
		}
		tag := fmt.Sprintf(`"v1-%s"`, strings.TrimPrefix(r.URL.Path, "/"))
		w.Header().Set("ETag", tag)
		if r.Header.Get("If-None-Match") == tag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		mu.Lock()
		full[r.URL.Path]++
		mu.Unlock()
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(bigFeed(r.URL.Path, nItems))
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(open) // before srv.Close: no handler stays blocked

	env := isolatedEnv(t)
	home := strings.TrimPrefix(env[0], "HOME=")
	var cfg strings.Builder
	// Every feed is fetched at once: the held half must not sit on the
	// slots the first half needs.
	fmt.Fprintf(&cfg, "[fetch]\nper_host = %d\nmax_concurrent = %d\n\n", nFeeds, nFeeds)
	for i := range nFeeds {
		fmt.Fprintf(&cfg, "[[feed]]\nname = \"feed %03d\"\nurl = \"%s/f%d\"\n\n", i, srv.URL, i)
	}
	cfgPath := filepath.Join(home, "config.toml")
	if err := os.WriteFile(cfgPath, []byte(cfg.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(home, "data", "parley", "parley.db")

	// Kill -9 once some results are reported and the rest cannot be.
	fetch := exec.Command(bin, "fetch", "--config", cfgPath, "--db", db)
	fetch.Env = env
	stdout, err := fetch.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := fetch.Start(); err != nil {
		t.Fatal(err)
	}
	okLine := regexp.MustCompile(`^✓ (feed \d+):\s+(\d+) new / (\d+) items`)
	reported := map[string]bool{}
	lines := bufio.NewScanner(stdout)
	for len(reported) < nFeeds/2 && lines.Scan() {
		if m := okLine.FindStringSubmatch(lines.Text()); m != nil {
			if m[2] != fmt.Sprint(nItems) {
				t.Errorf("before the kill: %q", lines.Text())
			}
			reported[m[1]] = true
		}
	}
	fetch.Process.Signal(syscall.SIGKILL)
	fetch.Wait()
	open()
	if len(reported) != nFeeds/2 {
		t.Fatalf("%d feeds reported before the kill, want the %d the server let through", len(reported), nFeeds/2)
	}

	// What the killed fetch committed.
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	states, err := st.FeedStates()
	if err != nil {
		t.Fatal(err)
	}
	withTag := 0
	stored := map[string]store.FeedState{}
	for _, fs := range states {
		stored[fs.Name] = fs
		if fs.ETag != "" {
			withTag++
			if fs.Items != nItems {
				t.Errorf("%s: its ETag was kept with %d of its %d items: the next fetch would get a 304 and lose the rest", fs.Name, fs.Items, nItems)
			}
		}
	}
	for name := range reported {
		if fs := stored[name]; fs.Items != nItems || fs.ETag == "" {
			t.Errorf("%s was reported stored, but after the kill it has %d items, ETag %q", name, fs.Items, fs.ETag)
		}
	}
	st.Close()

	// The next fetch gets a 304 for every feed kept whole and stores the rest.
	mu.Lock()
	before := len(full)
	clear(full)
	mu.Unlock()
	if before < nFeeds/2 {
		t.Fatalf("the server sent %d feeds before the kill", before)
	}
	out, err := exec.Command(bin, "fetch", "--config", cfgPath, "--db", db).CombinedOutput()
	if err != nil {
		t.Fatalf("fetch after the kill: %v\n%s", err, out)
	}
	mu.Lock()
	refetched := len(full)
	mu.Unlock()
	if refetched != nFeeds-withTag {
		t.Errorf("the second fetch got %d feeds whole, want %d (the %d without a kept ETag)", refetched, nFeeds-withTag, nFeeds-withTag)
	}
	st, err = store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_, msgs, err := st.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if msgs != nFeeds*nItems {
		t.Errorf("%d messages stored after the second fetch, want %d\n%s", msgs, nFeeds*nItems, out)
	}
	states, err = st.FeedStates()
	if err != nil {
		t.Fatal(err)
	}
	if len(states) != nFeeds {
		t.Errorf("%d feed states, want %d", len(states), nFeeds)
	}
	for _, fs := range states {
		if fs.Items != nItems || fs.ETag == "" || fs.LastError != "" {
			t.Errorf("%s after the second fetch: %d items, ETag %q, error %q", fs.Name, fs.Items, fs.ETag, fs.LastError)
		}
	}
}
