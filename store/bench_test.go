package store

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"parley/feeds"
	"parley/funnel"
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
			Text:      commentText(i),
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

// commentSentences are what community comments say: questions, praise,
// complaints, buying signals, thanks and plain chatter.
var commentSentences = []string{
	"Hello,", "Hi team!", "I have a question about my order.", "It arrived late and the box was damaged.",
	"Can you help?", "This is broken on my Pixel 6a: the app crashes every time I open a notebook.",
	"I highly recommend Quillstone to anyone who writes a lot.", "Is there a free trial for the Pro version, or do I have to pay first?",
	"How much is the team plan if we are five people?", "Tried the beta and the same notebook opens instantly now.",
	"Same thing happened to me on Windows 11 with the latest build.", "Thanks, that fixed it!",
	"I can finally search my archive again.", "Where can I download my invoices for the last year?",
	"Support never answered my ticket, it has been two weeks.", "We're evaluating it for our whole department, about 40 seats.",
	"Is there an API so I can push notes from my scripts?", "Honestly the sync has been rock solid since 3.2, great work.",
	"Not impressed, to be honest.", "Thanks for nothing.", "Press Ctrl+/ anywhere to see every shortcut, it took me months to find that.",
	"The export to EPUB drops every footnote and I have a deadline on Friday, so this is pretty stressful.",
	"I told my team about it and we all switched from Scrivener last month.", "Any plans for a Linux version?",
	"Love the new outline view!", "The price increase is outrageous for what it does.", "Ok.",
}

