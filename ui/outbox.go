package ui

import (
	"errors"
	"time"

	tea "charm.land/bubbletea/v2"

	"parley/events"
	"parley/feeds"
	"parley/store"
)

// Sending replies to two-way sources. ctrl+s asks the backend to queue
// the reply (text safe on disk, draft gone); the backend sends it, retries
// it and makes sure it is posted once, and reports each attempt as an
// event, which handleSend shows.

// replyQueuedMsg reports ctrl+s on a two-way thread: the reply is in the
// outbox (or err says why not, and the text is still in the composer).
type replyQueuedMsg struct {
	entry store.OutboxEntry
	err   error
}

func queueReply(b Backend, r store.Reply) tea.Cmd {
	return func() tea.Msg {
		e, err := b.QueueReply(bg, r)
		return replyQueuedMsg{entry: e, err: err}
	}
}

// outboxStatus words an entry's state for the thread view and the
// status line.
func outboxStatus(e store.OutboxEntry, now time.Time) string {
	switch e.State {
	case store.OutboxQueued:
		return "queued"
	case store.OutboxSending:
		return "sending…"
	case store.OutboxSent:
		return "sent"
	case store.OutboxFailed:
		if e.Permanent {
			return "not sent: " + e.LastError + " · the text is back in your draft"
		}
		s := "failed: " + e.LastError
		if !e.NextTry.IsZero() {
			s += " · retrying " + until(now, e.NextTry)
		}
		return s
	}
	return e.State.String()
}

// handleOutbox handles the outbox's messages; ok is false for any other.
func (a *App) handleOutbox(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case replyQueuedMsg:
		if cmd, ok := a.staleRefused(msg.err); ok {
			return cmd, true
		}
		if msg.err != nil {
			a.setStatus("Reply NOT sent (your text is still in the composer): "+msg.err.Error(), true)
			return nil, true
		}
		if a.thread != nil && a.thread.thread.ID == msg.entry.ThreadID {
			a.thread.queued(msg.entry)
		}
		delete(a.queue.drafts, msg.entry.ThreadID)
		delete(a.c.unsaved, msg.entry.ThreadID) // the outbox holds the text now
		a.setStatus("Sending your reply to "+feeds.KindLabel(a.c.feedKinds[msg.entry.Feed])+"…", false)
		return nil, true
	case threadContentMsg:
		if a.thread != nil && a.thread.thread.ID == msg.thread.ID && msg.err == nil {
			a.thread.setContent(msg)
		}
		return nil, true
	}
	return nil, false
}

// threadContentMsg refreshes an open thread's messages, replies and
// outbox (a poll brought messages, a send finished) without touching its
// composer.
type threadContentMsg struct {
	thread   store.Thread
	messages []store.Message
	earlier  string // as threadLoadedMsg's
	replies  []store.Reply
	outbox   []store.OutboxEntry
	convs    []store.Conversation
	// readAt: as threadLoadedMsg's.
	readAt time.Time
	err    error
}

// loadThreadContent reads them in one read, the newest lastN messages
// (as many as the screen holds, threadScreen.contentCmd).
func loadThreadContent(b Backend, id string, now func() time.Time, lastN int) tea.Cmd {
	return func() tea.Msg {
		m := threadContentMsg{readAt: now()}
		v, err := b.ThreadView(bg, id, lastN)
		if err != nil {
			return threadContentMsg{err: err}
		}
		m.thread, m.messages, m.earlier, m.replies, m.outbox, m.convs = v.Thread, v.Messages, v.Earlier, v.Replies, v.Outbox, v.Conversations
		return m
	}
}

// handleSend shows an attempt at an outbox entry: its start on the open
// thread, its outcome in the status line and the thread.
func (a *App) handleSend(ev *events.SendEvent) tea.Cmd {
	e := ev.Entry
	if ev.Started {
		if a.thread != nil && a.thread.thread.ID == e.ThreadID {
			a.thread.setOutboxState(e.Key, store.OutboxSending)
			// The attempt may start before ctrl+s's answer arrives: the
			// stored outbox shows it either way.
			return a.thread.contentCmd()
		}
		return nil
	}
	var cmds []tea.Cmd
	switch {
	case errors.Is(ev.Err, store.ErrOutboxDone):
		// Already sent (or given up) by an earlier attempt: nothing to do.
	case ev.Err != nil:
		a.setStatus("Could not record the reply's progress (it stays in the outbox): "+ev.Err.Error(), true)
	case e.State == store.OutboxSent:
		where := ""
		if e.URL != "" {
			where = ": " + e.URL
		}
		a.setStatus("Reply sent to "+feeds.KindLabel(a.c.feedKinds[e.Feed])+where, false)
		cmds = append(cmds, a.reloadQueue())
	case e.Permanent:
		a.setStatus("Reply NOT sent: "+e.LastError+". The text is back in the thread's draft.", true)
		if a.thread != nil && a.thread.thread.ID == e.ThreadID {
			cmds = append(cmds, a.thread.restoreRefused(e.Text))
		}
	default:
		a.setStatus("Reply not sent yet: "+e.LastError+" · retrying "+until(a.c.Now(), e.NextTry), true)
	}
	if e.ThreadID != "" && a.thread != nil && a.thread.thread.ID == e.ThreadID {
		cmds = append(cmds, a.thread.contentCmd())
	}
	return tea.Batch(cmds...)
}
