package ui

// The mouse: the wheel scrolls and a click selects in every list, a click
// on a tab switches to it. Lists are driven through their own Up/Down
// keys, so every list (and one added later) works the same as from the
// keyboard, including the windowed reads at its edges. Terminals keep
// text selection for copying on shift+drag (Option+drag in iTerm2) while
// an application reports the mouse; [ui] mouse = false turns it off.

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// mouseHelp is the help overlay's line about the mouse.
const mouseHelp = "wheel scrolls, click selects or picks a tab; shift+drag selects text to copy (Option+drag in iTerm2)"

// threadWheelLines is how far one wheel step scrolls a thread.
const threadWheelLines = 3

func (a *App) handleMouse(msg tea.Msg) tea.Cmd {
	if a.deps.NoMouse || a.snoozing != nil || a.opening {
		return nil
	}
	switch msg := msg.(type) {
	case tea.MouseWheelMsg:
		delta := 0
		switch msg.Button {
		case tea.MouseWheelDown:
			delta = 1
		case tea.MouseWheelUp:
			delta = -1
		default:
			return nil
		}
		return a.wheel(delta)
	case tea.MouseClickMsg:
		if msg.Button != tea.MouseLeft {
			return nil
		}
		if a.showHelp {
			a.showHelp, a.helpScroll = false, 0
			return nil
		}
		a.setStatus("", false)
		if msg.Y == 0 {
			return a.clickTab(msg.X)
		}
		if a.threadShown() || msg.Y > a.c.Height-2 {
			return nil
		}
		return a.clickRow(msg.Y - 1)
	}
	return nil
}

func (a *App) wheel(delta int) tea.Cmd {
	switch {
	case a.showHelp:
		a.helpScroll += delta
		return nil
	case a.threadShown():
		if delta > 0 {
			a.thread.vp.ScrollDown(threadWheelLines)
		} else {
			a.thread.vp.ScrollUp(threadWheelLines)
		}
		return nil
	}
	return a.step(delta)
}

// listMotion is the motion keys of the list on screen.
func (a *App) listMotion() Motion {
	switch a.view {
	case viewFunnel:
		return a.c.Keys.Funnel.Motion
	case viewContacts:
		return a.c.Keys.Contacts.Motion
	}
	return a.c.Keys.Queue.Motion // the queue, and the feeds view uses its keys
}

// step moves the list's cursor one row, as its Down or Up key does.
func (a *App) step(delta int) tea.Cmd {
	m := a.listMotion()
	b := m.Down
	if delta < 0 {
		b = m.Up
	}
	press, ok := keyPressFor(b)
	if !ok {
		return nil // the user unbound it
	}
	_, cmd := a.active().Update(press)
	return cmd
}

// clickRow moves the cursor to the row on body line y, one step at a time
// (the cursor row is the line that starts with "›"), so a list whose rows
// take two lines, or that scrolls, still lands on the row clicked.
func (a *App) clickRow(y int) tea.Cmd {
	var cmds []tea.Cmd
	for range a.c.Height {
		at := a.cursorLine()
		if at < 0 || at == y {
			break
		}
		dir := 1
		if y < at {
			dir = -1
		}
		cmds = append(cmds, a.step(dir))
		next := a.cursorLine()
		if next == at {
			break // the end of the list
		}
		if (dir > 0 && next > y) || (dir < 0 && next < y) {
			if dir > 0 {
				cmds = append(cmds, a.step(-1)) // y was the second line of the row before
			}
			break
		}
	}
	return tea.Batch(cmds...)
}

// cursorLine is the body line of the list's cursor row, -1 without one.
func (a *App) cursorLine() int {
	for i, l := range strings.Split(a.active().View(), "\n") {
		if strings.HasPrefix(ansi.Strip(l), "›") {
			return i
		}
	}
	return -1
}

// clickTab switches to the view whose tab is at column x of the header.
func (a *App) clickTab(x int) tea.Cmd {
	s := a.c.Styles
	at := lipgloss.Width(s.Title.Render("parley")) + 1
	for i, name := range viewNames {
		w := lipgloss.Width(s.Tab.Render(name))
		if x >= at && x < at+w {
			if view(i) == a.view {
				return nil
			}
			a.view = view(i)
			return a.enterView()
		}
		at += w
	}
	return nil
}

// keyPressFor is a key press that b matches: its first key that is one
// character or a named key, with ctrl/alt/shift.
func keyPressFor(b key.Binding) (tea.KeyPressMsg, bool) {
	if !b.Enabled() {
		return tea.KeyPressMsg{}, false
	}
	for _, k := range b.Keys() {
		var press tea.KeyPressMsg
		parts := strings.Split(k, "+")
		name := parts[len(parts)-1]
		for _, m := range parts[:len(parts)-1] {
			switch m {
			case "ctrl":
				press.Mod |= tea.ModCtrl
			case "alt":
				press.Mod |= tea.ModAlt
			case "shift":
				press.Mod |= tea.ModShift
			}
		}
		if code, ok := namedKeyCodes[name]; ok {
			press.Code = code
		} else if r := []rune(name); len(r) == 1 {
			press.Code = r[0]
			if press.Mod == 0 {
				press.Text = name
			}
		}
		if press.Code != 0 && key.Matches(press, b) {
			return press, true
		}
	}
	return tea.KeyPressMsg{}, false
}

var namedKeyCodes = map[string]rune{
	"down": tea.KeyDown, "up": tea.KeyUp, "left": tea.KeyLeft, "right": tea.KeyRight,
	"pgdown": tea.KeyPgDown, "pgup": tea.KeyPgUp, "home": tea.KeyHome, "end": tea.KeyEnd,
	"enter": tea.KeyEnter, "tab": tea.KeyTab, "esc": tea.KeyEscape, "space": tea.KeySpace,
}
