package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"parley/feeds"
)

// TestSmoke runs every scenario at a tiny size, so the harness cannot rot
// unnoticed: each must produce a figure for parley (and for newsboat when
// it is installed). It asserts that figures exist, never how fast.
func TestSmoke(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux is required in CI (.ci/run installs it)")
		}
		t.Skip("tmux not installed")
	}
	_, nbErr := exec.LookPath("newsboat")
	withNB := nbErr == nil
	if !withNB {
		t.Log("newsboat not installed: its part is skipped")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	root, err := repoRoot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cfg := config{
		Work: t.TempDir(), Ingest: ingestSet(dims{3, 5}), Big: bigSet(dims{10, 20}, 4),
		Runs: 1, Keys: 2, Quiet: 150 * time.Millisecond, W: 80, H: 24,
		Ingests: true, Startups: true, Newsboat: withNB, Poll: true,
		ParleyStart: 30 * time.Second, NewsboatStart: 30 * time.Second,
	}
	// -baseline: a second build (the same code here) interleaved with the tree's.
	if cfg.Baseline, err = buildParley(ctx, root, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	res, err := runAll(ctx, cfg, root, t.Logf)
	if err != nil {
		t.Fatal(err)
	}

	if len(res.IngestParley) != 1 || res.IngestParley[0].Wall <= 0 || res.IngestParley[0].MaxRSS <= 0 {
		t.Errorf("ingest: parley figures %+v, want one run with time and memory", res.IngestParley)
	}
	if len(res.IngestBaseline) != 1 || res.IngestBaseline[0].Wall <= 0 || res.IngestBaseline[0].CPU <= 0 {
		t.Errorf("ingest: -baseline figures %+v, want one run with time and CPU", res.IngestBaseline)
	}
	if res.DB.Threads != 200 || res.DB.Messages != 1000 || res.DB.Drafts == 0 || res.DB.Replies == 0 || res.DB.StageMoves == 0 {
		t.Errorf("big database %+v, want 200 threads, 1000 messages, some drafts, replies and stage moves", res.DB)
	}
	if len(res.StartParley) != 1 || res.StartParley[0].Startup <= 0 || res.StartParley[0].PeakRSS <= 0 {
		t.Errorf("start-up: parley figures %+v, want one run with time and memory", res.StartParley)
	}
	if len(res.StartParley) == 1 {
		// 200 threads, less those where nobody waits: our last answer
		// stops only the person it answers waiting (issue 13), so most
		// threads, where others joined in, stay.
		m := regexp.MustCompile(`WAITING FOR A REPLY \((\d+)\)`).FindStringSubmatch(res.StartParley[0].Screen)
		if n, _ := strconv.Atoi(append(m, "", "")[1]); n < 150 || n > 200 {
			t.Errorf("start-up was timed to a screen that is not the full queue:\n%s", res.StartParley[0].Screen)
		}
	}
	if len(res.KeysParley.J) != cfg.Keys || res.KeysParley.J[0] <= 0 || res.KeysParley.Enter <= 0 {
		t.Errorf("keys: parley wrote %+v, want bytes for every j and for enter", res.KeysParley)
	}
	timed := 0
	for _, s := range viewSteps {
		if s.want != nil {
			timed++
		}
	}
	if len(res.Views) != timed || res.ViewsMem.Peak <= 0 {
		t.Errorf("views: %d frames timed of %d, peak RSS %d; want every view and the memory after them", len(res.Views), timed, res.ViewsMem.Peak)
	}
	for _, v := range res.Views {
		if v.Time <= 0 {
			t.Errorf("views: %s has no time", v.Name)
		}
	}
	if withNB {
		if len(res.IngestNewsboat) != 1 || res.IngestNewsboat[0].Wall <= 0 || len(res.IngestNewsboatThreads) != 1 {
			t.Errorf("ingest: newsboat figures %+v / %+v", res.IngestNewsboat, res.IngestNewsboatThreads)
		}
		if len(res.StartNewsboat) != 1 || res.StartNewsboat[0].Startup <= 0 {
			t.Errorf("start-up: newsboat figures %+v", res.StartNewsboat)
		} else if scr := res.StartNewsboat[0].Screen; !strings.Contains(scr, "Blog 009 comments") {
			t.Errorf("newsboat start-up was timed to a screen without its feeds:\n%s", scr)
		}
		if len(res.KeysNewsboat.J) == 0 && res.Analyze > 0 {
			t.Errorf("keys: newsboat wrote %+v", res.KeysNewsboat)
		}
	}

	var out bytes.Buffer
	res.table(&out, cfg)
	table := out.String()
	for _, want := range []string{"1 ingest 3 feeds x 5 items", "2 start-up", "3 peak RSS at start-up", "4 bytes to the terminal per j",
		"view 2 (funnel): key to frame", "view 3 (contacts): key to frame", "peak RSS after every view"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
	for line := range strings.Lines(table) {
		if cells := strings.Split(line, "|"); len(cells) > 2 && strings.HasPrefix(strings.TrimSpace(cells[1]), "1 ingest 3") && strings.TrimSpace(cells[2]) == "—" {
			t.Errorf("parley's ingest figure is empty: %s", line)
		}
	}
	t.Logf("\n%s", table)
}

// The generator is deterministic, and parley parses what it serves into
// the items and threads the scenarios count on.
func TestCorpusParses(t *testing.T) {
	for _, c := range []corpus{ingestSet(dims{2, 10}), bigSet(dims{2, 10}, 4).Set} {
		t.Run(c.Name, func(t *testing.T) {
			a, b := c.rss(1), c.rss(1)
			if !bytes.Equal(a, b) {
				t.Fatal("the same feed rendered twice differs")
			}
			if bytes.Equal(a, c.rss(0)) {
				t.Fatal("two feeds rendered the same")
			}
			items, err := feeds.Parse(c.feedName(1), a)
			if err != nil {
				t.Fatal(err)
			}
			if len(items) != c.Items {
				t.Fatalf("parsed %d items, want %d", len(items), c.Items)
			}
			posts := map[string]bool{}
			for _, it := range items {
				if it.Text == "" || it.Author == "" || it.Published.IsZero() || strings.Contains(it.Text, "<p>") {
					t.Errorf("item %s lost a field or kept markup: %+v", it.ID, it)
				}
				base, _, _ := strings.Cut(it.Link, "#")
				posts[base] = true
			}
			if want := c.Items / c.PerPost; len(posts) != want {
				t.Errorf("%d posts, want %d", len(posts), want)
			}
		})
	}
}

func TestCommentLength(t *testing.T) {
	c := ingestSet(dims{1, 400})
	total, shortest, longest := 0, 1<<30, 0
	for i := range c.Items {
		n := len(c.item(0, i).HTML)
		total += n
		shortest, longest = min(shortest, n), max(longest, n)
	}
	// Comment-sized: not one-liners, not articles.
	if mean := total / c.Items; mean < 250 || mean > 1000 || shortest < 40 || longest > 3000 {
		t.Errorf("comment HTML: mean %d, shortest %d, longest %d bytes", total/c.Items, shortest, longest)
	}
}

// The server answers the ETag gen-db stores with 304, so parley's polls at
// start-up cost what they cost a console opened a minute after the last.
func TestServerConditionalGET(t *testing.T) {
	c := ingestSet(dims{2, 3})
	srv, err := serveFeeds("127.0.0.1:0", c)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.close()
	tests := []struct {
		path, etag string
		want       int
	}{
		{c.path(1), "", http.StatusOK},
		{c.path(1), c.etag(1), http.StatusNotModified},
		{c.path(1), c.etag(0), http.StatusOK},
		{"/ingest/002.xml", "", http.StatusNotFound},
		{"/other/000.xml", "", http.StatusNotFound},
		{"/ingest/000.json", "", http.StatusNotFound},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest("GET", srv.base()+tt.path, nil)
		if tt.etag != "" {
			req.Header.Set("If-None-Match", tt.etag)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("GET %s (If-None-Match %q): %d, want %d", tt.path, tt.etag, resp.StatusCode, tt.want)
		}
		if tt.want == http.StatusOK && !bytes.Equal(body, c.rss(1)) {
			t.Errorf("GET %s: body is not the rendered feed", tt.path)
		}
	}
	if got := srv.served("ingest"); got != 2 {
		t.Errorf("served %d full feeds, want 2", got)
	}
}

func TestDims(t *testing.T) {
	tests := []struct {
		in   string
		ok   bool
		a, b int
	}{
		{"500x50", true, 500, 50},
		{"80x24", true, 80, 24},
		{"500", false, 0, 0},
		{"0x5", false, 0, 0},
		{"5x-1", false, 0, 0},
		{"5x5x5", false, 0, 0},
		{"5x5 ", false, 0, 0},
	}
	for _, tt := range tests {
		var d dims
		err := d.Set(tt.in)
		if (err == nil) != tt.ok || (tt.ok && (d.a != tt.a || d.b != tt.b)) {
			t.Errorf("Set(%q) = %v, %v; want ok=%v %dx%d", tt.in, d, err, tt.ok, tt.a, tt.b)
		}
	}
}

func TestRatioAndMedian(t *testing.T) {
	tests := []struct {
		newsboat, parley time.Duration
		want             string
	}{
		{17 * time.Second, time.Second, "17x"},
		{900 * time.Millisecond, 300 * time.Millisecond, "3.00x"},
		{120, 240, "0.50x"},
		{0, time.Second, "—"},
	}
	for _, tt := range tests {
		if got := ratio(tt.newsboat, tt.parley); got != tt.want {
			t.Errorf("ratio(%v, %v) = %s, want %s", tt.newsboat, tt.parley, got, tt.want)
		}
	}
	if got := median([]int64{5, 1, 9}); got != 5 {
		t.Errorf("median = %d, want 5", got)
	}
	if got := fmt.Sprint(median([]time.Duration{})); got != "0s" {
		t.Errorf("median of nothing = %s", got)
	}
}

func TestCLI(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args []string
		code int
		out  string // in stdout or stderr
	}{
		{[]string{"nope"}, 2, `unknown command "nope"`},
		{[]string{"-ingest", "500"}, 2, "is not NxM"},
		{[]string{"run", "-only", "speed"}, 2, `"speed" is not ingest or startup`},
		{[]string{"run", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"help"}, 0, "gen-feeds"},
		{[]string{"gen-feeds", "-n", "2x3", "-out", dir}, 0, "wrote 2 feeds x 3 items"},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		if code := cli(context.Background(), tt.args, &out, &out); code != tt.code || !strings.Contains(out.String(), tt.out) {
			t.Errorf("bench %v: exit %d, want %d with %q; output:\n%s", tt.args, code, tt.code, tt.out, out.String())
		}
	}
	// What gen-feeds wrote is a config parley accepts, naming its files.
	cfg, err := feeds.LoadConfig(dir + "/config.toml")
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Feeds) != 2 || len(cfg.Ours) != 1 {
		t.Fatalf("config: %d feeds, ours %v", len(cfg.Feeds), cfg.Ours)
	}
	data, err := os.ReadFile(strings.TrimPrefix(cfg.Feeds[1].URL, "file://"))
	if err != nil {
		t.Fatal(err)
	}
	if items, err := feeds.Parse(cfg.Feeds[1].Name, data); err != nil || len(items) != 3 {
		t.Errorf("feed 2 parses to %d items (%v), want 3", len(items), err)
	}
}
