package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"parley/feeds"
)

// The help overlay lists the keys of links, unread, selection and saved
// replies where they work, at 80x24 and at 120x40.
func TestHelpListsDailyKeys(t *testing.T) {
	st := testStore(t)
	app := New(Deps{Backend: backendOf(st, ""), Now: func() time.Time { return testNow },
		Templates: []feeds.Template{{Name: "Thanks", Body: "Thanks!"}}})
	app.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	settle(t, app, app.reloadQueue())
	check := func(what string, want ...string) {
		t.Helper()
		for _, size := range [][2]int{{120, 40}, {80, 24}} {
			app.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
			app.showHelp = true
			view := wholeHelp(app)
			app.showHelp = false
			if !strings.Contains(view, "any key closes this") && !strings.Contains(view, "any other key closes") {
				t.Errorf("%s help at %dx%d lacks its closing line:\n%s", what, size[0], size[1], view)
			}
			for _, w := range append(want, "╰") { // and the box whole
				if !strings.Contains(view, w) {
					t.Errorf("%s help at %dx%d lacks %q:\n%s", what, size[0], size[1], w, view)
				}
			}
		}
	}
	check("queue", "open link", "copy link", "mark unread", "space", "select", "clear selection", "assign", "unassign")
	_, cmd := app.Update(enter)
	settle(t, app, cmd)
	if app.thread == nil {
		t.Fatal("enter did not open the thread")
	}
	check("thread", "open link", "copy reply or link", "mark unread", "ctrl+t", "insert saved reply")
}

// wholeHelp is the open help overlay as the user reads it: where it is
// taller than the window it scrolls (helpoverlay.go), so every scroll
// position is drawn and the frames joined.
func wholeHelp(app *App) string {
	var b strings.Builder
	for i := range 60 { // render clamps the scroll to the last page
		app.helpScroll = i
		b.WriteString(ansi.Strip(app.render()))
		b.WriteByte('\n')
	}
	app.helpScroll = 0
	return b.String()
}
