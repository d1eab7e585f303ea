// Package feeds turns configured sources into normalized, sanitized Items:
// it fetches (HTTP with conditional GET, timeouts and size caps, or a local
// file), parses (RSS, Atom, JSON Feed via gofeed), normalizes and schedules
// polls. It never touches the database: results flow to the store through
// the caller.
package feeds

import "time"

// Feed is one configured source.
type Feed struct {
	Name  string        // unique, shown in the UI; the store keys feed state by it
	URL   string        // http(s) URL, file:// URL or a local path
	Every time.Duration // poll interval
}

// Item is one message from any source, normalized. Every string field has
// already been through Sanitize: it is safe to render.
type Item struct {
	// ID is stable across polls: the source GUID, else a hash of
	// link + title + date so items sharing a link stay distinct.
	ID        string
	Feed      string // Feed.Name it came from
	Author    string
	Title     string
	Link      string
	Published time.Time // zero if the source gave none
	Text      string    // plain text; paragraphs separated by blank lines
	// InReplyTo is the ID of the item this one answers, when the source
	// says so explicitly (Atom thr:in-reply-to ref). Empty otherwise.
	InReplyTo string
}

// ConditionalState is what a feed remembers between polls for conditional GET.
type ConditionalState struct {
	ETag         string
	LastModified string
}

// Result is the outcome of one poll of one feed.
type Result struct {
	Feed        string
	Items       []Item
	NotModified bool // 304: Items is empty, state unchanged
	State       ConditionalState
	Err         error // nil on success; a clear, user-facing message otherwise
	Started     time.Time
	Duration    time.Duration
}
