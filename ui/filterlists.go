package ui

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"parley/filter"
	"parley/funnel"
	"parley/store"
)

// The funnel's stage lists and the contacts view are windows over an
// index (window.go), filtered or not: with a / filter the backend's
// filter index counts the matches and names one window's rows (a stage's
// people by their threads and by the person: from:, stage:, feed:,
// is:unhappy, since:; the contacts by the person alone), and only those
// rows are read. One contact's conversations, a short list, are read
// whole and kept by the index's test of each row's thread.

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

// loadFilteredStage reads a window of a stage's list filtered by q: the
// backend's index counts the matches and names the window's rows.
func loadFilteredStage(b Backend, stage funnel.Stage, q filter.Query, now time.Time, r windowReq[convRow]) tea.Cmd {
	return func() tea.Msg {
		at := store.StageAnchor{Conversation: r.at.Conversation, End: r.end}
		w, err := b.FilterStageWindow(bg, q, now, stage, at, r.before, r.after)
		return windowMsg[convRow]{list: stageListName(stage), seq: r.seq, jump: r.jump, items: convRows(w.Conversations),
			at: w.At, total: w.Total, first: w.First, last: w.Last, err: err}
	}
}

// loadFilteredContacts reads a window of the contacts filtered by q.
func loadFilteredContacts(b Backend, q filter.Query, now time.Time, r windowReq[store.Contact]) tea.Cmd {
	return func() tea.Msg {
		w, err := b.FilterContactsWindow(bg, q, now, store.ContactAnchor{Contact: r.at, End: r.end}, r.before, r.after)
		return windowMsg[store.Contact]{list: "contacts", seq: r.seq, jump: r.jump, items: w.Contacts,
			at: w.At, total: w.Total, first: w.First, last: w.Last, err: err}
	}
}
