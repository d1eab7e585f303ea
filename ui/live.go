package ui

// The console listens: every write to the database, by this console, a
// `parley fetch` through the engine or (later) a teammate, comes back as
// a store.Change, and what is on screen is read again. Changes are
// collected and refreshed at most once per liveInterval, so a cold fetch
// of hundreds of feeds costs a few reads, not one per change. Refreshes
// reuse the reloads the console already had (the queue window, the views,
// the open thread's content), which keep the cursor on its thread, the
// scroll position and the composer as they were.

import (
	"context"
	"errors"
	"log/slog"
	"time"

	tea "charm.land/bubbletea/v2"

	"parley/events"
	"parley/store"
)

// ChangeSource is the change feed the console listens to (see
// Backend.Changes).
type ChangeSource = events.ChangeSource

// liveInterval is the coalescing window: at most one refresh per
// interval while changes arrive (about 10 a second), and a change shows
// well within a second.
const liveInterval = 100 * time.Millisecond

// maxPendingThreads bounds the thread IDs collected for one refresh;
// past it the refresh reloads everything, which is cheaper than matching.
const maxPendingThreads = 1024

// changeMsg is one change from the feed (or the error that ended it).
type changeMsg struct {
	change store.Change
	err    error
}

// liveTickMsg ends a coalescing window: refresh what changed in it.
type liveTickMsg struct{}

// liveState is what changed since the last refresh.
type liveState struct {
	// src is the backend's change feed, once subscribed (listen); it
	// ends with the backend.
	src        ChangeSource
	subscribed bool
	// armed: a liveTickMsg is on its way.
	armed bool
	// all: a Resync or a change to too many threads to list: reload
	// everything shown.
	all bool
	// kinds is the union of the kinds seen (bit 1<<kind); threads, the
	// kinds seen per thread.
	kinds   uint32
	threads map[string]uint32
	// refreshes counts the refreshes that read something (tests).
	refreshes int
	// presence: a teammate's presence changed (presence.go).
	presence bool
}

func kindBit(k store.ChangeKind) uint32 { return 1 << k }

// quietKinds change what a row shows (the draft mark, the unread count)
// but neither add threads to a list nor move them, and nothing of what
// the thread pane shows: the composer is the console's own.
var quietKinds = kindBit(store.ChangeDraft) | kindBit(store.ChangeRead)

// listen waits for the next change; nil without a change feed. The
// first call subscribes (App.Init, before the first read), so nothing
// written after the console started is missed.
func (a *App) listen() tea.Cmd {
	if !a.live.subscribed {
		a.live.subscribed = true
		if a.c.B != nil {
			a.live.src = a.c.B.Changes(context.Background())
		}
	}
	src := a.live.src
	if src == nil {
		return nil
	}
	return func() tea.Msg {
		c, err := src.Next(context.Background())
		return changeMsg{change: c, err: err}
	}
}

// handleLive handles the change feed's messages; ok is false for any other.
func (a *App) handleLive(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case changeMsg:
		if msg.err != nil {
			// The store is closing (quit): nothing more to show.
			if !errors.Is(msg.err, store.ErrClosed) {
				slog.Warn("change feed ended: the console no longer updates by itself", "err", msg.err)
			}
			return nil, true
		}
		a.collect(msg.change)
		a.noteIngest(msg.change)
		var tick tea.Cmd
		if !a.live.armed {
			a.live.armed = true
			tick = tea.Tick(liveInterval, func(time.Time) tea.Msg { return liveTickMsg{} })
		}
		return tea.Batch(a.listen(), tick), true
	case liveTickMsg:
		a.live.armed = false
		return tea.Batch(a.liveRefresh(), a.checkArrivals()), true
	}
	return nil, false
}

// collect adds a change to the pending refresh.
func (a *App) collect(c store.Change) {
	l := &a.live
	if c.Kind == store.ChangePresence {
		// Memory only, no list moves: read the table again, and only
		// for another console's user (this one's is not shown).
		l.presence = l.presence || c.Who != a.c.user
		return
	}
	if c.Resync || c.AllThreads || c.Kind == store.ChangeResync {
		l.all = true
		return
	}
	bit := kindBit(c.Kind)
	l.kinds |= bit
	if l.threads == nil {
		l.threads = map[string]uint32{}
	}
	for _, id := range c.Threads {
		l.threads[id] |= bit
	}
	if len(l.threads) > maxPendingThreads {
		l.all = true
	}
}

// liveRefresh reads again what the pending changes may have changed on
// screen, and forgets them. What is not on screen is read when it is
// shown (enterView, closeThread), so it is left alone here.
func (a *App) liveRefresh() tea.Cmd {
	l := &a.live
	all, kinds, threads := l.all, l.kinds, l.threads
	l.all, l.kinds, l.threads = false, 0, nil

	var cmds []tea.Cmd
	if l.presence || all {
		l.presence = false
		cmds = append(cmds, loadPresence(a.c.B))
	}
	loud := all || kinds&^quietKinds != 0
	onList := !a.threadShown()
	// A Resync reloads the queue even under a thread: the drafts and
	// unread marks it keeps are then fresh too.
	if all || (onList && a.view == viewQueue && (loud || a.windowTouched(threads))) {
		cmds = append(cmds, a.reloadQueue())
	}
	if onList || all {
		switch a.view {
		case viewFunnel, viewContacts:
			if loud {
				cmds = append(cmds, a.refreshView())
			}
		case viewFeeds:
			if all || kinds&kindBit(store.ChangeIngest) != 0 {
				cmds = append(cmds, loadFeedStates(a.c.B))
			}
		}
	}
	if a.thread != nil {
		// The open thread, shown or kept under another view: its
		// messages, replies and outbox; after a stage move its history.
		// The composer is not read: it is this console's.
		id := a.thread.thread.ID
		k := threads[id]
		if all || k&^quietKinds != 0 {
			cmds = append(cmds, a.thread.contentCmd())
		}
		if all || k&kindBit(store.ChangeStage) != 0 {
			cmds = append(cmds, loadThreadInfo(a.c.B, id))
		}
	}
	if len(cmds) == 0 {
		return nil
	}
	l.refreshes++
	return tea.Batch(cmds...)
}

// windowTouched reports whether a change touched a thread of the queue's
// window (its draft mark or unread count may have changed).
func (a *App) windowTouched(threads map[string]uint32) bool {
	if len(threads) == 0 {
		return false
	}
	for _, t := range a.queue.threads {
		if threads[t.ID] != 0 {
			return true
		}
	}
	return false
}
