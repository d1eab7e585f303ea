package store

import (
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"parley/feeds"
)

// peakHeap runs f and reports the most heap in use (live objects and
// fragmentation, sampled every millisecond) above what was in use when f
// started.
func peakHeap(f func()) (peak uint64) {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	base := sample[0].Value.Uint64()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > base && v-base > peak {
				peak = v - base
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	})
	f()
	close(stop)
	wg.Wait()
	return peak
}

// BenchmarkIngestOneHugeResult stores one poll result of PARLEY_HUGE_N
// items (default 80,000, as a [fetch] max_items = 100000 feed can return)
// and reports the peak heap it took above what was in use before.
//
//	go test -run '^$' -bench IngestOneHugeResult -benchtime 1x ./store/
func BenchmarkIngestOneHugeResult(b *testing.B) {
	n, _ := strconv.Atoi(os.Getenv("PARLEY_HUGE_N"))
	if n <= 0 {
		n = 80_000
	}
	res := feeds.Result{Feed: "big", Items: benchItems("big", n, t0)}
	for range b.N {
		b.StopTimer()
		s, err := Open(filepath.Join(b.TempDir(), "parley.db"), Options{NoSync: true, Ours: []string{"support"}})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		var errs []error
		peak := peakHeap(func() { _, errs = s.IngestBatch([]feeds.Result{res}, t0.Add(90*24*time.Hour)) })
		if errs[0] != nil {
			b.Fatal(errs[0])
		}
		b.ReportMetric(float64(peak)/1e6, "peak-heap-MB")
		b.StopTimer()
		_ = s.Close()
		b.StartTimer()
	}
}

// peakLiveHeap is peakHeap with the collector kept close behind, so the
// peak is what the ingest holds, not garbage waiting for a collection.
func peakLiveHeap(f func()) uint64 {
	defer debug.SetGCPercent(debug.SetGCPercent(5))
	return peakHeap(f)
}

// Storing one huge poll result holds memory for a chunk of it, not for
// all of it: the heap it takes barely grows with the result's size. (One
// transaction for the whole result held about 5 KB per item: 560 MB at
// 80,000 items, 1.3 GB RSS in the console.)
func TestIngestingAHugeResultHoldsAChunkNotTheWhole(t *testing.T) {
	defer func(n int) { ingestChunk = n }(ingestChunk)
	ingestChunk = 100 // so that a result small enough for -race is "huge"
	peak := map[int]uint64{}
	const small, big = 1000, 4000
	for _, n := range []int{small, big} {
		s := openTest(t, "support")
		res := feeds.Result{Feed: "big", Items: benchItems("big", n, t0)}
		var outs []IngestResult
		var errs []error
		peak[n] = peakLiveHeap(func() { outs, errs = s.IngestBatch([]feeds.Result{res}, t0.Add(90*24*time.Hour)) })
		if errs[0] != nil || outs[0].New != n {
			t.Fatalf("ingest of %d items: %d new, %v", n, outs[0].New, errs[0])
		}
	}
	perItem := float64(peak[big]-min(peak[big], peak[small])) / (big - small)
	t.Logf("peak heap: %d items %.1f MB, %d items %.1f MB: %.0f bytes per extra item",
		small, float64(peak[small])/1e6, big, float64(peak[big])/1e6, perItem)
	if perItem > 2048 {
		t.Errorf("each extra item of one result holds %.0f bytes at the peak of its ingest, want under 2 KB: the ingest holds the whole result's writes", perItem)
	}
}

// A result stored in chunks ends as the same threads, queue, contacts and
// feed state as one stored in one transaction, replies crossing chunks
// included; the feed's state (and its ETag) counts the whole result.
func TestAHugeResultStoredInChunksIsStoredWhole(t *testing.T) {
	defer func(n int) { ingestChunk = n }(ingestChunk)
	const n = 230
	now := t0.Add(90 * 24 * time.Hour)
	items := benchItems("big", n, t0)
	// Newest first, as feeds list them, and one item without a date.
	slices.Reverse(items)
	items[7].Published = time.Time{}
	res := feeds.Result{Feed: "big", Items: items, State: feeds.ConditionalState{ETag: `"v1"`}}

	ingestChunk = 1_000_000
	whole := openTest(t, "support")
	mustIngest(t, whole, result("other", item("o1", "x", 1)), now)
	want := mustIngest(t, whole, res, now)
	ingestChunk = 7
	chunked := openTest(t, "support")
	outs, errs := chunked.IngestBatch([]feeds.Result{result("other", item("o1", "x", 1)), res}, now)
	if errs[0] != nil || errs[1] != nil {
		t.Fatal(errs)
	}
	got := outs[1]
	if got.New != want.New || got.Duplicate != want.Duplicate || len(got.Threads) != len(want.Threads) {
		t.Errorf("chunked ingest: new %d dup %d threads %d; in one transaction: %d %d %d",
			got.New, got.Duplicate, len(got.Threads), want.New, want.Duplicate, len(want.Threads))
	}
	checkIndexes(t, chunked)
	if w, g := queueIDs(t, whole, now), queueIDs(t, chunked, now); !slices.Equal(w, g) {
		t.Errorf("queue differs:\nwhole   %v\nchunked %v", w, g)
	}
	for _, id := range want.Threads {
		w, g := mustThread(t, whole, id), mustThread(t, chunked, id)
		if w.Messages != g.Messages || w.Stage != g.Stage || w.Author != g.Author || !w.WaitingSince.Equal(g.WaitingSince) || w.Preview != g.Preview {
			t.Errorf("thread %s differs:\nwhole   %+v\nchunked %+v", id, w, g)
		}
	}
	states, err := chunked.FeedStates()
	if err != nil {
		t.Fatal(err)
	}
	for _, fs := range states {
		if fs.Name == "big" && (fs.Items != n || fs.LastNew != n || fs.ETag != `"v1"`) {
			t.Errorf("feed state after a chunked ingest: %+v, want %d items, %d new, ETag \"v1\"", fs, n, n)
		}
	}
	// Stored again, nothing is new.
	if again := mustIngest(t, chunked, res, now); again.New != 0 || again.Duplicate != n {
		t.Errorf("second ingest: %d new, %d duplicates; want 0 and %d", again.New, again.Duplicate, n)
	}
}
