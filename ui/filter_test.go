package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"parley/feeds"
	"parley/store"
)

// typeKeys types s one key at a time, as a user does.
func typeKeys(tm *teatest.TestModel, s string) {
	for _, r := range s {
		tm.Send(press(r))
	}
}

// threadOf finds the test store's thread by its starter.
func threadOf(t *testing.T, st *store.Store, author string) store.Thread {
	t.Helper()
	var out store.Thread
	err := st.FilterRows(nil, func(r store.FilterRow) error {
		if r.Thread.Author == author {
			out = r.Thread
		}
		return nil
	})
	if err != nil || out.ID == "" {
		t.Fatalf("no thread by %s (%v)", author, err)
	}
	return out
}

// screenOf closes the line (enter keeps the filter), quits, and gives
// the final screen.
func screenOf(t *testing.T, tm *teatest.TestModel) string {
	t.Helper()
	tm.Send(enter)
	return ansi.Strip(finalApp(t, tm).render())
}

func TestFilterLiveAsYouType(t *testing.T) {
	app := newTestApp(testStore(t))
	tm := startApp(t, app, 120, 24)
	waitFor(t, tm, "Alice Chen", "Bob Okafor", "Carol Diaz")
	tm.Send(press('/'))
	typeKeys(tm, "feed:forum")
	// No enter: the list follows the typing.
	waitFor(t, tm, "MATCHING (1)")
	view := screenOf(t, tm)
	if !strings.Contains(view, "Bob Okafor") || strings.Contains(view, "Alice Chen") || strings.Contains(view, "Carol Diaz") {
		t.Errorf("feed:forum shows other feeds' threads:\n%s", view)
	}
	if !strings.Contains(view, "/ feed:forum") {
		t.Errorf("the line or header lacks the filter:\n%s", view)
	}
}

func TestFilterNegationAndEnterKeepsIt(t *testing.T) {
	app := newTestApp(testStore(t))
	tm := startApp(t, app, 120, 24)
	waitFor(t, tm, "Alice Chen")
	tm.Send(press('/'))
	tm.Send(tea.PasteMsg{Content: "-feed:forum"})
	waitFor(t, tm, "MATCHING (2)")
	tm.Send(enter)
	tm.Send(press('j')) // back in the list: keys move again
	final := finalApp(t, tm)
	view := ansi.Strip(final.render())
	if strings.Contains(view, "Bob Okafor") || !strings.Contains(view, "Alice Chen") || !strings.Contains(view, "Carol Diaz") {
		t.Errorf("-feed:forum:\n%s", view)
	}
	header := strings.SplitN(view, "\n", 2)[0]
	if !strings.Contains(header, "/ -feed:forum") {
		t.Errorf("header %q does not show the active filter", header)
	}
	if final.filt.editing {
		t.Error("enter left the line open")
	}
	if got, _ := final.queue.selected(); got.Author != "Carol Diaz" {
		t.Errorf("j after enter selected %q, want Carol Diaz (the second match)", got.Author)
	}
}

func TestFilterMistakeExplainedInlineAndEscClears(t *testing.T) {
	app := newTestApp(testStore(t))
	tm := startApp(t, app, 140, 24)
	waitFor(t, tm, "Alice Chen")
	tm.Send(press('/'))
	tm.Send(tea.PasteMsg{Content: "stage:foo"})
	waitFor(t, tm, "unknown term stage:foo — stages are new, engaged")
	tm.Send(esc)
	tm.Send(press('j'))
	final := finalApp(t, tm)
	view := ansi.Strip(final.render())
	for _, name := range []string{"Alice Chen", "Bob Okafor", "Carol Diaz", "WAITING FOR A REPLY (3)"} {
		if !strings.Contains(view, name) {
			t.Errorf("after esc the queue lacks %q:\n%s", name, view)
		}
	}
	if !final.queue.filter.Empty() || final.filt.editing || strings.Contains(view, "stage:foo") {
		t.Errorf("esc did not clear the filter (%q, editing %v)", final.queue.filter.Source, final.filt.editing)
	}
}

