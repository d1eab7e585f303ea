package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"parley/store"
)

// teamKey handles the collaboration keys before the screens do: the
// assign picker while it is open, a and A, r where a teammate drafts
// (warned once), and the funnel's per-teammate toggle. ok is false for a
// key it leaves to the rest.
func (a *App) teamKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	if a.assigning != nil {
		return a.handleAssignKey(msg), true
	}
	warned := a.replyWarned
	a.replyWarned = ""
	if a.composing() {
		return nil, false
	}
	var (
		t      store.Thread
		ok     bool
		reply  key.Binding
		assign key.Binding
		unasg  key.Binding
	)
	switch {
	case a.threadShown():
		t, ok = a.thread.thread, true
		reply, assign, unasg = a.c.Keys.Thread.Reply, a.c.Keys.Thread.Assign, a.c.Keys.Thread.Unassign
	case a.view == viewQueue && len(a.queue.picked) > 0:
		// With rows selected, the queue's keys act on all of them (bulk.go).
		return nil, false
	case a.view == viewQueue:
		t, ok = a.queue.selected()
		reply, assign, unasg = a.c.Keys.Queue.Reply, a.c.Keys.Queue.Assign, a.c.Keys.Queue.Unassign
	case a.view == viewFunnel && key.Matches(msg, a.c.Keys.Funnel.ByTeammate):
		return a.funnel.toggleTeam(), true
	}
	if !ok {
		return nil, false
	}
	switch {
	case key.Matches(msg, reply):
		who := a.c.drafter(t.ID)
		if who == "" || warned == t.ID {
			return nil, false
		}
		a.replyWarned = t.ID
		a.setStatus(draftWarning(who, reply), true)
		return nil, true
	case key.Matches(msg, assign):
		return a.startAssign(t), true
	case key.Matches(msg, unasg):
		return a.unassign(t), true
	}
	return nil, false
}
