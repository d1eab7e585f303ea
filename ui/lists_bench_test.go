package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"parley/feeds"
	"parley/store"
)

// BenchmarkListMove is one j (Update) and its frame (View) in view 2's
// stage list, view 3's contacts and view 4's feeds at 1k and 100k rows of a real store,
// the window reads a move starts near an edge included (run inline, so
// their cost is spread over the moves). The 1k run is the baseline:
// equal figures show a move costs the same however long the list is.
func BenchmarkListMove(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		common := func(b *testing.B) *Common {
			return &Common{B: backendOf(benchPeopleStore(b, n), ""), Styles: NewStyles(true), Keys: DefaultKeyMap(), Now: func() time.Time { return testNow }}
		}
		b.Run(fmt.Sprintf("stage/rows=%d", n), func(b *testing.B) {
			c := common(b)
			f := newFunnelScreen(c)
			f.SetSize(80, 22)
			// enter on the first stage (new): everyone is there.
			run(f, f.updateStages(tea.KeyPressMsg{Code: tea.KeyEnter}))
			if f.list.total != n {
				b.Fatalf("stage list of %d, want %d", f.list.total, n)
			}
			benchMoves(b, f, func() bool { return f.list.last && f.list.nav.cursor == len(f.list.items)-1 })
		})
		b.Run(fmt.Sprintf("contacts/rows=%d", n), func(b *testing.B) {
			c := common(b)
			v := newContactsScreen(c)
			v.SetSize(80, 22)
			run(v, v.reload())
			if v.list.total != n {
				b.Fatalf("contacts list of %d, want %d", v.list.total, n)
			}
			benchMoves(b, v, func() bool { return v.list.last && v.list.nav.cursor == len(v.list.items)-1 })
		})
		// View 4 lists the configured feeds (500, as in the bench's
		// database) with their waiting and unread counts, read once on
		// entering it; a move reads nothing.
		b.Run(fmt.Sprintf("feeds/threads=%d", n), func(b *testing.B) {
			c := common(b)
			list := []feeds.Feed{{Name: "Blog comments"}}
			for i := range 499 {
				list = append(list, feeds.Feed{Name: fmt.Sprintf("Feed %03d", i)})
			}
			f := newFeedsScreen(c, list, func() string { return "*" })
			f.SetSize(80, 22)
			m := loadFeedCounts(c.B, testNow)().(feedCountsMsg)
			if m.err != nil || m.counts["Blog comments"].Waiting != n {
				b.Fatalf("feed counts %+v (%v), want %d waiting in Blog comments", m.counts["Blog comments"], m.err, n)
			}
			f.counts = m.counts
			benchMoves(b, f, func() bool { return f.cursor == len(f.feeds)-1 })
		})
	}
}

// benchMoves presses j and draws, going back to the top (g, untimed) at
// the list's end.
func benchMoves(b *testing.B, s screen, atEnd func() bool) {
	down, top := press('j'), press('g')
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if atEnd() {
			b.StopTimer()
			_, cmd := s.Update(top)
			run(s, cmd)
			b.StartTimer()
		}
		_, cmd := s.Update(down)
		run(s, cmd)
		_ = s.View()
	}
}

// run runs a screen's command inline and hands it the answer, as the
// program would (batches included).
func run(s screen, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			run(s, c)
		}
	case nil:
	default:
		_, next := s.Update(msg)
		run(s, next)
	}
}

// benchPeopleStore is a store with n threads each started by another
// person (n contacts, n conversations at new), built once per size per
// process.
var benchPeople = map[int]*store.Store{}

func benchPeopleStore(b *testing.B, n int) *store.Store {
	b.Helper()
	if st := benchPeople[n]; st != nil {
		return st
	}
	dir, err := os.MkdirTemp("", "parley-ui-bench-")
	if err != nil {
		b.Fatal(err)
	}
	st, err := store.Open(filepath.Join(dir, "parley.db"), store.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	const batch = 10_000
	for start := 0; start < n; start += batch {
		items := make([]feeds.Item, 0, batch)
		for i := start; i < min(n, start+batch); i++ {
			items = append(items, feeds.Item{ID: fmt.Sprintf("p%06d", i), Feed: "Blog comments", Author: fmt.Sprintf("Person %d", i),
				Title: "Notes", Text: "Where do I find my notes after the update", Published: testNow.Add(-time.Duration(i) * time.Minute)})
		}
		if _, err := st.Ingest(feeds.Result{Feed: "Blog comments", Items: items}, testNow); err != nil {
			b.Fatal(err)
		}
	}
	benchPeople[n] = st
	return st
}
