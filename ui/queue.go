package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"parley/filter"
	"parley/funnel"
	"parley/store"
)

// queueScreen is the list of threads that need attention. It holds a
// window of the queue around the cursor (store.QueueWindow), never the
// whole queue: at 100k threads, reading all of it would map in most of
// the queue index and cost hundreds of MB. Moving inside the window is
// instant; as the cursor nears an edge, the next window is read in the
// background, centred on the cursor's thread.
type queueScreen struct {
	c       *Common
	keys    QueueKeys
	threads []store.Thread // the window, in queue order
	drafts  map[string]bool
	cursor  int // index in threads
	offset  int // index in threads of the first visible row
	width   int
	height  int
	loaded  bool
	// total is the whole queue's length; first and last say whether the
	// window holds its head and its tail.
	total       int
	first, last bool
	// seq numbers window reads; only the newest one's result is used, so
	// a late read never moves the cursor back.
	seq int
	// moving: a read asked by a move is in flight, so holding j near an
	// edge asks once, not on every key.
	moving bool
	// welcome replaces the empty list when nothing is configured.
	welcome string
	// picked are the selected rows by thread ID (bulk.go).
	picked map[string]store.Thread
	// filter is the / filter asked for (empty: the whole queue;
	// filter.go); shown is the one the rows on screen were read with.
	filter, shown filter.Query
}

// queueWindowMsg is a window of the queue read for the queue screen.
type queueWindowMsg struct {
	seq int
	// jump: the cursor goes to the window's anchor row (g, G, start);
	// otherwise it stays on its thread if the window holds it.
	jump bool
	// reload: the read was asked because the queue changed (see
	// App.reloadQueue), not to move.
	reload bool
	win    store.QueueWindow
	err    error
	filter filter.Query // what the window was read with
}

func newQueueScreen(c *Common) *queueScreen {
	return &queueScreen{c: c, keys: c.Keys.Queue, drafts: map[string]bool{}}
}

func (q *queueScreen) SetSize(w, h int) {
	q.width, q.height = w, h
	q.scrollToCursor()
}

// windowSpan is how many rows a read takes before and after its anchor:
// a few screens, so moving rarely waits and a read stays small.
func (q *queueScreen) windowSpan() (before, after int) {
	rows := q.rows()
	return max(2*rows, 40), max(3*rows, 60)
}

// read asks for the window around a; the newest read wins.
func (q *queueScreen) read(a store.QueueAnchor, jump, reload bool) tea.Cmd {
	q.seq++
	seq, b, now, fq := q.seq, q.c.B, q.c.Now(), q.filter
	before, after := q.windowSpan()
	if a.End {
		before = before + after
	}
	return func() tea.Msg {
		var w store.QueueWindow
		var err error
		if fq.Empty() {
			w, err = b.QueueWindow(bg, now, a, before, after)
		} else {
			w, err = filteredWindow(b, fq, now, a, before, after)
		}
		return queueWindowMsg{seq: seq, jump: jump, reload: reload, win: w, err: err, filter: fq}
	}
}

// reload re-reads the window around the cursor's thread: the queue changed.
func (q *queueScreen) reload() tea.Cmd {
	t, _ := q.selected()
	return q.read(store.QueueAnchor{Thread: t}, !q.loaded, true)
}

// setWindow shows a window read by read. The cursor stays on its thread
// when the window holds it (new items arriving must not move the user's
// place); otherwise it takes the anchor's row: the thread after one that
// left the queue, or the end a jump asked for. Its row on screen stays
// where it was.
func (q *queueScreen) setWindow(m queueWindowMsg) {
	if m.seq != q.seq {
		return
	}
	q.moving = false
	if m.err != nil {
		return // the app reports it; the window shown stays
	}
	w := m.win
	screenRow := q.cursor - q.offset
	selected := q.selectedID()
	cursor := w.At
	if !m.jump && selected != "" {
		for i, t := range w.Threads {
			if t.ID == selected {
				cursor = i
				break
			}
		}
	}
	q.threads, q.drafts, q.total, q.first, q.last, q.loaded = w.Threads, w.Drafts, w.Total, w.First, w.Last, true
	q.shown = m.filter
	if q.drafts == nil {
		q.drafts = map[string]bool{}
	}
	q.cursor = clampInt(cursor, 0, len(q.threads)-1)
	q.offset = q.cursor - screenRow
	q.scrollToCursor()
}

