package ui

import (
	"fmt"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"parley/feeds"
)

// findIngested runs cmd (and what it batches) and returns the ingest
// outcome among its messages, if any.
func findIngested(t *testing.T, cmd tea.Cmd) (ingestedMsg, bool) {
	t.Helper()
	if cmd == nil {
		return ingestedMsg{}, false
	}
	switch m := cmd().(type) {
	case tea.BatchMsg:
		for _, c := range m {
			if got, ok := findIngested(t, c); ok {
				return got, true
			}
		}
	case ingestedMsg:
		return m, true
	}
	return ingestedMsg{}, false
}

// Hundreds of feeds answering at start-up are stored a batch at a time,
// one batch in flight, and every result is stored.
func TestPollResultsAreStoredInBatches(t *testing.T) {
	st := testStore(t)
	app := newTestApp(st)
	const n = 120
	for i := range n {
		name := fmt.Sprintf("Feed %03d", i)
		app.toIngest = append(app.toIngest, feeds.Result{Feed: name, Items: []feeds.Item{{
			ID: fmt.Sprintf("f%03d", i), Feed: name, Author: fmt.Sprintf("Writer %03d", i), Title: "Hello",
			Text: "A question about the team plan", Published: testNow.Add(-time.Hour)}}})
	}
	cmd := app.ingestPending()
	batches := 0
	for cmd != nil {
		if again := app.ingestPending(); again != nil {
			t.Fatal("a second batch started while one was being written")
		}
		msg, ok := cmd().(ingestedMsg)
		if !ok {
			t.Fatal("ingestPending did not return a store write")
		}
		batches++
		if len(msg.results) > ingestBatchMax {
			t.Fatalf("batch of %d results, at most %d", len(msg.results), ingestBatchMax)
		}
		next, _ := findIngested(t, app.handleResult(msg))
		cmd = nil
		if next.results != nil {
			m := next
			cmd = func() tea.Msg { return m }
		}
	}
	if want := (n + ingestBatchMax - 1) / ingestBatchMax; batches != want {
		t.Errorf("%d batches, want %d", batches, want)
	}
	if n2, _ := st.QueueLen(testNow); n2 != 3+n {
		t.Errorf("queue holds %d threads after the batches, want %d", n2, 3+n)
	}
}
