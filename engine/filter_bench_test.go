//go:build unix

package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"parley/feeds"
	"parley/filter"
	"parley/store"
)

// filterDB is 100k threads in 20 feeds, each a comment and, for every
// third, a reply from the same person, in the words community comments
// use (about 60 KB of vocabulary plus names and numbers).
var filterDB struct {
	once sync.Once
	dir  string
	st   *store.Store
	now  time.Time
	err  error
}

const filterThreads = 100_000

var benchSentences = []string{
	"How much is the team plan if we are five people?", "This is broken and I want a refund.",
	"Is there a free trial for the Pro version?", "Thanks, that fixed it!", "Sync lost my notes after the update.",
	"I highly recommend it to anyone who writes a lot.", "Where can I download my invoices?",
	"Support never answered my ticket, it has been two weeks.", "Any plans for a Linux version?",
	"The export to EPUB drops every footnote.", "Love the new outline view!", "Not impressed, to be honest.",
}

func openFilterDB(b *testing.B) *store.Store {
	b.Helper()
	filterDB.once.Do(func() {
		// PARLEY_BENCH_KEEP names a private directory to keep the
		// database in between runs (it takes minutes to build).
		keep := os.Getenv("PARLEY_BENCH_KEEP")
		dir := keep
		if dir == "" {
			dir, filterDB.err = os.MkdirTemp("", "parley-bench-")
			if filterDB.err != nil {
				return
			}
			filterDB.dir = dir
		}
		path := filepath.Join(dir, "filter100k.db")
		_, statErr := os.Stat(path)
		st, err := store.Open(path, store.Options{NoSync: true, Ours: []string{"support"}})
		if err != nil {
			filterDB.err = err
			return
		}
		filterDB.st = st
		base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		filterDB.now = base.Add(90 * 24 * time.Hour)
		if keep != "" && statErr == nil {
			return // built by an earlier run
		}
		const batch = 10_000
		for start := 0; start < filterThreads; start += batch {
			byFeed := map[string][]feeds.Item{}
			for i := start; i < start+batch; i++ {
				feed := fmt.Sprintf("feed%02d", i%20)
				id := fmt.Sprintf("f%06d", i)
				at := base.Add(time.Duration(i) * 90 * 24 * time.Hour / filterThreads)
				text := benchSentences[i%len(benchSentences)] + " " + benchSentences[(i/7)%len(benchSentences)] + fmt.Sprintf(" order %d", i)
				byFeed[feed] = append(byFeed[feed], feeds.Item{ID: id, Feed: feed, Author: fmt.Sprintf("user%d", i%25_000),
					Title: fmt.Sprintf("Question %d", i), Text: text, Published: at})
				if i%3 == 0 {
					byFeed[feed] = append(byFeed[feed], feeds.Item{ID: id + "/2", Feed: feed, Author: fmt.Sprintf("user%d", i%25_000),
						Text: benchSentences[(i/3)%len(benchSentences)], InReplyTo: id, Published: at.Add(time.Minute)})
				}
			}
			for feed, items := range byFeed {
				if _, err := st.Ingest(feeds.Result{Feed: feed, Items: items}, filterDB.now); err != nil {
					filterDB.err = err
					return
				}
			}
		}
	})
	if filterDB.err != nil {
		b.Fatal(filterDB.err)
	}
	return filterDB.st
}

// keystrokes are a user typing a filter: each prefix is one keystroke's
// query (its errors too: "stage:i" is one until "intent" is whole).
var keystrokes = func() []string {
	var out []string
	for _, full := range []string{"stage:intent refund", "-feed:feed03 from:user12", "is:waiting since:7d trial"} {
		for i := 1; i <= len(full); i++ {
			out = append(out, full[:i])
		}
	}
	return out
}()

// BenchmarkFilterKeystroke100k is one keystroke of the filter at 100k
// threads: parse, match in the index, read the window the queue shows.
// The baseline decodes every thread and its messages, as a filter
// without an index would on every keystroke; summaries is the cheapest
// scan there is (every queued thread's summary, no messages).
func BenchmarkFilterKeystroke100k(b *testing.B) {
	st := openFilterDB(b)
	now := filterDB.now
	e := New(Config{Store: st, User: "sam"})
	s := e.Session("sam")
	// Built once, at the first "/": the facts and the words.
	if _, err := e.filtersFor(filter.Query{Terms: []filter.Term{{Kind: filter.Text, Words: []string{"x"}}}}, false); err != nil {
		b.Fatal(err)
	}
	b.Run("index", func(b *testing.B) {
		b.ReportAllocs()
		defer reportCPU(b)()
		i := 0
		for b.Loop() {
			q, err := filter.Parse(keystrokes[i%len(keystrokes)])
			i++
			if err != nil {
				continue // the line shows the error; the results stay
			}
			if _, err := s.FilterWindow(context.Background(), q, now, store.QueueAnchor{}, 40, 60); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline=decode-all", func(b *testing.B) {
		b.ReportAllocs()
		defer reportCPU(b)()
		for b.Loop() {
			n := 0
			if err := st.FilterRows(nil, func(r store.FilterRow) error { n++; return nil }); err != nil || n != filterThreads {
				b.Fatalf("%d threads, %v", n, err)
			}
		}
	})
	b.Run("baseline=summaries", func(b *testing.B) {
		b.ReportAllocs()
		defer reportCPU(b)()
		for b.Loop() {
			if _, err := st.Queue(now); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// reportCPU reports the process's CPU time (user + system, GC included)
// per op: on a machine shared with other work, wall time per op measures
// the queue for a core as much as the work.
func reportCPU(b *testing.B) func() {
	start := cpuTime()
	return func() {
		b.ReportMetric(float64(cpuTime()-start)/float64(b.N)/1e6, "cpu-ms/op")
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkFilterIndexBuild100k is the first use of the index: the
// facts (view 4, the queue's filters without text, the stage lists), then
// the words (the first query with text in it). The baseline is the old
// build: everything in one pass, before the first "/" can answer.
func BenchmarkFilterIndexBuild100k(b *testing.B) {
	st := openFilterDB(b)
	b.Run("facts", func(b *testing.B) {
		b.ReportAllocs()
		defer reportCPU(b)()
		for b.Loop() {
			ix := filter.NewIndex()
			if _, err := putRows(st, ix, nil, false); err != nil || ix.Len() != filterThreads {
				b.Fatalf("%d threads, %v", ix.Len(), err)
			}
		}
	})
	b.Run("facts+words", func(b *testing.B) {
		b.ReportAllocs()
		defer reportCPU(b)()
		for b.Loop() {
			ix := filter.NewIndex()
			if _, err := putRows(st, ix, nil, false); err != nil || ix.Len() != filterThreads {
				b.Fatalf("%d threads, %v", ix.Len(), err)
			}
			if err := st.FilterTexts(func(id string, texts [][]byte) error { ix.AddTexts(id, texts); return nil }); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline=one-pass", func(b *testing.B) {
		b.ReportAllocs()
		defer reportCPU(b)()
		for b.Loop() {
			ix := filter.NewIndex()
			if _, err := putRows(st, ix, nil, true); err != nil || ix.Len() != filterThreads {
				b.Fatalf("%d threads, %v", ix.Len(), err)
			}
		}
	})
}

func TestMain(m *testing.M) {
	code := m.Run()
	if filterDB.st != nil {
		_ = filterDB.st.Close()
	}
	if filterDB.dir != "" {
		_ = os.RemoveAll(filterDB.dir)
	}
	os.Exit(code)
}
