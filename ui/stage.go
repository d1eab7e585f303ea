package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"parley/funnel"
	"parley/store"
)

// badgeWidth is the width of the stage badge column.
const badgeWidth = 6

var stageLabels = [...]string{"new", "eng", "trust", "intent", "conv", "adv"}

// stageLabel is the short label of a stage for badge columns.
func stageLabel(st funnel.Stage) string {
	if int(st) < len(stageLabels) {
		return stageLabels[st]
	}
	return "?"
}

// badge is a stage's label padded to the badge column, in its style.
func badge(s *Styles, st funnel.Stage) string {
	if int(st) < len(s.badges) && s.badges[st] != "" {
		return s.badges[st]
	}
	return s.StageStyle(st).Render(fit(stageLabel(st), badgeWidth))
}

// threadMark is the one-cell sentiment mark of a queue row: ! unhappy,
// $ buying intent, + positive mood, blank otherwise. Characters, so the
// mark survives NO_COLOR.
func threadMark(t store.Thread) string {
	switch {
	case t.Unhappy:
		return "!"
	case t.Intent || t.Stage == funnel.Intent:
		return "$"
	case t.Mood >= funnel.PositiveAt:
		return "+"
	}
	return " "
}

// convMark is threadMark for one person's conversation.
func convMark(c store.Conversation) string {
	switch {
	case c.Unhappy:
		return "!"
	case c.Intent || c.Stage == funnel.Intent:
		return "$"
	case c.Mood >= funnel.PositiveAt:
		return "+"
	}
	return " "
}

func styledMark(s *Styles, mark string) string {
	if m, ok := s.marks[mark]; ok {
		return m
	}
	return mark
}

// formatMoney is "1,234.00 EUR".
func formatMoney(m store.Money) string {
	cents := m.Cents
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	whole := fmt.Sprint(cents / 100)
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := fmt.Sprintf("%s%s.%02d", sign, b.String(), cents%100)
	if m.Currency != "" {
		out += " " + m.Currency
	}
	return out
}

// formatRevenue joins amounts per currency; "–" when there are none.
func formatRevenue(ms []store.Money) string {
	if len(ms) == 0 {
		return "–"
	}
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = formatMoney(m)
	}
	return strings.Join(parts, ", ")
}

// bar is n of max drawn in width cells; any n > 0 shows at least one.
func bar(n, maxN, width int) string {
	if n <= 0 || maxN <= 0 || width <= 0 {
		return ""
	}
	cells := n * width / maxN
	if cells == 0 {
		cells = 1
	}
	return strings.Repeat("█", min(cells, width))
}

// listNav is the cursor and scroll offset of a list that renders only the
// rows that fit, so moving costs the same at 10 rows or 100k.
type listNav struct {
	cursor, offset int
	n              int // rows in the list
	rows           int // rows that fit
}

func (l *listNav) setLen(n int) {
	l.n = n
	l.clamp()
}

func (l *listNav) setRows(rows int) {
	l.rows = max(1, rows)
	l.clamp()
}

func (l *listNav) move(d int) {
	l.cursor += d
	l.clamp()
}

func (l *listNav) clamp() {
	l.cursor = clampInt(l.cursor, 0, l.n-1)
	rows := max(1, l.rows)
	if l.cursor < l.offset {
		l.offset = l.cursor
	}
	if l.cursor >= l.offset+rows {
		l.offset = l.cursor - rows + 1
	}
	l.offset = clampInt(l.offset, 0, max(0, l.n-rows))
}

// visible is the half-open range of rows to draw.
func (l *listNav) visible() (from, to int) {
	return l.offset, min(l.n, l.offset+max(1, l.rows))
}

// handle applies a motion key; false when msg is none.
func (l *listNav) handle(m Motion, msg tea.KeyPressMsg) bool {
	half := max(1, l.rows/2)
	switch {
	case key.Matches(msg, m.Down):
		l.move(1)
	case key.Matches(msg, m.Up):
		l.move(-1)
	case key.Matches(msg, m.Top):
		l.move(-l.n)
	case key.Matches(msg, m.Bottom):
		l.move(l.n)
	case key.Matches(msg, m.HalfDown):
		l.move(half)
	case key.Matches(msg, m.HalfUp):
		l.move(-half)
	default:
		return false
	}
	return true
}

// plural is "1 thread", "2 threads".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// cursorMark is the two-cell row prefix: "› " on the cursor row.
func cursorMark(selected bool) string {
	if selected {
		return "› "
	}
	return "  "
}
