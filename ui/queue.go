package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"parley/store"
)

// queueScreen is the list of threads that need attention. It holds the
// queue's summaries (from the store's queue index) and renders only the
// rows that fit, so moving stays O(1) however long the queue is.
type queueScreen struct {
	c       *Common
	keys    QueueKeys
	threads []store.Thread
	drafts  map[string]bool
	cursor  int
	offset  int // index of the first visible row
	width   int
	height  int
	loaded  bool
	// total is the queue's length: more than len(threads) while only its
	// first screenful has been read (queueHeadMsg).
	total int
	// welcome replaces the empty list when nothing is configured.
	welcome string
}

func newQueueScreen(c *Common) *queueScreen {
	return &queueScreen{c: c, keys: c.Keys.Queue, drafts: map[string]bool{}}
}

func (q *queueScreen) SetSize(w, h int) {
	q.width, q.height = w, h
	q.scrollToCursor()
}

// setThreads replaces the list, keeping the cursor on the same thread when
// it is still queued (new items arriving must not move the user's place).
func (q *queueScreen) setThreads(threads []store.Thread, drafts map[string]bool) {
	selected := q.selectedID()
	q.threads, q.drafts, q.loaded, q.total = threads, drafts, true, len(threads)
	if q.drafts == nil {
		q.drafts = map[string]bool{}
	}
	q.cursor = clampInt(q.cursor, 0, len(threads)-1)
	if selected != "" {
		for i, t := range threads {
			if t.ID == selected {
				q.cursor = i
				break
			}
		}
	}
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
		q.move(1)
	case key.Matches(km, q.keys.Up):
		q.move(-1)
	case key.Matches(km, q.keys.Top):
		q.move(-len(q.threads))
	case key.Matches(km, q.keys.Bottom):
		q.move(len(q.threads))
	case key.Matches(km, q.keys.HalfDown):
		q.move(half)
	case key.Matches(km, q.keys.HalfUp):
		q.move(-half)
	}
	return q, nil
}

func (q *queueScreen) move(n int) {
	q.cursor = clampInt(q.cursor+n, 0, len(q.threads)-1)
	q.scrollToCursor()
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
	if len(q.threads) == 0 {
		return s.Muted.Render("Nothing is waiting for a reply. New messages appear here as feeds are polled (R: fetch now, 4: feeds).")
	}
	feedW, authorW, previewW := q.columns()
	var b strings.Builder
	header := "    " + fit("FEED", feedW) + " " + fit("FROM", authorW) + " " + fit("STAGE", badgeWidth) + " " +
		fit(fmt.Sprintf("WAITING FOR A REPLY (%d)", max(q.total, len(q.threads))), previewW) + "   " + fit("AGE", 4) + " " + fit("NEW", 3)
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
		if q.drafts[t.ID] {
			draft = "✎"
		}
		if t.Unread > 0 {
			unread = fmt.Sprintf("%3s", fmt.Sprint(min(t.Unread, 99)))
		}
		preview := t.Preview
		if preview == "" {
			preview = t.Title
		}
		waiting := t.WaitingSince
		if waiting.IsZero() {
			waiting = t.LastTheirs
		}
		mark := threadMark(t)
		who := fit(t.Feed, feedW) + " " + fit(t.Author, authorW) + " "
		rest := " " + fit(preview, previewW) + " " + draft + " " + fmt.Sprintf("%4s", age(now, waiting)) + " "
		if i == q.cursor {
			// One style for the whole cursor row keeps its background
			// unbroken; label and mark characters still tell it apart.
			b.WriteString(s.Selected.Render(marker + mark + " " + who + fit(stageLabel(t.Stage), badgeWidth) + rest + unread))
			continue
		}
		b.WriteString(marker + styledMark(s, mark) + " " + who + badge(s, t.Stage) + rest)
		if t.Unread > 0 {
			b.WriteString(s.Accent.Bold(true).Render(unread))
		} else {
			b.WriteString(unread)
		}
	}
	return b.String()
}

func (q *queueScreen) ShortHelp() []key.Binding {
	return []key.Binding{q.keys.Down, q.keys.Up, q.keys.Open, q.keys.Reply, q.keys.Done, q.keys.Snooze, q.keys.StageForward, q.keys.StageBack}
}

func (q *queueScreen) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		q.keys.Motion.bindings(),
		{q.keys.Open, q.keys.Reply, q.keys.Done, q.keys.Snooze, q.keys.Undo, q.keys.StageForward, q.keys.StageBack},
	}
}
