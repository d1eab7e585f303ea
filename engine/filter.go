package engine

import (
	"context"
	"errors"
	"runtime/debug"
	"sync"
	"time"

	"parley/filter"
	"parley/funnel"
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
	// words: the index holds the threads' words. The facts are read
	// first (the threads and their people: what view 4, the queue's
	// filters without text and the lists of people need); the words on
	// the first query with text in it, as reading every message is what
	// costs (seconds and every page of the file at 100k threads).
	words bool
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
	return f.refresh(e)
}

// refresh is filters under f.mu.
func (f *filterIndex) refresh(e *Engine) (*filter.Index, error) {
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
		contacts, err := putRows(e.st, f.ix, ids, f.words)
		if err != nil {
			return nil, err
		}
		if f.ix.HasContacts() && len(contacts) > 0 {
			if err := putContacts(e.st, f.ix, contacts); err != nil {
				return nil, err
			}
		}
	}
	return f.ix, nil
}

// filtersFor is filters with what q needs loaded: the words when it has
// text in it, the contacts when it filters them.
func (e *Engine) filtersFor(q filter.Query, contacts bool) (*filter.Index, error) {
	f := &e.filterIdx
	f.mu.Lock()
	defer f.mu.Unlock()
	ix, err := f.refresh(e)
	if err != nil {
		return nil, err
	}
	if hasText(q) && !f.words {
		defer tightGC()()
		err := e.st.FilterTexts(func(id string, texts [][]byte) error {
			ix.AddTexts(id, texts)
			return nil
		})
		if err != nil {
			return nil, err
		}
		ix.Compact()
		ix.Prepare()
		f.words = true
	}
	if contacts && !ix.HasContacts() {
		defer tightGC()()
		if err := putContacts(e.st, ix, nil); err != nil {
			return nil, err
		}
		ix.Prepare()
	}
	return ix, nil
}

// tightGC collects more often while an index is built, and returns
// what puts it back. A build reads every thread once and drops almost
// all it decodes: with the default pacing (the heap may double its live
// size between two collections) that garbage, not the index, would set
// the process's peak resident set, which the console holds < 100 MB at
// 100k threads. Builds run one at a time (under the index's lock).
func tightGC() func() {
	old := debug.SetGCPercent(25)
	return func() { debug.SetGCPercent(old) }
}

func hasText(q filter.Query) bool {
	for _, t := range q.Terms {
		if t.Kind == filter.Text {
			return true
		}
	}
	return false
}

// putContacts reads the contacts of ids (nil: all of them, the first
// load) into ix, a batch at a time.
func putContacts(st *store.Store, ix *filter.Index, ids []string) error {
	const batch = 4096
	cs := make([]filter.Contact, 0, batch)
	err := st.FilterContacts(ids, func(c store.Contact) error {
		cs = append(cs, filter.Contact{ID: c.ID, Feed: c.Feed, Name: c.Name, Stage: c.Stage, Unhappy: c.Unhappy, LastSeen: c.LastSeen})
		if len(cs) == batch {
			ix.PutContacts(cs)
			cs = cs[:0]
		}
		return nil
	})
	if err != nil {
		return err
	}
	ix.PutContacts(cs)
	if ids == nil {
		ix.ContactsLoaded()
	}
	return nil
}