func TestFilterFreeTextAndNoMatch(t *testing.T) {
	app := newTestApp(testStore(t))
	tm := startApp(t, app, 120, 24)
	waitFor(t, tm, "Alice Chen")
	tm.Send(press('/'))
	tm.Send(tea.PasteMsg{Content: `"meeting notes"`}) // in Alice's message, not a title
	waitFor(t, tm, "MATCHING (1)")
	tm.Send(tea.PasteMsg{Content: " seats"}) // Bob's words: nobody says both
	waitFor(t, tm, "Nothing matches")
	view := screenOf(t, tm)
	if strings.Contains(view, "Alice Chen") || strings.Contains(view, "Bob Okafor") {
		t.Errorf("no thread has both phrases:\n%s", view)
	}
}

func TestDoneListedAndReopened(t *testing.T) {
	st := testStore(t)
	app := newTestApp(st)
	tm := startApp(t, app, 120, 24)
	waitFor(t, tm, "Alice Chen")
	tm.Send(press('e')) // Alice's thread: unhappy, first
	waitFor(t, tm, "Done:")
	tm.Send(press('/'))
	tm.Send(tea.PasteMsg{Content: "is:done"})
	tm.Send(enter)
	waitFor(t, tm, "MATCHING (1)")
	tm.Send(enter) // open it: the header says done
	waitFor(t, tm, "done (e reopens)")
	tm.Send(press('e'))
	waitFor(t, tm, "Reopened:")
	if th := threadOf(t, st, "Alice Chen"); th.Done {
		t.Fatal("e on a done thread did not reopen it")
	}
	finalApp(t, tm)
}

func TestSnoozedListedWithItsTime(t *testing.T) {
	st := testStore(t)
	app := newTestApp(st)
	tm := startApp(t, app, 120, 24)
	waitFor(t, tm, "Alice Chen")
	tm.Send(press('s'))
	tm.Send(press('2')) // tomorrow 9:00
	waitFor(t, tm, "Snoozed until")
	tm.Send(press('/'))
	tm.Send(tea.PasteMsg{Content: "is:snoozed"})
	tm.Send(enter)
	waitFor(t, tm, "MATCHING (1)")
	tm.Send(enter)
	want := "snoozed until " + nextMorning(testNow, 1).Local().Format("Mon 15:04")
	waitFor(t, tm, want)
	finalApp(t, tm)
}

func TestUndoHasMoreThanOneLevel(t *testing.T) {
	st := testStore(t)
	app := newTestApp(st)
	tm := startApp(t, app, 120, 24)
	waitFor(t, tm, "Alice Chen")
	tm.Send(press('e')) // Alice
	waitFor(t, tm, "Done:")
	tm.Send(press('>')) // Bob's stage, by hand
	waitFor(t, tm, "(manual)")
	tm.Send(press('e')) // Bob
	waitFor(t, tm, `Done: "Team plan pricing"`)
	bobStage := threadOf(t, st, "Bob Okafor").Stage
	tm.Send(press('u'))
	waitFor(t, tm, `Back in the queue: "Team plan pricing"`)
	if threadOf(t, st, "Bob Okafor").Done || !threadOf(t, st, "Alice Chen").Done {
		t.Fatal("the first u did not undo exactly the newest action")
	}
	tm.Send(press('u'))
	waitFor(t, tm, "→")
	tm.Send(press('u'))
	waitFor(t, tm, `Sync lost my notes"`)
	tm.Send(press('u'))
	waitFor(t, tm, "Nothing to undo.")
	finalApp(t, tm)
	if threadOf(t, st, "Alice Chen").Done {
		t.Error("the third u did not reopen Alice's thread")
	}
	if got := threadOf(t, st, "Bob Okafor").Stage; got == bobStage {
		t.Errorf("Bob's manual move was not undone: still %s", got)
	}
}

func TestSavedViewsAreNumberedTabs(t *testing.T) {
	st := testStore(t)
	app := New(Deps{Backend: backendOf(st, ""), Feeds: []feeds.Feed{{Name: "Blog comments"}, {Name: "Forum"}, {Name: "Reviews"}},
		Views: []feeds.View{{Name: "Hot leads", Filter: "stage:intent is:waiting"}, {Name: "Not forum", Filter: "-feed:forum"}},
		Now:   func() time.Time { return testNow }})
	tm := startApp(t, app, 140, 24)
	waitFor(t, tm, "Alice Chen", "5 Hot leads", "6 Not forum")
	tm.Send(press('5'))
	waitFor(t, tm, "MATCHING (1)")
	final := finalApp(t, tm)
	view := ansi.Strip(final.render())
	if !strings.Contains(view, "Bob Okafor") || strings.Contains(view, "Alice Chen") {
		t.Errorf("view 5 (stage:intent is:waiting):\n%s", view)
	}
	if final.viewTab() != 0 {
		t.Errorf("active tab %d, want the first saved view", final.viewTab())
	}
	final.showHelp = true
	if help := ansi.Strip(final.render()); !strings.Contains(help, "Hot leads") || !strings.Contains(help, "Not forum") || strings.Contains(help, "saved view") {
		t.Errorf("help does not name the saved views (and only them):\n%s", help)
	}
}

