package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"parley/feeds"
)

var ctrlT = tea.KeyPressMsg{Code: 't', Mod: tea.ModCtrl}

// ctrl+t opens the picker; typing filters it, the preview shows the
// reply with this thread's values, enter inserts it at the cursor.
func TestCtrlTPicksFiltersPreviewsAndInserts(t *testing.T) {
	st := testStore(t)
	app := New(Deps{Backend: backendOf(st, ""), Now: func() time.Time { return testNow },
		TrackLink: "https://shop.example.com/?ref={thread}",
		Templates: []feeds.Template{
			{Name: "Thanks", Body: "Thanks {first_name}!", Source: "config.toml:3"},
			{Name: "Refund", Body: "Sorry, {first_name}. Your refund for {feed} is on its way: {track_link}", Source: "templates/Refund.md"},
			{Name: "Pricing", Body: "Our prices: {link}", Source: "templates/Pricing.md"},
		}})
	tm := startApp(t, app, 100, 30)
	waitFor(t, tm, "Alice Chen")
	tm.Send(press('r'))
	waitFor(t, tm, "ctrl+s copy + record")
	tm.Type("Hello. ")
	tm.Send(ctrlT)
	waitFor(t, tm, "Saved replies", "(3 of 3)")
	tm.Type("ref")
	waitFor(t, tm, "1 of 3)", "Sorry, Alice. Your refund for Blog comments is on its way:", "https://shop.example.com/?ref=")
	tm.Send(enter)
	waitFor(t, tm, `Inserted "Refund"`)
	tm.Send(esc) // leave the composer: q is text there
	final := finalApp(t, tm)
	if final.thread == nil {
		t.Fatal("no thread")
	}
	got := final.thread.input.Value()
	want := "Hello. Sorry, Alice. Your refund for Blog comments is on its way: https://shop.example.com/?ref=" + final.thread.ref()
	if got != want {
		t.Errorf("composer = %q, want %q", got, want)
	}
	if final.thread.picker != nil {
		t.Error("the picker stayed open after enter")
	}
}

// esc closes the picker and leaves the draft as it was; with no
// templates, ctrl+t says where to add some.
func TestCtrlTEscAndNoTemplates(t *testing.T) {
	st := testStore(t)
	app := New(Deps{Backend: backendOf(st, ""), Now: func() time.Time { return testNow }, ConfigPath: "/home/u/.config/parley/config.toml",
		TemplateDir: "/home/u/.config/parley/templates"})
	app.Update(tea.WindowSizeMsg{Width: 140, Height: 24})
	settle(t, app, app.reloadQueue())
	_, cmd := app.Update(press('r'))
	settle(t, app, cmd)
	if !app.composing() {
		t.Fatal("r did not open the composer")
	}
	_, cmd = app.Update(ctrlT)
	settle(t, app, cmd)
	if !strings.HasPrefix(app.status, "No saved replies yet") || !strings.Contains(app.status, "/home/u/.config/parley/templates") ||
		!strings.Contains(app.status, "[[template]]") || !strings.Contains(app.status, "/home/u/.config/parley/config.toml") {
		t.Errorf("status = %q, want where to add templates", app.status)
	}

	app = New(Deps{Backend: backendOf(st, ""), Now: func() time.Time { return testNow },
		Templates: []feeds.Template{{Name: "Thanks", Body: "Thanks {first_name}!"}}})
	tm := startApp(t, app, 100, 24)
	waitFor(t, tm, "Alice Chen")
	tm.Send(press('r'))
	waitFor(t, tm, "ctrl+s copy + record")
	tm.Type("draft")
	tm.Send(ctrlT)
	waitFor(t, tm, "Saved replies")
	tm.Send(esc)
	waitFor(t, tm, "meeting notes") // the conversation is back
	tm.Type("!")
	tm.Send(esc)
	final := finalApp(t, tm)
	if got := final.thread.input.Value(); got != "draft!" {
		t.Errorf("composer = %q, want the draft untouched (and typing back in it)", got)
	}
	if v := ansi.Strip(final.render()); strings.Contains(v, "Saved replies") {
		t.Error("the picker is still drawn after esc")
	}
}
