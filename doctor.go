package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"parley/feeds"
	"parley/store"
	"parley/ui"
)

const doctorUsage = `Usage: parley doctor [--config PATH] [--db PATH]
       parley doctor --salvage OUT [--db PATH]

Check parley's setup and say what to fix:
  config       the file parses, every feed is valid
  secrets      each two-way feed's token (token_env / token_file,
               api_key_env / api_key_file) is there, token files are 0600
  database     every page is consistent (read-only: doctor never writes to
               the database; while the console runs, the console checks it)
  permissions  data files are 0600 and their directory 0700 (others on a
               shared box must not read your conversations)
Exits 0 when everything is fine, 1 when something needs fixing.

--salvage OUT copies every record that can still be read from a damaged
database into a new database OUT (created 0600, never overwritten) and
says what it left behind. The damaged file is only read. Quit parley
first; then check OUT with parley doctor --db OUT and open it with --db OUT.
`

func doctorCmd(opts options, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		return unexpectedArg(stderr, "doctor", args[0])
	}
	if opts.salvage != "" {
		return salvage(opts.db, opts.salvage, stdout, stderr)
	}
	d := doctor{out: stdout}
	d.config(opts)
	d.dataDir(opts.db)
	d.database(opts)
	d.socket(opts)
	d.logFile(opts.log)
	if d.problems > 0 {
		fmt.Fprintf(stdout, "\n%d %s to fix.\n", d.problems, map[bool]string{true: "problem", false: "problems"}[d.problems == 1])
		return 1
	}
	if d.unchecked != "" {
		fmt.Fprintf(stdout, "\nNothing to fix in what was checked (not checked: %s).\n", d.unchecked)
		return 0
	}
	fmt.Fprintln(stdout, "\nAll good.")
	return 0
}

type doctor struct {
	out      io.Writer
	problems int
	// unchecked names what could not be checked (a database in use).
	unchecked string
}

func (d *doctor) ok(format string, args ...any) {
	fmt.Fprintf(d.out, "✓ "+format+"\n", args...)
}

func (d *doctor) bad(format string, args ...any) {
	d.problems++
	fmt.Fprintf(d.out, "✗ "+format+"\n", args...)
}

func (d *doctor) note(format string, args ...any) {
	fmt.Fprintf(d.out, "· "+format+"\n", args...)
}

func (d *doctor) config(opts options) {
	if opts.demo {
		d.note("config: --demo uses the built-in feeds, no config file")
		return
	}
	cfg, err := feeds.LoadConfig(opts.config)
	switch {
	case errors.Is(err, feeds.ErrNoConfig):
		d.note("config: none at %s (parley shows a welcome; add [[feed]] entries, see README)", opts.config)
		return
	case err != nil:
		d.bad("config: %v", err)
		// Every mistake listed is one to fix: the total agrees with
		// "N mistakes" on the line above.
		var all feeds.ConfigErrors
		if errors.As(err, &all) && len(all) > 1 {
			d.problems += len(all) - 1
		}
		return
	}
	keyErrs := ui.ApplyKeys(ui.DefaultKeyMap(), cfg.Path, cfg.Keys)
	for _, err := range keyErrs {
		d.bad("config: %v", err)
	}
	if len(keyErrs) == 0 {
		d.ok("config: %s (%d %s)", cfg.Path, len(cfg.Feeds), map[bool]string{true: "feed", false: "feeds"}[len(cfg.Feeds) == 1])
	}
	d.private(cfg.Path, 0o077, "config")
	for _, f := range cfg.Feeds {
		if f.Secret.IsZero() {
			continue
		}
		where := "environment variable " + f.Secret.Env
		if f.Secret.File != "" {
			where = "token file " + f.Secret.File
		}
		if _, err := f.Secret.Load(); err != nil {
			d.bad("secret of %q (%s): %v", f.Name, feeds.KindLabel(f.Kind), err)
			continue
		}
		d.ok("secret of %q: %s is set", f.Name, where)
	}
}

func (d *doctor) database(opts options) {
	path := opts.db
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		d.note("database: none yet at %s (created on first start)", path)
		return
	}
	d.private(path, 0o077, "database")
	// A running console holds the database: it runs the check itself.
	res, err := store.RequestCheck(path)
	if errors.Is(err, store.ErrNoControl) {
		res, err = checkDirect(path)
		if errors.Is(err, store.ErrLocked) {
			res, err = store.RequestCheck(path) // a console that was starting
		}
	}
	switch {
	case errors.Is(err, store.ErrNoControl) || errors.Is(err, store.ErrLocked):
		d.note("database: %s is in use by a running parley that did not answer on its control socket "+
			"(an older version?); quit it to check its integrity", path)
		d.unchecked = "the database's integrity"
		return
	case err != nil:
		d.bad("database: cannot check %s: %v", path, err)
		return
	}
	d.checked(path, res)
}

