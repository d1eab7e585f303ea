// Package events is what a backend tells a console besides the answers to
// its reads: the background work it does (Event) and the change feed
// (ChangeSource). It is its own package so that the console (ui.Backend)
// depends on these types, not on the engine that produces them today: a
// second backend (several consoles on Postgres, LISTEN/NOTIFY as its
// change feed) implements ui.Backend with them without importing the
// engine or bbolt.
package events

import (
	"context"

	"parley/feeds"
	"parley/store"
)

// Event is one thing a backend reports from its background work.
// Exactly one field is set.
type Event struct {
	// Poll: a background fetch started, or finished and its result was
	// stored (or could not be).
	Poll *PollEvent
	// Send: an attempt at an outbox entry started or ended.
	Send *SendEvent
	// Woke counts snoozed threads that the snooze clock put back.
	Woke int
	// Resumed counts the replies left in the outbox (a quit, a crash)
	// that the backend is sending again.
	Resumed int
}

// PollEvent is a poller event; with a Result, the result has been through
// the writer: Stored says what it stored, StoreErr why it could not.
type PollEvent struct {
	feeds.Event
	Stored   store.IngestResult
	StoreErr error
}

// SendEvent reports an attempt at an outbox entry. Started: the attempt
// begins (Entry has only Key and ThreadID). Otherwise Entry is the entry
// as recorded after it; Err is set only when the store could not record
// the outcome or the entry was not sendable (store.ErrOutboxDone).
type SendEvent struct {
	Entry   store.OutboxEntry
	Started bool
	Err     error
}

// ChangeSource is one console's subscription to the change feed: every
// committed write, by this console, another parley command or (later) a
// teammate. A *store.Subscription is one; a Postgres backend would read
// LISTEN/NOTIFY. Next waits for the next change (store.ErrClosed once the
// feed is closed); Close stops delivery.
type ChangeSource interface {
	Next(ctx context.Context) (store.Change, error)
	Close()
}
