package engine

// The control socket: while the engine runs, other parley commands
// (fetch, export, conversions import, doctor, backup) go through it, as
// the database's one owner, instead of stopping at its lock. The store
// speaks the protocol (store/control_v1.go); the engine supplies what
// needs more than the store: the fetch, with this engine's feeds and
// writer, and the export (Control).

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"parley/feeds"
	"parley/store"
)

// Control is what the engine serves on the control socket beyond the
// store and its own fetch.
type Control struct {
	// Export writes every thread in format (csv or json), as `parley
	// export` prints it; nil answers that this parley cannot export.
	Export func(ctx context.Context, format string, w io.Writer) error
	// ExportAudit writes the audit log in format, as `parley export
	// --audit` prints it; nil answers that this parley cannot.
	ExportAudit func(ctx context.Context, format string, w io.Writer) error
}

// Fetch is `parley fetch`: poll every feed once, store the results
// through the writer, and emit each feed's result once it is committed.
// The error is for the whole run (no config, no feeds, a damaged
// database). A fetch asked for on the control socket runs this too.
func (e *Engine) Fetch(ctx context.Context, emit func(store.FeedResult)) error {
	if e.cfg.NoConfig {
		return fmt.Errorf("no config at %s: add [[feed]] entries (see README), or try --demo", e.cfg.ConfigPath)
	}
	if len(e.cfg.Feeds) == 0 {
		return fmt.Errorf("%s has no [[feed]] entries", e.cfg.ConfigPath)
	}
	e.FetchOnce(ctx, func(r feeds.Result, res store.IngestResult, err error) {
		emit(store.NewFeedResult(r, res, err))
	})
	if err := e.st.Damaged(); err != nil {
		return err
	}
	if e.cfg.AfterFetch != nil {
		// Not the fetch's failure: its results are stored and reported.
		if err := e.cfg.AfterFetch(); err != nil {
			slog.Error("after fetch", "err", err)
		}
	}
	return nil
}

// ServeControl serves the database's control socket until ctx ends or
// the engine closes (Close waits for requests in progress). Start calls
// it when Config.Control is set; tests call it alone to serve without
// polling.
func (e *Engine) ServeControl(ctx context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	switch {
	case e.closed:
		return errors.New("the engine is closed")
	case e.stopControl != nil:
		return errors.New("the control socket is already served")
	}
	h := store.ControlHandlers{FeedNames: e.feedNames, Fetch: e.serveFetch}
	if e.cfg.Control != nil {
		h.Export = e.cfg.Control.Export
		h.ExportAudit = e.cfg.Control.ExportAudit
	}
	stop, err := e.st.ServeControlWith(ctx, h)
	if err != nil {
		return err
	}
	e.stopControl = stop
	return nil
}

// feedNames are the feeds a fetch run with config polls: this engine's,
// or none (another config's fetch is refused).
func (e *Engine) feedNames(config string) ([]string, error) {
	if err := e.checkConfig(config); err != nil {
		return nil, err
	}
	names := make([]string, len(e.cfg.Feeds))
	for i, f := range e.cfg.Feeds {
		names[i] = f.Name
	}
	return names, nil
}

// serveFetch is a fetch asked for on the control socket by a `parley
// fetch` run with config. Another config's feeds are not this engine's
// to poll: storing them here would mix two configs in one database
// behind the user's back, and polling ours would not be what was asked.
func (e *Engine) serveFetch(ctx context.Context, config string, emit func(store.FeedResult)) error {
	if err := e.checkConfig(config); err != nil {
		return err
	}
	return e.Fetch(ctx, emit)
}

// checkConfig refuses a fetch run with another config than this engine's.
func (e *Engine) checkConfig(config string) error {
	ours := e.cfg.ConfigPath
	if config == "" || ours == "" || sameConfig(config, ours) {
		return nil
	}
	// A name that is not a path is the demo's built-in feeds.
	how := "parley fetch --config " + ours
	if !filepath.IsAbs(ours) {
		how = "parley fetch --demo"
	}
	return otherConfigError(fmt.Sprintf("the running console (pid %d) uses %s; this fetch names %s: "+
		"to poll the console's feeds run %s; to fetch %s's feeds, give it its own database (--db) or quit the console first",
		os.Getpid(), ours, config, how, config))
}

// otherConfigError refuses a fetch of another config (store.ErrOtherConfig).
type otherConfigError string

func (m otherConfigError) Error() string { return string(m) }

func (otherConfigError) Is(target error) bool { return target == store.ErrOtherConfig }

// sameConfig reports whether two config names are the same file: equal,
// or two absolute paths of one file (a link, a second path to it).
func sameConfig(a, b string) bool {
	if a == b {
		return true
	}
	if !filepath.IsAbs(a) || !filepath.IsAbs(b) {
		return false
	}
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}
