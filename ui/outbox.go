package ui

import (
	"context"
	"errors"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"parley/feeds"
	"parley/store"
)

// Sending replies to two-way sources. The store's outbox is the source of
// truth: ctrl+s queues (text safe on disk, draft gone), then deliver makes
// one attempt in a command and records its outcome. App schedules the
// next attempt of a failed send and, on start, every pending one, so a
// reply survives quitting, a crash and a dead network, and goes out once.

// sendTimeout bounds one attempt, Find included.
const sendTimeout = 45 * time.Second

// defaultRetryDelays is the wait before attempt n+1 after n failed ones
// (the last repeats); a server's Retry-After can only lengthen it.
var defaultRetryDelays = []time.Duration{2 * time.Second, 5 * time.Second, 15 * time.Second, 30 * time.Second,
	time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute}

func retryDelay(delays []time.Duration, attempts int) time.Duration {
	if len(delays) == 0 {
		delays = defaultRetryDelays
	}
	return delays[clampInt(attempts-1, 0, len(delays)-1)]
}

// replyQueuedMsg reports ctrl+s on a two-way thread: the reply is in the
// outbox (or err says why not, and the text is still in the composer).
type replyQueuedMsg struct {
	entry store.OutboxEntry
	err   error
}

func queueReply(st *store.Store, r store.Reply) tea.Cmd {
	return func() tea.Msg {
		e, err := st.QueueReply(r)
		return replyQueuedMsg{entry: e, err: err}
	}
}

// deliveredMsg reports the end of one attempt: entry is the outbox entry
// as recorded after it. err is set only when the store itself failed (the
// outcome could not be recorded) or the entry was not sendable.
type deliveredMsg struct {
	entry store.OutboxEntry
	err   error
}

// retryDueMsg says a failed reply's next attempt is due.
type retryDueMsg struct{ key, threadID string }

// pendingLoadedMsg lists the outbox entries to send on start.
type pendingLoadedMsg struct {
	entries []store.OutboxEntry
	err     error
}

func loadPending(st *store.Store) tea.Cmd {
	return func() tea.Msg {
		e, err := st.Pending()
		return pendingLoadedMsg{entries: e, err: err}
	}
}

// deliver makes one attempt at sending the outbox entry key through r.
// After an ambiguous failure (or a crash mid-send) it first looks for
// the post on the server, so a reply is never posted twice.
func deliver(st *store.Store, replier func(feed string) feeds.Replier, key string, delays []time.Duration, now func() time.Time) tea.Cmd {
	return func() tea.Msg {
		e, err := st.MarkSending(key, now())
		if err != nil {
			e.Key = key
			return deliveredMsg{entry: e, err: err}
		}
		r := replier(e.Feed)
		if r == nil {
			e, err = st.MarkFailed(key, store.Failure{Permanent: true,
				Err: fmt.Sprintf("feed %q is not a two-way source in the config any more", e.Feed)}, now())
			return deliveredMsg{entry: e, err: err}
		}
		ctx, cancel := context.WithTimeout(context.Background(), sendTimeout)
		defer cancel()
		out := feeds.Outgoing{Key: e.Key, Text: e.Text, Target: e.Target, Queued: e.Queued}
		if e.Ambiguous {
			p, found, ferr := r.Find(ctx, out)
			switch {
			case ferr != nil:
				// Still unknown whether it was posted: keep looking first.
				return recordFailure(st, e, ferr, true, delays, now)
			case found:
				e, err = st.MarkSent(key, p, now())
				return deliveredMsg{entry: e, err: err}
			}
		}
		p, serr := r.Reply(ctx, out)
		if serr != nil {
			return recordFailure(st, e, serr, false, delays, now)
		}
		e, err = st.MarkSent(key, p, now())
		return deliveredMsg{entry: e, err: err}
	}
}

