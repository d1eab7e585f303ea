package store

import (
	"fmt"
	"slices"
	"testing"

	"parley/feeds"
	"parley/funnel"
)

// plainAnalyzer hides the real analyzer's Read: a store with it reads
// every message in the transaction, as before readings existed.
type plainAnalyzer struct{ an *funnel.Analyzer }

func (p plainAnalyzer) Analyze(msgs []funnel.Message, st funnel.State) funnel.Result {
	return p.an.Analyze(msgs, st)
}

// countingAnalyzer counts the messages Analyze gets with a reading.
type countingAnalyzer struct {
	*funnel.Analyzer
	withReading *int
}

func (c countingAnalyzer) Analyze(msgs []funnel.Message, st funnel.State) funnel.Result {
	for _, m := range msgs {
		if m.Reading != nil {
			*c.withReading++
		}
	}
	return c.Analyzer.Analyze(msgs, st)
}

// readAheadResults are polls of three feeds: threads by fragment link and
// by in-reply-to, replies from us, one thread spread over two feeds, and
// a second round that adds to the threads of the first and repeats items.
func readAheadResults() (first, second []feeds.Result) {
	poll := func(feed string, from, n int) feeds.Result {
		res := feeds.Result{Feed: feed}
		for i := from; i < from+n; i++ {
			post := i % 4
			it := feeds.Item{
				ID:        fmt.Sprintf("%s/%d", feed, i),
				Author:    fmt.Sprintf("user%d", i%7),
				Title:     fmt.Sprintf("Comment %d", i),
				Text:      commentText(i*3 + len(feed)),
				Published: at(i),
				Link:      fmt.Sprintf("https://%s.example/post/%d/#comment-%d", feed, post, i),
			}
			switch {
			case i%5 == 3:
				it.Author = "us" // our answer: the next ones answer it
			case i%6 == 1:
				it.Link = ""
				it.InReplyTo = fmt.Sprintf("%s/%d", feed, i-1)
			case i%9 == 0:
				it.Link = fmt.Sprintf("https://shared.example/post/%d/#c%d", post, i) // one thread, several feeds
			}
			res.Items = append(res.Items, it)
		}
		return res
	}
	first = []feeds.Result{poll("blog", 0, 40), poll("forum", 0, 30), poll("shop", 0, 25)}
	second = []feeds.Result{poll("blog", 30, 40), poll("forum", 20, 30), poll("shop", 25, 10)}
	return first, second
}

// TestReadAheadStoresTheSame: preparing results (reading their messages
// ahead, even before an earlier batch commits) stores exactly what
// reading them in the transaction does, byte for byte.
func TestReadAheadStoresTheSame(t *testing.T) {
	first, second := readAheadResults()
	now := at(10_000)

	plain := openTest(t, "us")
	plain.an = plainAnalyzer{an: plain.an.(*funnel.Analyzer)}
	for _, batch := range [][]feeds.Result{first, second, first} {
		if _, errs := plain.IngestBatch(batch, now); slices.ContainsFunc(errs, func(e error) bool { return e != nil }) {
			t.Fatalf("plain: %v", errs)
		}
	}

	batched := openTest(t, "us")
	for _, batch := range [][]feeds.Result{first, second, first} {
		if _, errs := batched.IngestBatch(batch, now); slices.ContainsFunc(errs, func(e error) bool { return e != nil }) {
			t.Fatalf("batched: %v", errs)
		}
	}

	// Every result prepared up front, before anything is stored, as parley
	// fetch may; stored in groups that split the polls differently.
	prepared := openTest(t, "us")
	var withReading int
	prepared.an = countingAnalyzer{Analyzer: prepared.an.(*funnel.Analyzer), withReading: &withReading}
	var ps []Prepared
	for _, res := range append(append(slices.Clone(first), second...), first...) {
		ps = append(ps, prepared.Prepare(res))
	}

	for _, group := range [][]Prepared{ps[:2], ps[2:5], ps[5:]} {
		if _, errs := prepared.IngestPrepared(group, now); slices.ContainsFunc(errs, func(e error) bool { return e != nil }) {
			t.Fatalf("prepared: %v", errs)
		}
	}

	if withReading == 0 {
		t.Fatal("no message was analysed with a reading made ahead")
	}

	want := snapshotDB(t, plain)
	for name, s := range map[string]*Store{"IngestBatch": batched, "Prepare+IngestPrepared": prepared} {
		if got := snapshotDB(t, s); !slices.Equal(got, want) {
			for i := range min(len(got), len(want)) {
				if got[i] != want[i] {
					t.Fatalf("%s: stored differently from reading in the transaction; first difference:\n got %s\nwant %s", name, got[i], want[i])
				}
			}
			t.Fatalf("%s: %d records, reading in the transaction %d", name, len(got), len(want))
		}
	}
	var moves int
	for _, st := range funnel.Stages[1:] {
		ts, err := plain.ThreadsInStage(st)
		if err != nil {
			t.Fatal(err)
		}
		moves += len(ts)
	}
	if moves == 0 {
		t.Error("no thread moved: the test shows nothing about the funnel")
	}
}
