package store

import (
	"time"

	"parley/feeds"
	"parley/funnel"
)

// Thread is one conversation: messages joined by the source's reply
// relations or by a shared post link (see feeds threading rules).
type Thread struct {
	ID    string // 16 hex chars, stable: hash of the thread key
	Feed  string // feed of the first message seen
	Title string // title of the first message, or its first line
	// Author is the first author who is not us.
	Author string
	// Preview is the first line of their latest message (for queue rows).
	Preview string
	// Link is the link of their latest message: where a reply belongs.
	Link       string
	Created    time.Time // time of the earliest message
	LastTheirs time.Time // newest message from them
	LastOurs   time.Time // newest message or recorded reply from us
	// WaitingSince is the time of their oldest message after our last
	// reply: how long they have been waiting. Zero when not waiting.
	WaitingSince time.Time
	Messages     int // messages stored (theirs and ours from the feed)
	Unread       int // their messages that arrived since we last opened it
	Done         bool
	SnoozedUntil time.Time // zero: not snoozed

	// The funnel (see package funnel and funnel_api.go).
	Stage   funnel.Stage
	StageAt time.Time // when Stage last changed (zero: never moved)
	Unhappy bool      // their latest message is negative (Mood <= funnel.UnhappyAt)
	Intent  bool      // Stage is intent: a buying signal not yet converted
	Mood    float64   // VADER compound score of their latest message
	WonBack bool      // went from unhappy to positive after our reply
	// Conversions attributed to the thread by imported conversions.
	Conversions int
	Contact     string // contact ID of Author (see Contact)
}

// NeedsAttention reports whether the thread belongs in the queue at now.
func (t Thread) NeedsAttention(now time.Time) bool {
	return t.LastTheirs.After(t.LastOurs) && !t.Done && !t.SnoozedUntil.After(now)
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
