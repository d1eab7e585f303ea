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
	feed, name := strings.ToLower(p.Feed), strings.ToLower(p.Name)
	for _, t := range q.Terms {
		var ok bool
		switch {
		case t.Kind == Feed:
			ok = strings.Contains(feed, t.Value)
		case t.Kind == From:
			ok = strings.Contains(name, t.Value)
		case t.Kind == Stage:
			ok = p.Stage == t.Stage
		case t.Kind == Is && t.Flag == Unhappy:
			ok = p.Unhappy
		case t.Kind == Since:
			ok = !p.LastSeen.Before(now.Add(-t.Within))
		default:
			continue
		}
		if ok == t.Not {
			return false
		}
	}
	return true
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
