package filter

import (
	"cmp"
	"encoding/hex"
	"slices"
	"strings"
	"time"

	"parley/funnel"
)

// The people tables answer the lists of people (a funnel stage's list, the
// contacts view) filtered, as windows: the index holds each conversation's
// and each contact's few facts in list order, so a filter counts the
// matches and names the rows of one window without reading the database;
// the console then reads only that window's records.

// convEntry is one conversation (a person in a thread) of the stage lists.
// 40 bytes: the name is where it is in the thread's names.
type convEntry struct {
	contact  [8]byte // contact ID, hex-decoded (16 hex chars, see store/doc.go)
	stageAt  int64
	lastSeen int64 // their newest message
	slot     int32 // its thread's entry; -1 once replaced
	// nameAt and nameLen: the person's lower-cased name in the entry's
	// names.
	nameAt, nameLen uint16
	stage           uint8
	unhappy         bool
}

// people are the conversations, kept by thread: each thread's run of rows
// in convs is replaced whole when the thread is put again.
type people struct {
	convs []convEntry
	first []int32  // by slot: the thread's first row in convs
	count []uint16 // by slot: how many rows
	dead  int      // rows replaced, dropped at the next compaction
	// order is the live rows in stage list order: stage, then the most
	// recently moved first (store.ConversationsInStageWindow's order).
	order  []int32
	sorted bool
}

// putConvs replaces slot's conversations with ps, whose lower-cased names
// are names (as joined in the entry's names).
func (ix *Index) putConvs(slot int32, ps []Person, names []string) {
	p := &ix.people
	for len(p.first) <= int(slot) {
		p.first = append(p.first, 0)
		p.count = append(p.count, 0)
	}
	for i := p.first[slot]; i < p.first[slot]+int32(p.count[slot]); i++ {
		p.convs[i].slot = -1
		p.dead++
	}
	p.first[slot], p.count[slot] = int32(len(p.convs)), 0
	at := 0
	for i, person := range ps {
		nameAt := at
		at += len(names[i]) + 1
		if person.Contact == "" || p.count[slot] == ^uint16(0) || at > 1<<16 {
			continue
		}
		c := convEntry{stageAt: nanos(person.StageAt), lastSeen: nanos(person.LastSeen), nameAt: uint16(nameAt),
			nameLen: uint16(len(names[i])), slot: slot, stage: uint8(person.Stage), unhappy: person.Unhappy}
		_, _ = hex.Decode(c.contact[:], []byte(person.Contact))
		p.convs = append(p.convs, c)
		p.count[slot]++
	}
	p.sorted = false
	if p.dead > 4096 && p.dead > len(p.convs)/4 {
		p.compact()
	}
}

// compact drops the replaced rows.
func (p *people) compact() {
	live := make([]convEntry, 0, len(p.convs)-p.dead)
	for slot := range p.first {
		start := int32(len(live))
		live = append(live, p.convs[p.first[slot]:p.first[slot]+int32(p.count[slot])]...)
		p.first[slot] = start
	}
	p.convs, p.dead = live, 0
}

// compareConvs is stage list order.
func (ix *Index) compareConvs(a, b *convEntry) int {
	if c := cmp.Compare(a.stage, b.stage); c != 0 {
		return c
	}
	if c := cmp.Compare(b.stageAt, a.stageAt); c != 0 {
		return c
	}
	if c := cmp.Compare(ix.entries[b.slot].id, ix.entries[a.slot].id); c != 0 {
		return c
	}
	return slices.Compare(b.contact[:], a.contact[:])
}

// sortConvsLocked brings the order up to date; the caller holds mu for
// writing.
func (ix *Index) sortConvsLocked() {
	p := &ix.people
	if p.sorted {
		return
	}
	p.order = p.order[:0]
	for i := range p.convs {
		if p.convs[i].slot >= 0 {
			p.order = append(p.order, int32(i))
		}
	}
	slices.SortFunc(p.order, func(a, b int32) int { return ix.compareConvs(&p.convs[a], &p.convs[b]) })
	p.sorted = true
}

// ConvRef names one conversation of a stage list: a row to read.
type ConvRef struct {
	Thread, Contact string
	// StageAt is when it moved to the stage as read: the anchor's place
	// in the list if it has moved since.
	StageAt time.Time
}

// ConvWindow is a slice of a filtered stage list around an anchor.
type ConvWindow struct {
	Rows        []ConvRef
	At          int // index in Rows of the anchor's row; -1 when empty
	Total       int
	First, Last bool
}