func (q *queueScreen) selected() (store.Thread, bool) {
	if q.cursor < 0 || q.cursor >= len(q.threads) {
		return store.Thread{}, false
	}
	return q.threads[q.cursor], true
}

func (q *queueScreen) selectedID() string {
	t, _ := q.selected()
	return t.ID
}

func (q *queueScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return q, nil
	}
	half := max(1, q.height/2)
	switch {
	case key.Matches(km, q.keys.Down):
		return q, q.move(1)
	case key.Matches(km, q.keys.Up):
		return q, q.move(-1)
	case key.Matches(km, q.keys.Top):
		if !q.first {
			return q, q.read(store.QueueAnchor{}, true, false)
		}
		return q, q.move(-len(q.threads))
	case key.Matches(km, q.keys.Bottom):
		if !q.last {
			return q, q.read(store.QueueAnchor{End: true}, true, false)
		}
		return q, q.move(len(q.threads))
	case key.Matches(km, q.keys.HalfDown):
		return q, q.move(half)
	case key.Matches(km, q.keys.HalfUp):
		return q, q.move(-half)
	}
	return q, nil
}

// move moves the cursor inside the window, and reads the next window
// when it comes within a screen of an edge the queue goes on past.
func (q *queueScreen) move(n int) tea.Cmd {
	q.cursor = clampInt(q.cursor+n, 0, len(q.threads)-1)
	q.scrollToCursor()
	margin := q.rows()
	nearEdge := (!q.first && q.cursor < margin) || (!q.last && q.cursor >= len(q.threads)-margin)
	t, ok := q.selected()
	if !nearEdge || !ok || q.moving {
		return nil
	}
	q.moving = true
	return q.read(store.QueueAnchor{Thread: t}, false, false)
}

func (q *queueScreen) scrollToCursor() {
	rows := q.rows()
	if q.cursor < q.offset {
		q.offset = q.cursor
	}
	if q.cursor >= q.offset+rows {
		q.offset = q.cursor - rows + 1
	}
	q.offset = clampInt(q.offset, 0, max(0, len(q.threads)-rows))
}

// rows is how many thread rows fit under the column header.
func (q *queueScreen) rows() int { return max(1, q.height-1) }

// Column widths for a given total width: feed and author shrink first on
// narrow screens, the preview takes what is left.
func (q *queueScreen) columns() (feed, author, preview int) {
	feed, author = 16, 18
	if q.width < 100 {
		feed, author = 12, 14
	}
	if q.width < 90 {
		feed, author = 10, 12
	}
	if q.width < 72 {
		feed, author = 8, 10
	}
	// marker(2) + mark(1) + sp + feed + sp + author + sp + badge + sp + preview +
	// sp + draft(1) + sp + age(4) + sp + unread(3)
	preview = q.width - 2 - 2 - feed - 1 - author - 1 - badgeWidth - 1 - 1 - 1 - 1 - 4 - 1 - 3
	if q.showAssignee() {
		preview -= assigneeWidth + 1
	}
	return feed, author, max(8, preview)
}

