package main

// parley import-opml FILE adds an OPML list's feeds to the config by
// appending [[feed]] tables to the file as it is: the user's comments,
// order and layout stay untouched, and nothing is re-encoded.

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"parley/feeds"
)

const importOPMLUsage = `Usage: parley import-opml FILE [--config PATH]

Add the feeds of an OPML subscription list (exported by newsboat, Feedly,
Inoreader, NetNewsWire...) to the config as [[feed]] tables, appended at
the end of the file: its comments and layout are kept. Feeds whose URL is
already in the config are skipped, folders are noted in a comment, and a
name that is taken gets " (2)". Without a config file, one is created.
Prints what was added and what was skipped.

The other way: parley export --format opml > feeds.opml
`

func importOPMLCmd(opts options, args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprintln(stderr, "parley import-opml: give one OPML file (see parley import-opml --help)")
		return 2
	}
	if opts.demo {
		fmt.Fprintln(stderr, "parley import-opml: --demo has no config file to add feeds to")
		return 2
	}
	f, err := os.Open(args[0])
	if err != nil {
		fmt.Fprintf(stderr, "parley import-opml: %v\n", err)
		return 1
	}
	list, skippedOPML, err := feeds.ParseOPML(f)
	f.Close()
	if err != nil {
		fmt.Fprintf(stderr, "parley import-opml: %s: %v\n", args[0], err)
		return 1
	}
	path, err := configTarget(opts.config)
	if err != nil {
		fmt.Fprintf(stderr, "parley import-opml: %v\n", err)
		return 1
	}
	cfg, err := feeds.LoadConfig(path)
	exists := !errors.Is(err, feeds.ErrNoConfig)
	if err != nil && exists {
		fmt.Fprintf(stderr, "parley import-opml: fix the config first: %v\n", err)
		return 1
	}
	var old []byte
	if exists {
		if old, err = os.ReadFile(path); err != nil {
			fmt.Fprintf(stderr, "parley import-opml: %v\n", err)
			return 1
		}
	}
	plan := planOPMLImport(cfg.Feeds, list)
	for _, s := range skippedOPML {
		plan.skipped = append(plan.skipped, fmt.Sprintf("%s (%s): %s", s.Title, s.URL, s.Why))
	}
	if len(plan.added) > 0 {
		text := appendFeeds(string(old), plan.added, filepath.Base(args[0]), time.Now())
		// The result must load: a name or URL the config refuses is
		// caught here, before the file changes.
		if _, err := feeds.ParseConfig(path, []byte(text)); err != nil {
			fmt.Fprintf(stderr, "parley import-opml: the config would not load with these feeds, nothing written: %v\n", err)
			return 1
		}
		if err := writeConfigFile(path, []byte(text)); err != nil {
			fmt.Fprintf(stderr, "parley import-opml: %v\n", err)
			return 1
		}
	}
	fmt.Fprintf(stdout, "Added %s to %s", plural(len(plan.added), "feed", "feeds"), path)
	if len(plan.added) > 0 {
		fmt.Fprint(stdout, ":")
	}
	fmt.Fprintln(stdout)
	for _, a := range plan.added {
		fmt.Fprintf(stdout, "  + %s  %s\n", a.name, a.URL)
	}
	if len(plan.skipped) > 0 {
		fmt.Fprintf(stdout, "Skipped %d:\n", len(plan.skipped))
		for _, s := range plan.skipped {
			fmt.Fprintf(stdout, "  - %s\n", s)
		}
	}
	return 0
}

type opmlAdd struct {
	feeds.OPMLFeed
	name string // unique among the config's feeds
}

type opmlPlan struct {
	added   []opmlAdd
	skipped []string
}

// planOPMLImport picks the feeds to add: none whose URL the config (or the
// list, earlier) already has; names made unique.
func planOPMLImport(have []feeds.Feed, list []feeds.OPMLFeed) opmlPlan {
	var p opmlPlan
	names := map[string]bool{}
	var urls []struct{ url, name string }
	for _, f := range have {
		names[f.Name] = true
		urls = append(urls, struct{ url, name string }{f.URL, f.Name})
	}
next:
	for _, f := range list {
		for _, u := range urls {
			if feeds.SameFeedURL(u.url, f.URL) {
				p.skipped = append(p.skipped, fmt.Sprintf("%s (%s): already in the config as %q", f.Title, f.URL, u.name))
				continue next
			}
		}
		name := f.Title
		for n := 2; names[name]; n++ {
			name = fmt.Sprintf("%s (%d)", f.Title, n)
		}
		names[name] = true
		urls = append(urls, struct{ url, name string }{f.URL, name})
		p.added = append(p.added, opmlAdd{OPMLFeed: f, name: name})
	}
	return p
}

// appendFeeds returns text with a [[feed]] table per feed at its end.
func appendFeeds(text string, add []opmlAdd, from string, now time.Time) string {
	var b strings.Builder
	b.WriteString(text)
	if text != "" && !strings.HasSuffix(text, "\n") {
		b.WriteString("\n")
	}
	if text != "" {
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "# Added by parley import-opml from %s on %s\n", tomlComment(from), now.Format("2006-01-02"))
	for _, a := range add {
		b.WriteString("\n")
		if a.Folder != "" {
			fmt.Fprintf(&b, "# folder: %s\n", tomlComment(a.Folder))
		}
		fmt.Fprintf(&b, "[[feed]]\nname = %s\nurl  = %s\n", tomlString(a.name), tomlString(a.URL))
	}
	return b.String()
}

// tomlString quotes s as a TOML basic string. Control characters never
// get here (SanitizeLine removed them), so only \ and " need escapes.
func tomlString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// tomlComment keeps a comment on its line.
func tomlComment(s string) string { return strings.NewReplacer("\n", " ", "\r", " ").Replace(s) }

// configTarget is where the config really is: a config linked from a
// dotfiles repository is written there, and the link stays.
func configTarget(path string) (string, error) {
	real, err := filepath.EvalSymlinks(path)
	if errors.Is(err, os.ErrNotExist) {
		return path, nil
	}
	return real, err
}

// writeConfigFile replaces the config in one step (a temp file renamed
// over it), keeping its mode; a new config is 0600 in a 0700 directory.
func writeConfigFile(path string, data []byte) error {
	dir := filepath.Dir(path)
	mode := os.FileMode(0o600)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".config-*.toml")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err = tmp.Write(data); err == nil {
		err = tmp.Chmod(mode)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return os.Rename(tmp.Name(), path)
}

// exportOPML writes the configured feeds as OPML (export --format opml):
// it needs the config only, not the database.
func exportOPML(opts options, stdout, stderr io.Writer) int {
	var list []feeds.Feed
	if !opts.demo {
		cfg, err := feeds.LoadConfig(opts.config)
		if err != nil {
			fmt.Fprintf(stderr, "parley export: %v\n", err)
			return 1
		}
		list = cfg.Feeds
	}
	skipped, err := feeds.WriteOPML(stdout, "parley feeds", list, time.Now())
	if err != nil {
		fmt.Fprintf(stderr, "parley export: %v\n", err)
		return 1
	}
	for _, f := range skipped {
		why := "a " + feeds.KindLabel(f.Kind) + " source is no RSS/Atom feed another reader can subscribe to"
		if f.Kind == "" || f.Kind == feeds.KindFeed {
			why = "its url is not an http(s) URL another reader can reach"
		}
		fmt.Fprintf(stderr, "parley export: left out %q: %s\n", f.Name, why)
	}
	return 0
}
