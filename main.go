// Command parley is a terminal console for community managers: it merges
// conversation feeds into one keyboard-driven queue and keeps every draft
// and reply in a local bbolt database.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/adrg/xdg"

	"parley/demo"
	"parley/feeds"
	"parley/store"
	"parley/ui"
)

const usage = `parley: one keyboard-driven queue for every conversation about your product.

Usage:
  parley [flags]              open the console on your config and database
  parley --demo               open the console on built-in sample feeds (no network,
                              no config; uses its own demo.db, never your database)
  parley fetch [flags]        poll every configured feed once, print a line per feed,
                              exit non-zero if every feed failed (for cron)

Flags (everywhere):
  --config PATH   config file (default %s)
  --db PATH       database file (default %s)
  --demo          use the built-in demo feeds and demo.db
  -h, --help      this help; 'parley CMD --help' explains CMD

Files:
  log   %s
  Data is private: directories are created 0700, files 0600.

Keys: press ? in the console. Docs: README.md.
`

// Commands that later versions add; named here so a user gets a clear answer.
var notYet = map[string]bool{"import-opml": true, "export": true, "conversions": true, "serve": true, "doctor": true}

type paths struct {
	config, db, dataDir, log string
}

func defaultPaths() paths {
	xdg.Reload() // read the environment now, not at package init (tests set it)
	data := filepath.Join(xdg.DataHome, "parley")
	return paths{
		config:  filepath.Join(xdg.ConfigHome, "parley", "config.toml"),
		db:      filepath.Join(data, "parley.db"),
		dataDir: data,
		log:     filepath.Join(xdg.StateHome, "parley", "parley.log"),
	}
}

type options struct {
	paths
	demo bool
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	def := defaultPaths()
	opts := options{paths: def}
	flags := func(name string) *flag.FlagSet {
		fs := flag.NewFlagSet(name, flag.ContinueOnError)
		fs.SetOutput(stderr)
		fs.StringVar(&opts.config, "config", opts.config, "config file")
		fs.StringVar(&opts.db, "db", opts.db, "database file")
		fs.BoolVar(&opts.demo, "demo", opts.demo, "use the built-in demo")
		fs.Usage = func() { fmt.Fprintf(stderr, usage, def.config, def.db, def.log) }
		return fs
	}
	root := flags("parley")
	if err := root.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	rest := root.Args()
	cmd := ""
	if len(rest) > 0 {
		cmd, rest = rest[0], rest[1:]
		// Flags may also follow the command: parley fetch --db x.
		sub := flags("parley " + cmd)
		if cmd == "fetch" {
			sub.Usage = func() {
				fmt.Fprintf(stderr, "Usage: parley fetch [--config PATH] [--db PATH] [--demo]\n\nPoll every configured feed once, store new items, print one line per feed\n(new/total items or the error). Exits 1 if every feed failed, 0 otherwise.\n")
			}
		}
		if err := sub.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			return 2
		}
		rest = sub.Args()
	}
	dbIsDefault := opts.db == def.db
	if opts.demo && dbIsDefault {
		opts.db = filepath.Join(filepath.Dir(def.db), "demo.db")
	}
	if len(rest) > 0 {
		fmt.Fprintf(stderr, "parley: unexpected argument %q (see parley --help)\n", rest[0])
		return 2
	}

	logger, closeLog, err := openLog(opts.log)
	if err != nil {
		// The console never logs to the terminal; without a log file it
		// still works, so say it once and carry on.
		fmt.Fprintf(stderr, "parley: %v (continuing without a log)\n", err)
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	defer closeLog()
	slog.SetDefault(logger)

	switch cmd {
	case "":
		return console(opts, stderr)
	case "fetch":
		return fetch(opts, stdout, stderr)
	default:
		if notYet[cmd] {
			fmt.Fprintf(stderr, "parley %s: not available in this version yet\n", cmd)
			return 2
		}
		fmt.Fprintf(stderr, "parley: unknown command %q (see parley --help)\n", cmd)
		return 2
	}
}

// setup loads the feeds to use (config or demo) and opens the database.
// noConfig reports a missing config file, which is not an error: the
// console then shows a welcome.
func setup(opts options) (cfg feeds.Config, st *store.Store, noConfig bool, err error) {
	if opts.demo {
		list, err := demo.Write(filepath.Join(opts.dataDir, "demo-feeds"), time.Now())
		if err != nil {
			return cfg, nil, false, fmt.Errorf("write demo feeds: %w", err)
		}
		cfg = feeds.Config{Path: "(demo)", Feeds: list, Ours: demo.Ours}
	} else {
		cfg, err = feeds.LoadConfig(opts.config)
		if errors.Is(err, feeds.ErrNoConfig) {
			noConfig, err = true, nil
			cfg.Path = opts.config
		}
		if err != nil {
			return cfg, nil, false, err
		}
	}
	st, err = store.Open(opts.db, store.Options{Ours: cfg.Ours})
	return cfg, st, noConfig, err
}

