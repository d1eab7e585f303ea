package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"parley/feeds"
)

func wheel(b tea.MouseButton) tea.MouseWheelMsg { return tea.MouseWheelMsg{Button: b} }

func click(x, y int) tea.MouseClickMsg { return tea.MouseClickMsg{X: x, Y: y, Button: tea.MouseLeft} }

func TestMouseWheelAndClickInTheQueue(t *testing.T) {
	st := testStore(t)
	tm := startApp(t, newTestApp(st), 100, 24)
	waitFor(t, tm, "Alice Chen", "Carol Diaz")
	tm.Send(wheel(tea.MouseWheelDown))
	tm.Send(wheel(tea.MouseWheelDown))
	tm.Send(wheel(tea.MouseWheelUp))
	// Row 0 is the header, body line 0 the column titles: the third
	// thread is on screen row 4.
	tm.Send(click(30, 4))
	tm.Send(enter)
	waitFor(t, tm, "The new editor is lovely.")
	final := finalApp(t, tm)
	if final.thread == nil || final.thread.thread.Author != "Carol Diaz" {
		t.Fatalf("click on Carol's row then enter opened %+v", final.thread)
	}
}

func TestMouseWheelUsesReboundKeys(t *testing.T) {
	cfg := parseKeysConfig(t, "[keys]\n\"queue.down\" = \"n\"\n\"queue.up\" = \"ctrl+p\"\n")
	app := New(Deps{Backend: backendOf(testStore(t), ""), Feeds: []feeds.Feed{{Name: "Blog comments"}},
		ConfigPath: "/tmp/config.toml", Now: func() time.Time { return testNow }, Keys: cfg.Keys})
	tm := startApp(t, app, 100, 24)
	waitFor(t, tm, "Carol Diaz")
	tm.Send(wheel(tea.MouseWheelDown))
	tm.Send(wheel(tea.MouseWheelDown))
	tm.Send(wheel(tea.MouseWheelUp))
	final := finalApp(t, tm)
	if final.queue.cursor != 1 {
		t.Errorf("cursor at %d after down, down, up with rebound keys, want 1", final.queue.cursor)
	}
}

func TestMouseClickTabAndTwoLineRows(t *testing.T) {
	list := []feeds.Feed{{Name: "Blog comments", URL: "https://a.example/f"}, {Name: "Forum", URL: "https://b.example/f"},
		{Name: "Reviews", URL: "https://c.example/f"}}
	app := New(Deps{Backend: backendOf(testStore(t), ""), Feeds: list, ConfigPath: "/tmp/config.toml",
		Now: func() time.Time { return testNow }})
	tm := startApp(t, app, 100, 24)
	waitFor(t, tm, "Alice Chen")
	// "parley 1 queue 2 funnel 3 contacts 4 feeds": x=40 is in "4 feeds".
	tm.Send(click(40, 0))
	waitFor(t, tm, "https://c.example/f")
	// Feeds take two lines each; the click is on the second line of Reviews.
	final := finalApp(t, tm)
	if final.view != viewFeeds {
		t.Fatalf("click on the feeds tab: view %d", final.view)
	}
	line := -1
	for i := range 20 {
		final.clickRow(i)
		if final.feedsV.cursor == 2 {
			line = i
			break
		}
	}
	if line < 0 {
		t.Fatal("no click reached the third feed")
	}
	final.clickRow(line + 1) // its second line: still the third feed
	if final.feedsV.cursor != 2 {
		t.Errorf("click on the second line of a feed moved to %d", final.feedsV.cursor)
	}
	final.clickRow(line - 1) // the second line of Forum
	if final.feedsV.cursor != 1 {
		t.Errorf("click on the second line of Forum selected %d", final.feedsV.cursor)
	}
}

func TestMouseModeFollowsTheConfig(t *testing.T) {
	st := testStore(t)
	if m := newTestApp(st).View().MouseMode; m != tea.MouseModeCellMotion {
		t.Errorf("mouse mode %v, want cell motion by default", m)
	}
	app := New(Deps{Backend: backendOf(st, ""), NoMouse: true, Now: func() time.Time { return testNow }})
	if m := app.View().MouseMode; m != tea.MouseModeNone {
		t.Errorf("[ui] mouse = false: mouse mode %v", m)
	}
	if app.handleMouse(wheel(tea.MouseWheelDown)) != nil {
		t.Error("a wheel event did something with the mouse off")
	}
	cfg, err := feeds.ParseConfig("c.toml", []byte("[ui]\nmouse = false\n"))
	if err != nil || !cfg.NoMouse {
		t.Errorf("[ui] mouse = false: NoMouse %v, %v", cfg.NoMouse, err)
	}
	if _, err := feeds.ParseConfig("c.toml", []byte("[ui]\nmouse = \"no\"\n")); err == nil || !strings.Contains(err.Error(), "ui.mouse must be true or false") {
		t.Errorf("mouse = \"no\": %v", err)
	}
}

func TestMouseClickInContactsAndFunnel(t *testing.T) {
	app := newTestApp(testStore(t))
	tm := startApp(t, app, 100, 24)
	waitFor(t, tm, "Alice Chen")
	tm.Send(press('3'))
	waitFor(t, tm, "Carol Diaz")
	final := finalApp(t, tm)
	final.view = viewContacts
	lines := func() []string { return strings.Split(final.active().View(), "\n") }
	found := 0
	for i, l := range lines() {
		if strings.Contains(l, "Carol Diaz") && !strings.HasPrefix(ansi.Strip(l), "›") {
			found++
			final.clickRow(i)
			if c, ok := final.contacts.selectedContact(); !ok || c.Name != "Carol Diaz" {
				t.Errorf("click on Carol's contact row selected %+v", c)
			}
		}
	}
	final.view = viewFunnel
	final.funnel.setReport(sampleReport())
	for i, l := range lines() {
		if strings.Contains(l, "advocate") && !strings.Contains(l, "STAGE") {
			found++
			final.clickRow(i)
			if final.funnel.stage != 5 {
				t.Errorf("click on the advocate row: stage %d", final.funnel.stage)
			}
			break
		}
	}
	if found != 2 {
		t.Errorf("found %d of the 2 rows to click", found)
	}
}