func TestFeedsViewCountsAndEnterFiltersTheQueue(t *testing.T) {
	app := newTestApp(testStore(t))
	tm := startApp(t, app, 140, 24)
	waitFor(t, tm, "Alice Chen")
	tm.Send(press('4'))
	waitFor(t, tm, "WAITING")
	tm.Send(press('j')) // Forum
	tm.Send(enter)
	waitFor(t, tm, "MATCHING (1)")
	final := finalApp(t, tm)
	view := ansi.Strip(final.render())
	if final.view != viewQueue || !strings.Contains(view, "Bob Okafor") || strings.Contains(view, "Alice Chen") {
		t.Errorf("enter on Forum in view 4:\n%s", view)
	}
	if !strings.Contains(strings.SplitN(view, "\n", 2)[0], "/ feed:Forum") {
		t.Errorf("header lacks the feed filter:\n%s", view)
	}
	if c := final.feedsV.counts["Forum"]; c.Waiting != 1 || c.Unread != 1 {
		t.Errorf("Forum counts %+v, want 1 waiting, 1 unread", c)
	}
	final.view = viewFeeds
	feedsView := ansi.Strip(final.render())
	if !strings.Contains(feedsView, "UNREAD") {
		t.Errorf("view 4 lacks the counts:\n%s", feedsView)
	}
}

func TestFilterFunnelStageList(t *testing.T) {
	app := newTestApp(testStore(t))
	tm := startApp(t, app, 140, 24)
	waitFor(t, tm, "Alice Chen")
	tm.Send(press('2'))
	waitFor(t, tm, "Funnel · 3 conversations")
	tm.Send(enter) // new: Alice and Carol
	waitFor(t, tm, "2 conversations · enter: open")
	tm.Send(press('/'))
	tm.Send(tea.PasteMsg{Content: "-from:alice editor"})
	tm.Send(enter)
	waitFor(t, tm, "/ -from:alice editor")
	tm.Send(press('j'))
	final := finalApp(t, tm)
	if l := final.funnel.list.items; len(l) != 1 || l[0].Name != "Carol Diaz" {
		t.Errorf("filtered stage list %+v, want Carol alone", l)
	}
}

func TestFilterContacts(t *testing.T) {
	app := newTestApp(testStore(t))
	tm := startApp(t, app, 140, 24)
	waitFor(t, tm, "Alice Chen")
	tm.Send(press('3'))
	waitFor(t, tm, "Carol Diaz")
	tm.Send(press('/'))
	tm.Send(tea.PasteMsg{Content: "refund"})
	waitFor(t, tm, "contacts are people: only feed:")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyBackspace}) // "refun": still text
	tm.Send(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
	tm.Send(tea.PasteMsg{Content: "stage:intent"})
	tm.Send(enter)
	waitFor(t, tm, "/ stage:intent")
	tm.Send(press('j'))
	final := finalApp(t, tm)
	if l := final.contacts.list.items; len(l) != 1 || l[0].Name != "Bob Okafor" {
		t.Errorf("filtered contacts %+v, want Bob alone", l)
	}
}

func TestReopenFromTheDoneList(t *testing.T) {
	st := testStore(t)
	app := newTestApp(st)
	tm := startApp(t, app, 120, 24)
	waitFor(t, tm, "Alice Chen")
	tm.Send(press('e'))
	waitFor(t, tm, "Done:")
	tm.Send(press('/'))
	tm.Send(tea.PasteMsg{Content: "is:done"})
	tm.Send(enter)
	waitFor(t, tm, "MATCHING (1)")
	tm.Send(press('e')) // on the row: reopen, no need to open it
	waitFor(t, tm, "Reopened:")
	tm.Send(press('u')) // undo the reopen: done again
	waitFor(t, tm, "Done again:")
	finalApp(t, tm)
	if !threadOf(t, st, "Alice Chen").Done {
		t.Error("u after a reopen did not make the thread done again")
	}
}
