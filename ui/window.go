package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// windowList is the part of a long list held around its cursor, read
// from an index with a window call (StageWindow, ContactsWindow) like the
// queue's: never the whole list, so a list of 100k rows costs what the
// screen shows. Moving inside the window is instant; near an edge the
// list goes on past, the next window is read around the cursor's row.
type windowList[T any] struct {
	items []T
	nav   listNav // cursor and scroll over items
	// total is the whole list's length; first and last say whether the
	// window holds its head and its tail.
	total       int
	first, last bool
	loaded      bool
	err         error
	// seq numbers reads: only the newest one's answer is used, so a late
	// read never moves the cursor back. moving: a read asked by a move
	// is in flight, so holding j near an edge asks once.
	seq    int
	moving bool
	// same says two rows are the same item (the cursor stays on it when
	// a new window holds it).
	same func(a, b T) bool
}

// windowReq is a read to make: around the row at (has), the head (!has,
// !end) or the tail (end). jump: the cursor goes to the anchor's row.
type windowReq[T any] struct {
	seq           int
	at            T
	has, end      bool
	jump          bool
	before, after int
}

// windowMsg is a window read for a windowList; list names the list so a
// screen with two can route it.
type windowMsg[T any] struct {
	list        string
	seq         int
	jump        bool
	items       []T
	at, total   int
	first, last bool
	err         error
}

// reset forgets the list (another stage listed): the next answer is a
// first load.
func (w *windowList[T]) reset(rows int) {
	*w = windowList[T]{seq: w.seq, same: w.same}
	w.nav.setRows(rows)
}

func (w *windowList[T]) setRows(rows int) { w.nav.setRows(rows) }

// span is how many rows a read takes before and after its anchor: a few
// screens, so moving rarely waits and a read stays small.
func (w *windowList[T]) span() (before, after int) {
	rows := max(1, w.nav.rows)
	return max(2*rows, 40), max(3*rows, 60)
}

func (w *windowList[T]) request(at T, has, end, jump bool) windowReq[T] {
	w.seq++
	before, after := w.span()
	if end {
		before += after
	}
	return windowReq[T]{seq: w.seq, at: at, has: has, end: end, jump: jump, before: before, after: after}
}

// head asks for the list's head, the cursor on its first row.
func (w *windowList[T]) head() windowReq[T] {
	var zero T
	return w.request(zero, false, false, true)
}

// reload asks for the window around the cursor's row (the list changed),
// the head on a first load.
func (w *windowList[T]) reload() windowReq[T] {
	at, ok := w.selected()
	return w.request(at, ok, false, !ok)
}

// set shows a window. The cursor stays on its row when the window holds
// it; otherwise it takes the anchor's row (the one after a row that
// left the list, or the end a jump asked for), on the same screen line.
// false: the answer is stale.
func (w *windowList[T]) set(m windowMsg[T]) bool {
	if m.seq != w.seq {
		return false
	}
	w.moving = false
	if m.err != nil {
		w.err, w.loaded = m.err, true
		return true
	}
	screenRow := w.nav.cursor - w.nav.offset
	cursor := m.at
	if sel, ok := w.selected(); ok && !m.jump {
		for i, it := range m.items {
			if w.same(it, sel) {
				cursor = i
				break
			}
		}
	}
	w.items, w.total, w.first, w.last, w.loaded, w.err = m.items, m.total, m.first, m.last, true, nil
	w.nav.n = len(m.items)
	w.nav.cursor = clampInt(cursor, 0, len(m.items)-1)
	w.nav.offset = w.nav.cursor - screenRow
	w.nav.clamp()
	return true
}

func (w *windowList[T]) selected() (T, bool) {
	if w.nav.cursor < 0 || w.nav.cursor >= len(w.items) {
		var zero T
		return zero, false
	}
	return w.items[w.nav.cursor], true
}

// handle applies a motion key. The read it asks for (when the window
// must move) is returned with ok; handled is false for other keys.
func (w *windowList[T]) handle(m Motion, msg tea.KeyPressMsg) (req windowReq[T], ok, handled bool) {
	switch {
	case key.Matches(msg, m.Top) && !w.first:
		return w.head(), true, true
	case key.Matches(msg, m.Bottom) && !w.last:
		var zero T
		return w.request(zero, false, true, true), true, true
	}
	if !w.nav.handle(m, msg) {
		return req, false, false
	}
	margin := max(1, w.nav.rows)
	nearEdge := (!w.first && w.nav.cursor < margin) || (!w.last && w.nav.cursor >= len(w.items)-margin)
	at, has := w.selected()
	if !nearEdge || !has || w.moving {
		return req, false, true
	}
	w.moving = true
	return w.request(at, true, false, false), true, true
}

// count is the list's length as far as known: the window's when the
// total is behind it.
func (w *windowList[T]) count() int { return max(w.total, len(w.items)) }
