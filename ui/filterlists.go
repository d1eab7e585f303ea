package ui

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"parley/filter"
	"parley/funnel"
	"parley/store"
)

// The funnel's stage lists and the contacts view are windows over an
// index (window.go); a / filter there reads the whole list once and keeps
// what matches, shown as one window: a stage's people and a contact's
// conversations by their threads (the index tests each row's thread, one
// lookup per row) and by the person (from:, stage:, feed:, is:unhappy,
// since:); the contacts by the person alone. Unfiltered, they stay
// windows.

// filterTarget is the filter of the list on screen, nil where / does
// nothing (a thread, the funnel's stage table, view 4).
func (a *App) filterTarget() *filter.Query {
	if a.threadShown() {
		return nil
	}
	switch a.view {
	case viewQueue:
		return &a.queue.filter
	case viewFunnel:
		if a.funnel.listing {
			return &a.funnel.filter
		}
	case viewContacts:
		if a.contacts.showing {
			return &a.contacts.thFilter
		}
		return &a.contacts.filter
	}
	return nil
}

// setListFilter applies q to the funnel's or contacts' list on screen
// and reads it again; an error says why q cannot apply there.
func (a *App) setListFilter(q filter.Query) (tea.Cmd, error) {
	switch {
	case a.view == viewFunnel && a.funnel.listing:
		a.funnel.filter = q
		return a.funnel.readList(a.funnel.list.head()), nil
	case a.view == viewContacts && a.contacts.showing:
		a.contacts.thFilter = q
		return a.contacts.loadThreads(), nil
	case a.view == viewContacts:
		if err := q.PersonTerms(); err != nil {
			return nil, err
		}
		a.contacts.filter = q
		return a.contacts.readList(a.contacts.list.head()), nil
	}
	return nil, nil
}

// filterLists filters a list read for the funnel or contacts view before
// it is shown (in a command: 100k contacts take a few milliseconds).
func (a *App) filterLists(msg tea.Msg) (tea.Cmd, bool) {
	b, now := a.c.B, a.c.Now()
	switch msg := msg.(type) {
	case contactConvsMsg:
		q := a.contacts.thFilter
		if q.Empty() || msg.filtered || msg.err != nil {
			return nil, false
		}
		return func() tea.Msg {
			msg.convs, msg.err = keepConvs(b, q, now, msg.convs)
			msg.filtered = true
			return msg
		}, true
	}
	return nil, false
}

// keepConvs keeps the rows whose thread matches q and whose person does.
func keepConvs(b Backend, q filter.Query, now time.Time, rows []convRow) ([]convRow, error) {
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ThreadID
	}
	ok, err := b.FilterThreads(bg, q, now, ids)
	if err != nil {
		return nil, err
	}
	var out []convRow
	for i, r := range rows {
		if ok[i] && q.MatchPerson(personOf(r.Conversation), now) {
			out = append(out, r)
		}
	}
	return out, nil
}

func personOf(c store.Conversation) filter.PersonFacts {
	return filter.PersonFacts{Feed: c.Feed, Name: c.Name, Stage: c.Stage, Unhappy: c.Unhappy, LastSeen: c.LastTheirs}
}

func keepContacts(q filter.Query, now time.Time, cs []store.Contact) []store.Contact {
	var out []store.Contact
	for _, c := range cs {
		if q.MatchPerson(filter.PersonFacts{Feed: c.Feed, Name: c.Name, Stage: c.Stage, Unhappy: c.Unhappy, LastSeen: c.LastSeen}, now) {
			out = append(out, c)
		}
	}
	return out
}

// loadFilteredStage reads a stage's whole list and keeps what q matches,
// as one window (the cursor on the anchor's row when it is kept).
func loadFilteredStage(b Backend, stage funnel.Stage, q filter.Query, now time.Time, r windowReq[convRow]) tea.Cmd {
	return func() tea.Msg {
		cs, err := b.ConversationsInStage(bg, stage)
		var rows []convRow
		if err == nil {
			rows, err = keepConvs(b, q, now, convRows(cs))
		}
		at := anchorIndex(rows, r, func(a, b convRow) bool { return a.ThreadID == b.ThreadID && a.Contact == b.Contact })
		return windowMsg[convRow]{list: stageListName(stage), seq: r.seq, jump: r.jump, items: rows,
			at: at, total: len(rows), first: true, last: true, err: err}
	}
}

// loadFilteredContacts reads every contact and keeps those q matches, as
// one window.
func loadFilteredContacts(b Backend, q filter.Query, now time.Time, r windowReq[store.Contact]) tea.Cmd {
	return func() tea.Msg {
		cs, err := b.Contacts(bg)
		kept := keepContacts(q, now, cs)
		at := anchorIndex(kept, r, func(a, b store.Contact) bool { return a.ID == b.ID })
		return windowMsg[store.Contact]{list: "contacts", seq: r.seq, jump: r.jump, items: kept,
			at: at, total: len(kept), first: true, last: true, err: err}
	}
}

// anchorIndex is the row a window read asked for: its anchor's, the
// tail's, or the head's.
func anchorIndex[T any](items []T, r windowReq[T], same func(a, b T) bool) int {
	switch {
	case r.end:
		return max(0, len(items)-1)
	case r.has:
		for i, it := range items {
			if same(it, r.at) {
				return i
			}
		}
	}
	return 0
}
