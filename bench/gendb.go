package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"parley/feeds"
	"parley/funnel"
	"parley/store"
)

// bigDB describes the large database: the served corpus (what newsboat
// caches: one item per thread) and the replies only parley's database has.
type bigDB struct {
	Set     corpus
	Replies int // per thread: Set.total() threads, Set.total()*(1+Replies) messages
}

// dir is where this size's files live under work, so sizes never mix.
func (d bigDB) dir(work string) string {
	return filepath.Join(work, fmt.Sprintf("%s-%dx%d-r%d-v%d", d.Set.Name, d.Set.Feeds, d.Set.Items, d.Replies, genVersion))
}

// parleyStamp records a finished database build; its presence means the
// database is complete (it is written last).
type parleyStamp struct {
	Threads, Messages, Drafts, Replies, StageMoves int
	Build                                          time.Duration
}

// newsboatStamp records a finished newsboat cache build.
type newsboatStamp struct {
	Version string
	Items   int   // rows in rss_item, or -1 without the sqlite3 CLI
	Reload  run   // the -x reload that built it
	Size    int64 // cache.db bytes
}

func readStamp(path string, v any) bool {
	data, err := os.ReadFile(path)
	return err == nil && json.Unmarshal(data, v) == nil
}

func writeStamp(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return writePrivate(path, data)
}

// ensureParleyDB builds the parley database for d under work unless a
// finished one is there; it returns its path and what it holds.
func ensureParleyDB(ctx context.Context, d bigDB, work string, force bool, log logf) (string, parleyStamp, error) {
	dir := d.dir(work)
	path, stampPath := filepath.Join(dir, "parley.db"), filepath.Join(dir, "parley.json")
	var st parleyStamp
	if !force && readStamp(stampPath, &st) {
		if _, err := os.Stat(path); err == nil {
			// Built by an earlier parley: bring its layout up to this
			// tree's schema now, so no timed start-up runs a migration.
			s, err := store.Open(path, store.Options{Ours: []string{ours}})
			if err != nil {
				return "", st, fmt.Errorf("open the kept database (-force rebuilds it): %w", err)
			}
			return path, st, s.Close()
		}
	}
	_ = os.Remove(stampPath)
	log("building the parley database: %d threads, %d messages (once; kept in %s)", d.Set.total(), d.Set.total()*(1+d.Replies), dir)
	tmp := path + ".tmp"
	_ = os.Remove(tmp)
	start := time.Now()
	st, err := buildParleyDB(ctx, d, tmp, log)
	if err != nil {
		_ = os.Remove(tmp)
		return "", st, err
	}
	st.Build = time.Since(start)
	if err := os.Rename(tmp, path); err != nil {
		return "", st, fmt.Errorf("keep the database: %w", err)
	}
	log("  built in %s", st.Build.Round(time.Millisecond))
	return path, st, writeStamp(stampPath, st)
}

// buildParleyDB writes the database through parley's own store API, as
// parley fetch would store the same feeds (the served items go through
// feeds.Parse), then adds what a person does at the console: drafts,
// recorded replies and manual stage moves.
func buildParleyDB(ctx context.Context, d bigDB, path string, log logf) (parleyStamp, error) {
	var st parleyStamp
	c := d.Set
	s, err := store.Open(path, store.Options{NoSync: true, Ours: []string{ours}})
	if err != nil {
		return st, err
	}
	defer s.Close()

	// Parsing (gofeed) costs about as much as storing: parse on every
	// core while the store writes, in feed order.
	results := make([]chan feeds.Result, c.Feeds)
	for f := range results {
		results[f] = make(chan feeds.Result, 1)
	}
	var parseErr error
	var once sync.Once
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(1, runtime.NumCPU()-1) {
		wg.Go(func() {
			for f := range next {
				r, err := parsedFeed(d, f)
				if err != nil {
					once.Do(func() { parseErr = err })
				}
				results[f] <- r
			}
		})
	}
	go func() {
		defer close(next)
		for f := range c.Feeds {
			select {
			case next <- f:
			case <-ctx.Done():
				return
			}
		}
	}()
	defer wg.Wait()

	now := corpusEnd
	threads := make([][]string, c.Feeds) // per feed, thread of item i at [i]
	const batchItems = 10_000
	var batch []feeds.Result
	var batchFeeds []int
	flush := func() error {
		outs, errs := s.IngestBatch(batch, now)
		for j, out := range outs {
			if errs[j] != nil {
				return errs[j]
			}
			if len(out.Threads) != c.Items {
				return fmt.Errorf("feed %s: %d threads stored, want %d (did the generator's threading change?)",
					batch[j].Feed, len(out.Threads), c.Items)
			}
			threads[batchFeeds[j]] = out.Threads
			st.Messages += out.New
		}
		batch, batchFeeds = batch[:0], batchFeeds[:0]
		return nil
	}
	items := 0
	for f := range c.Feeds {
		var r feeds.Result
		select {
		case r = <-results[f]:
		case <-ctx.Done():
			return st, context.Cause(ctx)
		}
		if parseErr != nil {
			return st, parseErr
		}
		batch, batchFeeds = append(batch, r), append(batchFeeds, f)
		if items += len(r.Items); items >= batchItems || f == c.Feeds-1 {
			if err := flush(); err != nil {
				return st, err
			}
			items = 0
		}
		if f%50 == 49 {
			log("  %d of %d feeds stored", f+1, c.Feeds)
		}
	}
	st.Threads = c.total()

	// What a person adds at the console, spread over the threads.
	for f := range c.Feeds {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		for i, id := range threads[f] {
			g := i*c.Feeds + f
			switch {
			case g%50 == 7:
				if err := s.SaveDraft(id, "Thanks for writing in! I have checked with the team and", now); err != nil {
					return st, err
				}
				st.Drafts++
			case g%40 == 3:
				r := store.Reply{ThreadID: id, Text: "Sorry about that, fixed in 3.2.1.", At: c.published(f, i).Add(5 * time.Hour), Via: "clipboard", Who: "bench"}
				if err := s.RecordReply(r); err != nil {
					return st, err
				}
				st.Replies++
			case g%25 == 11:
				to := funnel.Converted
				if g%2 == 0 {
					to = funnel.Engaged
				}
				_, err := s.SetStage(id, "", to, "bench", c.published(f, i).Add(6*time.Hour))
				if err != nil && !errors.Is(err, store.ErrSameStage) {
					return st, err
				}
				st.StageMoves++
			}
		}
	}
	threadsN, messages, err := s.Stats()
	if err != nil {
		return st, err
	}
	if threadsN != st.Threads || messages != st.Messages || messages != c.total()*(1+d.Replies) {
		return st, fmt.Errorf("database holds %d threads and %d messages, want %d and %d",
			threadsN, messages, st.Threads, c.total()*(1+d.Replies))
	}
	return st, nil
}

