package ui

// The stale-reply guard, console side: a send carries when this console
// last read the thread's replies (Reply.Seen); the store refuses it when
// a teammate answered the same person since (store.ErrStaleReply). The
// composer then shows that reply and a second ctrl+s on the same text
// sends anyway (Reply.Force); any edit asks again.

import (
	"errors"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"parley/store"
)

// repliesSeenAt is what a read of the thread's replies at readAt has
// shown: everything stored before readAt, and every reply it holds even
// if its author's clock runs ahead.
func repliesSeenAt(readAt time.Time, replies []store.Reply, outbox []store.OutboxEntry) time.Time {
	seen := readAt
	for _, r := range replies {
		if r.At.After(seen) {
			seen = r.At
		}
	}
	for _, o := range outbox {
		if o.Queued.After(seen) {
			seen = o.Queued
		}
	}
	return seen
}

// insisting reports whether this ctrl+s is the second one over the same
// text after a stale-reply refusal.
func (t *threadScreen) insisting() bool {
	return t.stale != nil && t.input.Rev() == t.staleRev
}

// staleRefused keeps the text (it is still in the composer; the autosave
// the send suspended writes it) and shows the teammate's reply.
func (t *threadScreen) staleRefused(r store.Reply) tea.Cmd {
	wasShown := t.stale != nil
	t.stale, t.staleRev = &r, t.input.Rev()
	t.composing = true
	t.input.Focus()
	if !wasShown {
		t.layout() // the warning line takes a row from the conversation
	}
	return t.saveIfChanged()
}

// staleLine is the composer's warning: who answered, when, what they
// said, and what ctrl+s does now. Empty without a refusal.
func (t *threadScreen) staleLine() string {
	if t.stale == nil || !t.showComposer() {
		return ""
	}
	s := t.c.Styles
	who := t.stale.Who
	if who == "" {
		who = "A teammate"
	}
	what := strings.Join(strings.Fields(termText(t.stale.Text)), " ")
	head := fmt.Sprintf(" %s replied %s ago: ", termText(who), age(t.c.Now(), t.stale.At))
	send := t.c.Keys.Compose.Send
	hint := keyHint(send, " · %s again to send anyway")
	if !t.insisting() {
		hint = " · edited" + keyHint(send, ": %s checks again")
	}
	room := max(1, t.width-lipgloss.Width(head)-lipgloss.Width(hint))
	return s.Error.Render(cutCells(head+cutCells(what, room)+hint, max(1, t.width)))
}

// staleRefused handles a send the store refused as stale; ok is false
// for any other outcome.
func (a *App) staleRefused(err error) (tea.Cmd, bool) {
	var p *store.ErrStaleReply
	if !errors.As(err, &p) {
		return nil, false
	}
	who := p.Reply.Who
	if who == "" {
		who = "A teammate"
	}
	a.setStatus(fmt.Sprintf("Reply NOT sent: %s answered this person since you opened the thread (shown above your reply).%s",
		termText(who), keyHint(a.c.Keys.Compose.Send, " %s again sends anyway.")), true)
	if a.thread == nil || a.thread.thread.ID != p.Reply.ThreadID {
		return nil, true
	}
	return a.thread.staleRefused(p.Reply), true
}

// markSender names who sent our reply when it is not this console's
// user: "Us … · sent by Bob". A console alone (no teammate recorded)
// looks as it always did.
func (t *threadScreen) markSender(e *entry, who string) {
	if who == "" || who == t.c.user {
		return
	}
	e.author, e.byOther = "Us", who
}
