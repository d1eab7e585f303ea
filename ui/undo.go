package ui

import (
	"errors"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"parley/store"
)

// undoStack is this session's actions, newest last: u undoes them one at
// a time, newest first. It is per console (a teammate's console has its
// own), and undoing goes through the same Backend methods as doing, so
// the store's checks (a teammate's later change) apply to both.
type undoStack struct {
	entries []undoEntry
}

// maxUndo bounds the stack; the oldest actions drop off.
const maxUndo = 100

// undoEntry is one action: a thread change (done, snooze, reopen) or a
// manual stage move.
type undoEntry struct {
	change *threadChangedMsg
	move   *stageMovedMsg
	bulk   *bulkMsg // done or snooze of the selected rows
}

func (u *undoStack) push(e undoEntry) {
	if len(u.entries) == maxUndo {
		u.entries = append(u.entries[:0], u.entries[1:]...)
	}
	u.entries = append(u.entries, e)
}

func (u *undoStack) pop() (undoEntry, bool) {
	if len(u.entries) == 0 {
		return undoEntry{}, false
	}
	e := u.entries[len(u.entries)-1]
	u.entries = u.entries[:len(u.entries)-1]
	return e, true
}

// undo undoes the newest action left on the stack.
func (a *App) undo() tea.Cmd {
	e, ok := a.undos.pop()
	if !ok {
		a.setStatus("Nothing to undo.", false)
		return nil
	}
	if e.move != nil {
		return undoStage(a.c.B, *e.move, a.c.Now)
	}
	if e.bulk != nil {
		return undoBulk(a.c.B, *e.bulk) // bulkundo.go
	}
	c := e.change
	// at: the store refuses the undo over a teammate's action since then.
	return changeThread(a.c.B, c.threadID, c.title, action{kind: "undo-" + c.action.kind, at: c.action.at})
}

// undoStage moves a person's conversation back to where a manual move
// took it from.
func undoStage(b Backend, m stageMovedMsg, now func() time.Time) tea.Cmd {
	at := now()
	return func() tea.Msg {
		mv, err := b.SetStage(bg, m.threadID, m.move.Contact, m.move.From, at)
		return stageMovedMsg{threadID: m.threadID, title: m.title, name: m.name, move: mv, err: err, undo: true}
	}
}

// doneOrReopen is e on a thread: done, or back to the queue if it is
// done already (a thread found with is:done).
func (a *App) doneOrReopen(t store.Thread) tea.Cmd {
	if t.Done {
		return changeThread(a.c.B, t.ID, t.Title, action{kind: "reopen"})
	}
	return changeThread(a.c.B, t.ID, t.Title, action{kind: "done"})
}

// threadChanged reports a done, snooze or reopen (or its undo), and
// remembers the action for u.
func (a *App) threadChanged(msg threadChangedMsg) tea.Cmd {
	if line, ok := undoRefused(msg); ok {
		a.setStatus(line, true)
		return a.reloadQueue()
	}
	if msg.err != nil {
		a.setStatus("Could not change the thread: "+msg.err.Error(), true)
		return nil
	}
	undo := keyHint(a.c.Keys.Queue.Undo, " (%s to undo)")
	switch msg.action.kind {
	case "done":
		a.setStatus(fmt.Sprintf("Done: %q%s", msg.title, undo), false)
	case "snooze":
		a.setStatus(fmt.Sprintf("Snoozed until %s: %q%s", msg.action.until.Format("Mon 15:04"), msg.title, undo), false)
	case "reopen":
		a.setStatus(fmt.Sprintf("Reopened: %q%s", msg.title, undo), false)
	case "undo-reopen":
		a.setStatus(fmt.Sprintf("Done again: %q", msg.title), false)
	default:
		a.setStatus(fmt.Sprintf("Back in the queue: %q", msg.title), false)
	}
	cmds := []tea.Cmd{a.reloadQueue()}
	if msg.action.kind == "undo-done" || msg.action.kind == "undo-snooze" {
		cmds[0] = a.reloadQueueAt(msg.threadID) // undocursor.go
	}
	switch msg.action.kind {
	case "done", "snooze", "reopen":
		m := msg
		a.undos.push(undoEntry{change: &m})
		if a.thread != nil && a.thread.thread.ID == msg.threadID {
			if msg.action.kind != "reopen" {
				return a.closeThread()
			}
		}
	}
	if a.thread != nil && a.thread.thread.ID == msg.threadID {
		// The header says done or snoozed: read the thread again.
		cmds = append(cmds, loadThreadInfo(a.c.B, msg.threadID))
	}
	return tea.Batch(cmds...)
}

// undoRefused is the status line of an undo the store refused because a
// teammate acted on the thread since ("bob changed this since: …").
func undoRefused(msg threadChangedMsg) (string, bool) {
	var o *store.OverriddenError
	if !strings.HasPrefix(msg.action.kind, "undo-") || !errors.As(msg.err, &o) {
		return "", false
	}
	return fmt.Sprintf("Not undone: %s changed this since (%s) in %q.", termText(o.Who), overrideWhat(o.Action), msg.title), true
}

// overrideWhat says what a teammate's audited action did.
func overrideWhat(action string) string {
	switch action {
	case store.AuditUndone:
		return "put it back in the queue"
	case store.AuditDone:
		return "marked it done"
	case store.AuditSnoozed:
		return "snoozed it"
	case store.AuditUnsnoozed:
		return "woke it"
	case store.AuditStage:
		return "moved a stage"
	case store.AuditAssigned:
		return "assigned it"
	case store.AuditUnassigned:
		return "unassigned it"
	case store.AuditReplyRecorded, store.AuditReplyQueued, store.AuditReplySent:
		return "replied"
	}
	return action
}
