// Package demo ships the content `parley --demo` opens on: three feeds of
// conversations about Quillstone, a fictional notes and writing app for
// teams (blog comments as WordPress-style RSS 2.0, product reviews as Atom
// with thr:in-reply-to answers, community forum posts as JSON Feed 1.1).
//
// The feeds are embedded as text/template files and rendered to local files
// with dates relative to the moment of rendering, so the demo always looks
// current. Item IDs never change between renderings: re-rendering on the next
// start dedupes against what the store already holds; only dates move.
package demo

import (
	"bytes"
	"embed"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/template"
	"time"

	"parley/feeds"
)

// Ours are the author names that are the company (our own replies, as they
// appear in the feeds).
//
// None contains parentheses or '@': gofeed reads RSS and JSON Feed author
// names as "name (email)" strings and blanks a name like "Maya (Quillstone)".
var Ours = []string{"Maya from Quillstone", "Quillstone Team"}

// Every is the poll interval of the demo feeds.
const Every = 10 * time.Minute

// TrackLink is the demo's [funnel] track_link: ctrl+l inserts it with the
// conversation's ref (the thread's ref and the person's) in place of
// {thread}.
const TrackLink = "https://quillstone.example/buy?ref={thread}"

// The demo's conversions files (CSV, see `parley conversions import`).
// Their refs are those of demo conversations: a thread's ref is the start
// of its ID, a hash of item IDs and links that never change between
// renderings, and a conversation ref adds "-" and the start of the
// person's contact ID (a hash of the feed and their name), so a sale in a
// thread where several people talk credits the one who bought (Sofia
// Alvarez in "Our new pricing", not Marcus Lindqvist who started it).
// demo_test checks every ref against an ingested demo. Their rows carry
// fixed IDs, so importing them again after a new rendering (new times)
// counts nothing twice.
const (
	// ConversionsFile is imported by the demo on every start (Conversions):
	// three threads that bought, one per feed.
	ConversionsFile = "conversions.csv"
	// MoreConversionsFile is written next to the demo feeds by Write for
	// the user to try `parley conversions import --demo`: two new sales
	// and one already imported, so the import succeeds as the README
	// promises. (A file with a ref that matches no thread is in the root
	// package's testdata.)
	MoreConversionsFile = "more-conversions.csv"
)

//go:embed feeds/*.tmpl
var templates embed.FS

// source is one embedded feed: its template, the file it renders to and the
// date layout its format uses.
type source struct {
	name   string // feeds.Feed.Name
	file   string // rendered file name; the template is feeds/<file>.tmpl
	layout string // time layout that {{ago}} renders
}

var sources = []source{
	{name: "Blog comments", file: "blog-comments.xml", layout: time.RFC1123Z}, // RSS 2.0 pubDate
	{name: "Reviews", file: "reviews.atom", layout: time.RFC3339},             // Atom
	{name: "Community forum", file: "forum.json", layout: time.RFC3339},       // JSON Feed 1.1
}

var (
	conversions     = source{file: ConversionsFile, layout: time.RFC3339}
	moreConversions = source{file: MoreConversionsFile, layout: time.DateTime} // UTC, the other accepted form
)

// Conversions renders the built-in conversions (CSV: id, ref, amount,
// currency, time) with times relative to now.
func Conversions(now time.Time) ([]byte, error) {
	return render(conversions, now)
}

// Write renders the embedded feeds into dir (created 0700; files 0600), with
// item dates relative to now, and returns the feeds to configure
// (URL = the absolute file path, Every = 10m). It also writes
// MoreConversionsFile there. Existing files are replaced.
func Write(dir string, now time.Time) ([]feeds.Feed, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	if err := ensureDir(abs); err != nil {
		return nil, err
	}
	out := make([]feeds.Feed, 0, len(sources))
	for _, s := range sources {
		data, err := render(s, now)
		if err != nil {
			return nil, err
		}
		path := filepath.Join(abs, s.file)
		if err := writeFile(path, data); err != nil {
			return nil, err
		}
		out = append(out, feeds.Feed{Name: s.name, URL: path, Every: Every})
	}
	data, err := render(moreConversions, now)
	if err != nil {
		return nil, err
	}
	if err := writeFile(filepath.Join(abs, MoreConversionsFile), data); err != nil {
		return nil, err
	}
	return out, nil
}

// ensureDir creates dir with mode 0700 when it does not exist. An existing
// directory is left as it is.
func ensureDir(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case err == nil && fi.IsDir():
		return nil
	case err == nil:
		return fmt.Errorf("demo: %s exists and is not a directory", dir)
	case !os.IsNotExist(err):
		return fmt.Errorf("demo: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	// MkdirAll's mode is filtered by the umask; make sure it is exactly 0700.
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	return nil
}

// render executes one embedded template with {{ago}} bound to now and the
// source's date layout.
func render(s source, now time.Time) ([]byte, error) {
	name := s.file + ".tmpl"
	funcs := template.FuncMap{
		// ago "26h" renders now minus 26 hours; days are allowed ("9d4h").
		"ago": func(spec string) (string, error) {
			d, err := parseAgo(spec)
			if err != nil {
				return "", err
			}
			return now.Add(-d).UTC().Format(s.layout), nil
		},
	}
	t, err := template.New(name).Option("missingkey=error").Funcs(funcs).ParseFS(templates, "feeds/"+name)
	if err != nil {
		return nil, fmt.Errorf("demo: parsing %s: %w", name, err)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, nil); err != nil {
		return nil, fmt.Errorf("demo: rendering %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

// parseAgo parses a positive duration as time.ParseDuration does, plus an
// optional leading whole number of days: "20m", "26h", "9d4h30m".
func parseAgo(spec string) (time.Duration, error) {
	rest := spec
	var total time.Duration
	if i := strings.IndexByte(rest, 'd'); i >= 0 {
		n, err := strconv.Atoi(rest[:i])
		if err != nil || n < 0 || n > 3650 {
			return 0, fmt.Errorf("ago %q: bad day count", spec)
		}
		total = time.Duration(n) * 24 * time.Hour
		rest = rest[i+1:]
	}
	if rest != "" {
		d, err := time.ParseDuration(rest)
		if err != nil {
			return 0, fmt.Errorf("ago %q: %w", spec, err)
		}
		if d < 0 {
			return 0, fmt.Errorf("ago %q: negative duration", spec)
		}
		total += d
	}
	if total < time.Second {
		return 0, fmt.Errorf("ago %q: must be at least one second in the past", spec)
	}
	return total, nil
}

// writeFile replaces path with data atomically (temporary file in the same
// directory, then rename), so a poll reading the file concurrently never
// sees it half written. The file ends up with mode 0600.
func writeFile(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := f.Chmod(0o600); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("demo: writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("demo: writing %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	ok = true
	return nil
}