// checkDirect runs the database check on the file itself (no parley
// holds it). Checked first with plain reads, opened (read-only) only if
// sound: a damaged page must not crash doctor, and doctor never writes.
// Only ErrLocked comes back as an error; the check's findings are in the
// result.
func checkDirect(path string) (store.CheckResult, error) {
	var res store.CheckResult
	rep, err := store.CheckFile(path, 2*time.Second)
	res.Report = rep
	if errors.Is(err, store.ErrLocked) {
		return res, err
	}
	if err != nil {
		res.Err = err.Error()
		return res, nil
	}
	st, err := store.OpenReadOnly(path, 2*time.Second)
	if errors.Is(err, store.ErrLocked) {
		return res, err
	}
	if err != nil {
		res.Err = err.Error()
		return res, nil
	}
	defer st.Close()
	if res.UpToDate, err = st.UpToDate(); err != nil {
		res.UpToDateErr = err.Error()
		return res, nil
	}
	if !res.UpToDate {
		return res, nil
	}
	if res.Threads, res.Messages, err = st.Stats(); err != nil {
		res.StatsErr = err.Error()
		return res, nil
	}
	pending, err := st.Pending()
	if err != nil {
		res.PendingErr = err.Error()
	}
	res.Pending = len(pending)
	return res, nil
}

// checked prints the database check's result, found here or by the
// running console.
func (d *doctor) checked(path string, res store.CheckResult) {
	switch {
	case res.Err != "":
		d.bad("database: %s", res.Err)
		for _, p := range res.Report.Problems[min(1, len(res.Report.Problems)):] {
			fmt.Fprintf(d.out, "    also: %s\n", p)
		}
		return
	case res.UpToDateErr != "":
		d.bad("database: %s", res.UpToDateErr)
		return
	case !res.UpToDate:
		d.ok("database: %s is consistent (%d records; an older layout, upgraded when parley next starts)", path, res.Report.Keys)
		d.metaNote(res.Report)
		return
	case res.StatsErr != "":
		d.bad("database: %s", res.StatsErr)
		return
	}
	d.ok("database: %s is consistent (%d threads, %d messages)", path, res.Threads, res.Messages)
	d.metaNote(res.Report)
	switch {
	case res.PendingErr != "":
		d.bad("outbox: %s", res.PendingErr)
	case res.Pending > 0:
		d.note("outbox: %d %s waiting to be sent (they go out when the console runs)", res.Pending,
			map[bool]string{true: "reply", false: "replies"}[res.Pending == 1])
	}
}

// metaNote says why a sound file may lack the newest changes.
func (d *doctor) metaNote(rep store.FileReport) {
	if rep.MetaNote != "" {
		d.note("database: %s", rep.MetaNote)
	}
}

// salvage is parley doctor --salvage OUT.
func salvage(db, out string, stdout, stderr io.Writer) int {
	if _, err := os.Stat(db); errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(stderr, "parley doctor: no database at %s: nothing to salvage (--db names another)\n", db)
		return 1
	}
	res, err := store.Salvage(db, out, 2*time.Second)
	if err != nil {
		fmt.Fprintf(stderr, "parley doctor: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "salvaged %d records in %d buckets from %s into %s\n", res.Copied, res.Buckets, db, out)
	if res.Skipped == 0 {
		fmt.Fprintln(stdout, "nothing was skipped: every page could be read")
	} else {
		fmt.Fprintf(stdout, "skipped %d damaged %s (the records on and below them are lost):\n", res.Skipped,
			map[bool]string{true: "part", false: "parts"}[res.Skipped == 1])
		for _, p := range res.Problems {
			fmt.Fprintf(stdout, "  %s\n", p)
		}
	}
	fmt.Fprintf(stdout, "Keep %s until you are sure. To use the copy: parley --db %s, or quit parley and move it over the old file.\n", db, out)
	return 0
}

// private reports a file or directory that others may read (mask is the
// permission bits that must be clear).
func (d *doctor) private(path string, mask fs.FileMode, what string) {
	fi, err := os.Stat(path)
	if err != nil {
		return
	}
	if perm := fi.Mode().Perm(); perm&mask != 0 {
		want := fs.FileMode(0o600)
		if fi.IsDir() {
			want = 0o700
		}
		d.bad("permissions: %s %s is mode %04o: others on this machine can read it (run chmod %o %s)", what, path, perm, want, path)
	}
}
