package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"parley/feeds"
)

// [sla] colours each row's age (warn, breach) and the header counts the
// breached threads.
func TestSLAColoursAgesAndCountsBreaches(t *testing.T) {
	st := testStore(t) // Alice waits 3h, Bob 2h, Carol 1h
	app := New(Deps{Backend: backendOf(st, ""), Now: func() time.Time { return testNow },
		SLA: feeds.SLA{Warn: 90 * time.Minute, Breach: 150 * time.Minute}})
	app.Update(tea.WindowSizeMsg{Width: 100, Height: 24})
	settle(t, app, app.reloadQueue())
	if app.breached.N != 1 || app.breached.AtLeast {
		t.Fatalf("breached = %+v, want 1 (Alice)", app.breached)
	}
	view := app.render()
	header := strings.Split(ansi.Strip(view), "\n")[0]
	if !strings.Contains(header, "1 breached") {
		t.Errorf("header = %q, want 1 breached", header)
	}
	s := app.c.Styles
	for _, tc := range []struct {
		who, age string
		style    string
	}{
		{"Alice Chen", "  3h", s.Error.Bold(true).Render("  3h")},
		{"Bob Okafor", "  2h", s.Warn.Render("  2h")},
	} {
		if !strings.Contains(view, tc.style) {
			t.Errorf("%s's age is not drawn as %q", tc.who, tc.style)
		}
	}
	if strings.Contains(view, s.Warn.Render("  1h")) || strings.Contains(view, s.Error.Bold(true).Render("  1h")) {
		t.Error("Carol's 1h age is coloured, but it is under warn")
	}

	// Without an SLA: no count, no colour.
	plain := New(Deps{Backend: backendOf(st, ""), Now: func() time.Time { return testNow }})
	plain.Update(tea.WindowSizeMsg{Width: 100, Height: 24})
	settle(t, plain, plain.reloadQueue())
	if v := plain.render(); strings.Contains(ansi.Strip(v), "breached") || strings.Contains(v, s.Error.Bold(true).Render("  3h")) {
		t.Error("a console without [sla] shows SLA marks")
	}
}
