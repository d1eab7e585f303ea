package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"parley/engine"
	"parley/feeds"
	"parley/store"
)

// BenchmarkIngestStages is scenario 1's cold fetch in this process, one
// stage more at a time, so the cost of each is the difference between two
// lines and the floor (what no write path can go below) is measured, not
// guessed:
//
//	fetch        HTTP GET of every document, bodies read, nothing parsed
//	parse        + feeds' parse and sanitize (Fetcher.FetchAll)
//	read         + the funnel's reading of each new message (store.Prepare,
//	               as the engine calls it), into an empty store
//	store        + the engine's writer: parley fetch without exec and flags
//	store-nosync   the same without fsync, for the disk's share
//
// and "store" again at 1 and 20 comments per post (per-post=5 is the
// scenario's), to show what thread length costs per item. The feed server
// runs in this process too, as the harness's does on the same machine:
// its CPU is counted (documents are rendered before the timer starts, so
// it only copies bytes). cpu-ms/op is the process's CPU time, which load
// elsewhere on the machine does not inflate as it does ns/op.
//
//	go test ./bench -run XXX -bench IngestStages -benchtime 3x
func BenchmarkIngestStages(b *testing.B) {
	for _, pp := range []int{5, 1, 20} {
		c := ingestSet(dims{500, 50})
		c.PerPost = pp
		srv, err := serveFeeds("127.0.0.1:0", c)
		if err != nil {
			b.Fatal(err)
		}
		srv.warm(c)
		list := make([]feeds.Feed, c.Feeds)
		for f := range c.Feeds {
			list[f] = feeds.Feed{Name: c.feedName(f), URL: srv.url(c, f)}
		}
		stages := []string{"fetch", "parse", "read", "store", "store-nosync"}
		if pp != 5 {
			stages = []string{"store"}
		}
		for _, stage := range stages {
			b.Run(fmt.Sprintf("per-post=%d/%s", pp, stage), func(b *testing.B) {
				runStage(b, stage, c, list)
			})
		}
		srv.close()
	}
}

func runStage(b *testing.B, stage string, c corpus, list []feeds.Feed) {
	ctx := context.Background()
	var cpu time.Duration
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		var st *store.Store
		if stage != "fetch" && stage != "parse" {
			var err error
			path := filepath.Join(b.TempDir(), "parley.db")
			st, err = store.Open(path, store.Options{Ours: []string{ours}, NoSync: stage == "store-nosync"})
			if err != nil {
				b.Fatal(err)
			}
		}
		before := processCPU(b)
		b.StartTimer()

		got := 0
		switch stage {
		case "fetch":
			got = fetchBodies(b, list)
		case "parse", "read":
			feeds.NewFetcher(feeds.Options{}).FetchAll(ctx, list, nil, func(r feeds.Result) {
				if r.Err != nil {
					b.Fatalf("%s: %v", r.Feed, r.Err)
				}
				if st != nil {
					st.Prepare(r)
				}
				got += len(r.Items)
			})
		default:
			eng := engine.New(engine.Config{Store: st, Feeds: list, ConfigPath: "(bench)"})
			eng.FetchOnce(ctx, func(r feeds.Result, res store.IngestResult, err error) {
				if r.Err != nil || err != nil {
					b.Fatalf("%s: %v / %v", r.Feed, r.Err, err)
				}
				got += res.New
			})
			eng.Close()
		}

		b.StopTimer()
		cpu += processCPU(b) - before
		if st != nil {
			st.Close()
		}
		// A stage that did less than the whole job is not a figure.
		if want := c.total(); got != want && stage != "fetch" {
			b.Fatalf("%s: %d items, want %d", stage, got, want)
		}
		if want := c.Feeds; got != want && stage == "fetch" {
			b.Fatalf("fetch: %d documents, want %d", got, want)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N)/float64(c.total()), "cpu-µs/item")
}

// fetchBodies GETs every feed, as many at a time as the fetcher allows one
// host (6: every feed here is on loopback), and reads each body whole; it
// returns how many documents arrived.
func fetchBodies(b *testing.B, list []feeds.Feed) int {
	var (
		n    atomic.Int64
		wg   sync.WaitGroup
		next atomic.Int64
	)
	client := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	for range 6 {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(list); i = int(next.Add(1) - 1) {
				resp, err := client.Get(list[i].URL)
				if err != nil {
					b.Error(err)
					return
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != http.StatusOK || len(body) == 0 {
					b.Errorf("%s: %d, %d bytes, %v", list[i].URL, resp.StatusCode, len(body), err)
					return
				}
				n.Add(1)
			}
		})
	}
	wg.Wait()
	client.CloseIdleConnections()
	return int(n.Load())
}

// processCPU is this process's user + system time so far.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
