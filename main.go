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
	"os/user"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/adrg/xdg"

	"parley/demo"
	"parley/engine"
	"parley/feeds"
	"parley/funnel"
	"parley/pacer"
	"parley/server"
	"parley/store"
	"parley/ui"
)

const usage = `parley: one keyboard-driven queue for every conversation about your product.

Usage:
  parley [flags]                     open the console on your config and database; when
                                     the team's parley serve runs on this machine
                                     (/run/parley, $PARLEY_TEAM_DIR), attach to it instead
  parley --demo                      open the console on built-in sample feeds (no network,
                                     no config; uses its own demo.db, never your database)
  parley fetch [flags]               poll every configured feed once, print a line per feed,
                                     exit non-zero if every feed failed (for cron)
  parley export [--format csv|json]  print every conversation (a person in a thread) with
                                     its stage, contact, feed, activity and conversions
                                     (default csv); --format opml: the feeds, as OPML
  parley conversions import FILE     attribute sales (CSV or JSON lines of ref, amount,
                                     currency, time) to the person whose tracked-link ref
                                     it is (ctrl+l inserts it while you answer them)
  parley doctor                      check config, secrets, database and permissions
                                     (only reads; --salvage NEW.db copies what can still be
                                     read of a damaged database)
  parley backup FILE                 write a consistent copy of the database to FILE,
                                     also while the console runs
  parley serve [--listen ADDR]       run parley for a team: teammates open consoles
                                     over SSH with their keys ([[teammate]] in the config)
  parley attach DIR                  open your console on the team's parley serve on
                                     this machine (its --team-dir)
  parley keys                        list the console's actions and keys ([keys] rebinds)
  parley import-opml FILE            add the feeds of an OPML file to the config
  parley completion bash|zsh|fish    print a shell completion script

Flags (everywhere):
  --config PATH   config file (default %s)
  --db PATH       database file (default %s)
  --demo          use the built-in demo feeds and demo.db (not with --db)
  -h, --help      this help; 'parley CMD --help' explains CMD
  --version       which parley this is (version, commit)

Files:
  log   %s
  Data is private: directories are created 0700, files 0600. parley refuses
  a directory others can write, a link, or a file of another user for its
  database, log and socket.

Keys: press ? in the console. Docs: README.md.
`

const fetchUsage = `Usage: parley fetch [--config PATH] [--db PATH] [--demo]

Poll every configured feed once, store new items, print one line per feed
(new/total items or the error). While a console runs on the database, the
console polls and stores (same lines). Exits 1 if every feed failed, 2 on
a usage error (also: the running console uses another config than
--config), 0 otherwise.
`

// Commands that later versions add; named here so a user gets a clear answer.
var notYet = map[string]bool{}

// command is one subcommand: its help text and what it runs. args are the
// arguments left after the flags (which may come anywhere after the name).
type command struct {
	usage string
	run   func(opts options, args []string, stdout, stderr io.Writer) int
}

var commands = map[string]command{
	"fetch": {fetchUsage, func(opts options, args []string, stdout, stderr io.Writer) int {
		if len(args) > 0 {
			return unexpectedArg(stderr, "fetch", args[0])
		}
		return fetch(opts, stdout, stderr)
	}},
	"export":      {exportUsage, exportCmd},
	"conversions": {conversionsUsage, conversionsCmd},
	"doctor":      {doctorUsage, doctorCmd},
	"backup":      {backupUsage, backupCmd},
	// serve's usage names its defaults, filled in by run.
	"serve":       {serveUsage, serveCmd},
	"attach":      {attachUsage, attachCmd},
	"keys":        {keysUsage, keysCmd},
	"import-opml": {importOPMLUsage, importOPMLCmd},
	"completion":  {completionUsage, completionCmd},
}

