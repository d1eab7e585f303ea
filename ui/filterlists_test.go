package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"parley/feeds"
)

// A / filter on a stage's list and on the contacts is a window too: the
// filter index counts the matches and names the rows of one window, so
// filtering 1,000 people and walking down them reads a few screens, and
// the count shown is every match's.
func TestFilteredListsReadWindowsNotWholeLists(t *testing.T) {
	const people = 1000
	st, _ := crowdedStore(t, people, 0)
	cb := &countingBackend{Backend: backendOf(st, "")}
	app := New(Deps{Backend: cb, Feeds: []feeds.Feed{{Name: "Blog comments"}, {Name: "Forum"}}, Now: func() time.Time { return testNow }})
	app.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	settle(t, app, app.reloadQueue())

	const screens = 5 * 30
	step := func(what string, msgs ...tea.Msg) {
		t.Helper()
		before := cb.rows.Load()
		for _, m := range msgs {
			_, cmd := app.Update(m)
			settle(t, app, cmd)
		}
		if n := cb.rows.Load() - before; n > screens {
			t.Errorf("%s read %d rows; the screen holds 30 (a window is at most %d)", what, n, screens)
		}
	}
	filterBy := func(q string) []tea.Msg {
		return []tea.Msg{press('/'), tea.PasteMsg{Content: q}, tea.KeyPressMsg{Code: tea.KeyEnter}}
	}
	down := make([]tea.Msg, 100)
	for i := range down {
		down[i] = press('j')
	}

	step("view 2 and a stage", press('2'), tea.KeyPressMsg{Code: tea.KeyEnter})
	step("/ on the stage's list", filterBy("from:person -from:\"person 00\"")...)
	if got, want := app.funnel.list.total, people-100; got != want {
		t.Fatalf("the filtered stage counts %d, want %d", got, want)
	}
	if frame := ansi.Strip(app.render()); !strings.Contains(frame, fmt.Sprintf("%d conversations", people-100)) {
		t.Errorf("the filtered stage list does not show its count:\n%s", frame)
	}
	step("100 j in the filtered stage", down...)
	if c, _ := app.funnel.selected(); !strings.HasPrefix(c.Name, "Person") || strings.HasPrefix(c.Name, "Person 00") {
		t.Errorf("after 100 j the cursor is on %q", c.Name)
	}
	step("G in the filtered stage", press('G'))
	if !app.funnel.list.last || app.funnel.list.nav.cursor != len(app.funnel.list.items)-1 {
		t.Errorf("G did not reach the filtered list's tail")
	}

	step("view 3", press('3'))
	step("/ on the contacts", filterBy("from:person -from:\"person 00\"")...)
	if got, want := app.contacts.list.total, people-100; got != want {
		t.Fatalf("the filtered contacts count %d, want %d", got, want)
	}
	if frame := ansi.Strip(app.render()); !strings.Contains(frame, fmt.Sprintf("CONTACTS (%d)", people-100)) {
		t.Errorf("the filtered contacts do not show their count:\n%s", frame)
	}
	step("100 j in the filtered contacts", down...)
	c, ok := app.contacts.list.selected()
	if !ok || !strings.HasPrefix(c.Name, "Person") || strings.HasPrefix(c.Name, "Person 00") {
		t.Errorf("after 100 j the cursor is on %q", c.Name)
	}
	step("G in the filtered contacts", press('G'))
	if !app.contacts.list.last || app.contacts.list.nav.cursor != len(app.contacts.list.items)-1 {
		t.Errorf("G did not reach the filtered contacts' tail")
	}
}

// The first / builds the backend's index in a command, the line saying
// "indexing…" until it is done; the second / builds nothing.
func TestFirstFilterSaysIndexing(t *testing.T) {
	app := newTestApp(testStore(t))
	app.Update(tea.WindowSizeMsg{Width: 140, Height: 24})
	settle(t, app, app.reloadQueue())
	_, cmd := app.Update(press('/'))
	if frame := ansi.Strip(app.render()); !strings.Contains(frame, "indexing…") {
		t.Fatalf("the first / does not say it is indexing:\n%s", frame)
	}
	settle(t, app, cmd)
	if frame := ansi.Strip(app.render()); strings.Contains(frame, "indexing…") {
		t.Errorf("still indexing once the index is built:\n%s", frame)
	}
	app.Update(tea.KeyPressMsg{Code: tea.KeyEscape})
	if _, cmd := app.Update(press('/')); strings.Contains(ansi.Strip(app.render()), "indexing…") {
		t.Errorf("the second / indexes again")
	} else {
		settle(t, app, cmd)
	}
}
