package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// tableRow finds the table's row whose scenario starts with prefix and
// returns its cells (scenario, parley, newsboat, ratio, target, met).
func tableRow(t *testing.T, table, prefix string) []string {
	t.Helper()
	for line := range strings.Lines(table) {
		cells := strings.Split(strings.TrimSpace(line), "|")
		if len(cells) < 8 {
			continue
		}
		cells = cells[1 : len(cells)-1]
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if strings.HasPrefix(cells[0], prefix) {
			return cells
		}
	}
	t.Errorf("no row %q in:\n%s", prefix, table)
	return make([]string, 6)
}

// viewsResults are the console figures of one start-up run: every view's
// frame, the memory after them and the ui benchmarks.
func viewsResults(db parleyStamp, frame time.Duration, peak int64) *results {
	r := &results{DB: db, ViewsMem: memory{Peak: peak}}
	for _, s := range viewSteps {
		if s.want != nil {
			r.Views = append(r.Views, viewFrame{Name: s.name, Time: frame, Mem: memory{Peak: peak, Anon: 20e6, File: peak - 20e6}})
		}
	}
	r.StartParley = []tuiRun{{Startup: 90 * time.Millisecond, PeakRSS: 60e6}}
	r.KeysParley = keyCost{J: []int64{108, 106}, Enter: 1800}
	r.QueueMove = 80 * time.Microsecond
	for _, b := range []struct {
		name string
		op   time.Duration
	}{{"BenchmarkListMove/stage/rows=100000-2", 90 * time.Microsecond}, {"BenchmarkListMove/contacts/rows=100000-2", 95 * time.Microsecond},
		{"BenchmarkListMove/feeds/threads=100000-2", 2 * time.Millisecond}, {"BenchmarkOpenLongThread/fits-2", 3 * time.Millisecond}} {
		r.GoBenches = append(r.GoBenches, goBench{Name: b.name, Op: b.op})
	}
	return r
}

// Every figure of issue 16's targets table has its row, with its target
// and a verdict: at 100k threads, and with -million at 1M messages
// (where newsboat is not measured).
func TestTableHasEveryTarget(t *testing.T) {
	cfg := config{Ingest: ingestSet(dims{500, 50}), Big: bigSet(dims{500, 200}, 4), W: 80, H: 24}
	r := viewsResults(parleyStamp{Threads: 100_000, Messages: 500_000}, 150*time.Millisecond, 90e6)
	r.IngestParley = []run{{Wall: 1400 * time.Millisecond}}
	r.IngestNewsboat = []run{{Wall: 15 * time.Second}}
	r.StartNewsboat = []tuiRun{{Startup: 20 * time.Second}}
	var out bytes.Buffer
	r.table(&out, cfg)
	table := out.String()

	check := func(table, prefix, target, met string) {
		t.Helper()
		row := tableRow(t, table, prefix)
		if row[4] != target || row[5] != met {
			t.Errorf("row %q: target %q, %q; want %q, %q", row[0], row[4], row[5], target, met)
		}
	}
	check(table, "1 ingest 500 feeds x 50 items", "< 2 s per 25k items, ≥ 10x newsboat defaults", "met")
	check(table, "2 start-up to first rows, 100,000 threads", "< 200 ms, ≥ 5x newsboat (both figures)", "met")
	check(table, "3 peak RSS at start-up", "< 100 MB", "met")
	for _, v := range r.Views {
		check(table, v.Name+": key to frame (100,000 threads / 500,000 messages)", "< 200 ms", "met")
	}
	check(table, "peak RSS after every view (100,000 threads / 500,000 messages)", "< 100 MB", "met")
	check(table, "j/k Update+View at 100k threads (BenchmarkQueueMove)", "< 1 ms", "met")
	check(table, "j/k Update+View at 100k (BenchmarkListMove/stage/", "< 1 ms", "met")
	check(table, "j/k Update+View at 100k (BenchmarkListMove/contacts/", "< 1 ms", "met")
	check(table, "j/k Update+View at 100k (BenchmarkListMove/feeds/", "< 1 ms", "**missed**")
	check(table, "open a thread of 5,000 messages", "< 100 ms", "met")
	if strings.Contains(table, "6 start-up at 1M") {
		t.Errorf("a 100k run has a 1M row:\n%s", table)
	}

	// go run ./bench -million -newsboat=false
	cfg.Big = bigSet(millionDims, millionReplies)
	r = viewsResults(parleyStamp{Threads: 200_000, Messages: 1_000_000}, 250*time.Millisecond, 95e6)
	out.Reset()
	r.table(&out, cfg)
	table = out.String()
	check(table, "2 start-up to first rows, 200,000 threads / 1,000,000 messages", "< 200 ms, ≥ 5x newsboat (both figures)",
		"met (time only: newsboat not measured)")
	check(table, "6 start-up at 1M messages (200,000 threads / 1,000,000 messages): first rows / peak RSS", "< 200 ms, < 100 MB", "met")
	if row := tableRow(t, table, "6 start-up at 1M"); row[1] != "90 ms / 60 MB" {
		t.Errorf("1M start-up figures %q, want the start-up's time and peak RSS", row[1])
	}
	for _, v := range r.Views {
		check(table, v.Name+": key to frame (200,000 threads / 1,000,000 messages)", "< 200 ms", "**missed**")
	}
	check(table, "peak RSS after every view (200,000 threads", "< 100 MB", "met")
	check(table, "4 bytes to the terminal per j", "≤ 1.5x newsboat's", "not measured")
	out.Reset()
	r.details(&out, cfg)
	if want := "view 2 (funnel) 95 MB (20 MB anon + 75 MB file)"; !strings.Contains(out.String(), want) {
		t.Errorf("details lack each view's memory (%q):\n%s", want, out.String())
	}
}