// parsedFeed is feed f as parley would store it from a poll: the served
// document and a document of the replies, both through feeds.Parse, with
// the conditional-GET state the server answers 304 to.
func parsedFeed(d bigDB, f int) (feeds.Result, error) {
	c := d.Set
	name := c.feedName(f)
	roots, err := feeds.Parse(name, c.rss(f))
	if err != nil {
		return feeds.Result{}, fmt.Errorf("parse generated feed %d: %w", f, err)
	}
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>replies</title>`)
	for i := range c.Items {
		for r := range d.Replies {
			writeItem(&b, c.reply(f, i, r, d.Replies))
		}
	}
	b.WriteString("</channel></rss>")
	replies, err := feeds.Parse(name, []byte(b.String()))
	if err != nil {
		return feeds.Result{}, fmt.Errorf("parse generated replies of feed %d: %w", f, err)
	}
	if len(roots) != c.Items || len(replies) != c.Items*d.Replies {
		return feeds.Result{}, fmt.Errorf("feed %d parsed to %d items and %d replies, want %d and %d",
			f, len(roots), len(replies), c.Items, c.Items*d.Replies)
	}
	return feeds.Result{
		Feed:  name,
		Items: append(roots, replies...),
		State: feeds.ConditionalState{ETag: c.etag(f), LastModified: corpusEnd.Format(http.TimeFormat)},
	}, nil
}

// ensureNewsboatCache lets newsboat build its own cache of d's served
// items (-x reload from loopback), once: that is how a real cache comes
// to be, statistics and all. The urls file is kept with it: newsboat
// finds a feed's items by URL, port included.
func ensureNewsboatCache(ctx context.Context, d bigDB, work string, nb *newsboat, force bool, log logf) (cache, urls string, st newsboatStamp, err error) {
	dir := filepath.Join(d.dir(work), "newsboat")
	cache, urls = filepath.Join(dir, "cache.db"), filepath.Join(dir, "urls")
	stampPath := filepath.Join(dir, "newsboat.json")
	if !force && readStamp(stampPath, &st) && st.Version == nb.version {
		if _, err := os.Stat(cache); err == nil {
			return cache, urls, st, nil
		}
	}
	_ = os.Remove(stampPath)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", "", st, fmt.Errorf("create %s: %w", dir, err)
	}
	srv, err := serveFeeds("127.0.0.1:0", d.Set)
	if err != nil {
		return "", "", st, err
	}
	defer srv.close()
	srv.warm(d.Set)
	if err := writePrivate(urls, []byte(newsboatURLs(d.Set, srv.base()))); err != nil {
		return "", "", st, err
	}
	tmp := filepath.Join(dir, "build")
	_ = os.RemoveAll(tmp)
	log("building newsboat's cache of %d items with newsboat -x reload (once; kept in %s)", d.Set.total(), dir)
	st.Reload, err = nb.reload(ctx, tmp, urls, "")
	if err != nil {
		return "", "", st, err
	}
	if got := srv.served(d.Set.Name); got != d.Set.Feeds {
		return "", "", st, fmt.Errorf("newsboat fetched %d of %d feeds", got, d.Set.Feeds)
	}
	log("  newsboat -x reload of %d items took %s", d.Set.total(), st.Reload.Wall.Round(time.Millisecond))
	st.Version = nb.version
	st.Items = countNewsboatItems(ctx, filepath.Join(tmp, "cache.db"))
	if st.Items >= 0 && st.Items != d.Set.total() {
		return "", "", st, fmt.Errorf("newsboat's cache holds %d items, want %d", st.Items, d.Set.total())
	}
	if err := os.Rename(filepath.Join(tmp, "cache.db"), cache); err != nil {
		return "", "", st, fmt.Errorf("keep newsboat's cache: %w", err)
	}
	_ = os.RemoveAll(tmp)
	if fi, err := os.Stat(cache); err == nil {
		st.Size = fi.Size()
	}
	return cache, urls, st, writeStamp(stampPath, st)
}
