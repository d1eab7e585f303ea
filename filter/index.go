package filter

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"time"

	"parley/funnel"
)

// Row is what the index is given of a thread (the engine fills it from
// store.FilterRow; this package imports no store, so the config can
// check saved views with Parse).
type Row struct {
	ID, Feed, Author string
	Stage            funnel.Stage // the furthest person's
	People           []Person
	// Texts are the title and every message's text; read during Put only.
	Texts [][]byte
	// The queue's facts: the Waiter's mark ranks it.
	WaiterUnhappy, WaiterIntent bool
	WaitingPeople               int
	Unhappy, Done               bool
	Unread                      int
	Assignee                    string
	WaitingSince, SnoozedUntil  time.Time
	LastActivity                time.Time
}

// Person is one conversation of a thread. Its Contact (the contact's ID)
// and the rest put it in the stage lists (StageWindow); without a
// Contact it counts for the thread's terms only.
type Person struct {
	Name     string
	Stage    funnel.Stage
	Contact  string
	StageAt  time.Time // when it moved to Stage
	Unhappy  bool
	LastSeen time.Time // their newest message
}

// Index is every thread reduced to what a query tests: a few bytes of
// facts, its people's names and a word index of its text. Built once
// from store.FilterRows and kept up to date with Put, it answers a query
// at 100k threads in milliseconds without reading the database. Safe for
// use from several goroutines.
type Index struct {
	mu      sync.RWMutex
	entries []entry
	slot    map[string]int32 // thread ID -> index in entries
	feeds   []string         // interned feed names (lower-cased in feedLow)
	feedLow []string
	feedID  map[string]uint16
	words   words
	// order is every slot in list order (see less); sorted lazily, when
	// a Put has changed it.
	order  []int32
	pos    []int32 // pos[slot] = its index in order
	sorted bool
	// people and contacts answer the lists of people (people.go,
	// contacts.go).
	people   people
	contacts contactTable
}

// entry is one thread. Times are unix nanoseconds.
type entry struct {
	id           string
	names        string // its people's names, lower-cased, "\x00" between
	feed         uint16
	stages       uint8 // bit per funnel.Stage some person is at
	rank         uint8 // queue rank (0 unhappy, 1 intent, 2 the rest)
	unhappy      bool
	waiting      bool // somebody waits and it is not done
	done         bool
	unread       int32
	assignee     string
	waitingSince int64
	lastActivity int64
	snoozedUntil int64
}

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{slot: map[string]int32{}, feedID: map[string]uint16{}, words: newWords()}
}

// Len is the number of threads indexed.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.entries)
}

// Put adds a thread or replaces what the index knows of it. Its words
// only accumulate: a thread's messages are never deleted, and a title
// that changed still finds it by the old words, harmlessly.
func (ix *Index) Put(r Row) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.put(r)
}

func (ix *Index) put(r Row) {
	t := r
	s, ok := ix.slot[t.ID]
	if !ok {
		// Cloned: a decoded thread's strings share one allocation with
		// its title and preview, which the index must not keep.
		id := strings.Clone(t.ID)
		s = int32(len(ix.entries))
		ix.slot[id] = s
		ix.entries = append(ix.entries, entry{id: id})
		ix.order = append(ix.order, s)
		ix.pos = append(ix.pos, int32(len(ix.order)-1))
	}
	e := &ix.entries[s]
	e.feed = ix.internFeed(t.Feed)
	e.stages = 1 << t.Stage
	names := make([]string, 0, len(r.People)+1)
	for _, p := range r.People {
		e.stages |= 1 << p.Stage
		names = append(names, strings.ToLower(p.Name))
	}
	if len(r.People) == 0 && t.Author != "" {
		names = append(names, strings.ToLower(t.Author))
	}
	if len(names) == 1 {
		e.names = strings.Clone(names[0]) // Join would return it: not its own
	} else {
		e.names = strings.Join(names, "\x00")
	}
	switch {
	case t.WaiterUnhappy:
		e.rank = 0
	case t.WaiterIntent:
		e.rank = 1
	default:
		e.rank = 2
	}
	// A queue row names the person waiting, so is:unhappy is theirs (the
	// row's ! mark), not another person's in the thread; a thread nobody
	// waits in is unhappy when anyone in it is.
	e.unhappy = t.Unhappy
	if t.WaitingPeople > 0 {
		e.unhappy = t.WaiterUnhappy
	}
	e.waiting = t.WaitingPeople > 0 && !t.Done
	e.done = t.Done
	e.unread = int32(t.Unread)
	e.assignee = strings.Clone(t.Assignee)
	e.waitingSince = nanos(t.WaitingSince)
	e.lastActivity = nanos(t.LastActivity)
	e.snoozedUntil = nanos(t.SnoozedUntil)
	for _, text := range r.Texts {
		ix.words.add(text, s)
	}
	ix.words.maybeFreeze()
	ix.putConvs(s, r.People, names)
	ix.sorted = false
}

// Prepare sorts what the queries read in order (the list, the stage
// lists, the contacts, the word list), so the first query after a build
// or a load does not (half a second at 100k threads).
func (ix *Index) Prepare() {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.sortLocked()
	ix.sortConvsLocked()
	ix.contacts.sortLocked()
	ix.words.prepare()
}

// Compact packs the words added since the last freeze (after a build:
// what is left in the map's form).
func (ix *Index) Compact() {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.words.compact()
}