func unexpectedArg(stderr io.Writer, cmd, arg string) int {
	fmt.Fprintf(stderr, "parley %s: unexpected argument %q (see parley %s --help)\n", cmd, arg, cmd)
	return 2
}

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
	demo    bool
	format  string // export --format
	audit   bool   // export --audit
	listen  string // serve --listen
	teamDir string // serve --team-dir
	group   string // serve --team-group
	salvage string // doctor --salvage OUT
	// needDB: the command reads the database, so a missing one is an
	// error (a typo in --db) and nothing is created.
	needDB bool
	// progress hears long work at open (a schema upgrade, re-reading
	// conversations); nil: nobody.
	progress io.Writer
}

// demoDir is where --demo renders its feeds and sample files.
func (o options) demoDir() string { return filepath.Join(o.dataDir, "demo-feeds") }

func main() {
	if len(os.Args) == 2 && os.Args[1] == ttyGuardArg {
		os.Exit(runTTYGuard()) // ttyguard_unix.go
	}
	stop := startProfile()
	code := run(os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "help" {
		// parley help [CMD]: what people type first, as with git and go.
		args = append(slices.Clone(args[1:min(2, len(args))]), "--help")
	}
	def := defaultPaths()
	opts := options{paths: def, format: "csv", listen: server.DefaultListen, progress: stderr}
	flags := func(name string) *flag.FlagSet {
		fs := flag.NewFlagSet(name, flag.ContinueOnError)
		fs.SetOutput(io.Discard) // flagError says it in one line
		fs.StringVar(&opts.config, "config", opts.config, "config file")
		fs.StringVar(&opts.db, "db", opts.db, "database file")
		fs.BoolVar(&opts.demo, "demo", opts.demo, "use the built-in demo")
		fs.Usage = func() {}
		return fs
	}
	rootHelp := fmt.Sprintf(usage, def.config, def.db, def.log)
	root := flags("parley")
	version := root.Bool("version", false, "print the version")
	if err := root.Parse(args); err != nil {
		return flagError(root, rootHelp, err, stdout, stderr)
	}
	if *version {
		return printVersion(stdout)
	}
	dbSet, configSet := false, false // --db, --config given, even with the default path
	seen := func(f *flag.Flag) {
		dbSet = dbSet || f.Name == "db"
		configSet = configSet || f.Name == "config"
	}
	root.Visit(seen)
	rest := root.Args()
	cmd := ""
	var c command
	if len(rest) > 0 {
		cmd, rest = rest[0], rest[1:]
		var known bool
		if c, known = commands[cmd]; !known {
			if notYet[cmd] {
				fmt.Fprintf(stderr, "parley %s: not available in this version yet\n", cmd)
				return 2
			}
			fmt.Fprintf(stderr, "parley: unknown command %q (see parley --help)\n", cmd)
			return 2
		}
		// Flags may also follow the command, and its arguments:
		// parley fetch --db x, parley conversions import sales.csv --demo.
		help := c.usage
		if cmd == "serve" {
			help = fmt.Sprintf(help, server.DefaultListen, filepath.Join(filepath.Dir(def.db), server.HostKeyFile))
		}
		sub := flags("parley " + cmd)
		if cmd == "export" {
			sub.StringVar(&opts.format, "format", opts.format, "csv or json")
			sub.BoolVar(&opts.audit, "audit", false, "print the audit log instead")
		}
		if cmd == "serve" {
			sub.StringVar(&opts.listen, "listen", opts.listen, "address to listen on for SSH")
			sub.StringVar(&opts.teamDir, "team-dir", "", "directory for the local socket (parley attach)")
			sub.StringVar(&opts.group, "team-group", "", "group that may attach through --team-dir")
		}
		if cmd == "doctor" {
			sub.StringVar(&opts.salvage, "salvage", "", "copy what can be read into a new database")
		}
		var err error
		if rest, err = parseInterspersed(sub, rest); err != nil {
			return flagError(sub, help, err, stdout, stderr)
		}
		sub.Visit(seen)
	}
	if opts.demo && dbSet {
		// The demo writes sample threads and revenue: never into a
		// database the user named, which is most likely their real one.
		fmt.Fprintf(stderr, "parley: --demo uses its own demo.db (in %s) and cannot be combined with --db %s: drop one of them\n",
			filepath.Dir(def.db), opts.db)
		return 2
	}
	if opts.demo {
		opts.db = filepath.Join(filepath.Dir(def.db), "demo.db")
	}
	if configSet && !opts.demo {
		if err := namedConfigExists(opts.config, def.config); err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", strings.TrimSpace("parley "+cmd), err)
			return 1
		}
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

	if cmd == "" {
		// A team server running on this machine: attach to it.
		if code, ok := attachTeam(opts, dbSet, stderr); ok {
			return code
		}
		return console(opts, stderr)
	}
	return c.run(opts, rest, stdout, stderr)
}

// flagError answers a flag Parse refused: -h or --help prints the help on
// stdout (status 0: asked for, so `parley --help | less` works); a mistake
// is one line on stderr that says where the help is, not the whole help
// after it (status 2).
func flagError(fs *flag.FlagSet, help string, err error, stdout, stderr io.Writer) int {
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, help)
		return 0
	}
	fmt.Fprintf(stderr, "%s: %v (see %s --help)\n", fs.Name(), err, fs.Name())
	return 2
}

