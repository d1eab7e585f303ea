package filter

import (
	"cmp"
	"encoding/hex"
	"slices"
	"time"

	"parley/funnel"
)

// Contact is what the index is given of a contact (store.Contact's facts
// that the contacts view sorts and filters by).
type Contact struct {
	ID, Feed, Name string
	Stage          funnel.Stage
	Unhappy        bool
	LastSeen       time.Time
}

// contactEntry is one contact: 40 bytes and its lower-cased name.
type contactEntry struct {
	id       [8]byte // hex-decoded (16 hex chars, see store/doc.go)
	lastSeen int64
	name     string
	feed     uint16
	stage    uint8
	unhappy  bool
}

// contactTable is every contact, by ID, and their list order (the contacts
// view's: furthest stage first, then the most recently seen, then ID). It
// is loaded on the first filter of the contacts (HasContacts), not before:
// the queue's filter never needs it.
type contactTable struct {
	loaded bool
	rows   []contactEntry // by id
	order  []int32
	sorted bool
}

// HasContacts reports whether the contacts were loaded (PutContacts with
// all of them).
func (ix *Index) HasContacts() bool {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.contacts.loaded
}

// PutContacts adds contacts or replaces what the index knows of them. The
// first load puts every contact, in batches, then calls ContactsLoaded.
func (ix *Index) PutContacts(cs []Contact) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	t := &ix.contacts
	sorted := true // rows stay in ID order by appending alone
	for _, c := range cs {
		e := contactEntry{lastSeen: nanos(c.LastSeen), name: lowerOwn(c.Name), feed: ix.internFeed(c.Feed),
			stage: uint8(c.Stage), unhappy: c.Unhappy}
		if _, err := hex.Decode(e.id[:], []byte(c.ID)); err != nil {
			continue // not a contact ID
		}
		if n := len(t.rows); n > 0 && slices.Compare(t.rows[n-1].id[:], e.id[:]) >= 0 {
			if i, found := t.find(e.id); found && sorted {
				t.rows[i] = e
				continue
			}
			sorted = false // a new contact amid the others: sorted once below
		}
		t.rows = append(t.rows, e)
	}
	if !sorted {
		// Stable, then the last of each ID kept: a contact put twice
		// keeps what it was put with last.
		slices.SortStableFunc(t.rows, func(a, b contactEntry) int { return slices.Compare(a.id[:], b.id[:]) })
		t.rows = dedupLast(t.rows)
	}
	t.sorted = false
}

// dedupLast keeps the last of each run of rows with the same ID.
func dedupLast(rows []contactEntry) []contactEntry {
	out := rows[:0]
	for i := range rows {
		if i+1 < len(rows) && rows[i+1].id == rows[i].id {
			continue
		}
		out = append(out, rows[i])
	}
	return out
}

// ContactsLoaded says every contact was put.
func (ix *Index) ContactsLoaded() {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.contacts.loaded = true
}

func (t *contactTable) find(id [8]byte) (int, bool) {
	return slices.BinarySearchFunc(t.rows, id, func(e contactEntry, id [8]byte) int { return slices.Compare(e.id[:], id[:]) })
}

func compareContacts(a, b *contactEntry) int {
	if c := cmp.Compare(b.stage, a.stage); c != 0 {
		return c
	}
	if c := cmp.Compare(b.lastSeen, a.lastSeen); c != 0 {
		return c
	}
	return slices.Compare(a.id[:], b.id[:])
}

func (t *contactTable) sortLocked() {
	if t.sorted {
		return
	}
	t.order = t.order[:0]
	for i := range t.rows {
		t.order = append(t.order, int32(i))
	}
	slices.SortFunc(t.order, func(a, b int32) int { return compareContacts(&t.rows[a], &t.rows[b]) })
	t.sorted = true
}

// ContactsWindow filters the contacts by q's terms about a person (as
// MatchPerson; the others pass) and returns the count and the IDs of up
// to before contacts ahead of the anchor and after from it, in list
// order. The anchor is a contact as read: its row now, or the row after
// its old place when it has moved or no longer matches; zero: the head.
func (ix *Index) ContactsWindow(q Query, env Env, anchor Contact, end bool, before, after int) Window {
	ix.mu.Lock()
	ix.contacts.sortLocked()
	ix.mu.Unlock()
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	m := ix.compile(Query{Terms: personTerms(q)}, env)
	t := &ix.contacts
	var rows []int32
	for _, o := range t.order {
		c := &t.rows[o]
		if m.matchPerson(c.name, ix.feedLow[c.feed], c.stage, c.unhappy, c.lastSeen) {
			rows = append(rows, o)
		}
	}
	at := 0
	switch {
	case end:
		at = len(rows) - 1
	case anchor.ID != "":
		k := contactEntry{stage: uint8(anchor.Stage), lastSeen: nanos(anchor.LastSeen)}
		if _, err := hex.Decode(k.id[:], []byte(anchor.ID)); err == nil {
			if i, found := t.find(k.id); found {
				k = t.rows[i]
			}
			at, _ = slices.BinarySearchFunc(rows, &k, func(o int32, k *contactEntry) int { return compareContacts(&t.rows[o], k) })
		}
	}
	lo, hi, w := cut(len(rows), at, end, before, after)
	for _, o := range rows[lo:hi] {
		w.IDs = append(w.IDs, hex.EncodeToString(t.rows[o].id[:]))
	}
	return w
}

// personTerms are q's terms a person is tested by (compiling a text term
// would build a bitmap for nothing).
func personTerms(q Query) []Term {
	var out []Term
	for _, t := range q.Terms {
		if t.Kind != Text {
			out = append(out, t)
		}
	}
	return out
}
