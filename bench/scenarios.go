package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	"parley/store"
)

type logf func(format string, args ...any)

// config is one harness run.
type config struct {
	Work     string // kept between runs: the big database and newsboat's cache
	Ingest   corpus // scenario 1
	Big      bigDB  // scenarios 2 to 4
	Runs     int    // runs of each quick measurement (the median is reported)
	Keys     int    // j presses measured
	Quiet    time.Duration
	W, H     int
	Ingests  bool // run scenario 1
	Startups bool // run scenarios 2 to 4
	Newsboat bool // measure newsboat too
	Install  bool // apt-get install newsboat if missing
	Force    bool // rebuild the big database and cache
	GoBench  bool // run BenchmarkQueueMove for the j/k target
	Poll     bool // parley's start-up config lists the feeds, so it polls them as it starts
	Screens  bool // log the first screen with rows of each start-up
	// Timeouts for one start-up to its first row.
	ParleyStart, NewsboatStart time.Duration
	// Baseline is another parley binary (the code before a change) whose
	// ingest runs interleaved with this tree's, so a before/after ratio
	// is taken under the same load.
	Baseline string
}

// tuiRun is one start-up measured in tmux.
type tuiRun struct {
	Startup time.Duration // exec to the first frame with rows
	First   time.Duration // exec to the first byte of output (a loading line, say)
	PeakRSS int64         // VmHWM once the output settled
	Mem     memory        // and the split at that moment
	Screen  string        // the first screen with rows
}

// keyCost is what keystrokes wrote to the terminal.
type keyCost struct {
	J     []int64 // bytes per j press
	Enter int64
}

type results struct {
	Notes []string

	IngestParley, IngestNewsboat, IngestNewsboatThreads []run
	ReloadThreads                                       int
	IngestBaseline                                      []run // -baseline's, interleaved with IngestParley

	DB                                        parleyStamp
	Cache                                     newsboatStamp
	Analyze                                   time.Duration // sqlite3 ANALYZE on the cache
	StartParley, StartNewsboat, StartAnalyzed []tuiRun
	KeysParley, KeysNewsboat                  keyCost

	QueueMove     time.Duration // BenchmarkQueueMove at 100k: Update+View of one j
	QueueMoveLine string

	Views     []viewFrame // each view's first frame, after the start-up (views.go)
	ViewsMem  memory      // peak RSS once every view was shown
	GoBenches []goBench   // the ui benchmarks' 100k lines (views.go)
}

func (r *results) note(format string, args ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
}

// harness holds what every scenario shares.
type harness struct {
	cfg    config
	root   string // the parley repository
	tmp    string // this run's scratch dir (removed at the end)
	parley string // the binary under test
	nb     *newsboat
	log    logf
	res    *results
}

var (
	parleyRows   = regexp.MustCompile(`(?m)^› `)
	newsboatRows = regexp.MustCompile(`(?m)^\s*1\s.*\(\d+/\d+\)`)
)

// runAll runs the scenarios cfg asks for.
func runAll(ctx context.Context, cfg config, root string, log logf) (*results, error) {
	res := &results{}
	tmp, err := os.MkdirTemp("", "parley-bench-")
	if err != nil {
		return nil, fmt.Errorf("create a scratch dir: %w", err)
	}
	defer os.RemoveAll(tmp)
	h := &harness{cfg: cfg, root: root, tmp: tmp, log: log, res: res}
	// Anything else running skews every figure: say how busy it was.
	if load, err := os.ReadFile("/proc/loadavg"); err == nil {
		f := strings.Fields(string(load))
		res.note("load average when the run began: %s", strings.Join(f[:min(3, len(f))], " "))
	}
	log("building parley from %s", root)
	if h.parley, err = buildParley(ctx, root, tmp); err != nil {
		return nil, err
	}
	if cfg.Newsboat {
		var note string
		h.nb, note = findNewsboat(ctx, cfg.Install)
		if note != "" {
			res.note("%s", note)
			log("%s", note)
		}
	} else {
		res.note("newsboat not measured (-newsboat=false)")
	}
	if cfg.Ingests {
		if err := h.ingest(ctx); err != nil {
			return res, fmt.Errorf("scenario 1 (ingest): %w", err)
		}
	}
	if cfg.Startups {
		if err := h.startup(ctx); err != nil {
			return res, fmt.Errorf("scenarios 2-4 (start-up, memory, bytes): %w", err)
		}
	}
	if cfg.GoBench {
		if err := h.goBenches(ctx); err != nil {
			return res, err
		}
	}
	return res, nil
}

