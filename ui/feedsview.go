package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"parley/feeds"
	"parley/filter"
	"parley/store"
)

// feedsScreen lists every configured feed with its health: when it was last
// fetched, how many items it brought, when it is polled next, its last error.
type feedsScreen struct {
	c        *Common
	keys     FeedsKeys
	feeds    []feeds.Feed
	states   map[string]store.FeedState
	fetching map[string]bool
	next     map[string]time.Time
	failures map[string]int // consecutive failed polls: the poller is backing off
	// unstored holds the feeds whose last poll result could not be stored:
	// their state in the store is older than that poll (or absent).
	unstored map[string]storeFailure
	spinner  func() string
	// counts are waiting threads and unread messages per feed (nil until
	// read; filter.go loads them on entering the view).
	counts map[string]filter.FeedCount
	cursor int
	offset int
	width  int
	height int
}

func newFeedsScreen(c *Common, list []feeds.Feed, spinner func() string) *feedsScreen {
	return &feedsScreen{c: c, keys: c.Keys.Feeds, feeds: list, spinner: spinner,
		states: map[string]store.FeedState{}, fetching: map[string]bool{}, next: map[string]time.Time{}, failures: map[string]int{},
		unstored: map[string]storeFailure{}}
}

func (f *feedsScreen) SetSize(w, h int) { f.width, f.height = w, h }

func (f *feedsScreen) setStates(states []store.FeedState) {
	for _, s := range states {
		f.states[s.Name] = s
	}
}

// storeFailure is a poll result that could not be stored.
type storeFailure struct {
	err      error
	fetchErr error // the poll's own error, if it failed too
	at       time.Time
}

// stored records how storing the result of feed's poll at went: a failure
// is shown until a later result of the feed is stored.
func (f *feedsScreen) stored(r feeds.Result, err error, at time.Time) {
	if err == nil {
		delete(f.unstored, r.Feed)
		return
	}
	f.unstored[r.Feed] = storeFailure{err: err, fetchErr: r.Err, at: at}
}

func (f *feedsScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return f, nil
	}
	switch {
	case key.Matches(km, f.keys.Queue) && f.cursor < len(f.feeds):
		return f, emit(filterFeedMsg{feed: f.feeds[f.cursor].Name})
	case key.Matches(km, f.keys.Down):
		f.cursor++
	case key.Matches(km, f.keys.Up):
		f.cursor--
	case key.Matches(km, f.keys.Top):
		f.cursor = 0
	case key.Matches(km, f.keys.Bottom):
		f.cursor = len(f.feeds)
	case key.Matches(km, f.keys.HalfDown):
		f.cursor += f.visible() / 2
	case key.Matches(km, f.keys.HalfUp):
		f.cursor -= f.visible() / 2
	}
	f.cursor = clampInt(f.cursor, 0, len(f.feeds)-1)
	if f.cursor < f.offset {
		f.offset = f.cursor
	}
	if f.cursor >= f.offset+f.visible() {
		f.offset = f.cursor - f.visible() + 1
	}
	return f, nil
}

// Each feed takes two lines: its row and its status or error.
func (f *feedsScreen) visible() int { return max(1, (f.height-1)/2) }

func (f *feedsScreen) View() string {
	s := f.c.Styles
	if len(f.feeds) == 0 {
		return s.Muted.Render("No feeds configured.")
	}
	now := f.c.Now()
	nameW := clampInt(f.width-2-2-8-10-10-4-16, 12, 40)
	var b strings.Builder
	b.WriteString(s.Muted.Render(fit("    "+fit("FEED", nameW)+" "+fmt.Sprintf("%7s %7s %8s %10s %10s", "WAITING", "UNREAD", "ITEMS", "FETCHED", "NEXT"), f.width)))
	end := min(len(f.feeds), f.offset+f.visible())
	for i := f.offset; i < end; i++ {
		fd := f.feeds[i]
		st := f.states[fd.Name]
		uf, unstored := f.unstored[fd.Name]
		if unstored {
			// The store holds an older state (or none: "never"); this
			// poll happened, and its results are lost.
			st.LastFetch = uf.at
			st.LastError = "could not store the results of the last fetch: " + uf.err.Error()
			if uf.fetchErr != nil {
				st.LastError = "could not store the error of the last fetch (" + uf.fetchErr.Error() + "): " + uf.err.Error()
			}
		}
		mark := s.Muted.Render("·")
		switch {
		case f.fetching[fd.Name]:
			mark = s.Accent.Render(f.spinner())
		case st.LastError != "":
			mark = s.Error.Render("✗")
		case !st.LastSuccess.IsZero():
			mark = s.OK.Render("✓")
		}
		cursor := "  "
		if i == f.cursor {
			cursor = "› "
		}
		fetched := "never"
		if !st.LastFetch.IsZero() {
			fetched = age(now, st.LastFetch) + " ago"
		}
		b.WriteString("\n" + cursor + mark + " " + fit(fd.Name, nameW) + " " + f.countCells(fd.Name) + " " +
			fmt.Sprintf("%8d %10s %10s", st.Items, fetched, until(now, f.next[fd.Name])))
		detail := fd.URL
		if fd.Kind != "" && fd.Kind != feeds.KindFeed {
			detail = feeds.KindLabel(fd.Kind) + " · " + fd.URL
			if fd.TwoWay() {
				detail += " · two-way"
			}
		}
		style := s.Muted
		if st.LastError != "" {
			detail, style = "error: "+st.LastError, s.Error
			if n := f.failures[fd.Name]; n > 1 {
				detail = fmt.Sprintf("failed %d times in a row, backing off: %s", n, st.LastError)
			}
		} else if !st.LastSuccess.IsZero() {
			detail = fmt.Sprintf("%d new in the last fetch · %s", st.LastNew, detail)
		}
		b.WriteString("\n" + style.Render(fit("    "+detail, f.width)))
	}
	return b.String()
}

func (f *feedsScreen) ShortHelp() []key.Binding {
	return []key.Binding{f.keys.Down, f.keys.Up, f.keys.Queue, f.c.Keys.Global.FetchAll}
}

func (f *feedsScreen) FullHelp() [][]key.Binding {
	return [][]key.Binding{f.keys.bindings(), {f.keys.Queue}}
}

// countCells is a feed's WAITING and UNREAD columns ("…" until counted).
func (f *feedsScreen) countCells(feed string) string {
	if f.counts == nil {
		return fmt.Sprintf("%7s %7s", "…", "…")
	}
	c := f.counts[feed]
	return fmt.Sprintf("%7d %7d", c.Waiting, c.Unread)
}
