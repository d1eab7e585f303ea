package store

import (
	"errors"
	"time"

	"parley/feeds"
)

// The outbox: a reply to a two-way source is written here before any
// network traffic, so quitting, a crash or a failed send never loses it,
// and its idempotency key (Key) is fixed before the first attempt.
//
//	queued --MarkSending--> sending --MarkSent--> sent (also in replies)
//	                          |  \--MarkFailed(retry)--> failed --MarkSending--> ...
//	                          \--MarkFailed(permanent)--> failed for good (text back in the draft)
//
// An entry found in state sending when the store opens was cut off mid
// send: its post may exist, so Pending reports it Ambiguous.

// OutboxState is where a reply is on its way out.
type OutboxState uint8

const (
	OutboxQueued  OutboxState = iota + 1 // written, not yet tried
	OutboxSending                        // an attempt is under way
	OutboxSent                           // posted; recorded in the reply history
	OutboxFailed                         // the last attempt failed (see Permanent)
)

func (s OutboxState) String() string {
	switch s {
	case OutboxQueued:
		return "queued"
	case OutboxSending:
		return "sending"
	case OutboxSent:
		return "sent"
	case OutboxFailed:
		return "failed"
	}
	return "unknown"
}

// OutboxEntry is one reply on its way to a two-way source.
type OutboxEntry struct {
	// Key is the idempotency key: 32 random hex chars, the same on every
	// attempt (Mastodon's Idempotency-Key header).
	Key      string
	ThreadID string
	Feed     string // the feed (source) to post through
	Text     string
	Via      string // as Reply.Via
	Who      string
	Target   feeds.Target // the message answered (copied at queue time)
	State    OutboxState
	Attempts int // attempts begun (MarkSending calls)
	// LastError says why the last attempt failed; empty otherwise.
	LastError string
	// Permanent: failed for good (the server refused the request); the
	// text was put back into the thread's draft. Pending skips it.
	Permanent bool
	// Ambiguous: the last attempt may have posted (timeout, cut
	// connection, 5xx, or a crash while sending): look remotely (Find)
	// before trying again.
	Ambiguous bool
	NextTry   time.Time // earliest time of the next attempt (zero: now)
	Queued    time.Time
	Updated   time.Time
	RemoteID  string // feeds.Posted.ItemID, once sent (or seen fetched back)
	URL       string // link to the post, once sent
}

// Failure is how an attempt failed, for MarkFailed.
type Failure struct {
	Err       string
	Permanent bool
	Ambiguous bool
	NextTry   time.Time
}

var (
	// ErrNoTarget: the thread has no message of theirs from a two-way
	// source to answer.
	ErrNoTarget = errors.New("nothing in this thread can be answered through its source")
	// ErrOutboxDone: the entry is already sent or failed for good; the
	// caller must not send it.
	ErrOutboxDone = errors.New("reply already sent or given up")
	// ErrNoEntry: no outbox entry has that key.
	ErrNoEntry = errors.New("no such outbox entry")
)

// QueueReply writes r (ThreadID, Text, Via, Who; At is the queue time,
// zero means now) to the outbox as queued, answering the newest message
// of theirs that has a Target, and deletes the thread's draft in the same
// transaction: from here on the outbox holds the text.
func (s *Store) QueueReply(r Reply) (OutboxEntry, error) {
	return OutboxEntry{}, errors.New("outbox: not built yet")
}

// MarkSending records the start of an attempt (Attempts+1, state sending)
// and returns the entry. It returns ErrOutboxDone for a sent or given-up
// entry, so two senders never post one reply twice.
func (s *Store) MarkSending(key string, now time.Time) (OutboxEntry, error) {
	return OutboxEntry{}, errors.New("outbox: not built yet")
}

// MarkSent records where the reply landed: state sent, and in the same
// transaction the reply goes into the thread's reply history (as
// RecordReply: LastOurs, queue, funnel). Calling it again for a sent entry
// changes nothing.
func (s *Store) MarkSent(key string, p feeds.Posted, now time.Time) (OutboxEntry, error) {
	return OutboxEntry{}, errors.New("outbox: not built yet")
}

// MarkFailed records a failed attempt. A permanent failure gives up: the
// text goes back into the thread's draft (before any draft text written
// since), so the user can edit and send again; nothing is lost.
func (s *Store) MarkFailed(key string, f Failure, now time.Time) (OutboxEntry, error) {
	return OutboxEntry{}, errors.New("outbox: not built yet")
}

// Outbox returns a thread's entries that are not sent (queued, sending,
// failed, including given up), oldest first.
func (s *Store) Outbox(threadID string) ([]OutboxEntry, error) {
	return nil, errors.New("outbox: not built yet")
}

// Pending returns every entry still to send (not sent, not given up),
// oldest first. An entry left in state sending (a crash mid-send) comes
// back Ambiguous.
func (s *Store) Pending() ([]OutboxEntry, error) {
	return nil, errors.New("outbox: not built yet")
}
