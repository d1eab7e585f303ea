package store

import (
	"time"

	"parley/feeds"
	"parley/funnel"
)

// Thread is where people talk: messages joined by the source's reply
// relations or by a shared post link (see feeds threading rules). Each
// person in it has a Conversation; the thread rolls them up.
type Thread struct {
	ID    string // 16 hex chars, stable: hash of the thread key
	Feed  string // feed of the first message seen
	Title string // title of the first message, or its first line
	// Author is the first author who is not us: the thread's starter.
	Author string
	// Preview is the first line of the Author's newest message, so the
	// two never pair one person's name with another's words. A queue row
	// shows the Waiter's instead.
	Preview string
	// Link is the link of the Author's newest message.
	Link       string
	Created    time.Time // time of the earliest message
	LastTheirs time.Time // newest message from them
	LastOurs   time.Time // newest message or recorded reply from us
	// WaitingSince is the Waiter's: the time of their oldest message
	// after our last reply to them. Zero when nobody waits.
	WaitingSince time.Time
	Messages     int // messages stored (theirs and ours from the feed)
	Unread       int // their messages that arrived since we last opened it
	Done         bool
	SnoozedUntil time.Time // zero: not snoozed

	// The funnel, rolled up over the thread's conversations (each
	// person's stage is in their Conversation).
	Stage   funnel.Stage // the furthest of its conversations
	StageAt time.Time    // that conversation's StageAt (zero: never moved)
	Unhappy bool         // some conversation is unhappy
	Intent  bool         // some conversation is at intent
	Mood    float64      // the Waiter's mood; when nobody waits, the newest speaker's
	WonBack bool         // some conversation was won back
	// Conversions attributed to its conversations by imported conversions.
	Conversions int
	Contact     string // contact ID of Author (see Contact)

	// Waiter is the person the queue row is about: the most urgent
	// waiting conversation (unhappy first, then intent, then longest
	// waiting). Zero when nobody waits.
	Waiter Waiter
	// WaitingPeople counts the conversations waiting, the Waiter's
	// included: a row reads "+N waiting" with N = WaitingPeople-1.
	WaitingPeople int
}

// Waiter is the person a queue row is about, with their own words: a
// row never shows one person's name beside another's message.
type Waiter struct {
	Contact string // contact ID
	Name    string
	Preview string // first line of their newest message
	Link    string // link of their newest message: where a reply belongs
	Stage   funnel.Stage
	Mood    float64
	Unhappy bool
	Intent  bool
}

// NeedsAttention reports whether the thread belongs in the queue at now:
// somebody in it wrote after our last reply to them.
func (t Thread) NeedsAttention(now time.Time) bool {
	return t.WaitingPeople > 0 && !t.Done && !t.SnoozedUntil.After(now)
}

// Message is one stored message of a thread.
type Message struct {
	ID        string
	ThreadID  string
	Feed      string
	Author    string
	Title     string
	Link      string
	Published time.Time // source time; if the source gave none, the time first seen
	Text      string
	Ours      bool // written by us (author matches "ours", or the source says so)
	InReplyTo string
	// Target is how to answer this message on a two-way source (zero for
	// read-only ones).
	Target feeds.Target
	// ReplyKey is set when this message is a reply parley posted, fetched
	// back from the source: it is the Key of that Reply in the thread's
	// reply history, which already counts it (the thread view can show
	// the two as one).
	ReplyKey string
	// Contact is whose conversation the message is in: the author's
	// contact ID for theirs; for ours, the person it answers (see
	// "Our replies fetched back" in the package doc), or "" for one
	// addressed to nobody (written before anyone else spoke).
	Contact string
}

// Reply is a reply we recorded (sent or copied) from parley.
type Reply struct {
	ThreadID string
	Text     string
	At       time.Time
	Via      string // "clipboard" for read-only sources, else the source ("Mastodon")
	// Who sent it (the login name; in team mode, the teammate).
	Who string
	// For a reply posted by parley: the outbox key it went out under, the
	// feeds.Posted.ItemID of the post and a link to it.
	Key      string
	RemoteID string
	URL      string
	// To is the contact ID of the person answered. RecordReply and
	// QueueReply fill an empty To with the thread's Waiter, else its
	// starter; the stored record always names one (when the thread has
	// anyone).
	To string
	// InReplyTo is the ID of the message answered, when known: QueueReply
	// answers it (if it is To's and has a Target), and the record keeps it.
	InReplyTo string
}

// Draft is the unsent text of a reply to a thread.
type Draft struct {
	ThreadID string
	Text     string
	Updated  time.Time
}

// FeedState is what the store keeps about each feed between runs.
type FeedState struct {
	Name         string
	URL          string
	ETag         string
	LastModified string
	LastFetch    time.Time // last attempt
	LastSuccess  time.Time
	LastError    string // empty when the last attempt succeeded
	Items        int    // messages stored from this feed
	LastNew      int    // new items in the last successful fetch
}

// IngestResult says what one Ingest call changed.
type IngestResult struct {
	New       int      // messages stored for the first time
	Threads   []string // IDs of threads that got new messages
	Duplicate int      // items already stored (re-poll or same GUID elsewhere)
}
