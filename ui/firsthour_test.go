package ui

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"parley/feeds"
)

// Rough edges a new user met in their first hour with parley --demo.

// A contact with one touch reads "1 touch", not "1 touches".
func TestContactHeaderCountsOneTouch(t *testing.T) {
	tm := startApp(t, newTestApp(testStore(t)), 100, 24)
	waitFor(t, tm, "Alice Chen")
	tm.Send(press('3'))
	waitFor(t, tm, "CONTACTS (3)")
	tm.Send(enter)
	waitFor(t, tm, "first seen")
	final := finalApp(t, tm)
	view := ansi.Strip(final.render())
	if !strings.Contains(view, " · 1 touch · first seen") {
		t.Errorf("the contact's header does not say 1 touch:\n%s", view)
	}
}

// Help lists / only where it filters: in a thread and on the funnel's
// overview / does nothing, so listing it there is a lie.
func TestHelpListsFilterOnlyWhereItFilters(t *testing.T) {
	helpShowsFilter := func(a *App) bool {
		a.showHelp, a.helpScroll = true, 0
		return strings.Contains(ansi.Strip(a.render()), "filter (esc clears)")
	}
	tm := startApp(t, newTestApp(testStore(t)), 120, 40)
	waitFor(t, tm, "Alice Chen")
	tm.Send(enter)
	waitFor(t, tm, "Three days of meeting notes")
	final := finalApp(t, tm)
	if final.thread == nil {
		t.Fatal("enter did not open the thread")
	}
	if helpShowsFilter(final) {
		t.Error("the thread's help lists / filter, which does nothing there")
	}

	tm = startApp(t, newTestApp(testStore(t)), 120, 40)
	waitFor(t, tm, "Alice Chen")
	final = finalApp(t, tm)
	if !helpShowsFilter(final) {
		t.Error("the queue's help lacks / filter, and / filters the queue")
	}

	tm = startApp(t, newTestApp(testStore(t)), 120, 40)
	waitFor(t, tm, "Alice Chen")
	tm.Send(press('2'))
	waitFor(t, tm, "MOVED IN")
	final = finalApp(t, tm)
	if helpShowsFilter(final) {
		t.Error("the funnel overview's help lists / filter, which does nothing there")
	}
}

// Opening a busy thread from a queue row shows that person's message, not
// only the newest lines of someone else's: the draft under the
// conversation says whom it answers, so their words must be in view.
func TestOpenThreadShowsTheAddressedPersonsMessage(t *testing.T) {
	st := peopleStore(t)
	var more []feeds.Item
	for i := range 8 {
		more = append(more, feeds.Item{ID: fmt.Sprintf("mastodon:m.example:3%02d", i), Feed: mastoFeed, Author: "Marcus Lindqvist",
			Link: fmt.Sprintf("https://m.example/@marcus/3%02d", i), Published: testNow.Add(-2*time.Hour + time.Duration(i)*time.Minute),
			Text: fmt.Sprintf("Another long thought, number %d.\n\nIt goes on.\n\nAnd on.", i), InReplyTo: "mastodon:m.example:201",
			Root: "mastodon:m.example:201", Target: feeds.Target{ID: fmt.Sprintf("3%02d", i), Mention: "marcus"}})
	}
	if _, err := st.Ingest(feeds.Result{Feed: mastoFeed, Items: more}, testNow); err != nil {
		t.Fatal(err)
	}
	tm := startApp(t, peopleApp(t, st, &fakeReplier{}, ""), 100, 20)
	waitFor(t, tm, "Sofia Alvarez")
	tm.Send(enter)
	waitFor(t, tm, "Sofia Alvarez · stage intent")
	final := finalApp(t, tm)
	if shown := ansi.Strip(final.thread.vpView()); !strings.Contains(shown, sofiaText) {
		t.Errorf("opened on Sofia's row, her message is not on screen:\n%s", shown)
	}
}

