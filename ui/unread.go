package ui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"
)

// unreadMsg reports U: the thread shows unread again.
type unreadMsg struct {
	threadID, title string
	err             error
}

func markUnread(b Backend, id, title string) tea.Cmd {
	return func() tea.Msg {
		return unreadMsg{threadID: id, title: title, err: b.MarkUnread(bg, id)}
	}
}

// unreadDone says so; the queue row's count comes back with the reload.
func (a *App) unreadDone(m unreadMsg) tea.Cmd {
	if m.err != nil {
		a.setStatus("Could not mark it unread: "+m.err.Error(), true)
		return nil
	}
	a.setStatus(fmt.Sprintf("Marked unread: %q", termText(m.title)), false)
	return a.reloadQueue()
}
