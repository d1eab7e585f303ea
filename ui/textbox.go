package ui

import (
	"slices"
	"sort"
	"strings"
	"unicode"

	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/mattn/go-runewidth"
)

// textBox is the composer's text box. It replaces bubbles' textarea, whose
// every key re-rendered and re-measured the whole text (and whose Value
// joined it again): in a 1 MB draft a key cost far more than a frame, and
// a paste sent as plain keys took minutes to drain. Here a key costs the
// edit of one logical line, the re-wrap of the few rows around the edit,
// and the drawing of the visible rows.
//
// The text is kept as logical lines of runes; each line's soft wrap is
// cached (wraps) and updated in place for the edited line only.
type textBox struct {
	lines [][]rune
	wraps []lineWrap
	// row, col: the cursor, as a logical line and a rune index in it.
	row, col int
	// goalX is the column that up and down aim for, kept across short
	// rows (-1: the cursor's own).
	goalX int
	// top is the first row on screen: a logical line and the rune offset
	// of its row (an offset, not a row number, so it survives a re-wrap).
	topLine, topOff int

	// width is the text's width in cells (the prompt is outside it);
	// height is the rows on screen.
	width, height int
	focused       bool
	// rev counts changes to the text: callers compare it instead of the
	// text, which is as long as the draft.
	rev   uint64
	runes int // runes in the text, newlines included

	Prompt      string
	Placeholder string
	styles      textarea.Styles
	st          textBoxStyles
}

// textBoxStyles are the textarea styles of the current focus state, with
// their inheritance resolved once, and each split into the sequences
// before and after the text: a row is then drawn by joining strings, where
// lipgloss' Render costs microseconds a call.
type textBoxStyles struct {
	prompt, text, cursorLine, placeholder, eob, cursor cellStyle
}

type cellStyle struct{ pre, post string }

func newCellStyle(s lipgloss.Style) cellStyle {
	const mark = "X" // no escape sequence holds an X
	r := s.Render(mark)
	i := strings.Index(r, mark)
	if i < 0 {
		return cellStyle{}
	}
	return cellStyle{pre: r[:i], post: r[i+len(mark):]}
}

// Render styles s, which holds no newline.
func (c cellStyle) Render(s string) string {
	if s == "" {
		return ""
	}
	return c.pre + s + c.post
}

// lineWrap is one logical line's soft wrap at a width: starts[i] is the
// rune index where row i begins; seen[i] is the last index the wrap of row
// i looked at (len(line) for the end), so an edit at p leaves every row
// with seen < p as it was.
type lineWrap struct {
	width  int // 0: not computed
	starts []int
	seen   []int
}

func newTextBox() *textBox {
	e := &textBox{goalX: -1, width: 40, height: 6, Prompt: "│ "}
	e.lines = [][]rune{nil}
	e.wraps = make([]lineWrap, 1)
	e.SetStyles(textarea.DefaultStyles(true))
	return e
}

// SetStyles takes bubbles' textarea styles, so the theme code stays the
// same for both.
func (e *textBox) SetStyles(s textarea.Styles) {
	e.styles = s
	e.resolveStyles()
}

func (e *textBox) resolveStyles() {
	ss := e.styles.Blurred
	if e.focused {
		ss = e.styles.Focused
	}
	e.st = textBoxStyles{
		prompt:      newCellStyle(ss.Prompt.Inherit(ss.Base).Inline(true)),
		text:        newCellStyle(ss.Text.Inherit(ss.Base).Inline(true)),
		cursorLine:  newCellStyle(ss.CursorLine.Inherit(ss.Base).Inline(true)),
		placeholder: newCellStyle(ss.Placeholder.Inherit(ss.Base).Inline(true)),
		eob:         newCellStyle(ss.EndOfBuffer.Inherit(ss.Base).Inline(true)),
		cursor:      newCellStyle(lipgloss.NewStyle().Foreground(e.styles.Cursor.Color).Reverse(true).Inline(true)),
	}
}

