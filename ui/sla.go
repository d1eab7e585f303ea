package ui

// SLA: [sla] warn and breach colour a queue row's waiting age, and the
// header counts the queued threads past breach. The count comes from the
// store's queue index (Backend.QueueBreached), whose runs per rank are in
// waiting order, so it reads the breached heads (or the fresh tails),
// never the whole queue.

import (
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"parley/store"
)

// breachLimit bounds the entries one count reads; past it the header
// says "1000+".
const breachLimit = 1000

// slaAge is a row's waiting age, four cells, coloured by the SLA.
func (c *Common) slaAge(now, waiting time.Time) string {
	text := fmt.Sprintf("%4s", age(now, waiting))
	waited := now.Sub(waiting)
	switch {
	case waiting.IsZero():
		return text
	case c.sla.Breach > 0 && waited >= c.sla.Breach:
		return c.Styles.Error.Bold(true).Render(text)
	case c.sla.Warn > 0 && waited >= c.sla.Warn:
		return c.Styles.Warn.Render(text)
	}
	return text
}

// headline is the queue's column title: its length, and the selection.
func (q *queueScreen) headline() string {
	h := fmt.Sprintf("%s (%d)", q.listTitle(), max(q.total, len(q.threads)))
	if n := len(q.picked); n > 0 {
		h += fmt.Sprintf(" · %d SELECTED", n)
	}
	return h
}

// breachedMsg is a fresh count for the header.
type breachedMsg struct {
	seq int
	n   store.Breached
	err error
}

// countBreached asks for the count when an SLA is set; the newest ask wins.
func (a *App) countBreached() tea.Cmd {
	if a.c.sla.Breach <= 0 {
		return nil
	}
	a.breachSeq++
	seq, b, cutoff := a.breachSeq, a.c.B, a.c.Now().Add(-a.c.sla.Breach)
	return func() tea.Msg {
		n, err := b.QueueBreached(bg, cutoff, breachLimit)
		return breachedMsg{seq: seq, n: n, err: err}
	}
}

func (a *App) breachedCounted(m breachedMsg) {
	if m.seq != a.breachSeq || m.err != nil {
		return // a count is a hint; the next reload counts again
	}
	a.breached = m.n
}

// breachedBadge is the header's count ("" when none or no SLA).
func (a *App) breachedBadge() string {
	if a.c.sla.Breach <= 0 || a.breached.N == 0 {
		return ""
	}
	n := fmt.Sprint(a.breached.N)
	if a.breached.AtLeast {
		n += "+"
	}
	return a.c.Styles.Error.Bold(true).Render(fmt.Sprintf("%s breached", n)) + " "
}
