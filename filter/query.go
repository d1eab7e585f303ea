// Package filter is the console's filter language and the in-memory index
// that answers it without decoding threads per keystroke.
//
// A query is terms joined by AND; a leading "-" negates a term:
//
//	stage:intent is:waiting -feed:hn from:alice since:7d refund "team plan"
//
// Terms: stage:NAME (a person in the thread is at that stage),
// is:unhappy|waiting|snoozed|done|assigned|mine|unread, feed:NAME and
// from:NAME (case-insensitive; a feed named exactly wins over ones that
// contain it), since:N(h|d|w) (activity within), and free text over the
// titles and messages: a word matches the words it begins ("refund"
// finds "refunds"; one letter matches only itself), and a quoted phrase
// matches a thread holding all its words (their order is not checked: the
// index keeps words, not positions). Values with spaces are quoted:
// feed:"Blog comments". is:unreplied is is:waiting.
package filter

import (
	"strings"
	"time"

	"parley/funnel"
)

// Kind is what a term tests.
type Kind int

const (
	Text  Kind = iota // free text: Words in a row (one word: a prefix)
	Stage             // Stage
	Is                // Flag
	Feed              // Value
	From              // Value
	Since             // Within
)

// Flag is an is: term.
type Flag int

const (
	Unhappy Flag = iota
	Waiting
	Snoozed
	Done
	Assigned
	Mine
	Unread
)

var flagNames = []string{"unhappy", "waiting", "snoozed", "done", "assigned", "mine", "unread"}

func (f Flag) String() string { return flagNames[f] }

// Term is one condition of a query.
type Term struct {
	Kind   Kind
	Not    bool
	Stage  funnel.Stage
	Flag   Flag
	Value  string        // feed: and from:, lower-cased
	Words  []string      // Text: lower-cased words, in order
	Within time.Duration // Since
}

// Query is every term of a filter: a thread matches when all do.
type Query struct {
	Terms []Term
	// Source is the text it was parsed from, as typed (trimmed).
	Source string
}

// Empty reports whether the query matches everything.
func (q Query) Empty() bool { return len(q.Terms) == 0 }

// Wants reports whether a term asks for the flag (not negated): is:done
// and is:snoozed widen the queue to threads that are not in it.
func (q Query) Wants(f Flag) bool {
	for _, t := range q.Terms {
		if t.Kind == Is && t.Flag == f && !t.Not {
			return true
		}
	}
	return false
}

// Error is a mistake in a query, explained for the filter line.
type Error struct {
	Pos int    // byte offset of the term in the query
	Msg string // "unknown term stage:foo — stages are new, engaged, …"
}

func (e *Error) Error() string { return e.Msg }

// stageList is for error messages.
func stageList() string {
	names := make([]string, len(funnel.Stages))
	for i, s := range funnel.Stages {
		names[i] = s.String()
	}
	return strings.Join(names, ", ")
}
