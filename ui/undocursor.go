package ui

import (
	tea "charm.land/bubbletea/v2"

	"parley/store"
)

// reloadQueueAt reads the queue again with the cursor on thread id: after
// u brings a done or snoozed thread back, the cursor is on it, so the
// next key acts on what came back rather than on its old neighbour.
// A read already in flight is superseded (its seq is older).
func (a *App) reloadQueueAt(id string) tea.Cmd {
	a.queueLoading = true
	return a.queue.read(store.QueueAnchor{Thread: store.Thread{ID: id}}, true, true)
}
