package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"parley/feeds"
	"parley/store"
)

func TestMain(m *testing.M) {
	code := m.Run()
	for _, st := range benchStores {
		path := st.Path()
		st.Close()
		os.RemoveAll(filepath.Dir(path))
	}
	os.Exit(code)
}

// longQueueStore holds n queued threads, oldest first in the queue.
func longQueueStore(t *testing.T, n int) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "parley.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	items := make([]feeds.Item, n)
	for i := range items {
		items[i] = feeds.Item{ID: fmt.Sprintf("q%04d", i), Feed: "Forum", Author: fmt.Sprintf("Author %04d", i),
			Title: "Question", Text: fmt.Sprintf("Question number %04d about the team plan", i),
			Published: testNow.Add(-time.Duration(n-i) * time.Minute)}
	}
	if _, err := st.Ingest(feeds.Result{Feed: "Forum", Items: items}, testNow); err != nil {
		t.Fatal(err)
	}
	return st
}

// run executes a command and everything it batches, feeding each result
// to the app as the program would, until nothing is left (ticks excluded:
// only queue reads are run).
func runQueueReads(app *App, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch m := cmd().(type) {
	case tea.BatchMsg:
		for _, c := range m {
			runQueueReads(app, c)
		}
	case queueWindowMsg:
		_, next := app.Update(m)
		runQueueReads(app, next)
	}
}

// The console walks a queue far longer than its window in queue order,
// row by row and by jumps, holding only a window of it.
func TestQueueScreenWalksALongQueueThroughWindows(t *testing.T) {
	const n = 700
	st := longQueueStore(t, n)
	full, err := st.Queue(testNow)
	if err != nil || len(full) != n {
		t.Fatalf("fixture queue: %d, %v", len(full), err)
	}
	app := newTestApp(st)
	app.Update(tea.WindowSizeMsg{Width: 100, Height: 24})
	runQueueReads(app, app.reloadQueue())

	q := app.queue
	if q.total != n || len(q.threads) >= n || !q.first || q.last {
		t.Fatalf("start: total %d, window %d rows, first %v last %v", q.total, len(q.threads), q.first, q.last)
	}
	if out := ansi.Strip(app.render()); !strings.Contains(out, fmt.Sprintf("WAITING FOR A REPLY (%d)", n)) || !strings.Contains(out, full[0].Author) {
		t.Fatalf("first screen lacks the queue's length or its head:\n%s", out)
	}

	maxWindow := 0
	for i := 1; i < n; i++ {
		_, cmd := app.Update(press('j'))
		runQueueReads(app, cmd)
		if got := app.queue.selectedID(); got != full[i].ID {
			t.Fatalf("after %d j: cursor on %s, want %s (row %d of the queue)", i, got, full[i].ID, i)
		}
		maxWindow = max(maxWindow, len(app.queue.threads))
	}
	if maxWindow >= n/2 {
		t.Errorf("the screen held up to %d of %d threads: not a window", maxWindow, n)
	}
	if _, cmd := app.Update(press('j')); cmd != nil || app.queue.selectedID() != full[n-1].ID {
		t.Error("j past the last row moved or read")
	}
	if out := ansi.Strip(app.render()); !strings.Contains(out, "› ") || !strings.Contains(out, full[n-1].Author) {
		t.Errorf("the last row is not on screen under the cursor:\n%s", out)
	}

	_, cmd := app.Update(press('g'))
	runQueueReads(app, cmd)
	if got := app.queue.selectedID(); got != full[0].ID || !app.queue.first {
		t.Fatalf("g: cursor on %s, want the head %s", got, full[0].ID)
	}
	_, cmd = app.Update(press('G'))
	runQueueReads(app, cmd)
	if got := app.queue.selectedID(); got != full[n-1].ID || !app.queue.last {
		t.Fatalf("G: cursor on %s, want the tail %s", got, full[n-1].ID)
	}
	for i := n - 2; i >= n-200; i-- {
		_, cmd := app.Update(press('k'))
		runQueueReads(app, cmd)
		if got := app.queue.selectedID(); got != full[i].ID {
			t.Fatalf("k back to row %d: cursor on %s, want %s", i, got, full[i].ID)
		}
	}
}

// A read that lands after a newer one changes nothing; a thread done
// elsewhere gives its row to the next one, and the cursor keeps its line.
func TestQueueScreenKeepsItsPlace(t *testing.T) {
	const n = 300
	st := longQueueStore(t, n)
	full, _ := st.Queue(testNow)
	app := newTestApp(st)
	app.Update(tea.WindowSizeMsg{Width: 100, Height: 24})
	runQueueReads(app, app.reloadQueue())
	for range 10 {
		app.Update(press('j'))
	}
	q := app.queue
	line := q.cursor - q.offset

	stale := q.read(store.QueueAnchor{}, true, false) // a jump to the head ...
	fresh := q.reload()                               // ... overtaken by a newer read
	app.Update(fresh())
	app.Update(stale())
	if got := q.selectedID(); got != full[10].ID {
		t.Fatalf("a late read moved the cursor to %s, want it on %s", got, full[10].ID)
	}

	if err := st.SetDone(full[10].ID, true); err != nil {
		t.Fatal(err)
	}
	runQueueReads(app, app.reloadQueue())
	if got := q.selectedID(); got != full[11].ID {
		t.Errorf("after its thread was done, cursor on %s, want the next %s", got, full[11].ID)
	}
	if q.cursor-q.offset != line {
		t.Errorf("cursor moved from line %d to %d of the screen", line, q.cursor-q.offset)
	}
	if q.total != n-1 {
		t.Errorf("total %d, want %d", q.total, n-1)
	}
}
