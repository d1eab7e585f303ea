package ui

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"parley/filter"
	"parley/store"
)

// The funnel's stage lists and the contacts view hold their whole lists,
// so / filters them as they arrive: a stage's people and a contact's
// conversations by their threads (the index tests each row's thread, one
// lookup per row) and by the person (from:, stage:, feed:, is:unhappy,
// since:); the contacts by the person alone.

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
		return a.funnel.loadList(), nil
	case a.view == viewContacts && a.contacts.showing:
		a.contacts.thFilter = q
		return a.contacts.loadThreads(), nil
	case a.view == viewContacts:
		if err := q.PersonTerms(); err != nil {
			return nil, err
		}
		a.contacts.filter = q
		a.contacts.gen++
		return loadContacts(a.c.B, a.contacts.gen), nil
	}
	return nil, nil
}

// filterLists filters a list read for the funnel or contacts view before
// it is shown (in a command: 100k contacts take a few milliseconds).
func (a *App) filterLists(msg tea.Msg) (tea.Cmd, bool) {
	b, now := a.c.B, a.c.Now()
	switch msg := msg.(type) {
	case stageConvsMsg:
		q := a.funnel.filter
		if q.Empty() || msg.filtered || msg.err != nil {
			return nil, false
		}
		return func() tea.Msg {
			msg.convs, msg.err = keepConvs(b, q, now, msg.convs)
			msg.filtered = true
			return msg
		}, true
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
	case contactsLoadedMsg:
		q := a.contacts.filter
		if q.Empty() || msg.filtered || msg.err != nil {
			return nil, false
		}
		return func() tea.Msg {
			msg.contacts = keepContacts(q, now, msg.contacts)
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