// commentText is the text of comment i: 2 to 29 sentences (30 to 1400
// bytes, 700 on average), some split into paragraphs, as feeds.HTMLToText
// renders a comment.
func commentText(i int) string {
	var b strings.Builder
	n := 2 + (i*7+i/13)%28
	for k := range n {
		if k > 0 {
			if (i+k)%4 == 0 {
				b.WriteString("\n\n")
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteString(commentSentences[(i*31+k*17)%len(commentSentences)])
	}
	return b.String()
}

// BenchmarkIngest10k stores 10,000 comments (100 feeds of 100, texts of
// commentText) one feed per transaction; Batch, as parley fetch does.
func BenchmarkIngest10k(b *testing.B) { benchIngest10k(b, 1) }

// BenchmarkIngest10kBatch is how parley fetch stores a cold fetch: results
// in batches of 50 per transaction; "unsummed" is the baseline, with
// each counter written at every change and bbolt's default map
// (countbatch.go, mmap.go off), "mapped" maps the file ahead only, and
// "summed" sums the counters too, as parley runs. cpu-ms/op is the
// process's CPU time: other load on the machine does not inflate it.
func BenchmarkIngest10kBatch(b *testing.B) {
	for _, v := range []struct {
		name        string
		sums, mmaps bool
	}{{"unsummed", false, false}, {"mapped", false, true}, {"summed", true, true}} {
		b.Run(v.name, func(b *testing.B) {
			defer func(c, m bool) { sumCountsPerTx, sizeMmapFromFile = c, m }(sumCountsPerTx, sizeMmapFromFile)
			sumCountsPerTx, sizeMmapFromFile = v.sums, v.mmaps
			benchIngest10k(b, 50)
		})
	}
}

func benchIngest10k(b *testing.B, batch int) {
	const feedsN, perFeed = 100, 100
	results := make([]feeds.Result, feedsN)
	for f := range feedsN {
		name := fmt.Sprintf("feed%03d", f)
		results[f] = feeds.Result{Feed: name, Items: benchItems(name, perFeed, t0)}
	}
	now := t0.Add(24 * time.Hour)
	var written int64
	var cpu time.Duration // the timed part's, a figure load elsewhere does not inflate
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
		cpu0 := processCPU()
		stored := 0
		for i := 0; i < len(results); i += batch {
			outs, errs := s.IngestBatch(results[i:min(i+batch, len(results))], now)
			for j, r := range outs {
				if errs[j] != nil {
					b.Fatal(errs[j])
				}
				stored += r.New
			}
		}
		b.StopTimer()
		cpu += processCPU() - cpu0
		st := s.db.Stats()
		written += st.TxStats.GetWrite()
		if stored != feedsN*perFeed {
			b.Fatalf("stored %d items, want %d", stored, feedsN*perFeed)
		}
		_ = s.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(feedsN*perFeed*b.N)/b.Elapsed().Seconds(), "items/s")
	if cpu > 0 {
		b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
	}
	b.ReportMetric(float64(written)/float64(b.N), "pages-written/op")
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

// queueThreads is how many threads queueDB holds.
const queueThreads = 100_000

// buildQueueDB builds queueDB once.
func buildQueueDB() {
	const threads = queueThreads
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
}

func BenchmarkQueue100k(b *testing.B) {
	const threads = queueThreads
	now := t0.Add(365 * 24 * time.Hour)
	buildQueueDB()
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

// funnelDB is a 100k-thread database for the funnel report and contacts
// benchmarks: 10 feeds, 25k contacts, a mix of buying questions and
// complaints, 1k conversions and 1k manual moves, over 60 days.
var funnelDB struct {
	once sync.Once
	dir  string
	s    *Store
	now  time.Time
	err  error
}

const funnelThreads = 100_000

func openFunnelDB(b *testing.B) *Store {
	b.Helper()
	funnelDB.once.Do(func() {
		funnelDB.dir, funnelDB.err = os.MkdirTemp("", "parley-bench-")
		if funnelDB.err != nil {
			return
		}
		s, err := Open(filepath.Join(funnelDB.dir, "parley.db"), Options{NoSync: true, Ours: []string{"support"}})
		if err != nil {
			funnelDB.err = err
			return
		}
		funnelDB.s = s
		const span = 60 * 24 * time.Hour
		now := t0.Add(span)
		funnelDB.now = now
		texts := []string{
			"How much is the team plan?",
			"This is broken and I want a refund.",
			"Three stars. Delivery was slow but the product works.",
			"Is there a way to export my data to CSV?",
		}
		const batch = 10_000
		for start := 0; start < funnelThreads; start += batch {
			byFeed := map[string][]feeds.Item{}
			for i := start; i < start+batch; i++ {
				feed := fmt.Sprintf("feed%d", i%10)
				byFeed[feed] = append(byFeed[feed], feeds.Item{
					ID: fmt.Sprintf("f%06d", i), Feed: feed, Author: fmt.Sprintf("user%d", i%25_000),
					Text:      texts[i%len(texts)],
					Published: t0.Add(time.Duration(i) * span / funnelThreads),
				})
			}
			for feed, items := range byFeed {
				if _, err := s.Ingest(feeds.Result{Feed: feed, Items: items}, now); err != nil {
					funnelDB.err = err
					return
				}
			}
		}
		var cs []Conversion
		for i := 0; i < funnelThreads; i += 100 {
			id := threadIDFor("id:" + fmt.Sprintf("f%06d", i))
			cs = append(cs, Conversion{Ref: id[:RefLen], Amount: Money{"EUR", int64(1000 + i%5000)},
				At: t0.Add(time.Duration(i) * span / funnelThreads)})
			if _, err := s.SetStage(threadIDFor("id:"+fmt.Sprintf("f%06d", i+1)), "", funnel.Advocate, "bench",
				t0.Add(time.Duration(i+1)*span/funnelThreads)); err != nil {
				funnelDB.err = err
				return
			}
		}
		if _, err := s.ImportConversions(cs, now); err != nil {
			funnelDB.err = err
		}
	})
	if funnelDB.err != nil {
		b.Fatal(funnelDB.err)
	}
	return funnelDB.s
}

func BenchmarkFunnel100k(b *testing.B) {
	s := openFunnelDB(b)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		r, err := s.Funnel(funnelDB.now)
		if err != nil {
			b.Fatal(err)
		}
		if r.Threads != funnelThreads || r.Conversions != funnelThreads/100 || len(r.Feeds) != 10 {
			b.Fatalf("report: %d threads, %d conversions, %d feeds", r.Threads, r.Conversions, len(r.Feeds))
		}
	}
}

func BenchmarkContacts100k(b *testing.B) {
	s := openFunnelDB(b)
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for range b.N {
		cs, err := s.Contacts()
		if err != nil {
			b.Fatal(err)
		}
		n = len(cs)
	}
	if n != 25_000 {
		b.Fatalf("%d contacts, want 25000", n)
	}
	b.ReportMetric(float64(n), "contacts/op")
}

func TestMain(m *testing.M) {
	flag.Parse()
	if flag.Lookup("test.bench").Value.String() == "" {
		// Tests index every thread of two messages or more by
		// conversation, so checkIndexes holds the index to the messages
		// and every test reads through it (benchmarks keep the default).
		convIndexMin = 2
	}
	code := m.Run()
	for _, db := range []struct {
		s   *Store
		dir string
	}{{queueDB.s, queueDB.dir}, {funnelDB.s, funnelDB.dir}} {
		if db.s != nil {
			_ = db.s.Close()
		}
		if db.dir != "" {
			_ = os.RemoveAll(db.dir)
		}
	}
	os.Exit(code)
}