func (h *harness) scratch(name string) (string, error) {
	dir := filepath.Join(h.tmp, name)
	if err := os.MkdirAll(filepath.Join(dir, "home"), 0o700); err != nil {
		return "", fmt.Errorf("create %s: %w", dir, err)
	}
	return dir, nil
}

// ingest is scenario 1: a cold fetch of every feed of cfg.Ingest from
// loopback into an empty database, parley fetch vs newsboat -x reload.
func (h *harness) ingest(ctx context.Context) error {
	c := h.cfg.Ingest
	srv, err := serveFeeds("127.0.0.1:0", c)
	if err != nil {
		return err
	}
	defer srv.close()
	srv.warm(c)
	h.log("scenario 1: ingest %d feeds x %d items from %s", c.Feeds, c.Items, srv.base())

	// With a baseline, the two binaries alternate, each going first in
	// every other run, so drift in the machine's speed hits both alike.
	type binary struct {
		name, bin string
		out       *[]run
	}
	binaries := []binary{{"parley", h.parley, &h.res.IngestParley}}
	if h.cfg.Baseline != "" {
		binaries = append(binaries, binary{"baseline", h.cfg.Baseline, &h.res.IngestBaseline})
	}
	for i := range h.cfg.Runs {
		for k := range binaries {
			v := binaries[(i+k)%len(binaries)]
			r, err := h.ingestParley(ctx, c, srv, v.bin, fmt.Sprintf("ingest-%s-%d", v.name, i))
			if err != nil {
				return err
			}
			h.log("  %s fetch: %s (CPU %s), peak RSS %s", v.name, fmtDur(r.Wall), fmtDur(r.CPU), fmtBytes(r.MaxRSS))
			*v.out = append(*v.out, r)
		}
	}
	if h.nb == nil {
		return nil
	}
	h.res.ReloadThreads = max(2, numCPU())
	urls := filepath.Join(h.tmp, "ingest-urls")
	if err := writePrivate(urls, []byte(newsboatURLs(c, srv.base()))); err != nil {
		return err
	}
	variants := []struct {
		name, extra string
		out         *[]run
	}{
		{"defaults", "", &h.res.IngestNewsboat},
		{fmt.Sprintf("reload-threads %d", h.res.ReloadThreads), fmt.Sprintf("reload-threads %d\n", h.res.ReloadThreads), &h.res.IngestNewsboatThreads},
	}
	for _, v := range variants {
		// newsboat takes tens of seconds here: once is enough to compare.
		dir, err := h.scratch("ingest-newsboat-" + strings.ReplaceAll(v.name, " ", "-"))
		if err != nil {
			return err
		}
		before := srv.served(c.Name)
		syscall.Sync()
		r, err := h.nb.reload(ctx, dir, urls, v.extra)
		if err != nil {
			return err
		}
		if got := srv.served(c.Name) - before; got != c.Feeds {
			return fmt.Errorf("newsboat (%s) fetched %d of %d feeds", v.name, got, c.Feeds)
		}
		if n := countNewsboatItems(ctx, filepath.Join(dir, "cache.db")); n >= 0 && n != c.total() {
			return fmt.Errorf("newsboat (%s) stored %d of %d items", v.name, n, c.total())
		}
		h.log("  newsboat -x reload (%s): %s (CPU %s), peak RSS %s", v.name, fmtDur(r.Wall), fmtDur(r.CPU), fmtBytes(r.MaxRSS))
		*v.out = append(*v.out, r)
	}
	return nil
}

// ingestParley times one cold parley fetch of c by bin into a fresh
// database under scratch dir name, and checks it did the whole job.
func (h *harness) ingestParley(ctx context.Context, c corpus, srv *feedServer, bin, name string) (run, error) {
	dir, err := h.scratch(name)
	if err != nil {
		return run{}, err
	}
	cfgPath, db := filepath.Join(dir, "config.toml"), filepath.Join(dir, "parley.db")
	if err := writePrivate(cfgPath, []byte(parleyConfig(c, srv.base()))); err != nil {
		return run{}, err
	}
	before := srv.served(c.Name)
	syscall.Sync() // earlier runs' dirty pages are not this run's cost
	r, out, err := timed(ctx, isolatedEnv(filepath.Join(dir, "home")), dir, bin, "--config", cfgPath, "--db", db, "fetch")
	if err != nil {
		return run{}, err
	}
	if err := checkParleyIngest(c, db, out, srv.served(c.Name)-before); err != nil {
		return run{}, fmt.Errorf("%s: %w", bin, err)
	}
	return r, nil
}

