package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"parley/funnel"
	"parley/store"
)

// sampleReport is a funnel with every part filled: moves, unhappy and
// won-back threads, conversions in two currencies and several feeds.
func sampleReport() store.FunnelReport {
	return store.FunnelReport{
		Stages: []store.StageCount{
			{Stage: funnel.New, Now: 1240, In7: 310, In30: 1022},
			{Stage: funnel.Engaged, Now: 388, In7: 41, In30: 150, Manual: 2},
			{Stage: funnel.Trusting, Now: 97, In7: 12, In30: 40},
			{Stage: funnel.Intent, Now: 64, In7: 9, In30: 31, Manual: 1},
			{Stage: funnel.Converted, Now: 18, In7: 3, In30: 11, Manual: 4},
			{Stage: funnel.Advocate, Now: 5, In7: 0, In30: 2},
		},
		Threads: 1400, Conversations: 1812, People: 1530, Unhappy: 23, WonBack: 9, WonBack30: 4, Conversions: 21,
		Revenue: []store.Money{{Currency: "EUR", Cents: 123400}, {Currency: "USD", Cents: 9900}},
		Feeds: []store.FeedFunnel{
			// In the store's order: most revenue first.
			{Feed: "Forum", Threads: 480, Conversations: 610, Stages: [6]int{380, 170, 40, 10, 9, 1}, Conversions: 12,
				Revenue: []store.Money{{Currency: "EUR", Cents: 94000}, {Currency: "USD", Cents: 9900}}},
			{Feed: "Blog comments", Threads: 700, Conversations: 902, Stages: [6]int{700, 150, 30, 15, 5, 2}, Conversions: 6,
				Revenue: []store.Money{{Currency: "EUR", Cents: 29400}}},
			{Feed: "Mastodon mentions", Threads: 220, Conversations: 300, Stages: [6]int{160, 68, 27, 39, 4, 2}, Conversions: 3},
		},
	}
}

func renderedApp(t *testing.T, w, h int, setup func(a *App)) string {
	t.Helper()
	app := New(Deps{ConfigPath: "/tmp/config.toml", Now: func() time.Time { return testNow }})
	app.Update(tea.WindowSizeMsg{Width: w, Height: h})
	setup(app)
	return app.render()
}

// checkFits fails when the frame is not exactly h lines of at most w cells.
func checkFits(t *testing.T, frame string, w, h int) {
	t.Helper()
	lines := strings.Split(frame, "\n")
	if len(lines) != h {
		t.Errorf("%dx%d: %d lines", w, h, len(lines))
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw > w {
			t.Errorf("%dx%d: line %d is %d wide: %q", w, h, i, lw, ansi.Strip(l))
		}
	}
}

func TestFunnelViewAt80x24(t *testing.T) {
	frame := renderedApp(t, 80, 24, func(a *App) {
		a.view = viewFunnel
		a.funnel.gen = 1
		a.Update(funnelLoadedMsg{gen: 1, report: sampleReport()})
	})
	checkFits(t, frame, 80, 24)
	view := ansi.Strip(frame)
	for _, want := range []string{
		"new", "engaged", "trusting", "intent", "converted", "advocate",
		"1240", "388", "97", "64", "18", "+310 7d", "+1022 30d", "+3 7d", "+11 30d",
		"unhappy 23", "won back 9 (4 in 30d)", "conversions 21", "revenue 1,234.00 EUR, 99.00 USD",
		"Blog comments", "Forum", "Mastodon mentions", "940.00 EUR+",
	} {
		if !strings.Contains(view, want) {
			t.Errorf("funnel view lacks %q", want)
		}
	}
	// The biggest stage has the longest bar, scaled to the widest count.
	lines := strings.Split(view, "\n")
	newBar, advBar := strings.Count(lineWith(lines, "› new"), "█"), strings.Count(lineWith(lines, "advocate"), "█")
	if newBar < 20 || advBar != 1 {
		t.Errorf("bars: new %d cells, advocate %d; want new wide, advocate 1", newBar, advBar)
	}
	// Best converting feed first.
	if strings.Index(view, "Forum") > strings.Index(view, "Blog comments") {
		t.Error("feeds are not ordered by conversions")
	}
	golden.RequireEqual(t, []byte(view))
}

func lineWith(lines []string, s string) string {
	for _, l := range lines {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

func TestFunnelViewFitsEverySize(t *testing.T) {
	for _, size := range [][2]int{{60, 15}, {80, 24}, {200, 60}} {
		frame := renderedApp(t, size[0], size[1], func(a *App) {
			a.view = viewFunnel
			a.funnel.gen = 1
			r := sampleReport()
			for i := range 30 {
				r.Feeds = append(r.Feeds, store.FeedFunnel{Feed: fmt.Sprintf("Feed %d", i), Threads: i})
			}
			a.Update(funnelLoadedMsg{gen: 1, report: r})
		})
		checkFits(t, frame, size[0], size[1])
		view := ansi.Strip(frame)
		if size[1] < 60 && !strings.Contains(view, "more feeds") && !strings.Contains(view, "33 feeds") {
			t.Errorf("%dx%d: feeds that do not fit are not counted:\n%s", size[0], size[1], view)
		}
		if size[1] == 60 && !strings.Contains(view, "Feed 29") {
			t.Errorf("%dx%d: not every feed is shown:\n%s", size[0], size[1], view)
		}
	}
}

func TestFunnelViewEmptyDatabaseExplains(t *testing.T) {
	frame := renderedApp(t, 80, 24, func(a *App) {
		a.view = viewFunnel
		a.funnel.gen = 1
		a.Update(funnelLoadedMsg{gen: 1, report: store.FunnelReport{Stages: sampleReport().Stages[:0]}})
	})
	view := ansi.Strip(frame)
	if !strings.Contains(view, "The funnel is empty") || strings.Contains(view, "█") {
		t.Errorf("empty funnel:\n%s", view)
	}
}

func TestFunnelDropsStaleReports(t *testing.T) {
	c := &Common{Styles: NewStyles(true), Keys: DefaultKeyMap(), Now: func() time.Time { return testNow }}
	f := newFunnelScreen(c)
	f.gen = 2
	f.Update(funnelLoadedMsg{gen: 1, report: sampleReport()})
	if f.loaded {
		t.Error("an answer to an older load replaced the report")
	}
	f.Update(funnelLoadedMsg{gen: 2, report: sampleReport()})
	if !f.loaded {
		t.Error("the current answer was dropped")
	}
}

func TestFormatMoney(t *testing.T) {
	for _, tc := range []struct {
		m    store.Money
		want string
	}{
		{store.Money{Currency: "EUR", Cents: 123400}, "1,234.00 EUR"},
		{store.Money{Currency: "USD", Cents: 5}, "0.05 USD"},
		{store.Money{Cents: 100000000}, "1,000,000.00"},
		{store.Money{Currency: "EUR", Cents: -4999}, "-49.99 EUR"},
		{store.Money{Currency: "JPY", Cents: 99900}, "999.00 JPY"},
	} {
		if got := formatMoney(tc.m); got != tc.want {
			t.Errorf("formatMoney(%+v) = %q, want %q", tc.m, got, tc.want)
		}
	}
}