// recordFailure stores a failed attempt with the time of the next one.
// stillAmbiguous keeps an unresolved "may have been posted" standing.
func recordFailure(st *store.Store, e store.OutboxEntry, err error, stillAmbiguous bool, delays []time.Duration, now func() time.Time) tea.Msg {
	f := store.Failure{Err: err.Error(), Ambiguous: stillAmbiguous}
	wait := retryDelay(delays, e.Attempts)
	if se, ok := errors.AsType[*feeds.SendError](err); ok {
		f.Permanent = se.Permanent && !stillAmbiguous
		f.Ambiguous = stillAmbiguous || se.Outcome == feeds.MaybePosted
		wait = max(wait, se.RetryAfter)
	} else {
		// Not classified: assume the worst about whether it was posted.
		f.Ambiguous = true
	}
	if !f.Permanent {
		f.NextTry = now().Add(wait)
	}
	e, serr := st.MarkFailed(e.Key, f, now())
	return deliveredMsg{entry: e, err: serr}
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

// startDelivery runs an attempt at e now, or schedules it for e.NextTry.
func (a *App) startDelivery(e store.OutboxEntry) tea.Cmd {
	if a.sending[e.Key] {
		return nil
	}
	if wait := e.NextTry.Sub(a.c.Now()); wait > 0 {
		due := retryDueMsg{key: e.Key, threadID: e.ThreadID}
		return tea.Tick(wait, func(time.Time) tea.Msg { return due })
	}
	a.sending[e.Key] = true
	if a.thread != nil && a.thread.thread.ID == e.ThreadID {
		a.thread.setOutboxState(e.Key, store.OutboxSending)
	}
	return deliver(a.c.Store, a.c.replier, e.Key, a.deps.RetryDelays, a.c.Now)
}

// handleOutbox handles the outbox's messages; ok is false for any other.
func (a *App) handleOutbox(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case pendingLoadedMsg:
		if msg.err != nil {
			a.setStatus("Could not read the outbox: "+msg.err.Error(), true)
			return nil, true
		}
		cmds := make([]tea.Cmd, 0, len(msg.entries))
		for _, e := range msg.entries {
			cmds = append(cmds, a.startDelivery(e))
		}
		if n := len(msg.entries); n > 0 {
			what := "1 reply"
			if n > 1 {
				what = fmt.Sprintf("%d replies", n)
			}
			a.setStatus("Sending "+what+" left in the outbox…", false)
		}
		return tea.Batch(cmds...), true
	case replyQueuedMsg:
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
		return a.startDelivery(msg.entry), true
	case retryDueMsg:
		// MarkSending refuses an entry sent or given up meanwhile.
		return a.startDelivery(store.OutboxEntry{Key: msg.key, ThreadID: msg.threadID}), true
	case deliveredMsg:
		delete(a.sending, msg.entry.Key)
		e := msg.entry
		var cmds []tea.Cmd
		switch {
		case errors.Is(msg.err, store.ErrOutboxDone):
			// Already sent (or given up) by an earlier attempt: nothing to do.
		case msg.err != nil:
			a.setStatus("Could not record the reply's progress (it stays in the outbox): "+msg.err.Error(), true)
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
			cmds = append(cmds, a.startDelivery(e))
		}
		if e.ThreadID != "" && a.thread != nil && a.thread.thread.ID == e.ThreadID {
			cmds = append(cmds, loadThreadContent(a.c.Store, e.ThreadID))
		}
		return tea.Batch(cmds...), true
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
	replies  []store.Reply
	outbox   []store.OutboxEntry
	err      error
}

func loadThreadContent(st *store.Store, id string) tea.Cmd {
	return func() tea.Msg {
		m := threadContentMsg{}
		var err error
		if m.thread, err = st.Thread(id); err != nil {
			return threadContentMsg{err: err}
		}
		if m.messages, err = st.Messages(id); err != nil {
			return threadContentMsg{err: err}
		}
		if m.replies, err = st.Replies(id); err != nil {
			return threadContentMsg{err: err}
		}
		if m.outbox, err = st.Outbox(id); err != nil {
			return threadContentMsg{err: err}
		}
		return m
	}
}