func console(opts options, stderr io.Writer) int {
	cfg, st, _, err := setup(opts)
	if err != nil {
		fmt.Fprintf(stderr, "parley: %v\n", err)
		return 1
	}
	defer st.Close()

	fetcher := feeds.NewFetcher(cfg.Fetch)
	if opts.demo {
		// Local files: ingest before the first frame so the demo opens full.
		fetcher.FetchAll(context.Background(), cfg.Feeds, st.ConditionalState, func(r feeds.Result) {
			if _, err := st.Ingest(r, time.Now()); err != nil {
				slog.Error("demo ingest", "feed", r.Feed, "err", err)
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var poller *feeds.Poller
	if len(cfg.Feeds) > 0 {
		poller = feeds.NewPoller(fetcher, cfg.Feeds, st.ConditionalState)
		poller.Start(ctx)
	}

	app := ui.New(ui.Deps{Store: st, Poller: poller, Feeds: cfg.Feeds, ConfigPath: cfg.Path, Demo: opts.demo})
	// Our own signal handling: Bubble Tea's quits without a last Update,
	// and SIGHUP (a dropped SSH session) must save the draft too.
	p := tea.NewProgram(app, tea.WithoutSignalHandler())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	go func() {
		s, ok := <-sigs
		if !ok {
			return
		}
		slog.Info("signal, saving and quitting", "signal", s)
		p.Send(ui.ShutdownMsg{})
		// A dead terminal can wedge the renderer; the draft is saved below
		// after Run returns either way.
		time.AfterFunc(2*time.Second, p.Kill)
	}()

	_, runErr := p.Run()
	for id, text := range app.PendingDrafts() {
		if err := st.SaveDraft(id, text, time.Now()); err != nil {
			fmt.Fprintf(stderr, "parley: could not save a draft (%q): %v\n", text, err)
			slog.Error("final draft save", "thread", id, "err", err)
			return 1
		}
	}
	if runErr != nil && !errors.Is(runErr, tea.ErrProgramKilled) {
		fmt.Fprintf(stderr, "parley: %v\n", runErr)
		return 1
	}
	return 0
}

func fetch(opts options, stdout, stderr io.Writer) int {
	cfg, st, noConfig, err := setup(opts)
	if err != nil {
		fmt.Fprintf(stderr, "parley fetch: %v\n", err)
		return 1
	}
	defer st.Close()
	if noConfig {
		fmt.Fprintf(stderr, "parley fetch: no config at %s: add [[feed]] entries (see README), or try --demo\n", cfg.Path)
		return 1
	}
	if len(cfg.Feeds) == 0 {
		fmt.Fprintf(stderr, "parley fetch: %s has no [[feed]] entries\n", cfg.Path)
		return 1
	}
	failed := 0
	nameW := 0
	for _, f := range cfg.Feeds {
		nameW = max(nameW, len(f.Name))
	}
	feeds.NewFetcher(cfg.Fetch).FetchAll(context.Background(), cfg.Feeds, st.ConditionalState, func(r feeds.Result) {
		res, ingestErr := st.Ingest(r, time.Now())
		name := r.Feed + ":" + strings.Repeat(" ", max(0, nameW-len(r.Feed)))
		switch {
		case r.Err != nil:
			failed++
			fmt.Fprintf(stdout, "✗ %s %v\n", name, r.Err)
		case ingestErr != nil:
			failed++
			fmt.Fprintf(stdout, "✗ %s could not store: %v\n", name, ingestErr)
		case r.NotModified:
			fmt.Fprintf(stdout, "✓ %s not modified (%s)\n", name, r.Duration.Round(time.Millisecond))
		default:
			fmt.Fprintf(stdout, "✓ %s %d new / %d items (%s)\n", name, res.New, len(r.Items), r.Duration.Round(time.Millisecond))
		}
	})
	if failed == len(cfg.Feeds) {
		fmt.Fprintf(stderr, "parley fetch: every feed failed\n")
		return 1
	}
	return 0
}

// openLog opens the log file privately; the TUI owns the terminal.
func openLog(path string) (*slog.Logger, func(), error) {
	noop := func() {}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, noop, fmt.Errorf("create log dir: %w", err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, noop, fmt.Errorf("open log: %w", err)
	}
	return slog.New(slog.NewTextHandler(f, nil)), func() { f.Close() }, nil
}
