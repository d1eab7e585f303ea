package filter

import "strings"

// matcher is a query compiled against the index: names resolved to
// feed numbers, text to bitmaps.
type matcher struct {
	terms []compiled
	now   int64
	user  string
	queue bool
}

type compiled struct {
	Term
	feeds []bool   // Feed: by feed number
	hits  []uint64 // Text: bitmap by slot
	since int64    // Since: earliest activity
}

func (ix *Index) compile(q Query, env Env) matcher {
	m := matcher{now: nanos(env.Now), user: env.User,
		queue: env.Queue && !q.Wants(Done) && !q.Wants(Snoozed)}
	for _, t := range q.Terms {
		c := compiled{Term: t}
		switch t.Kind {
		case Feed:
			c.feeds = ix.feedSet(t.Value)
		case Text:
			c.hits = ix.words.phrase(t.Words, len(ix.entries))
		case Since:
			c.since = m.now - int64(t.Within)
		}
		m.terms = append(m.terms, c)
	}
	return m
}

// feedSet is the feeds a feed: value names: the one named exactly
// (case-insensitive), else every one whose name contains it.
func (ix *Index) feedSet(v string) []bool {
	set := make([]bool, len(ix.feeds))
	for i, name := range ix.feedLow {
		if name == v {
			set[i] = true
			return set
		}
	}
	for i, name := range ix.feedLow {
		set[i] = strings.Contains(name, v)
	}
	return set
}

func (m *matcher) match(e *entry, slot int32) bool {
	snoozed := e.snoozedUntil > m.now
	if m.queue && (!e.waiting || snoozed) {
		return false
	}
	for i := range m.terms {
		t := &m.terms[i]
		var ok bool
		switch t.Kind {
		case Text:
			ok = t.hits[slot/64]&(1<<(slot%64)) != 0
		case Stage:
			ok = e.stages&(1<<t.Stage) != 0
		case Feed:
			ok = t.feeds[e.feed]
		case From:
			ok = strings.Contains(e.names, t.Value)
		case Since:
			ok = e.lastActivity >= t.since
		case Is:
			switch t.Flag {
			case Unhappy:
				ok = e.unhappy
			case Waiting:
				ok = e.waiting && !snoozed
			case Snoozed:
				ok = snoozed
			case Done:
				ok = e.done
			case Assigned:
				ok = e.assignee != ""
			case Mine:
				ok = e.assignee != "" && e.assignee == m.user
			case Unread:
				ok = e.unread > 0
			}
		}
		if ok == t.Not {
			return false
		}
	}
	return true
}