func (e *textBox) Focus() tea.Cmd {
	e.focused = true
	e.resolveStyles()
	return nil
}

func (e *textBox) Blur() {
	e.focused = false
	e.resolveStyles()
}

func (e *textBox) Focused() bool { return e.focused }

// SetWidth sets the width of the box, prompt included.
func (e *textBox) SetWidth(w int) {
	tw := max(1, w-ansi.StringWidth(e.Prompt))
	if tw != e.width {
		e.width = tw // every line's wrap is now stale (lineWrap.width)
		e.scrollToCursor()
	}
}

func (e *textBox) SetHeight(h int) {
	e.height = max(1, h)
	e.scrollToCursor()
}

// Empty reports whether there is no text, without building it.
func (e *textBox) Empty() bool { return e.runes == 0 }

// Rev changes whenever the text does.
func (e *textBox) Rev() uint64 { return e.rev }

// Value is the text. It costs the length of the text: call it to save or
// send, not per key.
func (e *textBox) Value() string {
	var b strings.Builder
	b.Grow(e.runes + e.runes/4)
	for i, l := range e.lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		for _, r := range l {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// SetValue replaces the text; the cursor goes to its end.
func (e *textBox) SetValue(s string) {
	e.lines = [][]rune{nil}
	e.wraps = make([]lineWrap, 1)
	e.row, e.col, e.runes = 0, 0, 0
	e.topLine, e.topOff = 0, 0
	e.insert(sanitizeText(s))
	e.rev++
}

// Reset empties the box.
func (e *textBox) Reset() { e.SetValue("") }

// InsertString puts s at the cursor.
func (e *textBox) InsertString(s string) {
	e.insert(sanitizeText(s))
	e.changed()
}

// MoveToEnd puts the cursor after the last character.
func (e *textBox) MoveToEnd() {
	e.row = len(e.lines) - 1
	e.col = len(e.lines[e.row])
	e.goalX = -1
	e.scrollToCursor()
}

func (e *textBox) changed() {
	e.rev++
	e.goalX = -1
	e.scrollToCursor()
}

// Update handles a key or a paste. It reports nothing: callers see a
// change in Rev.
func (e *textBox) Update(msg tea.Msg) {
	if !e.focused {
		return
	}
	switch msg := msg.(type) {
	case tea.PasteMsg:
		e.insert(sanitizeText(msg.Content))
		e.changed()
	case tea.KeyPressMsg:
		e.key(msg)
	}
}

const textMods = tea.ModCtrl | tea.ModAlt | tea.ModMeta | tea.ModHyper | tea.ModSuper

func (e *textBox) key(msg tea.KeyPressMsg) {
	// The common case first: a printable key (a paste arriving as plain
	// keys is thousands of these).
	if msg.Text != "" && msg.Mod&textMods == 0 {
		e.insert(sanitizeText(msg.Text))
		e.changed()
		return
	}
	moved := true
	switch msg.String() {
	// Text. ctrl+j is a line feed: some terminals send a pasted newline
	// as LF rather than CR.
	case "enter", "ctrl+m", "ctrl+j", "shift+enter", "alt+enter":
		e.insert([]rune{'\n'})
		e.changed()
		return
	case "tab":
		e.insert(sanitizeText("\t"))
		e.changed()
		return
	// Deleting.
	case "backspace", "ctrl+h", "shift+backspace":
		e.deleteBack(func(l []rune, c int) int { return c - 1 })
		return
	case "delete", "ctrl+d":
		e.deleteForward(func(l []rune, c int) int { return c + 1 })
		return
	case "ctrl+w", "alt+backspace", "ctrl+backspace":
		e.deleteBack(wordStartBefore)
		return
	case "alt+d", "alt+delete", "ctrl+delete":
		e.deleteForward(wordEndAfter)
		return
	case "ctrl+u":
		e.deleteBack(func([]rune, int) int { return 0 })
		return
	case "ctrl+k":
		e.deleteForward(func(l []rune, _ int) int { return len(l) })
		return
	// Moving.
	case "left", "ctrl+b", "shift+left":
		e.left()
	case "right", "ctrl+f", "shift+right":
		e.right()
	case "alt+left", "ctrl+left", "alt+b", "shift+alt+left", "ctrl+shift+left":
		e.wordLeft()
	case "alt+right", "ctrl+right", "alt+f", "shift+alt+right", "ctrl+shift+right":
		e.wordRight()
	case "home", "ctrl+a", "shift+home":
		e.col = 0
	case "end", "shift+end":
		e.col = len(e.lines[e.row])
	case "alt+<", "ctrl+home":
		e.row, e.col = 0, 0
	case "alt+>", "ctrl+end":
		e.row = len(e.lines) - 1
		e.col = len(e.lines[e.row])
	case "up", "ctrl+p", "shift+up":
		e.vertical(-1)
		moved = false
	case "down", "ctrl+n", "shift+down":
		e.vertical(1)
		moved = false
	case "pgup":
		e.vertical(-e.height)
		moved = false
	case "pgdown":
		e.vertical(e.height)
		moved = false
	default:
		return
	}
	if moved {
		e.goalX = -1
	}
	e.scrollToCursor()
}

// deleteBack deletes from to(line, col) up to the cursor; at the start of
// a line it joins the line to the one above.
func (e *textBox) deleteBack(to func(l []rune, col int) int) {
	if e.col == 0 {
		if e.row == 0 {
			return
		}
		e.row--
		e.col = len(e.lines[e.row])
		e.joinNext(e.row)
	} else {
		from := max(0, to(e.lines[e.row], e.col))
		e.replace(e.row, from, e.col-from, nil)
		e.col = from
	}
	e.changed()
}

// deleteForward deletes from the cursor up to to(line, col); at the end of
// a line it joins the next line to it.
func (e *textBox) deleteForward(to func(l []rune, col int) int) {
	l := e.lines[e.row]
	if e.col == len(l) {
		if e.row == len(e.lines)-1 {
			return
		}
		e.joinNext(e.row)
	} else {
		end := min(len(l), to(l, e.col))
		e.replace(e.row, e.col, end-e.col, nil)
	}
	e.changed()
}

// wordStartBefore is where ctrl+w stops: back over spaces, then over a word.
func wordStartBefore(l []rune, c int) int {
	for c > 0 && unicode.IsSpace(l[c-1]) {
		c--
	}
	for c > 0 && !unicode.IsSpace(l[c-1]) {
		c--
	}
	return c
}

// wordEndAfter is where alt+d stops: over spaces, then over a word.
func wordEndAfter(l []rune, c int) int {
	for c < len(l) && unicode.IsSpace(l[c]) {
		c++
	}
	for c < len(l) && !unicode.IsSpace(l[c]) {
		c++
	}
	return c
}

func (e *textBox) left() {
	switch {
	case e.col > 0:
		e.col--
	case e.row > 0:
		e.row--
		e.col = len(e.lines[e.row])
	}
}

func (e *textBox) right() {
	switch {
	case e.col < len(e.lines[e.row]):
		e.col++
	case e.row < len(e.lines)-1:
		e.row++
		e.col = 0
	}
}

// wordLeft moves to the start of the word before the cursor, across line
// ends.
func (e *textBox) wordLeft() {
	for {
		l := e.lines[e.row]
		if e.col == 0 {
			if e.row == 0 {
				return
			}
			e.row--
			e.col = len(e.lines[e.row])
			continue
		}
		if !unicode.IsSpace(l[e.col-1]) {
			break
		}
		e.col--
	}
	e.col = wordStartBefore(e.lines[e.row], e.col)
}

// wordRight moves to the end of the word after the cursor, across line
// ends.
func (e *textBox) wordRight() {
	for {
		l := e.lines[e.row]
		if e.col == len(l) {
			if e.row == len(e.lines)-1 {
				return
			}
			e.row++
			e.col = 0
			continue
		}
		if !unicode.IsSpace(l[e.col]) {
			break
		}
		e.col++
	}
	e.col = wordEndAfter(e.lines[e.row], e.col)
}

// vertical moves the cursor n screen rows (negative: up), keeping the
// column it aims for; past the first or last row it goes to the start or
// the end of the text.
func (e *textBox) vertical(n int) {
	seg := e.segOf(e.row, e.col)
	w := e.wrap(e.row)
	if e.goalX < 0 {
		e.goalX = cellsOf(e.lines[e.row][w.starts[seg]:e.col])
	}
	line := e.row
	for ; n > 0; n-- {
		switch {
		case seg+1 < len(e.wrap(line).starts):
			seg++
		case line+1 < len(e.lines):
			line, seg = line+1, 0
		default:
			e.row, e.col, e.goalX = line, len(e.lines[line]), -1
			return
		}
	}
	for ; n < 0; n++ {
		switch {
		case seg > 0:
			seg--
		case line > 0:
			line--
			seg = len(e.wrap(line).starts) - 1
		default:
			e.row, e.col, e.goalX = 0, 0, -1
			return
		}
	}
	e.row = line
	e.col = e.colAt(line, seg, e.goalX)
}

// colAt is the rune index in row seg of line at or before cell x.
func (e *textBox) colAt(line, seg, x int) int {
	l := e.lines[line]
	w := e.wrap(line)
	c := w.starts[seg]
	end := len(l)
	if seg+1 < len(w.starts) {
		end = w.starts[seg+1] - 1 // the next row's first rune shows there
	}
	for cells := 0; c < end; c++ {
		cw := runeCells(l[c])
		if cells+cw > x {
			break
		}
		cells += cw
	}
	return c
}

// insert puts text at the cursor and moves the cursor after it.
func (e *textBox) insert(text []rune) {
	if len(text) == 0 {
		return
	}
	parts := splitRunes(text)
	if len(parts) == 1 {
		e.replace(e.row, e.col, 0, text)
		e.col += len(text)
		return
	}
	l := e.lines[e.row]
	tail := append([]rune(nil), l[e.col:]...)
	e.replace(e.row, e.col, len(l)-e.col, parts[0])
	last := len(parts) - 1
	added := make([][]rune, 0, last)
	for _, p := range parts[1:last] {
		added = append(added, append([]rune(nil), p...))
	}
	added = append(added, append(append(make([]rune, 0, len(parts[last])+len(tail)), parts[last]...), tail...))
	for _, a := range added {
		e.runes += len(a) + 1 // and its newline
	}
	e.lines = insertAt(e.lines, e.row+1, added)
	e.wraps = insertAt(e.wraps, e.row+1, make([]lineWrap, len(added)))
	e.row += last
	e.col = len(parts[last])
}

// replace puts ins in place of n runes at p in line row (no newlines in
// ins) and updates the line's wrap from the edit on.
func (e *textBox) replace(row, p, n int, ins []rune) {
	l := e.lines[row]
	delta := len(ins) - n
	var nl []rune
	if delta <= 0 || cap(l) >= len(l)+delta {
		nl = l[:len(l)+delta]
		copy(nl[p+len(ins):], l[p+n:])
	} else {
		nl = make([]rune, len(l)+delta, (len(l)+delta)*5/4+16)
		copy(nl, l[:p])
		copy(nl[p+len(ins):], l[p+n:])
	}
	copy(nl[p:], ins)
	e.lines[row] = nl
	e.runes += delta
	e.wraps[row].update(nl, p, n, len(ins), e.width)
}

// joinNext appends line row+1 to line row.
func (e *textBox) joinNext(row int) {
	next := e.lines[row+1]
	e.replace(row, len(e.lines[row]), 0, next)
	e.runes -= len(next) + 1 // replace counted next again; the newline goes
	e.lines = append(e.lines[:row+1], e.lines[row+2:]...)
	e.wraps = append(e.wraps[:row+1], e.wraps[row+2:]...)
}

func insertAt[T any](s []T, i int, add []T) []T {
	s = append(s, add...)
	copy(s[i+len(add):], s[i:len(s)-len(add)])
	copy(s[i:], add)
	return s
}

// splitRunes splits at newlines (the parts alias text).
func splitRunes(text []rune) [][]rune {
	var parts [][]rune
	start := 0
	for i, r := range text {
		if r == '\n' {
			parts = append(parts, text[start:i])
			start = i + 1
		}
	}
	return append(parts, text[start:])
}

// sanitizeText is what may enter the box: newlines (CR and CRLF become
// LF), tabs as four spaces (a tab's width depends on the terminal), and no
// other control characters, so nothing typed or pasted can reach the
// terminal as a sequence.
func sanitizeText(s string) []rune {
	out := make([]rune, 0, len(s))
	prevCR := false
	for _, r := range s {
		switch {
		case r == '\r':
			out = append(out, '\n')
		case r == '\n':
			if !prevCR {
				out = append(out, '\n')
			}
		case r == '\t':
			out = append(out, ' ', ' ', ' ', ' ')
		case r == unicode.ReplacementChar, unicode.IsControl(r):
		default:
			out = append(out, r)
		}
		prevCR = r == '\r'
	}
	return out
}

// runeCells is a rune's width in terminal cells, summed per rune as tmux
// and the Linux console count (an emoji sequence may count wider than it
// shows; it never counts narrower, so a row never overflows).
func runeCells(r rune) int {
	if r >= 0x20 && r < 0x7f {
		return 1
	}
	return runewidth.RuneWidth(r)
}

func cellsOf(rs []rune) int {
	n := 0
	for _, r := range rs {
		n += runeCells(r)
	}
	return n
}

// wrap is line's wrap at the current width, computed if stale.
func (e *textBox) wrap(line int) *lineWrap {
	w := &e.wraps[line]
	if w.width != e.width {
		w.compute(e.lines[line], e.width)
	}
	return w
}

// segOf is the row of line holding rune index col: the last row starting
// at or before it (a rune where a row ends shows at the next row's start).
func (e *textBox) segOf(line, col int) int {
	st := e.wrap(line).starts
	return sort.Search(len(st), func(i int) bool { return st[i] > col }) - 1
}

// nextRow wraps one row of l starting at s, width cells wide: where the
// next row starts, the last index it looked at, and whether this row is
// the last. Words move whole to the next row; spaces hang past the edge;
// a word longer than a row is cut. The last row keeps a cell free for the
// cursor after the text.
func nextRow(l []rune, s, width int) (next, seen int, last bool) {
	n := len(l)
	i, cells := s, 0
	for i < n {
		cw := runeCells(l[i])
		if cells+cw > width {
			break
		}
		cells += cw
		i++
	}
	if i == n {
		if cells < width {
			return n, n, true
		}
		return n, n, false // full: the cursor after it gets a row of its own
	}
	if unicode.IsSpace(l[i]) {
		j := i
		for j < n && unicode.IsSpace(l[j]) {
			j++
		}
		return j, j, false
	}
	k := i
	for k > s && !unicode.IsSpace(l[k-1]) {
		k--
	}
	switch {
	case k > s:
		return k, i, false
	case i == s:
		return s + 1, s, false // one rune wider than the row
	}
	return i, i, false
}

func (w *lineWrap) compute(l []rune, width int) {
	w.width = width
	w.starts, w.seen = w.starts[:0], w.seen[:0]
	w.extend(l, 0)
}

// extend wraps l from s (a row start) to the end.
func (w *lineWrap) extend(l []rune, s int) {
	for {
		next, seen, last := nextRow(l, s, w.width)
		w.starts = append(w.starts, s)
		w.seen = append(w.seen, seen)
		if last {
			return
		}
		s = next
	}
}

// update re-wraps l after n runes at p were replaced by m runes: rows
// before the edit stay, rows are wrapped anew from the first one that
// looked at p, until a new row starts where an old one did (moved by the
// edit): from there on the text and so the rows are the same as before.
func (w *lineWrap) update(l []rune, p, n, m, width int) {
	if w.width != width || len(w.starts) == 0 {
		w.compute(l, width)
		return
	}
	delta := m - n
	j := sort.SearchInts(w.seen, p)
	if j == len(w.seen) {
		j = len(w.seen) - 1
	}
	oldStarts := w.starts[j:]
	var ns, nseen []int
	s := w.starts[j]
	k := 0 // oldStarts[k:] are the old rows not yet passed
	synced := false
	for {
		next, seen, last := nextRow(l, s, width)
		ns = append(ns, s)
		nseen = append(nseen, seen)
		if last {
			break
		}
		s = next
		if s >= p+m {
			old := s - delta
			for k < len(oldStarts) && oldStarts[k] < old {
				k++
			}
			if k < len(oldStarts) && oldStarts[k] == old {
				synced = true
				break
			}
		}
	}
	if !synced {
		w.starts = append(w.starts[:j], ns...)
		w.seen = append(w.seen[:j], nseen...)
		return
	}
	// Rows j..j+k-1 become ns; the rows after are the old ones, moved.
	w.starts = slices.Replace(w.starts, j, j+k, ns...)
	w.seen = slices.Replace(w.seen, j, j+k, nseen...)
	for i := j + len(ns); i < len(w.starts); i++ {
		w.starts[i] += delta
		w.seen[i] += delta
	}
}

// pos is a screen row: a logical line and a row of its wrap.
type pos struct{ line, seg int }

func before(a, b pos) bool {
	return a.line < b.line || (a.line == b.line && a.seg < b.seg)
}

// step moves p by one row; false at either end of the text.
func (e *textBox) step(p pos, down bool) (pos, bool) {
	if down {
		if p.seg+1 < len(e.wrap(p.line).starts) {
			return pos{p.line, p.seg + 1}, true
		}
		if p.line+1 < len(e.lines) {
			return pos{p.line + 1, 0}, true
		}
		return p, false
	}
	if p.seg > 0 {
		return pos{p.line, p.seg - 1}, true
	}
	if p.line > 0 {
		return pos{p.line - 1, len(e.wrap(p.line-1).starts) - 1}, true
	}
	return p, false
}

func (e *textBox) top() pos {
	line := min(e.topLine, len(e.lines)-1)
	return pos{line, e.segOf(line, e.topOff)}
}

func (e *textBox) setTop(p pos) {
	e.topLine, e.topOff = p.line, e.wrap(p.line).starts[p.seg]
}

// scrollToCursor moves the view the least that shows the cursor, and
// fills the box when the text below the top got shorter. It looks at the
// rows around the top and the cursor only.
func (e *textBox) scrollToCursor() {
	cur := pos{e.row, e.segOf(e.row, e.col)}
	top := e.top()
	if before(cur, top) {
		e.setTop(cur)
		return
	}
	p, rows := top, 1
	for p != cur && rows < e.height {
		p, _ = e.step(p, true)
		rows++
	}
	if p != cur {
		// The cursor is below the box: it becomes the last row.
		for i := 1; i < e.height; i++ {
			cur, _ = e.step(cur, false)
		}
		e.setTop(cur)
		return
	}
	// Rows below the cursor up to the box's bottom: none left means the
	// top may come down to fill the box.
	for rows < e.height {
		next, ok := e.step(p, true)
		if !ok {
			break
		}
		p = next
		rows++
	}
	for ; rows < e.height; rows++ {
		prev, ok := e.step(top, false)
		if !ok {
			break
		}
		top = prev
	}
	e.setTop(top)
}

// View draws the visible rows: the prompt, the text in the text style
// (the cursor's line in the cursor-line style), the cursor as a reversed
// cell, and end-of-buffer rows below the text.
func (e *textBox) View() string {
	if e.runes == 0 && e.Placeholder != "" {
		return e.placeholderView()
	}
	var b strings.Builder
	prompt := e.st.prompt.Render(e.Prompt)
	p := e.top()
	more := true
	for i := 0; i < e.height; i++ {
		if i > 0 {
			b.WriteByte('\n')
		}
		if !more {
			b.WriteString(prompt)
			b.WriteString(e.st.eob.Render(strings.Repeat(" ", e.width)))
			continue
		}
		e.drawRow(&b, p, prompt)
		p, more = e.step(p, true)
	}
	return b.String()
}

func (e *textBox) drawRow(b *strings.Builder, p pos, prompt string) {
	l := e.lines[p.line]
	w := e.wrap(p.line)
	start, end := w.starts[p.seg], len(l)
	if p.seg+1 < len(w.starts) {
		end = w.starts[p.seg+1]
	}
	style := e.st.text
	if p.line == e.row {
		style = e.st.cursorLine
	}
	b.WriteString(style.Render(prompt))
	cursorAt := -1
	if e.focused && p.line == e.row && e.segOf(e.row, e.col) == p.seg {
		cursorAt = e.col
	}
	// Spaces that hang past the edge are not drawn.
	vis, cells := start, 0
	for vis < end {
		cw := runeCells(l[vis])
		if cells+cw > e.width {
			break
		}
		cells += cw
		vis++
	}
	if cursorAt < 0 {
		b.WriteString(style.Render(string(l[start:vis])))
		b.WriteString(style.Render(strings.Repeat(" ", e.width-cells)))
		return
	}
	if cursorAt >= vis {
		// After the text, or on a hanging space: the cell after the text,
		// or the last cell when the row is full.
		for vis > start && cells >= e.width {
			vis--
			cells -= runeCells(l[vis])
		}
		b.WriteString(style.Render(string(l[start:vis])))
		b.WriteString(e.st.cursor.Render(" "))
		b.WriteString(style.Render(strings.Repeat(" ", max(0, e.width-cells-1))))
		return
	}
	b.WriteString(style.Render(string(l[start:cursorAt])))
	b.WriteString(e.st.cursor.Render(string(l[cursorAt])))
	b.WriteString(style.Render(string(l[cursorAt+1 : vis])))
	b.WriteString(style.Render(strings.Repeat(" ", e.width-cells)))
}

// placeholderView is the prompt and the placeholder, wrapped, with the
// cursor on its first character.
func (e *textBox) placeholderView() string {
	var b strings.Builder
	lines := strings.Split(strings.TrimSpace(ansi.Hardwrap(ansi.Wordwrap(e.Placeholder, e.width, ""), e.width, true)), "\n")
	prompt := e.st.prompt.Render(e.Prompt)
	for i := 0; i < e.height; i++ {
		if i > 0 {
			b.WriteByte('\n')
		}
		if i >= len(lines) {
			b.WriteString(prompt)
			b.WriteString(e.st.eob.Render(strings.Repeat(" ", e.width)))
			continue
		}
		line := lines[i]
		b.WriteString(e.st.cursorLine.Render(prompt))
		gap := strings.Repeat(" ", max(0, e.width-ansi.StringWidth(line)))
		if i == 0 && e.focused && line != "" {
			first, rest := firstRune(line)
			b.WriteString(e.st.cursorLine.Render(e.st.cursor.Render(first)))
			b.WriteString(e.st.cursorLine.Render(e.st.placeholder.Render(rest)))
		} else {
			b.WriteString(e.st.cursorLine.Render(e.st.placeholder.Render(line)))
		}
		b.WriteString(e.st.cursorLine.Render(gap))
	}
	return b.String()
}

func firstRune(s string) (string, string) {
	for i := range s {
		if i > 0 {
			return s[:i], s[i:]
		}
	}
	return s, ""
}
