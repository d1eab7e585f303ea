package ui

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"parley/feeds"
	"parley/filter"
	"parley/store"
)

// filterLine is the / line at the bottom: what is typed, whether it
// parses, and the filter the list shows. Results follow typing after a
// short pause (filterDebounce), read in a tea.Cmd; a query that does not
// parse keeps the last results and says what is wrong.
type filterLine struct {
	editing bool
	input   textinput.Model
	// gen numbers edits: only the newest edit's pause applies a query.
	gen int
	err string
	// views are the saved views of the config, keys 5 to 9.
	views []feeds.View
	// indexing: the backend is building its filter index (the first /
	// of a session, filterwarm.go); warmed: it has.
	indexing, warmed bool
}

// filterDebounce lets a burst of typing cost one query.
const filterDebounce = 60 * time.Millisecond

type filterTickMsg struct{ gen int }

func newFilterLine(views []feeds.View) filterLine {
	in := textinput.New()
	in.Prompt = ""
	in.Placeholder = "stage:intent is:waiting -feed:hn from:alice since:7d refund"
	in.CharLimit = 200
	return filterLine{input: in, views: views}
}

// filterable reports whether / applies where the user is: the queue, a
// funnel stage's list, the contacts or one contact's conversations.
func (a *App) filterable() bool {
	return a.filterTarget() != nil
}

// startFilter opens the line on the filter shown, to edit it.
func (a *App) startFilter() tea.Cmd {
	a.filt.editing = true
	a.filt.err = ""
	a.filt.input.SetValue(a.filterTarget().Source)
	a.filt.input.CursorEnd()
	return tea.Batch(a.filt.input.Focus(), a.warmFilter())
}

// filterKey handles a key while the line is open.
func (a *App) filterKey(msg tea.KeyPressMsg) tea.Cmd {
	switch msg.String() {
	case "esc":
		a.filt.editing = false
		a.filt.err = ""
		a.filt.input.Blur()
		a.filt.input.SetValue("")
		return a.applyFilter(filter.Query{})
	case "enter":
		a.filt.editing = false
		a.filt.input.Blur()
		a.filt.gen++ // a pause still pending must not apply again
		q, err := filter.Parse(a.filt.input.Value())
		if err != nil {
			// The list keeps the last filter that parsed; say so.
			a.setStatus("Filter not changed: "+err.Error(), true)
			a.filt.err = ""
			return nil
		}
		return a.applyFilter(q)
	}
	return a.filterEdit(msg)
}

// filterEdit passes a key or a paste to the line; a change starts the
// pause after which it applies.
func (a *App) filterEdit(msg tea.Msg) tea.Cmd {
	before := a.filt.input.Value()
	var cmd tea.Cmd
	a.filt.input, cmd = a.filt.input.Update(msg)
	if a.filt.input.Value() == before {
		return cmd
	}
	a.filt.gen++
	gen := a.filt.gen
	return tea.Batch(cmd, tea.Tick(filterDebounce, func(time.Time) tea.Msg { return filterTickMsg{gen} }))
}

// filterPaused applies what is typed once typing pauses.
func (a *App) filterPaused(msg filterTickMsg) tea.Cmd {
	if msg.gen != a.filt.gen || !a.filt.editing {
		return nil
	}
	q, err := filter.Parse(a.filt.input.Value())
	if err != nil {
		a.filt.err = err.Error()
		return nil
	}
	a.filt.err = ""
	return a.applyFilter(q)
}

// applyFilter shows the list on screen filtered by q (empty: all of
// it); the queue from its head.
func (a *App) applyFilter(q filter.Query) tea.Cmd {
	target := a.filterTarget()
	if target == nil || q.Source == target.Source {
		return nil
	}
	if a.view != viewQueue {
		cmd, err := a.setListFilter(q)
		if err != nil {
			a.filt.err = err.Error()
			if !a.filt.editing {
				a.setStatus("Filter not applied: "+err.Error(), true)
			}
		}
		return cmd
	}
	a.queue.filter = q
	return a.queue.read(store.QueueAnchor{}, true, false)
}

// showFilter opens the queue filtered by source (a saved view, or a
// feed picked in view 4).
func (a *App) showFilter(source string) tea.Cmd {
	q, err := filter.Parse(source)
	if err != nil {
		a.setStatus("Filter: "+err.Error(), true)
		return nil
	}
	a.view = viewQueue
	a.filt.editing = false
	a.filt.input.SetValue(q.Source)
	return tea.Batch(a.applyFilter(q), a.reloadQueue())
}