// parseInterspersed parses flags that may come before, between and after
// the positional arguments, which it returns in order. After "--" every
// argument is positional.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		// Parse stops at the first non-flag, or just after a "--".
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// setup loads the feeds to use (config or demo) and opens the database
// with the funnel analyzer the config asks for. noConfig reports a missing
// config file, which is not an error: the console then shows a welcome.
func setup(opts options) (cfg feeds.Config, st *store.Store, noConfig bool, err error) {
	if opts.demo {
		// demo-feeds/ goes into the data directory: check it first.
		if err := store.EnsurePrivateDir(opts.dataDir); err != nil {
			return cfg, nil, false, err
		}
		list, err := demo.Write(opts.demoDir(), time.Now())
		if err != nil {
			return cfg, nil, false, fmt.Errorf("write demo feeds: %w", err)
		}
		cfg = feeds.Config{Path: "(demo)", Feeds: list, Ours: demo.Ours,
			Funnel: funnel.Config{TrackLink: demo.TrackLink}, Templates: demo.Templates}
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
	// LoadConfig has already compiled [funnel] once; this cannot fail for
	// a config it accepted.
	an, err := funnel.NewAnalyzer(cfg.Funnel)
	if err != nil {
		return cfg, nil, false, fmt.Errorf("%s: [funnel]: %w", cfg.Path, err)
	}
	st, err = store.Open(opts.db, withOpenProgress(store.Options{Ours: cfg.Ours, Funnel: an, MustExist: opts.needDB && !opts.demo},
		opts.progress))
	if err == nil && st.RemovedStaleSocket() != "" {
		slog.Info("removed a control socket left by a parley that stopped without closing it (kill -9?)", "socket", st.RemovedStaleSocket())
	}
	return cfg, st, noConfig, err
}

// prepareDemo brings demo.db up to date the way `parley --demo` opens:
// the demo feeds (local files) ingested and the built-in conversions
// imported. Both are idempotent, so every start and every --demo command
// can run it.
func prepareDemo(cfg feeds.Config, st *store.Store, now time.Time) error {
	var errs []error
	eng := engine.New(engine.Config{Store: st, Feeds: cfg.Feeds, Fetch: cfg.Fetch, Clock: fixedClock{now}})
	eng.FetchOnce(context.Background(), func(_ feeds.Result, _ store.IngestResult, err error) {
		if err != nil {
			errs = append(errs, err)
		}
	})
	eng.Close()
	if err := importDemoConversions(st, now); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// fixedClock stores the demo's items at the time it is prepared for.
type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

func (fixedClock) AfterFunc(d time.Duration, f func()) engine.Timer { return time.AfterFunc(d, f) }

// importDemoConversions imports the demo's built-in conversions (their IDs
// are fixed, so importing them on every start counts each once).
func importDemoConversions(st *store.Store, now time.Time) error {
	data, err := demo.Conversions(now)
	if err != nil {
		return err
	}
	rows, bad, err := parseConversions(demo.ConversionsFile, data)
	if err == nil && len(bad) > 0 {
		err = fmt.Errorf("line %d: %s", bad[0].Line, bad[0].Msg)
	}
	if err != nil {
		return fmt.Errorf("demo conversions: %w", err)
	}
	res, err := st.ImportConversions(rows, now)
	if err != nil {
		return fmt.Errorf("demo conversions: %w", err)
	}
	if len(res.Unknown) > 0 {
		u := res.Unknown[0]
		return fmt.Errorf("demo conversions: line %d: ref %s: %w", u.Line, u.Ref, u.Err)
	}
	return nil
}

// userName is who makes manual stage moves: the login name.
func userName() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		name := u.Username
		if i := strings.LastIndexByte(name, '\\'); i >= 0 {
			name = name[i+1:] // DOMAIN\name on Windows
		}
		return name
	}
	if name := os.Getenv("USER"); name != "" {
		return name
	}
	return "me"
}

