package store

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"parley/feeds"
)

// benchItems makes one feed's poll: 20 posts, each with replies threaded
// by in-reply-to or by fragment links, and every 10th item written by us.
func benchItems(feed string, n int, base time.Time) []feeds.Item {
	items := make([]feeds.Item, 0, n)
	for i := range n {
		it := feeds.Item{
			ID:        fmt.Sprintf("%s/item/%d", feed, i),
			Feed:      feed,
			Author:    fmt.Sprintf("user%d", i%37),
			Title:     fmt.Sprintf("Question %d about the product", i),
			Text:      "Hello,\n\nI have a question about my order. It arrived late and the box was damaged.\nCan you help?",
			Published: base.Add(time.Duration(i) * time.Minute),
		}
		root := i - i%5 // groups of 5: one root, four replies
		switch {
		case i%5 == 0:
		case i%2 == 0:
			it.InReplyTo = fmt.Sprintf("%s/item/%d", feed, root)
		default:
			it.Link = fmt.Sprintf("https://%s.example.com/post/%d/#comment-%d", feed, root, i)
		}
		if i%10 == 9 {
			it.Author = "support"
		}
		items = append(items, it)
	}
	return items
}

func BenchmarkIngest10k(b *testing.B) {
	const feedsN, perFeed = 100, 100
	results := make([]feeds.Result, feedsN)
	for f := range feedsN {
		name := fmt.Sprintf("feed%03d", f)
		results[f] = feeds.Result{Feed: name, Items: benchItems(name, perFeed, t0)}
	}
	now := t0.Add(24 * time.Hour)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		path := filepath.Join(b.TempDir(), "parley.db")
		s, err := Open(path, Options{Ours: []string{"support"}}) // fsync on: the real cost
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		stored := 0
		for _, res := range results {
			r, err := s.Ingest(res, now)
			if err != nil {
				b.Fatal(err)
			}
			stored += r.New
		}
		b.StopTimer()
		if stored != feedsN*perFeed {
			b.Fatalf("stored %d items, want %d", stored, feedsN*perFeed)
		}
		_ = s.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(feedsN*perFeed*b.N)/b.Elapsed().Seconds(), "items/s")
}

// queueDB is the 100k-thread database for BenchmarkQueue100k, built once
// per test binary because the framework calls a benchmark several times.
var queueDB struct {
	once   sync.Once
	dir    string
	s      *Store
	queued int
	err    error
}

func BenchmarkQueue100k(b *testing.B) {
	const threads = 100_000
	now := t0.Add(365 * 24 * time.Hour)
	queueDB.once.Do(func() {
		queueDB.dir, queueDB.err = os.MkdirTemp("", "parley-bench-")
		if queueDB.err != nil {
			return
		}
		s, err := Open(filepath.Join(queueDB.dir, "parley.db"), Options{NoSync: true, Ours: []string{"support"}})
		if err != nil {
			queueDB.err = err
			return
		}
		queueDB.s = s
		const batch = 10_000
		for start := 0; start < threads; start += batch {
			items := make([]feeds.Item, 0, batch+batch/10)
			for i := start; i < start+batch; i++ {
				id := fmt.Sprintf("t%06d", i)
				items = append(items, feeds.Item{
					ID: id, Feed: "reviews", Author: fmt.Sprintf("user%d", i%997),
					Title: "Review " + id, Text: "Three stars. Delivery was slow but the product works.",
					Link:      "https://shop.example.com/p/1", // same page: still one thread each
					Published: t0.Add(time.Duration(i*7919%threads) * time.Second),
				})
				if i%10 == 0 { // we answered every 10th: those leave the queue
					items = append(items, feeds.Item{ID: id + "/us", Feed: "reviews", Author: "support",
						Text: "Sorry about that!", InReplyTo: id, Published: t0.Add(200 * time.Hour)})
				}
			}
			if _, err := s.Ingest(feeds.Result{Feed: "reviews", Items: items}, now); err != nil {
				queueDB.err = err
				return
			}
		}
		queueDB.queued, queueDB.err = s.QueueLen(now)
	})
	if queueDB.err != nil {
		b.Fatal(queueDB.err)
	}
	if want := threads - threads/10; queueDB.queued != want {
		b.Fatalf("queue holds %d threads, want %d", queueDB.queued, want)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		q, err := queueDB.s.Queue(now)
		if err != nil {
			b.Fatal(err)
		}
		if len(q) != queueDB.queued {
			b.Fatalf("Queue returned %d threads, want %d", len(q), queueDB.queued)
		}
	}
	b.ReportMetric(float64(queueDB.queued), "threads/op")
}

func TestMain(m *testing.M) {
	code := m.Run()
	if queueDB.s != nil {
		_ = queueDB.s.Close()
	}
	if queueDB.dir != "" {
		_ = os.RemoveAll(queueDB.dir)
	}
	os.Exit(code)
}
