package engine

import (
	"context"
	"slices"
	"sync"

	"parley/events"
)

// presenceTable is who is on which thread now, one entry per open
// console (a teammate with two consoles has two). It is memory only:
// presence is about screens, and a restart closes them all.
type presenceTable struct {
	mu sync.Mutex
	by map[*Session]events.Presence
}

// set records s's presence and says which threads it changed: the one
// left and the one entered (none when nothing changed). After leave, s
// is gone for good: a report still in flight from its console (the
// console's last command, run after the session ended) is dropped, so
// no closed console stays "viewing".
func (p *presenceTable) set(s *Session, now events.Presence, leave bool) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if s.presenceLeft {
		return nil
	}
	if leave {
		s.presenceLeft = true
		now = events.Presence{Who: s.user}
	}
	was, had := p.by[s]
	if now.ThreadID == "" {
		if !had {
			return nil
		}
		delete(p.by, s)
	} else {
		if had && was == now {
			return nil
		}
		if p.by == nil {
			p.by = map[*Session]events.Presence{}
		}
		p.by[s] = now
	}
	var threads []string
	if had && was.ThreadID != "" {
		threads = append(threads, was.ThreadID)
	}
	if now.ThreadID != "" && now.ThreadID != was.ThreadID {
		threads = append(threads, now.ThreadID)
	}
	return threads
}

// all copies the table, ordered by thread then teammate so a screen
// lists the same presence the same way every time.
func (p *presenceTable) all() []events.Presence {
	p.mu.Lock()
	out := make([]events.Presence, 0, len(p.by))
	for _, pr := range p.by {
		out = append(out, pr)
	}
	p.mu.Unlock()
	slices.SortFunc(out, func(a, b events.Presence) int {
		if a.ThreadID != b.ThreadID {
			if a.ThreadID < b.ThreadID {
				return -1
			}
			return 1
		}
		if a.Who < b.Who {
			return -1
		}
		if a.Who > b.Who {
			return 1
		}
		return 0
	})
	return out
}

// SetPresence says what this console shows: threadID open ("" none), and
// whether a reply is being drafted there. A change reaches every console
// through the change feed (store.ChangePresence).
func (s *Session) SetPresence(_ context.Context, threadID string, drafting bool) error {
	if threadID == "" {
		drafting = false
	}
	s.publishPresence(s.e.presence.set(s, events.Presence{Who: s.user, ThreadID: threadID, Drafting: drafting}, false))
	return nil
}

func (s *Session) publishPresence(threads []string) {
	if len(threads) > 0 {
		s.e.st.PublishPresence(s.user, threads...)
	}
}

// Presence is every open console's presence, this one's included (the
// console leaves out its own teammate).
func (s *Session) Presence(context.Context) []events.Presence { return s.e.presence.all() }

// Leave removes this console's presence for good: its session ended.
func (s *Session) Leave() { s.publishPresence(s.e.presence.set(s, events.Presence{}, true)) }
