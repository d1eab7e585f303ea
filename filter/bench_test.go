package filter

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"parley/funnel"
)

var benchSentences = []string{
	"How much is the team plan if we are five people?", "This is broken and I want a refund.",
	"Is there a free trial for the Pro version?", "Thanks, that fixed it!", "Sync lost my notes after the update.",
	"I highly recommend it to anyone who writes a lot.", "Where can I download my invoices?",
	"Support never answered my ticket, it has been two weeks.", "Any plans for a Linux version?",
	"The export to EPUB drops every footnote.", "Love the new outline view!", "Not impressed, to be honest.",
}

func benchIndex(n int) *Index {
	ix := NewIndex()
	base := now.Add(-90 * 24 * time.Hour)
	for i := range n {
		at := base.Add(time.Duration(i) * 90 * 24 * time.Hour / time.Duration(n))
		text := benchSentences[i%len(benchSentences)] + " " + benchSentences[(i/7)%len(benchSentences)] + fmt.Sprintf(" order %d", i)
		ix.Put(Row{ID: fmt.Sprintf("%016x", i), Feed: fmt.Sprintf("feed%02d", i%20), Stage: funnel.Stage(i % 6),
			People:        []Person{{Name: fmt.Sprintf("user%d", i%25_000), Stage: funnel.Stage(i % 6)}},
			Texts:         [][]byte{[]byte(fmt.Sprintf("Question %d", i)), []byte(text)},
			WaitingPeople: 1 - i%10/9, WaiterIntent: i%6 == 3, WaitingSince: at, LastActivity: at, Unread: i % 3})
	}
	return ix
}

var benchKeystrokes = func() []string {
	var out []string
	for _, full := range []string{"stage:intent refund", "-feed:feed03 from:user12", "is:waiting since:7d trial"} {
		for i := 1; i <= len(full); i++ {
			out = append(out, full[:i])
		}
	}
	return out
}()

// BenchmarkMatch100k is the index's part of a keystroke: parse and match
// every prefix of three typed queries, then cut the window shown.
func BenchmarkMatch100k(b *testing.B) {
	ix := benchIndex(100_000)
	env := Env{Now: now, User: "sam", Queue: true}
	ix.Match(Query{}, env) // the first query sorts
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		q, err := Parse(benchKeystrokes[i%len(benchKeystrokes)])
		i++
		if err != nil {
			continue
		}
		ix.Match(q, env).Window("", false, 40, 60)
	}
}

// BenchmarkIndexBuild100k puts 100k threads; heap-MB is what the index
// keeps (live heap after a GC, less before).
func BenchmarkIndexBuild100k(b *testing.B) {
	b.ReportAllocs()
	var ix *Index
	var before, after runtime.MemStats
	for b.Loop() {
		ix = nil
		runtime.GC()
		runtime.ReadMemStats(&before)
		ix = benchIndex(100_000)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "heap-MB")
	runtime.KeepAlive(ix)
}
