package ui

import (
	"errors"
	"fmt"

	tea "charm.land/bubbletea/v2"

	"parley/store"
)

// bulkUndo is u after e or s on selected rows: every thread the bulk
// action changed goes back to the queue, through the same store check as
// a single undo (never over a teammate's later change).
const bulkUndo = "undo"

// undoBulk undoes the done or snooze that done reports (its kind, its
// threads and when it was asked for).
func undoBulk(b Backend, done bulkMsg) tea.Cmd {
	audit := store.AuditDone
	if done.kind == bulkSnooze {
		audit = store.AuditSnoozed
	}
	threads, at := done.changed, done.at
	return func() tea.Msg {
		m := bulkMsg{kind: bulkUndo}
		for _, t := range threads {
			err := b.Undo(bg, t.ID, audit, at)
			var o *store.OverriddenError
			switch {
			case errors.As(err, &o):
				m.failed = append(m.failed, fmt.Sprintf("%s: %s changed it since", termText(t.Title), termText(o.Who)))
			case err != nil:
				m.failed = append(m.failed, fmt.Sprintf("%s: %v", termText(t.Title), err))
			default:
				m.ok++
			}
		}
		return m
	}
}