// build reads every thread; subscribing first, so no write is missed.
func (f *filterIndex) build(e *Engine) (*filter.Index, error) {
	if f.sub != nil {
		f.sub.Close()
	}
	f.sub = e.st.Subscribe(filterChangeBuffer)
	context.AfterFunc(e.life, f.sub.Close)
	ix := filter.NewIndex()
	f.words = false
	defer tightGC()()
	if _, err := putRows(e.st, ix, nil, false); err != nil {
		f.ix = nil
		return nil, err
	}
	ix.Prepare()
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

// putRows reads the threads of ids (nil: all) into ix, with their words
// when texts; it returns the contacts of their people.
func putRows(st *store.Store, ix *filter.Index, ids []string, texts bool) ([]string, error) {
	read := st.FilterFacts
	if texts {
		read = st.FilterRows
	}
	var contacts []string
	var people []filter.Person // reused: Put copies what it keeps
	err := read(ids, func(r store.FilterRow) error {
		row := filterRow(r, people[:0])
		people = row.People
		ix.Put(row)
		if ids != nil {
			for _, p := range r.People {
				contacts = append(contacts, p.Contact)
			}
		}
		return nil
	})
	return contacts, err
}

// filterRow is r for the index, its people appended to people.
func filterRow(r store.FilterRow, people []filter.Person) filter.Row {
	t := r.Thread
	row := filter.Row{ID: t.ID, Feed: t.Feed, Author: t.Author, Stage: t.Stage, Texts: r.Texts,
		WaiterUnhappy: t.Waiter.Unhappy, WaiterIntent: t.Waiter.Intent, WaitingPeople: t.WaitingPeople,
		Unhappy: t.Unhappy, Done: t.Done, Unread: t.Unread, Assignee: t.Assignee,
		WaitingSince: t.WaitingSince, SnoozedUntil: t.SnoozedUntil,
		LastActivity: latest(t.Created, t.LastTheirs, t.LastOurs), People: people}
	for _, p := range r.People {
		row.People = append(row.People, filter.Person{Name: p.Name, Stage: p.Stage, Contact: p.Contact,
			StageAt: p.StageAt, Unhappy: p.Unhappy, LastSeen: p.LastTheirs})
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
	ix, err := s.e.filtersFor(q, false)
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
// per feed name (view 4): from the filter index once a / has built it,
// else in one pass over the thread summaries that keeps nothing (view 4
// does not build the index: it would hold tens of MB for three numbers
// a feed).
func (s *Session) FeedCounts(_ context.Context, now time.Time) (map[string]filter.FeedCount, error) {
	f := &s.e.filterIdx
	f.mu.Lock()
	built := f.ix != nil
	f.mu.Unlock()
	if built {
		ix, err := s.e.filters()
		if err != nil {
			return nil, err
		}
		return ix.FeedCounts(now), nil
	}
	tallies, err := s.st.FeedTallies(now)
	if err != nil {
		return nil, err
	}
	out := make(map[string]filter.FeedCount, len(tallies))
	for feed, t := range tallies {
		out[feed] = filter.FeedCount{Waiting: t.Waiting, Unread: t.Unread}
	}
	return out, nil
}

// FilterThreads tells, for each thread of ids, whether it matches q (all
// threads, not only the queue's): the funnel's and contacts' lists,
// which hold their rows already, keep the ones that match.
func (s *Session) FilterThreads(_ context.Context, q filter.Query, now time.Time, ids []string) ([]bool, error) {
	ix, err := s.e.filtersFor(q, false)
	if err != nil {
		return nil, err
	}
	return ix.Test(q, filter.Env{Now: now, User: s.user}, ids), nil
}

// FilterStageWindow is a window of a stage's list filtered by q (a row
// matches when its thread and its person do), answered from the index:
// only the window's conversations are read from the database.
func (s *Session) FilterStageWindow(_ context.Context, q filter.Query, now time.Time, st funnel.Stage, at store.StageAnchor, before, after int) (store.StageWindow, error) {
	ix, err := s.e.filtersFor(q, false)
	if err != nil {
		return store.StageWindow{}, err
	}
	a := filter.ConvRef{Thread: at.Conversation.ThreadID, Contact: at.Conversation.Contact, StageAt: at.Conversation.StageAt}
	w := ix.StageWindow(q, filter.Env{Now: now, User: s.user}, st, a, at.End, before, after)
	keys := make([]store.ConvKey, len(w.Rows))
	for i, r := range w.Rows {
		keys[i] = store.ConvKey{Thread: r.Thread, Contact: r.Contact}
	}
	convs, err := s.st.ConversationsByKey(keys)
	if err != nil {
		return store.StageWindow{}, err
	}
	out := store.StageWindow{Conversations: convs, At: w.At, Total: w.Total, First: w.First, Last: w.Last}
	if len(convs) != len(keys) {
		out.At = min(out.At, len(convs)-1) // one vanished between the two reads
	}
	return out, nil
}

// FilterContactsWindow is a window of the contacts filtered by q's terms
// about a person, answered from the index: only the window's contacts are
// read from the database.
func (s *Session) FilterContactsWindow(_ context.Context, q filter.Query, now time.Time, at store.ContactAnchor, before, after int) (store.ContactsWindow, error) {
	ix, err := s.e.filtersFor(q, true)
	if err != nil {
		return store.ContactsWindow{}, err
	}
	c := at.Contact
	a := filter.Contact{ID: c.ID, Feed: c.Feed, Name: c.Name, Stage: c.Stage, Unhappy: c.Unhappy, LastSeen: c.LastSeen}
	w := ix.ContactsWindow(q, filter.Env{Now: now, User: s.user}, a, at.End, before, after)
	cs, err := s.st.ContactsByID(w.IDs)
	if err != nil {
		return store.ContactsWindow{}, err
	}
	out := store.ContactsWindow{Contacts: cs, At: w.At, Total: w.Total, First: w.First, Last: w.Last}
	if len(cs) != len(w.IDs) {
		out.At = min(out.At, len(cs)-1)
	}
	return out, nil
}
