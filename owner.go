package main

// Commands while a console runs: the console holds the database's lock,
// so fetch, export, conversions import, doctor and backup ask it over its
// control socket (the protocol: store/control_v1.go; served by the
// console's engine: engine/control.go) and print what they print without
// one. Each asks first (no lock wait when a console answers), opens the
// database itself when none does, and asks once more if the database
// turned out locked (a console that was still starting).

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"parley/engine"
	"parley/feeds"
	"parley/store"
)

// helloWait bounds a second console's question to the first: it must
// stop within 2 s of starting, lock wait included.
const helloWait = 400 * time.Millisecond

// ownerUnreachable says what to do when the database is locked and the
// parley holding it did not answer: the one case "another parley is
// using" is still printed.
func ownerUnreachable(err error, db string) error {
	if !errors.Is(err, store.ErrLocked) {
		return err
	}
	return fmt.Errorf("another parley is using %s and did not answer on its control socket "+
		"(an older version, or a parley fetch that is still running): wait for it or quit it and try again, "+
		"or use --db for a different database", db)
}

// noOwner reports whether err means no parley answered (so the command
// opens the database itself).
func noOwner(err error) bool { return errors.Is(err, store.ErrNoControl) }

// alreadyOpen is the one line a second console prints.
func alreadyOpen(db string, who store.Who) string {
	return fmt.Sprintf("parley: parley is already open on %s%s: switch to that terminal, or quit it first; "+
		"parley serve is how several consoles share one database", db, ownerAt(who))
}

// ownerAt says which parley holds a database: " (pid 12 on /dev/pts/3
// since 14:02)", or "" when it said nothing.
func ownerAt(who store.Who) string {
	var where []string
	if who.PID > 0 {
		where = append(where, fmt.Sprintf("pid %d", who.PID))
	}
	if who.TTY != "" {
		where = append(where, "on "+who.TTY)
	}
	if !who.Started.IsZero() {
		where = append(where, "since "+who.Started.Local().Format("15:04"))
	}
	if len(where) == 0 {
		return ""
	}
	return " (" + strings.Join(where, " ") + ")"
}

// engineConfig is the engine for opts' database and config, as every
// parley that stores polls builds it (console, fetch).
func engineConfig(opts options, cfg feeds.Config, noConfig bool, st *store.Store) engine.Config {
	c := engine.Config{Store: st, Feeds: cfg.Feeds, Fetch: cfg.Fetch, ConfigPath: configName(opts), NoConfig: noConfig}
	if opts.demo {
		// As the demo console does on start, so demo.db looks the same.
		c.AfterFetch = func() error { return importDemoConversions(st, time.Now()) }
	}
	return c
}

// firstPollDelay: a console (or serve) shows its first screen, then polls.
// Without it, at 1M messages and 1,000 feeds the first rows took 198 ms
// instead of 76 ms (go run ./bench -million -only startup, -poll=false).
const firstPollDelay = 300 * time.Millisecond

// ownerEngine is the console's engine: the database's owner while it
// runs. Its writes are published as made by user (the change feed's
// Who), and it serves the other commands on the control socket.
func ownerEngine(opts options, cfg feeds.Config, noConfig bool, st *store.Store, user string) *engine.Engine {
	c := engineConfig(opts, cfg, noConfig, st.As(user))
	c.User = user
	c.FirstPollDelay = firstPollDelay
	c.Control = &engine.Control{
		Export: func(_ context.Context, format string, w io.Writer) error {
			return writeExport(st, format, w)
		},
		ExportAudit: func(_ context.Context, format string, w io.Writer) error {
			return writeAudit(st, format, w)
		},
	}
	return engine.New(c)
}

// configName names the config a fetch is run with, as the console's
// engine names its own: the absolute path, or "(demo)".
func configName(opts options) string {
	if opts.demo {
		return "(demo)"
	}
	return absPath(opts.config)
}

func feedNames(fs []feeds.Feed) []string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.Name
	}
	return names
}

// fetchReport prints fetch's per-feed lines and counts the failures, for
// a fetch done here and one done by the running console alike.
type fetchReport struct {
	out           io.Writer
	nameW         int
	total, failed int
	named         bool
}

func (p *fetchReport) names(names []string) {
	p.named, p.total = true, len(names)
	for _, n := range names {
		p.nameW = max(p.nameW, len(n))
	}
}

func (p *fetchReport) line(r store.FeedResult) {
	if !p.named {
		p.total++
	}
	name := r.Feed + ":" + strings.Repeat(" ", max(0, p.nameW-len(r.Feed)))
	switch {
	case r.Err != "":
		p.failed++
		fmt.Fprintf(p.out, "✗ %s %s\n", name, r.Err)
	case r.Damaged:
		p.failed++
		fmt.Fprintf(p.out, "✗ %s could not store: the database is damaged\n", name)
	case r.StoreErr != "":
		p.failed++
		fmt.Fprintf(p.out, "✗ %s could not store: %s\n", name, r.StoreErr)
	case r.NotModified:
		fmt.Fprintf(p.out, "✓ %s not modified (%s)\n", name, r.Duration.Round(time.Millisecond))
	default:
		skipped := ""
		if r.Truncated > 0 {
			skipped = fmt.Sprintf(", %d older skipped: over the %d-item limit per poll ([fetch] max_items)", r.Truncated, r.Items)
		}
		fmt.Fprintf(p.out, "✓ %s %d new / %d items (%s%s)\n", name, r.New, r.Items, r.Duration.Round(time.Millisecond), skipped)
	}
}

// fetchVia asks the running console to fetch. ok is false when none
// answered.
func fetchVia(opts options, stdout, stderr io.Writer) (code int, ok bool) {
	p := &fetchReport{out: stdout}
	err := store.RequestFetch(opts.db, configName(opts), p.names, p.line)
	if noOwner(err) {
		return 0, false
	}
	return p.finish(err, stderr), true
}

// finish is fetch's exit status: 1 when the run failed or every feed did;
// 2 when the running console polls another config (the command line
// names the wrong one, as for other usage errors).
func (p *fetchReport) finish(err error, stderr io.Writer) int {
	if errors.Is(err, store.ErrOtherConfig) {
		fmt.Fprintf(stderr, "parley fetch: %v\n", err)
		return 2
	}
	if err != nil {
		fmt.Fprintf(stderr, "parley fetch: %v\n", cleanErr(err))
		return 1
	}
	if p.failed == p.total {
		fmt.Fprintf(stderr, "parley fetch: every feed failed\n")
		return 1
	}
	return 0
}