// StageWindow filters the stage's list: a row matches when its thread
// matches q (as Test) and its person does (as MatchPerson). It returns
// the count and up to before rows ahead of the anchor and after from it;
// the anchor's row is the one it is in now, or the one after its old
// place when it has moved or no longer matches. Zero anchor: the head.
func (ix *Index) StageWindow(q Query, env Env, st funnel.Stage, anchor ConvRef, end bool, before, after int) ConvWindow {
	ix.mu.Lock()
	ix.sortConvsLocked()
	ix.words.prepare()
	ix.mu.Unlock()
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	env.Queue = false
	m := ix.compile(q, env)
	p := &ix.people
	lo, _ := slices.BinarySearchFunc(p.order, uint8(st), func(o int32, s uint8) int { return cmp.Compare(p.convs[o].stage, s) })
	hi, _ := slices.BinarySearchFunc(p.order, uint8(st)+1, func(o int32, s uint8) int { return cmp.Compare(p.convs[o].stage, s) })
	var rows []int32
	for _, o := range p.order[lo:hi] {
		c := &p.convs[o]
		e := &ix.entries[c.slot]
		name := e.names[c.nameAt : c.nameAt+c.nameLen]
		if m.match(e, c.slot) && m.matchPerson(name, ix.feedLow[e.feed], c.stage, c.unhappy, c.lastSeen) {
			rows = append(rows, o)
		}
	}
	at := 0
	switch {
	case end:
		at = len(rows) - 1
	case anchor.Thread != "":
		if key, ok := ix.anchorConv(st, anchor); ok {
			at, _ = slices.BinarySearchFunc(rows, &key, func(o int32, k *convEntry) int { return ix.compareConvs(&p.convs[o], k) })
		}
	}
	lo, hi, w := cut(len(rows), at, end, before, after)
	out := ConvWindow{At: w.At, Total: w.Total, First: w.First, Last: w.Last}
	for _, o := range rows[lo:hi] {
		c := &p.convs[o]
		out.Rows = append(out.Rows, ConvRef{Thread: ix.entries[c.slot].id, Contact: hex.EncodeToString(c.contact[:]),
			StageAt: unnanos(c.stageAt)})
	}
	return out
}

// anchorConv is the key to seek for the anchor: its row now if it is
// still at the stage, else the place it had. false: its thread is not
// indexed (the list starts at its head).
func (ix *Index) anchorConv(st funnel.Stage, a ConvRef) (convEntry, bool) {
	k := convEntry{stage: uint8(st), stageAt: nanos(a.StageAt)}
	_, _ = hex.Decode(k.contact[:], []byte(a.Contact))
	slot, ok := ix.slot[a.Thread]
	if !ok {
		return k, false
	}
	k.slot = slot
	p := &ix.people
	if int(slot) < len(p.first) {
		for i := p.first[slot]; i < p.first[slot]+int32(p.count[slot]); i++ {
			if c := p.convs[i]; c.contact == k.contact && c.stage == uint8(st) {
				k.stageAt = c.stageAt
			}
		}
	}
	return k, true
}

// cut is a window's bounds over n rows around at (see Result.Window).
func cut(n, at int, end bool, before, after int) (lo, hi int, w Window) {
	before, after = max(before, 0), max(after, 1)
	w = Window{At: -1, Total: n}
	if n == 0 {
		w.First, w.Last = true, true
		return 0, 0, w
	}
	if end {
		after = 1
	}
	at = min(max(at, 0), n-1)
	lo, hi = max(0, at-before), min(n, at+after)
	w.At = at - lo
	w.First, w.Last = lo == 0, hi == n
	return lo, hi, w
}

func unnanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// matchPerson tests the terms about a person (Query.MatchPerson and the
// index's people and contacts tables all use it).
func (m *matcher) matchPerson(name, feed string, stage uint8, unhappy bool, lastSeen int64) bool {
	for i := range m.terms {
		t := &m.terms[i]
		var ok bool
		switch {
		case t.Kind == Feed:
			ok = strings.Contains(feed, t.Value)
		case t.Kind == From:
			ok = strings.Contains(name, t.Value)
		case t.Kind == Stage:
			ok = stage == uint8(t.Stage)
		case t.Kind == Is && t.Flag == Unhappy:
			ok = unhappy
		case t.Kind == Since:
			ok = lastSeen >= t.since
		default:
			continue
		}
		if ok == t.Not {
			return false
		}
	}
	return true
}

// lowerOwn is s lower-cased in a string of its own: ToLower returns s
// itself when it has no upper case, and a decoded record's strings share
// one allocation the index must not keep.
func lowerOwn(s string) string {
	if l := strings.ToLower(s); l != s {
		return l
	}
	return strings.Clone(s)
}
