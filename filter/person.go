package filter

import (
	"fmt"
	"strings"
	"time"

	"parley/funnel"
)

// PersonFacts is the facts of one person a list row is about (a contact, or
// one conversation), for the terms that are about a person.
type PersonFacts struct {
	Feed, Name string
	Stage      funnel.Stage
	Unhappy    bool
	LastSeen   time.Time
}

// MatchPerson tests the terms about a person: feed:, from:, stage:,
// is:unhappy and since:. Other terms are about threads and pass here (a
// conversation row's thread is tested in the index; see PersonTerms).
// feed: here is a plain "contains": a person knows only their own feed.
func (q Query) MatchPerson(p PersonFacts, now time.Time) bool {
	// The index's matcher without an index: feed: and from: compare
	// lower-cased text, since: an instant (the same rules as its rows').
	m := matcher{now: nanos(now)}
	for _, t := range q.Terms {
		m.terms = append(m.terms, compiled{Term: t, since: m.now - int64(t.Within)})
	}
	return m.matchPerson(strings.ToLower(p.Name), strings.ToLower(p.Feed), uint8(p.Stage), p.Unhappy, nanos(p.LastSeen))
}

// PersonTerms says which terms a list of people (the contacts) cannot
// test: those about threads.
func (q Query) PersonTerms() error {
	for _, t := range q.Terms {
		switch {
		case t.Kind == Text, t.Kind == Is && t.Flag != Unhappy:
			return fmt.Errorf("contacts are people: only feed:, from:, stage:, is:unhappy and since: apply here (enter on a contact, then / to filter their threads)")
		}
	}
	return nil
}

// Test tells, for each of ids, whether its thread matches q (an ID not
// indexed does not). It costs one lookup per ID: for the lists that hold
// their rows already (a stage's people, a contact's conversations).
func (ix *Index) Test(q Query, env Env, ids []string) []bool {
	ix.mu.Lock()
	ix.words.prepare()
	ix.mu.Unlock()
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	m := ix.compile(q, env)
	out := make([]bool, len(ids))
	for i, id := range ids {
		if s, ok := ix.slot[id]; ok {
			out[i] = m.match(&ix.entries[s], s)
		}
	}
	return out
}
