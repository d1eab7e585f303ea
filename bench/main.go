// Command bench measures parley side by side with newsboat: a cold ingest
// from loopback, start-up on 100k threads, peak memory, and the bytes a
// keystroke writes to the terminal. See bench/README.md.
//
//	go run ./bench                 # every scenario at the default sizes
//	go run ./bench gen-feeds ...   # write (and serve) a synthetic feed set
//	go run ./bench gen-db ...      # build the big database and newsboat's cache
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

const usage = `Usage:
  go run ./bench [run] [flags]     run the scenarios, print the table (Markdown, on stdout)
  go run ./bench gen-feeds [flags] write N feeds x M items (and -serve them on loopback)
  go run ./bench gen-db [flags]    build the big parley database and newsboat's cache
  go run ./bench funnel [flags]    precision and recall of the funnel's signals on a labelled set
  go run ./bench idle [flags]      CPU an idle console costs, local and over SSH (parley serve)
  go run ./bench serve-load [flags] N teammates working over SSH on one parley serve: latency, RSS, CPU

Progress goes to stderr. Run from the repository root; 'go run ./bench CMD -h'
lists a command's flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(cli(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func cli(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	command := strings.TrimSpace("go run ./bench " + strings.Join(args, " "))
	cmd := "run"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	log := func(format string, a ...any) { fmt.Fprintf(stderr, format+"\n", a...) }
	var err error
	switch cmd {
	case "run":
		err = runCmd(ctx, command, args, stdout, stderr, log)
	case "gen-feeds":
		err = genFeedsCmd(ctx, args, stderr, log)
	case "gen-db":
		err = genDBCmd(ctx, args, stderr, log)
	case "funnel":
		err = funnelCmd(args, stdout, stderr)
	case "idle":
		err = idleCmd(ctx, args, stdout, stderr, log)
	case "serve-load":
		err = serveLoadCmd(ctx, args, stdout, stderr, log)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "bench: unknown command %q\n%s", cmd, usage)
		return 2
	}
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	case err != nil:
		fmt.Fprintf(stderr, "bench %s: %v\n", cmd, err)
		return 1
	}
	return 0
}

var errUsage = errors.New("bad usage")

// dims parses "500x50".
type dims struct{ a, b int }

func (d *dims) String() string { return fmt.Sprintf("%dx%d", d.a, d.b) }

func (d *dims) Set(s string) error {
	var a, b int
	if n, err := fmt.Sscanf(s, "%dx%d", &a, &b); err != nil || n != 2 || a <= 0 || b <= 0 || fmt.Sprintf("%dx%d", a, b) != s {
		return fmt.Errorf("%q is not NxM with positive numbers (e.g. 500x50)", s)
	}
	d.a, d.b = a, b
	return nil
}

func defaultWork() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "parley-bench")
}

// Default sizes are the issue's: 500 x 50 ingest, 100k threads with 500k
// messages for start-up.
// The 1M-message database (-million): 200k threads of 5 messages.
var (
	millionDims    = dims{1000, 200}
	millionReplies = 4
)

func ingestSet(d dims) corpus {
	return corpus{Name: "ingest", Feeds: d.a, Items: d.b, PerPost: 5, Span: 30 * 24 * time.Hour}
}

func bigSet(d dims, replies int) bigDB {
	return bigDB{Set: corpus{Name: "startup", Feeds: d.a, Items: d.b, PerPost: 1, Span: 180 * 24 * time.Hour}, Replies: replies}
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	return nil
}

func runCmd(ctx context.Context, command string, args []string, stdout, stderr io.Writer, log logf) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	ingest, big, size := dims{500, 50}, dims{500, 200}, dims{80, 24}
	cfg := config{}
	fs.StringVar(&cfg.Work, "work", defaultWork(), "where the big database and newsboat's cache are kept between runs")
	fs.Var(&ingest, "ingest", "scenario 1: feeds x items")
	fs.Var(&big, "big", "scenarios 2-4: feeds x threads per feed (100k threads by default)")
	replies := fs.Int("replies", 4, "replies per thread in parley's big database (newsboat gets the first item of each thread)")
	million := fs.Bool("million", false, "the 1M-message database: -big 1000x200 -replies 4 (200k threads)")
	fs.IntVar(&cfg.Runs, "runs", 3, "runs of each quick measurement; the median is reported (newsboat's slow ones run once)")
	fs.IntVar(&cfg.Keys, "keys", 5, "j presses measured")
	fs.DurationVar(&cfg.Quiet, "quiet", 300*time.Millisecond, "output is settled after this long without a byte")
	fs.Var(&size, "size", "terminal size")
	only := fs.String("only", "ingest,startup", "scenarios: ingest (1, 3), startup (2, 3, 4)")
	fs.BoolVar(&cfg.Newsboat, "newsboat", true, "measure newsboat too")
	fs.BoolVar(&cfg.Install, "install", true, "apt-get install newsboat if it is missing")
	fs.BoolVar(&cfg.Force, "force", false, "rebuild the big database and newsboat's cache")
	fs.BoolVar(&cfg.GoBench, "gobench", true, "run BenchmarkQueueMove for the j/k Update+View figure")
	fs.BoolVar(&cfg.Poll, "poll", true, "parley's start-up config lists the feeds (it polls them as it starts, getting 304s)")
	fs.BoolVar(&cfg.Screens, "screens", false, "print each start-up's first screen with rows (stderr)")
	fs.StringVar(&cfg.Baseline, "baseline", "", "another parley binary (built from the code before a change) whose ingest runs interleaved with this tree's, for a before/after ratio")
	fs.DurationVar(&cfg.ParleyStart, "parley-timeout", 2*time.Minute, "give up on a parley start-up after this long")
	fs.DurationVar(&cfg.NewsboatStart, "newsboat-timeout", 15*time.Minute, "give up on a newsboat start-up after this long")
	if err := parse(fs, args); err != nil {
		return err
	}
	for _, s := range strings.Split(*only, ",") {
		switch strings.TrimSpace(s) {
		case "ingest":
			cfg.Ingests = true
		case "startup":
			cfg.Startups = true
		default:
			fmt.Fprintf(stderr, "-only: %q is not ingest or startup\n", s)
			return errUsage
		}
	}
	if *million {
		big, *replies = millionDims, millionReplies
	}
	if cfg.Baseline != "" {
		// Each run's working directory is its scratch dir.
		abs, err := filepath.Abs(cfg.Baseline)
		if err != nil {
			return err
		}
		cfg.Baseline = abs
	}
	if cfg.Runs < 1 || cfg.Keys < 1 || *replies < 0 {
		fmt.Fprintln(stderr, "-runs and -keys must be at least 1, -replies at least 0")
		return errUsage
	}
	cfg.Ingest, cfg.Big, cfg.W, cfg.H = ingestSet(ingest), bigSet(big, *replies), size.a, size.b
	root, err := repoRoot(ctx)
	if err != nil {
		return err
	}
	res, err := runAll(ctx, cfg, root, log)
	if res != nil {
		writeReport(ctx, stdout, cfg, root, command, res)
	}
	return err
}

// writeReport prints what BENCHMARKS.md pastes: machine, command, table.
func writeReport(ctx context.Context, w io.Writer, cfg config, root, command string, res *results) {
	var nb *newsboat
	if cfg.Newsboat {
		nb, _ = findNewsboat(ctx, false)
	}
	fmt.Fprintf(w, "Command: `%s` (from the repository root)\n\n", command)
	for _, kv := range machine(ctx, root, nb) {
		fmt.Fprintf(w, "- %s: %s\n", kv[0], kv[1])
	}
	fmt.Fprintln(w)
	res.table(w, cfg)
	fmt.Fprintln(w)
	res.details(w, cfg)
}

func genFeedsCmd(ctx context.Context, args []string, stderr io.Writer, log logf) error {
	fs := flag.NewFlagSet("gen-feeds", flag.ContinueOnError)
	fs.SetOutput(stderr)
	d := dims{500, 50}
	fs.Var(&d, "n", "feeds x items per feed")
	perPost := fs.Int("per-post", 5, "comments per post (1: every item is its own thread)")
	out := fs.String("out", filepath.Join(defaultWork(), "feeds"), "directory to write the feeds, a parley config.toml and a newsboat urls file")
	serve := fs.Bool("serve", false, "serve the feeds on -addr until interrupted (the config and urls then point there)")
	addr := fs.String("addr", "127.0.0.1:0", "listen address for -serve")
	if err := parse(fs, args); err != nil {
		return err
	}
	dir, err := filepath.Abs(*out)
	if err != nil {
		return err
	}
	c := ingestSet(d)
	c.PerPost = max(1, *perPost)
	return genFeeds(ctx, c, dir, *addr, *serve, log)
}

func genDBCmd(ctx context.Context, args []string, stderr io.Writer, log logf) error {
	fs := flag.NewFlagSet("gen-db", flag.ContinueOnError)
	fs.SetOutput(stderr)
	big := dims{500, 200}
	fs.Var(&big, "big", "feeds x threads per feed")
	replies := fs.Int("replies", 4, "replies per thread (parley only)")
	million := fs.Bool("million", false, "the 1M-message database: -big 1000x200 -replies 4 (200k threads)")
	work := fs.String("work", defaultWork(), "where to keep them")
	force := fs.Bool("force", false, "rebuild even if built")
	withNB := fs.Bool("newsboat", true, "also build newsboat's cache (newsboat -x reload of the same threads' first items)")
	install := fs.Bool("install", true, "apt-get install newsboat if it is missing")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *million {
		big, *replies = millionDims, millionReplies
	}
	d := bigSet(big, max(0, *replies))
	path, st, err := ensureParleyDB(ctx, d, *work, *force, log)
	if err != nil {
		return err
	}
	log("parley database: %s (%d threads, %d messages, %d drafts, %d replies, %d stage moves)", path, st.Threads, st.Messages, st.Drafts, st.Replies, st.StageMoves)
	if !*withNB {
		return nil
	}
	nb, note := findNewsboat(ctx, *install)
	if nb == nil {
		log("%s", note)
		return nil
	}
	cache, urls, nst, err := ensureNewsboatCache(ctx, d, *work, nb, *force, log)
	if err != nil {
		return err
	}
	log("newsboat cache: %s (urls %s; %d items; built in %s)", cache, urls, nst.Items, fmtDur(nst.Reload.Wall))
	return nil
}
