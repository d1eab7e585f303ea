package ui

import (
	tea "charm.land/bubbletea/v2"

	"parley/filter"
	"parley/store"
)

// The backend builds its filter index on the first / of a session: the
// threads' facts, then their words, reading every thread and message
// once (seconds at 100k threads). It is built in a command while the
// user types, the line saying so, so the screen never freezes; a query
// sent meanwhile waits for it and answers when it is done.

// indexingNote is shown on the filter line while the index is built.
const indexingNote = "indexing… (the first filter reads every thread once)"

// filterWarmMsg says the backend's index is built.
type filterWarmMsg struct{}

// warmFilter has the backend build its index, once per session: a query
// with a word in it builds the words too.
func (a *App) warmFilter() tea.Cmd {
	if a.filt.warmed || a.filt.indexing {
		return nil
	}
	a.filt.indexing = true
	b, now := a.c.B, a.c.Now()
	return func() tea.Msg {
		words := filter.Query{Terms: []filter.Term{{Kind: filter.Text, Words: []string{"x"}}}}
		_, _ = b.FilterWindow(bg, words, now, store.QueueAnchor{}, 0, 1)
		return filterWarmMsg{}
	}
}
