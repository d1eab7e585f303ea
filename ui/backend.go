package ui

import (
	"context"
	"time"

	"parley/events"
	"parley/filter"
	"parley/funnel"
	"parley/store"
)

// Backend is everything the console reads and does, and the only way it
// reaches the data: the screens never hold a database, a poller or a
// source's client. Today engine.Session implements it over one bbolt file
// (the engine is the single writer); a server-backed implementation
// (several consoles on Postgres, LISTEN/NOTIFY as its change feed) can
// implement the same methods: what it reports beyond the answers (Events,
// Changes) is in package events, so it needs neither the engine nor bbolt. They take a context so such a backend can
// honour cancellation and deadlines; they return domain values, never a
// transaction or a cursor.
type Backend interface {
	// The queue and its threads.
	Queue(ctx context.Context, now time.Time) ([]store.Thread, error)
	QueueLen(ctx context.Context, now time.Time) (int, error)
	QueueWindow(ctx context.Context, now time.Time, at store.QueueAnchor, before, after int) (store.QueueWindow, error)
	// QueueBreached counts the queued threads waiting since cutoff or
	// longer (the SLA header), reading about limit entries at most.
	QueueBreached(ctx context.Context, cutoff time.Time, limit int) (store.Breached, error)
	Thread(ctx context.Context, id string) (store.Thread, error)
	Messages(ctx context.Context, threadID string) ([]store.Message, error)
	Replies(ctx context.Context, threadID string) ([]store.Reply, error)
	Outbox(ctx context.Context, threadID string) ([]store.OutboxEntry, error)
	StageHistory(ctx context.Context, threadID string) ([]store.StageMove, error)
	Draft(ctx context.Context, threadID string) (store.Draft, bool, error)
	// ThreadView reads a thread and everything its view shows in one
	// read, with only its newest lastN messages (the user's draft); the
	// older ones come on scroll from MessagesBefore(view.Earlier).
	ThreadView(ctx context.Context, threadID string, lastN int) (store.ThreadView, error)
	MessagesBefore(ctx context.Context, threadID, mark string, n int) ([]store.Message, string, error)

	// The funnel, contacts and feeds views.
	Funnel(ctx context.Context, now time.Time) (store.FunnelReport, error)
	// TeamCounts are each teammate's counts of audited actions (the
	// funnel view's "who moved what").
	TeamCounts(ctx context.Context) ([]store.TeamCount, error)
	// ConversationsInStage lists the people at a stage (one row per
	// person in a thread), most recently moved first, Title filled.
	ConversationsInStage(ctx context.Context, stage funnel.Stage) ([]store.Conversation, error)
	// StageWindow is a window of a stage's list, like QueueWindow.
	StageWindow(ctx context.Context, stage funnel.Stage, at store.StageAnchor, before, after int) (store.StageWindow, error)
	Contacts(ctx context.Context) ([]store.Contact, error)
	// ContactsWindow is a window of the contacts list (Contacts order)
	// read from an index kept in that order.
	ContactsWindow(ctx context.Context, at store.ContactAnchor, before, after int) (store.ContactsWindow, error)
	// ContactConversations lists one person's conversations across
	// threads and feeds, newest activity first, Title filled.
	ContactConversations(ctx context.Context, contactID string) ([]store.Conversation, error)
	FeedStates(ctx context.Context) ([]store.FeedState, error)
	// FilterWindow is a window of the threads matching q, in the queue's
	// order (the queue's threads unless q asks for is:done or
	// is:snoozed), answered from an index: no keystroke decodes every
	// thread. FeedCounts counts waiting threads and unread messages per
	// feed (view 4) from the same index.
	FilterWindow(ctx context.Context, q filter.Query, now time.Time, at store.QueueAnchor, before, after int) (store.QueueWindow, error)
	FeedCounts(ctx context.Context, now time.Time) (map[string]filter.FeedCount, error)
	// FilterThreads tells which of ids match q (every thread, not only
	// the queue's), for the lists that hold their rows already.
	FilterThreads(ctx context.Context, q filter.Query, now time.Time, ids []string) ([]bool, error)
	// FilterStageWindow and FilterContactsWindow are StageWindow and
	// ContactsWindow filtered by q, answered from the same index: the
	// count and one window, never the whole list.
	FilterStageWindow(ctx context.Context, q filter.Query, now time.Time, st funnel.Stage, at store.StageAnchor, before, after int) (store.StageWindow, error)
	FilterContactsWindow(ctx context.Context, q filter.Query, now time.Time, at store.ContactAnchor, before, after int) (store.ContactsWindow, error)

	// The people of a thread: one conversation each, first to write
	// first; and one person's stage moves, oldest first.
	Conversations(ctx context.Context, threadID string) ([]store.Conversation, error)
	ConversationHistory(ctx context.Context, threadID, contactID string) ([]store.StageMove, error)

	// What the user does to a thread.
	MarkRead(ctx context.Context, threadID string) error
	// MarkUnread shows the thread unread again (U), audited as this
	// console's user.
	MarkUnread(ctx context.Context, threadID string) error
	SaveDraft(ctx context.Context, threadID, text string, now time.Time) error
	SetDone(ctx context.Context, threadID string, done bool) error
	// Undo reverts this user's done or snooze (store.AuditDone,
	// store.AuditSnoozed) made at since or later, in one transaction with
	// the check that no teammate acted on the thread since (else a
	// *store.OverriddenError, and nothing changes).
	Undo(ctx context.Context, threadID, action string, since time.Time) error
	// Snooze hides a thread until then (zero: back now); the backend
	// wakes it at its time and says so with an Event (Woke).
	Snooze(ctx context.Context, threadID string, until time.Time) error
	// SetStage moves one person's conversation by hand (contactID "":
	// the thread's starter's).
	SetStage(ctx context.Context, threadID, contactID string, to funnel.Stage, at time.Time) (store.StageMove, error)
	// Assign assigns the thread to teammate to ("" unassigns it), as this
	// console's user.
	Assign(ctx context.Context, threadID, to string) error
	// SetPresence says what this console shows (threadID open, "" none;
	// drafting: its composer is open or holds text), for the other
	// consoles; Presence is every console's, this one's included. Both
	// are memory only; a change arrives on Changes as ChangePresence.
	SetPresence(ctx context.Context, threadID string, drafting bool) error
	Presence(ctx context.Context) []events.Presence
	// RecordReply records a reply sent by hand (copy + paste).
	RecordReply(ctx context.Context, r store.Reply) error
	// QueueReply puts a reply to a two-way source in the outbox and has
	// it sent; progress and outcome arrive as Events (Send). The backend,
	// not the screen, makes sure a reply is never posted twice.
	QueueReply(ctx context.Context, r store.Reply) (store.OutboxEntry, error)
	// TwoWay says whether replies to the feed are sent to its source
	// (rather than copied and recorded). A fact of the config: no I/O.
	TwoWay(feed string) bool

	// PollNow asks for every feed to be fetched now; false: there are no
	// feeds to fetch.
	PollNow(ctx context.Context) bool
	// Events reports background work in order: polls started and stored,
	// send attempts (and replies resumed on start), snoozes woken. Closed
	// when the backend stops.
	Events() <-chan events.Event
	// Changes subscribes to the change feed: every committed write, made
	// by this console, another parley command or (later) a teammate, so
	// the console shows it (live.go). It ends when ctx does or the backend
	// stops; nil: this backend has no change feed, and the console shows
	// only what it did itself.
	Changes(ctx context.Context) events.ChangeSource
}
