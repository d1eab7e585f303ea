package ui

import (
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"parley/funnel"
	"parley/store"
)

func queueIDs(t *testing.T, st *store.Store) []string {
	t.Helper()
	q, err := st.Queue(testNow)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, th := range q {
		ids = append(ids, th.Author)
	}
	return ids
}

// space marks rows (and moves down), e then archives exactly those, with
// one status line for all.
func TestBulkSelectThenDone(t *testing.T) {
	st := testStore(t)
	probe := &pickedProbe{App: newTestApp(st)}
	tm := teatest.NewTestModel(t, probe, teatest.WithInitialTermSize(100, 24))
	waitFor(t, tm, "Alice Chen", "Carol Diaz")
	tm.Send(press(' ')) // Alice, cursor to Bob
	tm.Send(press('j')) // skip Bob
	tm.Send(press(' ')) // Carol
	// "1 SELECTED" becomes "2 SELECTED" by rewriting one cell, so the
	// test waits on the selection the console holds, not on output.
	teatest.WaitFor(t, tm.Output(), func([]byte) bool { return probe.picked.Load() == 2 },
		teatest.WithDuration(5*time.Second))
	tm.Send(press('e'))
	waitFor(t, tm, "Done: 2 threads")
	tm.Send(press('q'))
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*pickedProbe).App
	if got := queueIDs(t, st); !slices.Equal(got, []string{"Bob Okafor"}) {
		t.Errorf("queue after bulk done = %q, want only Bob", got)
	}
	if len(final.queue.picked) != 0 {
		t.Errorf("selection kept after the action: %v", final.queue.picked)
	}
}

// The selection is by thread: a live reload that moves rows keeps it,
// the marks follow their threads, and esc clears it.
func TestBulkSelectionSurvivesReloadAndEscClears(t *testing.T) {
	st := testStore(t)
	app, sub := drivenLiveApp(t, st, 100, 24)
	app.Update(press('j'))
	app.Update(press(' ')) // Bob
	if _, ok := app.queue.picked[app.queue.threads[1].ID]; !ok || len(app.queue.picked) != 1 {
		t.Fatalf("space did not select Bob: %v", app.queue.picked)
	}
	bob := app.queue.threads[1].ID
	// A new unhappy thread goes to the head of the queue: rows move.
	byAnotherWriter(t, func() error {
		_, err := st.Ingest(newThreadItem("z1", "Zed Angry", "This is terrible, I hate it, the worst bug ever.", testNow.Add(-time.Minute)), testNow)
		return err
	})
	pump(t, app, sub)
	view := ansi.Strip(app.render())
	var marked []string
	for _, line := range strings.Split(view, "\n") {
		if strings.Contains(line, "✓") {
			marked = append(marked, line)
		}
	}
	if len(marked) != 1 || !strings.Contains(marked[0], "Bob Okafor") {
		t.Errorf("marked rows after the reload = %q, want Bob's only:\n%s", marked, view)
	}
	if _, ok := app.queue.picked[bob]; !ok {
		t.Error("Bob's selection was lost in the reload")
	}
	app.Update(esc)
	if len(app.queue.picked) != 0 || strings.Contains(ansi.Strip(app.render()), "✓") {
		t.Errorf("esc left a selection: %v", app.queue.picked)
	}
}

// s with a selection snoozes all of them; > moves each waiting person's
// stage; a assigns them to the console's user.
func TestBulkSnoozeStageAndAssign(t *testing.T) {
	st := testStore(t)
	app := New(Deps{Backend: backendOf(st, "maya"), User: "maya", Now: func() time.Time { return testNow }})
	app.Update(tea.WindowSizeMsg{Width: 100, Height: 24})
	settle(t, app, app.reloadQueue())
	sel := func(rows ...int) {
		for _, r := range rows {
			app.queue.cursor = r
			app.Update(press(' '))
		}
	}
	ids := []string{app.queue.threads[0].ID, app.queue.threads[1].ID, app.queue.threads[2].ID}
	var before []funnel.Stage
	for _, id := range ids {
		th, _ := st.Thread(id)
		before = append(before, th.Stage)
	}

	sel(0, 1)
	_, cmd := app.Update(press('>'))
	settle(t, app, cmd)
	if !strings.HasPrefix(app.status, "Stage forward: 2 threads") {
		t.Errorf("status = %q", app.status)
	}
	for i, moved := range []bool{true, true, false} {
		th, _ := st.Thread(ids[i])
		if got := th.Stage != before[i]; got != moved {
			t.Errorf("thread %d: %s -> %s, moved %v, want %v", i, before[i], th.Stage, got, moved)
		}
	}

	sel(0, 2)
	_, cmd = app.Update(press('a'))
	settle(t, app, cmd)
	for i, want := range []string{"maya", "", "maya"} {
		th, _ := st.Thread(ids[i])
		if th.Assignee != want {
			t.Errorf("thread %d assigned to %q, want %q", i, th.Assignee, want)
		}
	}

	sel(1, 2)
	app.Update(press('s'))
	if app.snoozing == nil || !strings.Contains(app.snoozeOverlay(20), "2 selected threads") {
		t.Fatal("s did not open the snooze menu for the selection")
	}
	_, cmd = app.Update(press('1'))
	settle(t, app, cmd)
	if !strings.HasPrefix(app.status, "Snoozed until") || !strings.Contains(app.status, "2 threads") {
		t.Errorf("status = %q", app.status)
	}
	for i, snoozed := range []bool{false, true, true} {
		th, _ := st.Thread(ids[i])
		if got := !th.SnoozedUntil.IsZero(); got != snoozed {
			t.Errorf("thread %d snoozed %v, want %v", i, got, snoozed)
		}
	}
}

// pickedProbe publishes how many queue rows are selected after each
// update, for waits the renderer draws as a one-cell diff.
type pickedProbe struct {
	*App
	picked atomic.Int64
}

func (p *pickedProbe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := p.App.Update(msg)
	p.picked.Store(int64(len(p.App.queue.picked)))
	return p, cmd
}
