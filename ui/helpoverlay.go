package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"parley/funnel"
)

// The ? overlay: the keys of what is on screen, the global keys, and what
// the marks and stage badges of the lists mean. It scrolls when the window
// is too short for it (60x15 is), so its border and the line saying how to
// close it are always there.

// helpKey handles a key while help is open: the overlay's scroll keys
// scroll it, any other key closes it (q and esc must not also quit or go
// back).
func (a *App) helpKey(msg tea.KeyPressMsg) {
	hk := a.c.Keys.Help
	switch {
	case key.Matches(msg, hk.Down):
		a.helpScroll++
	case key.Matches(msg, hk.Up):
		a.helpScroll--
	default:
		a.showHelp, a.helpScroll = false, 0
	}
}

func (a *App) helpOverlay(height int) string {
	s := a.c.Styles
	inner := max(1, a.c.Width-4) // border and padding take 4 cells
	g := a.c.Keys.Global
	global := []key.Binding{g.FetchAll, g.Help, g.Quit, g.ForceQuit}
	if a.filterable() {
		// / does nothing in a thread or the funnel's overview: help
		// lists it only where it filters.
		global = append([]key.Binding{g.Filter}, global...)
	}
	groups := append(a.active().FullHelp(),
		append([]key.Binding{g.NextView, g.Queue, g.Funnel, g.Contacts, g.Feeds}, g.Views[:]...),
		global)
	body := strings.Split(a.keyColumns(groups, inner)+"\n\n"+a.legend(inner), "\n")

	// Title and closing line stay; the lines between scroll.
	room := max(1, height-2-2)
	closing := "any key closes this"
	if len(body) > room {
		a.helpScroll = min(max(a.helpScroll, 0), len(body)-room)
		hk := a.c.Keys.Help
		closing = fmt.Sprintf("%s/%s scroll (%d–%d of %d) · any other key closes",
			hk.Down.Help().Key, hk.Up.Help().Key, a.helpScroll+1, a.helpScroll+room, len(body))
		body = body[a.helpScroll : a.helpScroll+room]
	} else {
		a.helpScroll = 0
	}
	content := s.Title.Render("Keys") + "\n" + strings.Join(body, "\n") + "\n" + s.Muted.Render(fit(closing, inner))
	box := s.Overlay.Render(content)
	return lipgloss.Place(a.c.Width, height, lipgloss.Center, lipgloss.Center, box)
}

// legend explains the one-cell marks and the short stage labels the lists
// use, wrapped to width.
func (a *App) legend(width int) string {
	s := a.c.Styles
	marks := s.Title.Render("Marks") + "  " + s.marks["!"] + " unhappy  " + s.marks["$"] + " buying intent  " +
		s.marks["+"] + " positive  ✎ draft  3 unread"
	var stages []string
	for _, st := range funnel.Stages {
		label := stageLabel(st)
		text := s.StageStyle(st).Render(label)
		if full := st.String(); full != label {
			text += "\u00a0" + full // no break between a label and its name
		}
		stages = append(stages, text)
	}
	stageLine := s.Title.Render("Stages") + " " + strings.Join(stages, " → ")
	wrap := lipgloss.NewStyle().Width(width)
	legend := wrap.Render(marks) + "\n" + wrap.Render(stageLine)
	if !a.deps.NoMouse {
		legend += "\n" + wrap.Render(s.Title.Render("Mouse")+"  "+mouseHelp)
	}
	legend += "\n" + wrap.Render(s.Title.Render("Rebind")+" [keys] in the config, e.g. \"queue.done\" = [\"e\", \"x\"]; parley keys lists the actions")
	return legend
}

// keyColumns lays the groups of keys out as columns, as many side by side
// as fit in width and the rest in rows below, so no column is cut off
// (the help model's own width limit drops whole columns).
func (a *App) keyColumns(groups [][]key.Binding, width int) string {
	h := a.help
	h.SetWidth(0)
	var rows []string
	var row [][]key.Binding
	for _, grp := range groups {
		if len(row) > 0 && lipgloss.Width(h.FullHelpView(append(row, grp))) > width {
			rows = append(rows, h.FullHelpView(row))
			row = nil
		}
		row = append(row, grp)
	}
	if len(row) > 0 {
		rows = append(rows, h.FullHelpView(row))
	}
	return strings.Join(rows, "\n\n")
}
