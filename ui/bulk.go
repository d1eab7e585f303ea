package ui

// Bulk: space selects queue rows (by thread ID, so a selection survives
// the live reloads that move rows), and e, s, > < and a then apply to
// every selected thread in one command, with one status line for all.
// esc clears the selection.

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"parley/store"
)

// toggle selects or unselects the row under the cursor and moves down,
// so space space space selects a run of rows.
func (q *queueScreen) toggle() {
	t, ok := q.selected()
	if !ok {
		return
	}
	if q.picked == nil {
		q.picked = map[string]store.Thread{}
	}
	if _, on := q.picked[t.ID]; on {
		delete(q.picked, t.ID)
	} else {
		q.picked[t.ID] = t
	}
	q.move(1)
}

// pickedThreads are the selected threads in queue order where the window
// shows them, the rest after (they left the window or the queue).
func (q *queueScreen) pickedThreads() []store.Thread {
	out := make([]store.Thread, 0, len(q.picked))
	seen := map[string]bool{}
	for _, t := range q.threads {
		if _, ok := q.picked[t.ID]; ok {
			out = append(out, t)
			seen[t.ID] = true
		}
	}
	var rest []string
	for id := range q.picked {
		if !seen[id] {
			rest = append(rest, id)
		}
	}
	slices.Sort(rest)
	for _, id := range rest {
		out = append(out, q.picked[id])
	}
	return out
}

// bulkKinds are what bulk applies: done, snooze, a stage step, assign.
const (
	bulkDone    = "done"
	bulkSnooze  = "snooze"
	bulkForward = "stage forward"
	bulkBack    = "stage back"
	bulkAssign  = "assign"
)

// bulkMsg reports one bulk action over every selected thread.
type bulkMsg struct {
	kind   string
	until  time.Time
	to     string
	ok     int
	failed []string // "title: why"
	// changed are the threads done or snoozed, at when it was asked:
	// u undoes them all (bulkundo.go).
	changed []store.Thread
	at      time.Time
	// atEnd counts stage steps that did not move (first or last stage).
	atEnd int
}

// handleQueueExtra takes the queue keys of links, unread and selection,
// and e s > < a while rows are selected; ok is false for any other key.
func (a *App) handleQueueExtra(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	qk := a.c.Keys.Queue
	q := a.queue
	t, ok := q.selected()
	switch {
	case key.Matches(msg, qk.Select):
		q.toggle()
		a.setStatus(fmt.Sprintf("%d selected", len(q.picked))+bulkHints(qk), false)
		if len(q.picked) == 0 {
			a.setStatus("Nothing selected.", false)
		}
		return nil, true
	case key.Matches(msg, qk.Unselect) && len(q.picked) > 0:
		q.picked = nil
		a.setStatus("Selection cleared.", false)
		return nil, true
	case key.Matches(msg, qk.OpenLink) && ok:
		return a.c.openLink(rowLink(t), qk.CopyLink), true
	case key.Matches(msg, qk.CopyLink) && ok:
		return copyLink(rowLink(t)), true
	case key.Matches(msg, qk.MarkUnread) && ok:
		return markUnread(a.c.B, t.ID, t.Title), true
	}
	if len(q.picked) == 0 {
		// One row: a opens the assign picker (teamkeys.go).
		return nil, false
	}
	picked := q.pickedThreads()
	switch {
	case key.Matches(msg, qk.Done):
		return a.bulk(bulkDone, picked, time.Time{}), true
	case key.Matches(msg, qk.StageForward):
		return a.bulk(bulkForward, picked, time.Time{}), true
	case key.Matches(msg, qk.StageBack):
		return a.bulk(bulkBack, picked, time.Time{}), true
	case key.Matches(msg, qk.Assign):
		return a.bulk(bulkAssign, picked, time.Time{}), true
	case key.Matches(msg, qk.Snooze):
		a.snoozing = &store.Thread{Title: fmt.Sprintf("%d selected threads", len(picked))}
		a.bulkSnooze = true
		return nil, true
	}
	return nil, false
}

// rowLink is a queue row's link: the waiting person's message's, else
// the thread's.
func rowLink(t store.Thread) string {
	if t.Waiter.Link != "" {
		return t.Waiter.Link
	}
	return t.Link
}

// bulk applies kind to threads, one after the other, in one command.
func (a *App) bulk(kind string, threads []store.Thread, until time.Time) tea.Cmd {
	b, now, me := a.c.B, a.c.Now(), a.c.user
	if kind == bulkAssign && me == "" {
		// Assign(id, "") would unassign them.
		a.setStatus("Cannot assign to you: this console has no user name.", true)
		return nil
	}
	threads = slices.Clone(threads)
	return func() tea.Msg {
		m := bulkMsg{kind: kind, until: until, to: me, at: time.Now()} // the store's clock, as changeThread
		for _, t := range threads {
			var err error
			switch kind {
			case bulkDone:
				err = b.SetDone(bg, t.ID, true)
			case bulkSnooze:
				err = b.Snooze(bg, t.ID, until)
			case bulkAssign:
				err = b.Assign(bg, t.ID, me)
			case bulkForward, bulkBack:
				delta := 1
				if kind == bulkBack {
					delta = -1
				}
				r := moveStage(b, t.ID, t.Waiter.Contact, delta, now)().(stageMovedMsg)
				err = r.err
				if r.atEnd {
					m.atEnd++
					continue
				}
			}
			if err != nil {
				m.failed = append(m.failed, fmt.Sprintf("%s: %v", termText(t.Title), err))
				continue
			}
			m.ok++
			if kind == bulkDone || kind == bulkSnooze {
				m.changed = append(m.changed, t)
			}
		}
		return m
	}
}

// bulkDone says what a bulk action did, clears the selection and reloads.
func (a *App) bulkDone(m bulkMsg) tea.Cmd {
	a.queue.picked = nil
	what := map[string]string{bulkDone: "Done", bulkForward: "Stage forward", bulkBack: "Stage back", bulkUndo: "Back in the queue"}[m.kind]
	switch m.kind {
	case bulkSnooze:
		what = "Snoozed until " + m.until.Format("Mon 15:04")
	case bulkAssign:
		what = "Assigned to you"
		if m.to != "" {
			what = "Assigned to " + m.to
		}
	}
	line := fmt.Sprintf("%s: %s", what, cases(m.ok, "1 thread", "%d threads"))
	if m.atEnd > 0 {
		line += fmt.Sprintf(" (%d already at the end of the funnel)", m.atEnd)
	}
	if len(m.failed) > 0 {
		line += fmt.Sprintf("; %d failed: %s", len(m.failed), strings.Join(m.failed, "; "))
	}
	if len(m.changed) > 0 {
		a.undos.push(undoEntry{bulk: &m}) // bulkundo.go
		line += keyHint(a.c.Keys.Queue.Undo, " (%s to undo)")
	}
	a.setStatus(line, len(m.failed) > 0)
	return tea.Batch(a.reloadQueue(), a.refreshView())
}