// With no templates folder (a config given by a relative path, or none),
// ctrl+t's hint ends at the config file instead of "files to " and
// nothing.
func TestCtrlTHintWithoutTemplateFolder(t *testing.T) {
	app := New(Deps{Backend: backendOf(testStore(t), ""), Now: func() time.Time { return testNow }, ConfigPath: "config.toml"})
	app.Update(tea.WindowSizeMsg{Width: 140, Height: 24})
	settle(t, app, app.reloadQueue())
	_, cmd := app.Update(press('r'))
	settle(t, app, cmd)
	_, cmd = app.Update(ctrlT)
	settle(t, app, cmd)
	if !strings.HasPrefix(app.status, "No saved replies yet") || strings.HasSuffix(strings.TrimSpace(app.status), "files to") {
		t.Errorf("status = %q, want where to add templates, without an empty folder", app.status)
	}
}

// A WordPress comments thread is titled by its post in the header, not
// "Comment on <post> by <first commenter>" above a reply to someone else.
func TestThreadHeaderShowsThePostNotItsFirstCommenter(t *testing.T) {
	st := testStore(t)
	items := []feeds.Item{
		{ID: "w1", Feed: "Blog comments", Author: "Lena Fischer", Title: "Comment on How we write our changelog by Lena Fischer",
			Link: "https://quillstone.example/blog/changelog/#comment-1", Published: testNow.Add(-30 * time.Minute),
			Text: "Lovely post about changelogs."},
		{ID: "w2", Feed: "Blog comments", Author: "Tom Whitaker", Title: "Comment on How we write our changelog by Tom Whitaker",
			Link: "https://quillstone.example/blog/changelog/#comment-2", Published: testNow.Add(-20 * time.Minute),
			Text: "Is there a free trial for teams?"},
	}
	if _, err := st.Ingest(feeds.Result{Feed: "Blog comments", Items: items}, testNow); err != nil {
		t.Fatal(err)
	}
	tm := startApp(t, newTestApp(st), 100, 24)
	waitFor(t, tm, "Tom Whitaker")
	final := finalApp(t, tm)
	for i, th := range final.queue.threads {
		if strings.HasPrefix(th.Title, "Comment on") {
			final.queue.cursor = i
		}
	}
	_, cmd := final.Update(enter)
	settle(t, final, cmd)
	if final.thread == nil {
		t.Fatal("enter did not open the thread")
	}
	title := strings.SplitN(ansi.Strip(final.render()), "\n", 3)[1]
	if strings.TrimSpace(title) != "How we write our changelog" {
		t.Errorf("thread title line = %q, want the post's title", title)
	}

	for _, tc := range []struct{ title, starter, want string }{
		{"Comment on Pricing by Ann", "Ann", "Pricing"},
		{"Comment on Pricing by Ann", "Bob", "Comment on Pricing by Ann"}, // not the starter: kept
		{"Comments on the roadmap", "Ann", "Comments on the roadmap"},
		{"Comment on  by Ann", "Ann", "Comment on  by Ann"}, // nothing left: kept
	} {
		if got := postTitle(tc.title, tc.starter); got != tc.want {
			t.Errorf("postTitle(%q, %q) = %q, want %q", tc.title, tc.starter, got, tc.want)
		}
	}
}

// The snooze picker says when "3" wakes the thread (Monday 9:00, as the
// status line then says), not a vague "next week".
func TestSnoozePickerSaysNextMonday(t *testing.T) {
	tm := startApp(t, newTestApp(testStore(t)), 100, 24)
	waitFor(t, tm, "Alice Chen")
	tm.Send(press('s'))
	waitFor(t, tm, "Snooze until", "next Monday 9:00")
	tm.Send(esc)
	finalApp(t, tm)
}

