package engine

import (
	"context"
	"errors"
	"sync"
	"time"

	"parley/filter"
	"parley/store"
)

// filterIndex is the engine's one filter index, shared by every session:
// built from the store on first use, then kept up to date from the change
// feed. The changes are read when a query comes (drained, not waited
// for), so a query always sees every write that committed before it.
type filterIndex struct {
	mu  sync.Mutex
	ix  *filter.Index
	sub *store.Subscription
	// tending: a goroutine drains the changes now and then (tend), so a
	// day of polling between two uses of / does not overflow the
	// subscription and cost a rebuild.
	tending bool
}

// filterTendEvery is how often the index takes in the changes while
// nobody queries it.
const filterTendEvery = 10 * time.Second

// filterChangeBuffer: more changes than this between two queries means
// reading everything again (a Resync), which a bulk import may well do.
const filterChangeBuffer = 4096

// filters returns the index, up to date with every committed write.
func (e *Engine) filters() (*filter.Index, error) {
	f := &e.filterIdx
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ix == nil {
		return f.build(e)
	}
	var ids []string
	seen := map[string]bool{}
	done, cancel := context.WithCancel(context.Background())
	cancel()
	for {
		c, err := f.sub.Next(done)
		if errors.Is(err, store.ErrClosed) {
			return f.ix, nil // the engine is closing: what we have
		}
		if err != nil {
			break // nothing more waiting
		}
		if c.Resync || c.AllThreads {
			return f.build(e)
		}
		for _, id := range c.Threads {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	if len(ids) > 0 {
		if err := putRows(e.st, f.ix, ids); err != nil {
			return nil, err
		}
	}
	return f.ix, nil
}

// build reads every thread; subscribing first, so no write is missed.
func (f *filterIndex) build(e *Engine) (*filter.Index, error) {
	if f.sub != nil {
		f.sub.Close()
	}
	f.sub = e.st.Subscribe(filterChangeBuffer)
	context.AfterFunc(e.life, f.sub.Close)
	ix := filter.NewIndex()
	if err := putRows(e.st, ix, nil); err != nil {
		f.ix = nil
		return nil, err
	}
	f.ix = ix
	if !f.tending {
		f.tending = true
		go e.tendFilters()
	}
	return ix, nil
}

// tendFilters drains the change feed into the index until the engine
// closes. It drains as a query does (under the index's lock), so a query
// never runs between a change being read and being applied.
func (e *Engine) tendFilters() {
	t := time.NewTicker(filterTendEvery)
	defer t.Stop()
	for {
		select {
		case <-e.life.Done():
			return
		case <-t.C:
			_, _ = e.filters() // an error shows at the next query
		}
	}
}

func putRows(st *store.Store, ix *filter.Index, ids []string) error {
	return st.FilterRows(ids, func(r store.FilterRow) error {
		ix.Put(filterRow(r))
		return nil
	})
}

func filterRow(r store.FilterRow) filter.Row {
	t := r.Thread
	row := filter.Row{ID: t.ID, Feed: t.Feed, Author: t.Author, Stage: t.Stage, Texts: r.Texts,
		WaiterUnhappy: t.Waiter.Unhappy, WaiterIntent: t.Waiter.Intent, WaitingPeople: t.WaitingPeople,
		Unhappy: t.Unhappy, Done: t.Done, Unread: t.Unread, Assignee: t.Assignee,
		WaitingSince: t.WaitingSince, SnoozedUntil: t.SnoozedUntil,
		LastActivity: latest(t.Created, t.LastTheirs, t.LastOurs)}
	for _, p := range r.People {
		row.People = append(row.People, filter.Person{Name: p.Name, Stage: p.Stage})
	}
	return row
}

func latest(ts ...time.Time) time.Time {
	var out time.Time
	for _, t := range ts {
		if t.After(out) {
			out = t
		}
	}
	return out
}

// FilterWindow is a window of the threads matching q, in the queue's
// order, like QueueWindow: the queue's threads unless q asks for is:done
// or is:snoozed. Only the window's threads are read from the database.
func (s *Session) FilterWindow(_ context.Context, q filter.Query, now time.Time, at store.QueueAnchor, before, after int) (store.QueueWindow, error) {
	ix, err := s.e.filters()
	if err != nil {
		return store.QueueWindow{}, err
	}
	res := ix.Match(q, filter.Env{Now: now, User: s.user, Queue: true})
	w := res.Window(at.Thread.ID, at.End, before, after)
	threads, drafts, err := s.st.ThreadsByID(w.IDs)
	if err != nil {
		return store.QueueWindow{}, err
	}
	at2 := w.At
	if len(threads) != len(w.IDs) {
		at2 = min(at2, len(threads)-1) // a thread vanished between the two reads
	}
	return store.QueueWindow{Threads: threads, At: at2, Total: w.Total, First: w.First, Last: w.Last, Drafts: drafts}, nil
}

// FeedCounts is how many threads wait and how many messages are unread,
// per feed name (view 4), counted in the filter index.
func (s *Session) FeedCounts(_ context.Context, now time.Time) (map[string]filter.FeedCount, error) {
	ix, err := s.e.filters()
	if err != nil {
		return nil, err
	}
	return ix.FeedCounts(now), nil
}

// FilterThreads tells, for each thread of ids, whether it matches q (all
// threads, not only the queue's): the funnel's and contacts' lists,
// which hold their rows already, keep the ones that match.
func (s *Session) FilterThreads(_ context.Context, q filter.Query, now time.Time, ids []string) ([]bool, error) {
	ix, err := s.e.filters()
	if err != nil {
		return nil, err
	}
	return ix.Test(q, filter.Env{Now: now, User: s.user}, ids), nil
}