func console(opts options, stderr io.Writer) int {
	// Open waits out a console that is quitting (a restart right after a
	// dropped SSH session); one that stays open answers who it is.
	cfg, st, noConfig, err := setup(opts)
	if errors.Is(err, store.ErrLocked) {
		if who, herr := store.ControlHello(opts.db, helloWait); herr == nil {
			fmt.Fprintln(stderr, alreadyOpen(absPath(opts.db), who))
			return 1
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "parley: %v\n", cleanErr(err))
		return 1
	}
	defer st.Close()
	if !checkKeys(cfg, stderr, "parley") {
		return 1
	}
	if opts.demo {
		// Local files: ingest before the first frame so the demo opens
		// full, with a few threads already converted.
		if err := prepareDemo(cfg, st, time.Now()); err != nil {
			slog.Error("demo setup", "err", err)
		}
	}
	// The engine is this database's one writer while the console runs:
	// it polls and stores, sends the outbox, wakes snoozes, and serves
	// other parley commands on the control socket.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	user := userName()
	eng := ownerEngine(opts, cfg, noConfig, st, user)
	eng.Start(ctx)
	defer eng.Close() // before st.Close: what it was storing is stored
	app := ui.New(withDaily(ui.Deps{Backend: eng.Session(user), Feeds: cfg.Feeds, ConfigPath: cfg.Path, Demo: opts.demo,
		TrackLink: cfg.Funnel.TrackLink, User: user, Teammates: teammateNames(cfg.Teammates), Keys: cfg.Keys, NoMouse: cfg.NoMouse,
		Views: cfg.Views}, cfg))
	// Our own signal handling: Bubble Tea's quits without a last Update,
	// and SIGHUP (a dropped SSH session) must save the draft too.
	// Paced: an idle console does not wake (package pacer).
	p := pacer.NewProgram(app, nil, tea.WithoutSignalHandler())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	// weKilled tells our own p.Kill (a wedged renderer after a signal)
	// from Bubble Tea's after a panic, which must not exit 0.
	var weKilled atomic.Bool
	go func() {
		s, ok := <-sigs
		if !ok {
			return
		}
		slog.Info("signal, saving and quitting", "signal", s)
		p.Send(ui.ShutdownMsg{})
		// A dead terminal can wedge the renderer; the draft is saved below
		// after Run returns either way.
		time.AfterFunc(2*time.Second, func() { weKilled.Store(true); p.Kill() })
	}()
	// A damaged page found while the console runs: nothing more can be
	// read or written, so quit (the terminal is restored) and say so.
	stopWatch := make(chan struct{})
	defer close(stopWatch)
	go func() {
		select {
		case <-st.DamagedNotify():
			slog.Error("database damaged, quitting", "err", st.Damaged())
			p.Send(ui.ShutdownMsg{})
		case <-stopWatch:
		}
	}()

	guard := startTTYGuard(opts.log)
	defer guard.release() // every return below is a clean end
	_, runErr := p.Run()
	runErr = runFailure(runErr, weKilled.Load())
	for id, text := range app.PendingDrafts() {
		if err := st.As(user).SaveDraft(id, text, time.Now()); err != nil { // the console's drafts are the user's
			fmt.Fprintf(stderr, "parley: could not save a draft (%q): %v\n", text, cleanErr(err))
			slog.Error("final draft save", "thread", id, "err", err)
			return 1
		}
	}
	if err := st.Damaged(); err != nil {
		fmt.Fprintf(stderr, "parley: %v\n", err)
		return 1
	}
	if runErr != nil {
		fmt.Fprintf(stderr, "parley: %v\n", runErr)
		return 1
	}
	return 0
}

