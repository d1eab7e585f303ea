package ui

import (
	"slices"

	tea "charm.land/bubbletea/v2"

	"parley/store"
)

// A thread opens with its newest messages only (threadFits of them, read
// with everything else in one ThreadView): a thread of 5,000 messages
// shows its end without reading the rest. Scrolling up to the top of what
// is held reads the page before it (MessagesBefore); g reads all that is
// left, since the user asked for the start.

// earlierPage is how many older messages one scroll to the top reads.
func (t *threadScreen) earlierPage() int { return max(2*t.height, 50) }

// contentCmd reloads the thread's messages, replies and outbox, keeping
// as many of its newest messages as the screen holds now (those read on
// scrolling up included).
func (t *threadScreen) contentCmd() tea.Cmd {
	return loadThreadContent(t.c.B, t.thread.ID, t.c.Now, max(len(t.messages), threadFits(t.height)))
}

// moreAtTop asks for older messages when the view is at the top of what
// is held and the thread goes on before it. top: all of them (g).
func (t *threadScreen) moreAtTop(top bool) tea.Cmd {
	if t.earlier == "" || t.loadingEarlier || !t.vp.AtTop() {
		return nil
	}
	t.loadingEarlier = true
	n := t.earlierPage()
	if top {
		n = 0 // all
	}
	return loadEarlier(t.c.B, t.thread.ID, t.earlier, n, top)
}

// addEarlier puts older messages before the ones held; the lines on
// screen stay where they were (or the view goes to the top for g).
func (t *threadScreen) addEarlier(m earlierMsg) tea.Cmd {
	if m.threadID != t.thread.ID {
		return nil
	}
	t.loadingEarlier = false
	if m.err != nil {
		return emit(statusMsg{text: "Could not read earlier messages: " + m.err.Error(), isErr: true})
	}
	if m.mark != t.earlier {
		return nil // a reload replaced what was held: its mark is newer
	}
	lines, offset := t.vp.TotalLineCount(), t.vp.YOffset()
	t.messages = append(slices.Clip(m.messages), t.messages...)
	t.earlier = m.earlier
	t.layout()
	if m.top {
		t.vp.GotoTop()
	} else {
		t.vp.SetYOffset(offset + t.vp.TotalLineCount() - lines)
	}
	return nil
}

// earlierNote is the line above the held messages while older ones are
// not read yet.
func (t *threadScreen) earlierNote() string {
	if t.earlier == "" {
		return ""
	}
	n := t.thread.Messages - len(t.messages)
	what := "earlier messages"
	if n > 0 {
		what = cases(n, "1 earlier message", "%d earlier messages")
	}
	return t.c.Styles.Muted.Render("↑ " + what + ": scroll up to read them" + keyHint(t.c.Keys.Thread.Top, " (%s: from the start)"))
}

// keepHeld merges a reload's newest messages (fresh, freshEarlier) with
// the ones held: messages that arrived push the oldest held ones out of
// the reload's window, but the user may be reading them, so they stay
// (and the held mark with them).
func keepHeld(held []store.Message, heldEarlier string, fresh []store.Message, freshEarlier string) ([]store.Message, string) {
	if freshEarlier == "" || len(fresh) == 0 || len(held) == 0 {
		return fresh, freshEarlier
	}
	i := slices.IndexFunc(held, func(m store.Message) bool { return m.ID == fresh[0].ID })
	if i <= 0 {
		return fresh, freshEarlier
	}
	return append(slices.Clip(held[:i]), fresh...), heldEarlier
}