// checkParleyIngest makes sure a timed fetch did the whole job: every feed
// fetched and reported, every item stored. A fast failure is no result.
func checkParleyIngest(c corpus, db, out string, fetched int) error {
	if fetched != c.Feeds {
		return fmt.Errorf("parley fetch fetched %d of %d feeds:\n%s", fetched, c.Feeds, tail(out, 2000))
	}
	if ok := strings.Count(out, "✓ "); ok != c.Feeds || strings.Contains(out, "✗ ") {
		return fmt.Errorf("parley fetch reported %d of %d feeds fine:\n%s", ok, c.Feeds, tail(out, 2000))
	}
	s, err := store.Open(db, store.Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	_, messages, err := s.Stats()
	if err != nil {
		return err
	}
	if messages != c.total() {
		return fmt.Errorf("parley fetch stored %d of %d items", messages, c.total())
	}
	return nil
}

// startup covers scenarios 2 to 4 on the big database: time to the first
// frame with rows, peak memory, and the bytes one j and one enter write.
func (h *harness) startup(ctx context.Context) error {
	d := h.cfg.Big
	db, st, err := ensureParleyDB(ctx, d, h.cfg.Work, h.cfg.Force, h.log)
	if err != nil {
		return err
	}
	h.res.DB = st
	var cache, urls string
	if h.nb != nil {
		if cache, urls, h.res.Cache, err = ensureNewsboatCache(ctx, d, h.cfg.Work, h.nb, h.cfg.Force, h.log); err != nil {
			return err
		}
	}
	// parley polls its feeds as it starts: serve them, answering 304 as
	// to a console that was last open a minute ago (the database holds
	// each feed's ETag).
	srv, err := serveFeeds("127.0.0.1:0", d.Set)
	if err != nil {
		return err
	}
	defer srv.close()

	h.log("scenario 2: start-up on %d threads / %d messages (parley) and %d items (newsboat)", st.Threads, st.Messages, d.Set.total())
	for i := range h.cfg.Runs {
		dir, err := h.scratch(fmt.Sprintf("start-parley-%d", i))
		if err != nil {
			return err
		}
		runDB, cfgPath := filepath.Join(dir, "parley.db"), filepath.Join(dir, "config.toml")
		// A fresh copy each time: parley writes feed states as it polls.
		if err := copyFile(db, runDB); err != nil {
			return err
		}
		conf := fmt.Sprintf("ours = [%q]\n", ours)
		if h.cfg.Poll {
			conf = parleyConfig(d.Set, srv.base())
		}
		if err := writePrivate(cfgPath, []byte(conf)); err != nil {
			return err
		}
		var keys *keyCost
		if i == 0 {
			keys = &h.res.KeysParley
		}
		var then func(*term) error
		if i == 0 {
			then = func(t *term) error { return h.viewFrames(ctx, t) }
		}
		r, err := h.tui(ctx, "parley", dir, parleyRows, h.cfg.ParleyStart, keys, then, h.parley, "--config", cfgPath, "--db", runDB)
		if err != nil {
			return err
		}
		h.res.StartParley = append(h.res.StartParley, r)
	}
	if got := srv.served(d.Set.Name); got != 0 {
		h.res.note("parley fetched %d full feeds at start-up instead of getting 304s", got)
	}
	if !h.cfg.Poll {
		h.res.note("parley started with no feeds in its config (-poll=false): no polls at start-up")
	}
	if h.nb == nil {
		return nil
	}

	// newsboat on its cache as it built it: once, it is slow.
	dir, _, err := h.newsboatCopy("start-newsboat", cache)
	if err != nil {
		return err
	}
	nbArgs := func(dir string) []string {
		return []string{h.nb.bin, "-u", urls, "-c", filepath.Join(dir, "cache.db"), "-C", filepath.Join(dir, "config")}
	}
	r, err := h.tui(ctx, "newsboat (cache as built)", dir, newsboatRows, h.cfg.NewsboatStart, nil, nil, nbArgs(dir)...)
	if err != nil {
		return err
	}
	h.res.StartNewsboat = append(h.res.StartNewsboat, r)

	if _, err := lookPath("sqlite3"); err != nil {
		h.res.note("no sqlite3 CLI (apt-get install sqlite3): newsboat after ANALYZE not measured")
		return nil
	}
	for i := range h.cfg.Runs {
		dir, runCache, err := h.newsboatCopy(fmt.Sprintf("start-newsboat-analyzed-%d", i), cache)
		if err != nil {
			return err
		}
		a, _, err := timed(ctx, os.Environ(), dir, "sqlite3", runCache, "ANALYZE;")
		if err != nil {
			return err
		}
		h.res.Analyze = a.Wall
		var keys *keyCost
		if i == 0 {
			keys = &h.res.KeysNewsboat
		}
		r, err := h.tui(ctx, "newsboat (after ANALYZE)", dir, newsboatRows, h.cfg.NewsboatStart, keys, nil, nbArgs(dir)...)
		if err != nil {
			return err
		}
		h.res.StartAnalyzed = append(h.res.StartAnalyzed, r)
	}
	return nil
}

// tui starts argv in tmux at the configured size, times exec to the first
// screen matching rows, reads the peak memory once the output settles and,
// with keys, measures the bytes of j presses and of one enter; then, when
// given, runs more measurements in the same console.
func (h *harness) tui(ctx context.Context, label, dir string, rows *regexp.Regexp, limit time.Duration, keys *keyCost, then func(*term) error, argv ...string) (tuiRun, error) {
	syscall.Sync() // no earlier writes flushing while this one is timed
	t, err := startTerm(ctx, h.cfg.W, h.cfg.H, isolatedEnv(filepath.Join(dir, "home")), argv)
	if err != nil {
		return tuiRun{}, err
	}
	defer t.close()
	if err := t.run(ctx); err != nil {
		return tuiRun{}, err
	}
	wctx, cancel := context.WithTimeout(ctx, limit)
	seen, err := t.waitScreen(wctx, rows)
	cancel()
	if err != nil {
		return tuiRun{}, fmt.Errorf("%s: %w", label, err)
	}
	t0, err := t.execTime()
	if err != nil {
		return tuiRun{}, err
	}
	r := tuiRun{Startup: seen.at.Sub(t0), First: seen.first.Sub(t0), Screen: seen.screen}
	if h.cfg.Screens {
		h.log("  %s: first screen with rows:\n%s", label, seen.screen)
	}
	if _, err := t.settle(ctx, h.cfg.Quiet, 60*time.Second); err != nil {
		return r, fmt.Errorf("%s: after start-up: %w", label, err)
	}
	if r.Mem, err = t.memory(); err != nil {
		return r, err
	}
	r.PeakRSS = r.Mem.Peak
	h.log("  %s: first output after %s, first rows after %s, peak RSS %s (now: %s anonymous, %s mapped files)",
		label, fmtDur(r.First), fmtDur(r.Startup), fmtBytes(r.PeakRSS), fmtBytes(r.Mem.Anon), fmtBytes(r.Mem.File))
	if keys == nil {
		return r, nil
	}
	for range h.cfg.Keys {
		n, err := t.keyBytes(ctx, "j", h.cfg.Quiet)
		if err != nil {
			return r, fmt.Errorf("%s: j: %w", label, err)
		}
		keys.J = append(keys.J, n)
	}
	if keys.Enter, err = t.keyBytes(ctx, "Enter", h.cfg.Quiet); err != nil {
		return r, fmt.Errorf("%s: enter: %w", label, err)
	}
	h.log("  %s: bytes per j %v, enter %d", label, keys.J, keys.Enter)
	if then != nil {
		return r, then(t)
	}
	return r, nil
}

// newsboatCopy makes a scratch dir named name holding a fresh copy of
// newsboat's cache and its config, for one start-up.
func (h *harness) newsboatCopy(name, cache string) (dir, runCache string, err error) {
	if dir, err = h.scratch(name); err != nil {
		return "", "", err
	}
	runCache = filepath.Join(dir, "cache.db")
	if err := copyFile(cache, runCache); err != nil {
		return "", "", err
	}
	if err := writePrivate(filepath.Join(dir, "config"), []byte(h.nb.config(""))); err != nil {
		return "", "", err
	}
	return dir, runCache, nil
}