// runFailure says whether the console's Run ended badly: nil for a quit,
// or for our own kill after a signal (the draft is saved after Run
// either way). Bubble Tea reports a panic (in Update, View or a command)
// as killed and panicked, or, when its goroutine recovered it, only as
// killed: neither may exit 0.
func runFailure(runErr error, weKilled bool) error {
	switch {
	case runErr == nil:
		return nil
	case errors.Is(runErr, tea.ErrProgramPanic) || errors.Is(runErr, tea.ErrProgramKilled) && !weKilled:
		// Bubble Tea restored the terminal and printed the panic.
		slog.Error("console stopped by a panic", "err", runErr)
		return errors.New("stopped by an internal error (a panic, printed above); drafts saved before it are kept; details in the log")
	case errors.Is(runErr, tea.ErrProgramKilled):
		return nil
	}
	return runErr
}

// cleanErr gives a damaged database's error as it is (it names the file
// and says what to do), without the context wrapped around it on the way.
func cleanErr(err error) error {
	var d *store.DamagedError
	if errors.As(err, &d) {
		return d
	}
	return err
}

func fetch(opts options, stdout, stderr io.Writer) int {
	// A running console polls for us (it holds the database).
	if code, ok := fetchVia(opts, stdout, stderr); ok {
		return code
	}
	cfg, st, noConfig, err := setup(opts)
	if errors.Is(err, store.ErrLocked) {
		if code, ok := fetchVia(opts, stdout, stderr); ok {
			return code // a console that was starting
		}
		err = ownerUnreachable(err, absPath(opts.db))
	}
	if err != nil {
		fmt.Fprintf(stderr, "parley fetch: %v\n", cleanErr(err))
		return 1
	}
	defer st.Close()
	p := &fetchReport{out: stdout}
	p.names(feedNames(cfg.Feeds))
	// The same engine as the console's, without its background work or
	// socket: a cron fetch holds the database only while it stores.
	eng := engine.New(engineConfig(opts, cfg, noConfig, st))
	defer eng.Close()
	return p.finish(eng.Fetch(context.Background(), p.line), stderr)
}

// absPath is path made absolute, as the store names its files.
func absPath(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}

// openLog opens the log file privately; the TUI owns the terminal. Like
// the database, it must be parley's own file in a directory only the user
// can write: never a link (parley.log -> ~/.bashrc would get log lines).
func openLog(path string) (*slog.Logger, func(), error) {
	noop := func() {}
	if err := store.EnsurePrivateDir(filepath.Dir(path)); err != nil {
		return nil, noop, fmt.Errorf("log: %w", err)
	}
	f, err := store.OpenPrivateFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, noop, fmt.Errorf("log: %w", err)
	}
	return slog.New(slog.NewTextHandler(f, nil)), func() { f.Close() }, nil
}