// AddTexts adds the words of a thread's texts (its title and messages)
// to what finds it: the engine indexes the words apart from the facts,
// on the first query that has text in it.
func (ix *Index) AddTexts(id string, texts [][]byte) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	s, ok := ix.slot[id]
	if !ok {
		return
	}
	for _, text := range texts {
		ix.words.add(text, s)
	}
	ix.words.maybeFreeze()
}

func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func (ix *Index) internFeed(name string) uint16 {
	if id, ok := ix.feedID[name]; ok {
		return id
	}
	id := uint16(len(ix.feeds))
	name = strings.Clone(name)
	ix.feeds = append(ix.feeds, name)
	ix.feedLow = append(ix.feedLow, strings.ToLower(name))
	ix.feedID[name] = id
	return id
}

// less is list order: the queue's order (rank, waiting since, ID) for
// threads where somebody waits, then the others, newest activity first.
func (ix *Index) compare(a, b int32) int {
	x, y := &ix.entries[a], &ix.entries[b]
	if x.waiting != y.waiting {
		if x.waiting {
			return -1
		}
		return 1
	}
	if x.waiting {
		if c := cmp.Compare(x.rank, y.rank); c != 0 {
			return c
		}
		if c := cmp.Compare(x.waitingSince, y.waitingSince); c != 0 {
			return c
		}
		return cmp.Compare(x.id, y.id)
	}
	if c := cmp.Compare(y.lastActivity, x.lastActivity); c != 0 {
		return c
	}
	return cmp.Compare(x.id, y.id)
}

// sortLocked brings order up to date; the caller holds mu for writing.
func (ix *Index) sortLocked() {
	if ix.sorted {
		return
	}
	slices.SortFunc(ix.order, ix.compare)
	for i, s := range ix.order {
		ix.pos[s] = int32(i)
	}
	ix.sorted = true
}

// Env is what a query is evaluated against.
type Env struct {
	Now  time.Time
	User string // is:mine
	// Queue limits the results to the queue (somebody waits, not done,
	// not snoozed) unless the query asks for is:done or is:snoozed.
	Queue bool
}

// Result is a query's matching threads, in list order.
type Result struct {
	slots []int32 // in list order
	pos   []int32 // their places in the index's order, ascending
	ix    *Index
}

// Len is how many threads matched.
func (r Result) Len() int { return len(r.slots) }

// IDs are the matching threads' IDs, in list order.
func (r Result) IDs() []string { return r.idsOf(r.slots) }

func (r Result) idsOf(slots []int32) []string {
	if len(slots) == 0 {
		return nil
	}
	r.ix.mu.RLock()
	defer r.ix.mu.RUnlock()
	out := make([]string, len(slots))
	for i, s := range slots {
		out[i] = r.ix.entries[s].id
	}
	return out
}

// Match evaluates q against every thread. It decodes nothing: each
// term is a test of an entry's fields, the feed terms resolve to a set of
// feed numbers once, and text terms to a bitmap of threads from the word
// index.
func (ix *Index) Match(q Query, env Env) Result {
	ix.mu.Lock()
	ix.sortLocked()
	ix.words.prepare()
	ix.mu.Unlock()
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	m := ix.compile(q, env)
	res := Result{ix: ix}
	for i, s := range ix.order {
		e := &ix.entries[s]
		if m.match(e, s) {
			res.slots = append(res.slots, s)
			res.pos = append(res.pos, int32(i))
		}
	}
	return res
}

// Window is a slice of a result around an anchor, like store.QueueWindow.
type Window struct {
	IDs         []string
	At          int // index in IDs of the anchor's row; -1 when empty
	Total       int
	First, Last bool
}

// Window cuts up to before rows ahead of the anchor and after rows from
// it. The anchor is a thread ID: its row if it matched, else the row
// that now holds its place (the next one after it in list order); "" is
// the head, end the tail.
func (r Result) Window(anchor string, end bool, before, after int) Window {
	before, after = max(before, 0), max(after, 1)
	w := Window{At: -1, Total: len(r.slots)}
	if len(r.slots) == 0 {
		w.First, w.Last = true, true
		return w
	}
	at := 0
	switch {
	case end:
		at = len(r.slots) - 1
		after = 1
	case anchor != "":
		at = r.place(anchor)
	}
	lo, hi := max(0, at-before), min(len(r.slots), at+after)
	w.IDs = r.idsOf(r.slots[lo:hi])
	w.At = at - lo
	w.First, w.Last = lo == 0, hi == len(r.slots)
	return w
}

// place is the index in r of the anchor thread, or of the first match
// after where it is in list order; past the tail, the last row.
func (r Result) place(id string) int {
	r.ix.mu.RLock()
	s, ok := r.ix.slot[id]
	var p int32
	if ok {
		p = r.ix.pos[s]
	}
	r.ix.mu.RUnlock()
	if !ok {
		return 0
	}
	i, _ := slices.BinarySearch(r.pos, p)
	return min(i, len(r.slots)-1)
}

// FeedCount is one feed's line in view 4.
type FeedCount struct {
	Waiting int // threads in the queue
	Unread  int // unread messages, in every thread of the feed
}

// FeedCounts counts per feed name, at now.
func (ix *Index) FeedCounts(now time.Time) map[string]FeedCount {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	n := nanos(now)
	counts := make([]FeedCount, len(ix.feeds))
	for i := range ix.entries {
		e := &ix.entries[i]
		if e.waiting && e.snoozedUntil <= n {
			counts[e.feed].Waiting++
		}
		counts[e.feed].Unread += int(e.unread)
	}
	out := make(map[string]FeedCount, len(ix.feeds))
	for i, name := range ix.feeds {
		out[name] = counts[i]
	}
	return out
}