// handleFilter takes the filter's messages.
func (a *App) handleFilter(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case filterTickMsg:
		return a.filterPaused(msg), true
	case filterWarmMsg:
		a.filt.indexing, a.filt.warmed = false, true
		return nil, true
	case contactConvsMsg:
		return a.filterLists(msg)
	case filterFeedMsg:
		return a.showFilter("feed:" + filter.Quote(msg.feed)), true
	case feedCountsMsg:
		if msg.err == nil {
			a.feedsV.counts = msg.counts
		}
		return nil, true
	}
	return nil, false
}

// savedView is the saved view a key (5 to 9) opens, if any.
func (a *App) savedView(msg tea.KeyPressMsg) (feeds.View, bool) {
	for i, b := range a.c.Keys.Global.Views {
		if i < len(a.filt.views) && key.Matches(msg, b) {
			return a.filt.views[i], true
		}
	}
	return feeds.View{}, false
}

// viewTab is the saved view whose filter the queue shows, -1 none: its
// tab is the active one.
func (a *App) viewTab() int {
	if a.view != viewQueue || a.queue.filter.Empty() {
		return -1
	}
	for i, v := range a.filt.views {
		if q, err := filter.Parse(v.Filter); err == nil && q.Source == a.queue.filter.Source {
			return i
		}
	}
	return -1
}

// filterFooter is the open line: "/ query▏   what is wrong".
func (a *App) filterFooter() string {
	s := a.c.Styles
	note := ""
	if a.filt.indexing {
		note = "  " + indexingNote
	}
	a.filt.input.SetWidth(max(10, a.c.Width-4-lipgloss.Width(note)))
	line := s.Accent.Render("/ ") + a.filt.input.View() + s.Muted.Render(note)
	if a.filt.err != "" {
		return fit(s.Accent.Render("/ ")+termText(a.filt.input.Value())+"  "+s.Error.Render(termText(a.filt.err)), a.c.Width)
	}
	return fit(line, a.c.Width)
}

// filterBadge is the header's note of the active filter.
func (a *App) filterBadge() string {
	target := a.filterTarget()
	if target == nil || target.Empty() {
		return ""
	}
	f := *target
	return a.c.Styles.Accent.Render("/ "+cutCells(termText(f.Source), max(8, a.c.Width/3))) + " "
}

// filterHint is the queue's empty text under a filter.
func filterHint(q filter.Query, edit key.Binding) string {
	return "Nothing matches " + strings.TrimSpace(q.Source) + "." + keyHint(edit, " %s edits the filter;") + " esc in it clears it."
}

func viewNamesOf(views []feeds.View) []string {
	names := make([]string, len(views))
	for i, v := range views {
		names[i] = v.Name
	}
	return names
}

// viewTabs are the header's tabs of the saved views ("5 Hot leads").
func (a *App) viewTabs() []string {
	s := a.c.Styles
	active := a.viewTab()
	var tabs []string
	for i, v := range a.filt.views {
		name := a.c.Keys.Global.Views[i].Help().Key + " " + cutCells(v.Name, 16)
		if i == active {
			tabs = append(tabs, s.ActiveTab.Render(name))
		} else {
			tabs = append(tabs, s.Tab.Render(name))
		}
	}
	return tabs
}

// filterFeedMsg asks for the queue filtered to a feed (enter in view 4).
type filterFeedMsg struct{ feed string }

// feedCountsMsg carries view 4's per-feed counts.
type feedCountsMsg struct {
	counts map[string]filter.FeedCount
	err    error
}

func loadFeedCounts(b Backend, now time.Time) tea.Cmd {
	return func() tea.Msg {
		c, err := b.FeedCounts(bg, now)
		return feedCountsMsg{counts: c, err: err}
	}
}

// filteredWindow is the queue screen's read when a filter is on.
func filteredWindow(b Backend, q filter.Query, now time.Time, at store.QueueAnchor, before, after int) (store.QueueWindow, error) {
	return b.FilterWindow(bg, q, now, at, before, after)
}

// listTitle heads the queue's preview column.
func (q *queueScreen) listTitle() string {
	switch {
	case q.shown.Empty():
		return "WAITING FOR A REPLY"
	case q.shown.Wants(filter.Done) || q.shown.Wants(filter.Snoozed):
		return "MATCHING"
	}
	return "WAITING, MATCHING"
}