func (q *queueScreen) View() string {
	s := q.c.Styles
	if q.welcome != "" && len(q.threads) == 0 {
		return lipgloss.NewStyle().Width(q.width).Render(q.welcome)
	}
	if !q.loaded {
		return s.Muted.Render("Loading the queue…")
	}
	if len(q.threads) == 0 && !q.shown.Empty() {
		return s.Muted.Render(filterHint(q.shown, q.c.Keys.Global.Filter))
	}
	if len(q.threads) == 0 {
		return s.Muted.Render("Nothing is waiting for a reply. New messages appear here as feeds are polled" + q.c.fetchHint() + ".")
	}
	feedW, authorW, previewW := q.columns()
	var b strings.Builder
	header := "    " + fit("FEED", feedW) + " " + fit("FROM", authorW) + " " + fit("STAGE", badgeWidth) + " " +
		q.assigneeCell("WHO") + fit(q.headline(), previewW) + "   " + fit("AGE", 4) + " " + fit("NEW", 3)
	b.WriteString(s.Muted.Render(fit(header, q.width)))
	now := q.c.Now()
	end := min(len(q.threads), q.offset+q.rows())
	for i := q.offset; i < end; i++ {
		t := q.threads[i]
		b.WriteByte('\n')
		marker, draft, unread := "  ", " ", "   "
		if i == q.cursor {
			marker = "› "
		}
		if _, on := q.picked[t.ID]; on {
			marker = marker[:len(marker)-1] + "✓" // beside the cursor: both show
		}
		if q.drafts[t.ID] {
			draft = "✎"
		}
		if t.Unread > 0 {
			unread = fmt.Sprintf("%3s", fmt.Sprint(min(t.Unread, 99)))
		}
		row := queueRow(t)
		waiting := t.WaitingSince
		if waiting.IsZero() {
			waiting = t.LastTheirs
		}
		who := fit(t.Feed, feedW) + " " + fit(row.name, authorW) + " "
		rest := " " + q.assigneeCell(t.Assignee) + fitWithTail(row.preview, q.c.rowTail(t.ID, row.more), previewW) + " " + draft + " " + q.c.slaAge(now, waiting) + " "
		if i == q.cursor {
			// Only the row's head (cursor, mark, feed, author) takes the
			// cursor's background: a move then rewrites about 30 cells of
			// two rows instead of both rows whole, and each keystroke is
			// what an SSH link carries (BENCHMARKS.md, bytes per j).
			b.WriteString(s.Selected.Render(marker+row.mark+" "+who) + badge(s, row.stage) + rest)
		} else {
			b.WriteString(marker + styledMark(s, row.mark) + " " + who + badge(s, row.stage) + rest)
		}
		if t.Unread > 0 {
			b.WriteString(s.Accent.Bold(true).Render(unread))
		} else {
			b.WriteString(unread)
		}
	}
	return b.String()
}

func (q *queueScreen) ShortHelp() []key.Binding {
	if len(q.picked) > 0 {
		return []key.Binding{q.keys.Select, q.keys.Done, q.keys.Snooze, q.keys.StageForward, q.keys.StageBack, q.keys.Assign, q.keys.Unselect}
	}
	return []key.Binding{q.keys.Down, q.keys.Up, q.keys.Open, q.keys.Reply, q.keys.Done, q.keys.Snooze, q.keys.StageForward, q.keys.StageBack}
}

func (q *queueScreen) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		// a and A under the motion keys: a column of their own is cut
		// off at 60 columns.
		append(q.keys.Motion.bindings(), q.keys.Select, q.keys.Unselect, q.keys.Assign, q.keys.Unassign),
		{q.keys.Open, q.keys.Reply, q.keys.Done, q.keys.Snooze, q.keys.Undo, q.keys.StageForward, q.keys.StageBack,
			q.keys.OpenLink, q.keys.CopyLink, q.keys.MarkUnread},
	}
}

// rowFacts is what a queue row shows about its thread: all of it about
// one person, the one waiting (store.Thread.Waiter), so a name never
// stands beside another person's words.
type rowFacts struct {
	name, preview string
	more          string // "+2 waiting" when others wait in the thread too
	stage         funnel.Stage
	mark          string
}

func queueRow(t store.Thread) rowFacts {
	w := t.Waiter
	if w.Contact == "" && w.Name == "" {
		// Nobody waits (a row read before the store knew, or a thread
		// shown for another reason): the thread's own facts.
		preview := t.Preview
		if preview == "" {
			preview = t.Title
		}
		return rowFacts{name: t.Author, preview: preview, stage: t.Stage, mark: threadMark(t)}
	}
	r := rowFacts{name: w.Name, preview: w.Preview, stage: w.Stage,
		mark: convMark(store.Conversation{Unhappy: w.Unhappy, Intent: w.Intent, Stage: w.Stage, Mood: w.Mood})}
	if r.preview == "" {
		r.preview = t.Title
	}
	if n := t.WaitingPeople - 1; n > 0 {
		r.more = fmt.Sprintf("+%d waiting", n)
	}
	return r
}

// fitWithTail fits s and a tail to width, the tail kept whole at the
// end ("their words…  +2 waiting").
func fitWithTail(s, tail string, width int) string {
	if tail == "" {
		return fit(s, width)
	}
	tw := ansi.StringWidthWc(tail)
	if tw+4 > width {
		return fit(s, width)
	}
	return fit(s, width-tw-1) + " " + tail
}
