package ui

// Assignment: a opens a small picker (this console's user first, then
// the config's teammates; typing filters it), A unassigns. Without
// teammates in the config, a assigns to the user at once. The store
// writes the audit entry and the change every console shows.

import (
	"fmt"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"parley/store"
)

// assignPicker is the open picker: for which thread, what is typed, and
// the highlighted name among those that match.
type assignPicker struct {
	thread store.Thread
	filter string
	cursor int
}

// assignees are whom a offers, the user first, each once.
func (c *Common) assignees() []string {
	var out []string
	if c.user != "" {
		out = append(out, c.user)
	}
	for _, n := range c.team.teammates {
		if n != "" && !slices.ContainsFunc(out, func(o string) bool { return strings.EqualFold(o, n) }) {
			out = append(out, n)
		}
	}
	return out
}

// matches are the assignees whose name contains the filter.
func (p *assignPicker) matches(names []string) []string {
	f := strings.ToLower(strings.TrimSpace(p.filter))
	var out []string
	for _, n := range names {
		if strings.Contains(strings.ToLower(n), f) {
			out = append(out, n)
		}
	}
	return out
}

// assignedMsg is the outcome of an assignment.
type assignedMsg struct {
	thread store.Thread
	to     string
	err    error
}

func assignThread(b Backend, t store.Thread, to string) tea.Cmd {
	return func() tea.Msg {
		return assignedMsg{thread: t, to: to, err: b.Assign(bg, t.ID, to)}
	}
}

// startAssign is a on a thread: the picker, or straight to the user
// when there is nobody else to pick.
func (a *App) startAssign(t store.Thread) tea.Cmd {
	names := a.c.assignees()
	switch len(names) {
	case 0:
		a.setStatus("Nobody to assign to: parley does not know your name (add a [[teammate]] to the config).", true)
		return nil
	case 1:
		return assignThread(a.c.B, t, names[0])
	}
	a.assigning = &assignPicker{thread: t}
	return nil
}

// unassign is A.
func (a *App) unassign(t store.Thread) tea.Cmd {
	if t.Assignee == "" {
		a.setStatus(fmt.Sprintf("%q is not assigned to anyone.", t.Title), false)
		return nil
	}
	return assignThread(a.c.B, t, "")
}

// handleAssignKey drives the open picker: typing filters, up/down pick,
// enter assigns, esc closes.
func (a *App) handleAssignKey(msg tea.KeyPressMsg) tea.Cmd {
	p := a.assigning
	names := p.matches(a.c.assignees())
	switch msg.String() {
	case "esc":
		a.assigning = nil
		return nil
	case "enter":
		if len(names) == 0 {
			return nil
		}
		a.assigning = nil
		return assignThread(a.c.B, p.thread, names[clampInt(p.cursor, 0, len(names)-1)])
	case "up", "ctrl+p", "shift+tab":
		p.cursor = max(0, p.cursor-1)
		return nil
	case "down", "ctrl+n", "tab":
		p.cursor = min(max(0, len(names)-1), p.cursor+1)
		return nil
	case "backspace":
		if r := []rune(p.filter); len(r) > 0 {
			p.filter = string(r[:len(r)-1])
			p.cursor = 0
		}
		return nil
	}
	if msg.Text != "" {
		p.filter += msg.Text
		p.cursor = 0
	}
	return nil
}

// assigned reports an assignment and shows it.
func (a *App) assigned(msg assignedMsg) tea.Cmd {
	if msg.err != nil {
		a.setStatus("Could not assign the thread: "+msg.err.Error(), true)
		return nil
	}
	if msg.to == "" {
		a.setStatus(fmt.Sprintf("Unassigned: %q", msg.thread.Title), false)
	} else {
		a.setStatus(fmt.Sprintf("Assigned to %s: %q", termText(msg.to), msg.thread.Title), false)
	}
	cmds := []tea.Cmd{a.reloadQueue()}
	if a.thread != nil && a.thread.thread.ID == msg.thread.ID {
		cmds = append(cmds, loadThreadInfo(a.c.B, msg.thread.ID))
	}
	return tea.Batch(cmds...)
}

func (a *App) assignOverlay(height int) string {
	s := a.c.Styles
	p := a.assigning
	names := p.matches(a.c.assignees())
	lines := []string{
		s.Title.Render("Assign to…"),
		s.Muted.Render(fit(p.thread.Title, 40)),
		"",
		"> " + termText(p.filter) + s.Muted.Render("▏"),
	}
	if len(names) == 0 {
		lines = append(lines, s.Muted.Render("  nobody matches"))
	}
	for i, n := range names {
		label := termText(n)
		if n == a.c.user {
			label += s.Muted.Render(" (me)")
		}
		if i == clampInt(p.cursor, 0, len(names)-1) {
			lines = append(lines, s.Accent.Render("› ")+label)
		} else {
			lines = append(lines, "  "+label)
		}
	}
	lines = append(lines, "", s.Muted.Render("type to filter · ↑/↓ · enter assign · esc cancel"))
	box := s.Overlay.Render(strings.Join(lines, "\n"))
	return lipgloss.Place(a.c.Width, height, lipgloss.Center, lipgloss.Center, box)
}

// assigneeWidth is the queue's assignee column: a short name.
const assigneeWidth = 6

// showAssignee: the queue has its assignee column in a team (teammates
// configured) or once anything on screen is assigned.
func (q *queueScreen) showAssignee() bool {
	if len(q.c.team.teammates) > 0 {
		return true
	}
	return slices.ContainsFunc(q.threads, func(t store.Thread) bool { return t.Assignee != "" })
}

// assigneeCell is the column's cell with its separator; empty without
// the column.
func (q *queueScreen) assigneeCell(name string) string {
	if !q.showAssignee() {
		return ""
	}
	return fit(termText(name), assigneeWidth) + " "
}