// A / filter that keeps nobody says so, in the funnel's stage list and the
// contacts alike, instead of "Nobody is at new now" or "No contacts yet",
// which read as if the data were missing.
func TestEmptyFilteredListsSayTheFilterMatchesNobody(t *testing.T) {
	tm := startApp(t, newTestApp(testStore(t)), 140, 24)
	waitFor(t, tm, "Alice Chen")
	tm.Send(press('2'))
	waitFor(t, tm, "Funnel · 3 conversations")
	tm.Send(enter) // new: Alice and Carol
	waitFor(t, tm, "2 conversations · enter: open")
	tm.Send(press('/'))
	tm.Send(tea.PasteMsg{Content: "from:zed"})
	tm.Send(enter)
	waitFor(t, tm, "Nothing matches from:zed")
	tm.Send(press('3'))
	waitFor(t, tm, "Carol Diaz")
	tm.Send(press('/'))
	tm.Send(tea.PasteMsg{Content: "from:yolanda"})
	tm.Send(enter)
	waitFor(t, tm, "Nothing matches from:yolanda")
	final := finalApp(t, tm)
	if view := ansi.Strip(final.render()); strings.Contains(view, "No contacts yet") {
		t.Errorf("a filter that keeps nobody reads as an empty database:\n%s", view)
	}
}

// u brings a thread back with the cursor on it: the next e or s acts on
// what came back, not on the row that took its place.
func TestUndoPutsTheCursorOnTheThreadBack(t *testing.T) {
	for _, key := range []string{"e", "s"} {
		app := newTestApp(testStore(t))
		app.Update(tea.WindowSizeMsg{Width: 100, Height: 24})
		settle(t, app, app.reloadQueue())
		_, cmd := app.Update(press('j')) // Bob
		settle(t, app, cmd)
		if th, _ := app.queue.selected(); th.Author != "Bob Okafor" {
			t.Fatalf("j selected %q, want Bob", th.Author)
		}
		_, cmd = app.Update(press(rune(key[0])))
		settle(t, app, cmd)
		if key == "s" {
			_, cmd = app.Update(press('2')) // tomorrow
			settle(t, app, cmd)
		}
		if th, _ := app.queue.selected(); th.Author == "Bob Okafor" {
			t.Fatalf("%s: Bob is still selected", key)
		}
		_, cmd = app.Update(press('u'))
		settle(t, app, cmd)
		if th, _ := app.queue.selected(); th.Author != "Bob Okafor" {
			t.Errorf("%s then u: the cursor is on %q, want Bob, whose thread came back", key, th.Author)
		}
	}
}

// e or s on selected rows can be undone like on one row: u brings every
// one of them back (it said "Nothing to undo.").
func TestUndoBulkDoneAndSnooze(t *testing.T) {
	for _, key := range []string{"e", "s"} {
		st := testStore(t)
		app := newTestApp(st)
		app.Update(tea.WindowSizeMsg{Width: 100, Height: 24})
		settle(t, app, app.reloadQueue())
		for _, k := range []rune{' ', 'j', ' '} { // Alice, then Carol
			_, cmd := app.Update(press(k))
			settle(t, app, cmd)
		}
		_, cmd := app.Update(press(rune(key[0])))
		settle(t, app, cmd)
		if key == "s" {
			_, cmd = app.Update(press('2'))
			settle(t, app, cmd)
		}
		if got := queueIDs(t, st); !slices.Equal(got, []string{"Bob Okafor"}) {
			t.Fatalf("%s: queue after the bulk action = %q, want Bob alone", key, got)
		}
		if !strings.Contains(app.status, "u to undo") {
			t.Errorf("%s: status %q does not offer u", key, app.status)
		}
		_, cmd = app.Update(press('u'))
		settle(t, app, cmd)
		if got := queueIDs(t, st); len(got) != 3 {
			t.Errorf("%s then u: queue = %q, want all three back (status %q)", key, got, app.status)
		}
		if !strings.HasPrefix(app.status, "Back in the queue: 2 threads") {
			t.Errorf("%s then u: status %q", key, app.status)
		}
	}
}
