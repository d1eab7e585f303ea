package store

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"parley/feeds"
)

// mappedRSS is how much of the file at path this process has resident
// through its memory maps (the Rss lines of /proc/self/smaps).
func mappedRSS(t *testing.T, path string) int64 {
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skipf("no smaps: %v", err)
	}
	defer f.Close()
	var total int64
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if fields := strings.Fields(line); len(fields) >= 5 && strings.Contains(fields[0], "-") && !strings.HasSuffix(fields[0], ":") {
			in = strings.HasSuffix(line, " "+path)
			continue
		}
		if rest, ok := strings.CutPrefix(line, "Rss:"); ok && in {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			total += kb << 10
		}
	}
	return total
}

// peakMapped runs f and reports the most of path resident through the
// maps, sampled every millisecond.
func peakMapped(t *testing.T, path string, f func()) (peak int64) {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			peak = max(peak, mappedRSS(t, path))
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
	return max(peak, mappedRSS(t, path))
}

// TestExportKeepsTheMappedFileFlat: an export reads every thread, and
// each page it reads stays resident through bbolt's map unless dropped,
// so without dropMapped the process's RSS grows with the database (1.2
// GB for the 100k bench database). With it, the pages resident at any
// time are those of a few threads.
func TestExportKeepsTheMappedFileFlat(t *testing.T) {
	s := openTest(t)
	title := strings.Repeat("A thread title long enough to fill pages. ", 40)
	var items []feeds.Item
	for i := range 5000 {
		items = append(items, item(fmt.Sprintf("p%05d", i), fmt.Sprintf("person %d", i), i%1000, func(it *feeds.Item) { it.Title = title }))
	}
	mustIngest(t, s, result("blog", items...), at(2000))
	defer func(chunk, every int) { exportChunk, dropEvery, keepMapped = chunk, every, false }(exportChunk, dropEvery)
	exportChunk, dropEvery = 32, 4
	export := func() {
		rows := 0
		mustNil(t, s.Export(func(ExportRow) error { rows++; return nil }))
		if rows != 5000 {
			t.Fatalf("%d rows exported, want 5000", rows)
		}
	}
	path := s.Path()
	mustNil(t, s.db.View(func(tx *bolt.Tx) error { dropMapped(tx); return nil }))
	keepMapped = true
	baseline := peakMapped(t, path, export)
	keepMapped = false
	mustNil(t, s.db.View(func(tx *bolt.Tx) error { dropMapped(tx); return nil }))
	if baseline < 4<<20 {
		t.Fatalf("set-up: an export without drops holds only %d KB of the file", baseline>>10)
	}
	got := peakMapped(t, path, export)
	t.Logf("file resident during the export: %d KB with drops, %d KB without", got>>10, baseline>>10)
	if got > baseline/4 {
		t.Errorf("the export held %d KB of the file at once, %d KB without drops: want at most a quarter", got>>10, baseline>>10)
	}

	// And the heap holds a chunk's rows (32 threads of 1.7 KB titles), not
	// the 5,000 threads' (8.5 MB): rows go to fn as they are read.
	if heap := peakLiveHeap(export); heap > 2<<20 {
		t.Errorf("the export held %d KB of heap at once, want under 2 MB", heap>>10)
	}
}
