package ui

// Notifications: a new message that arrives while the console runs (the
// change feed's ingests; not what was waiting at start-up) and that
// [notify] cares about (by default: unhappy or buying intent) rings the
// terminal's bell and sends a desktop notification through the terminal,
// so it works over SSH too:
//
//   - OSC 777 (ESC ] 777 ; notify ; title ; body BEL) where the terminal
//     speaks it: VTE terminals (VTE_VERSION: GNOME Terminal, Tilix...),
//     rxvt (TERM rxvt*), foot (TERM foot*);
//   - OSC 9 (ESC ] 9 ; body BEL) everywhere else: iTerm2, WezTerm, kitty,
//     Ghostty, Windows Terminal; a terminal without either ignores it.
//   - In tmux (TMUX set) the desktop sequence is wrapped in tmux's
//     passthrough (ESC P tmux; ... ESC \), which tmux forwards only with
//     `set -g allow-passthrough on`; the bell needs nothing.
//
// At most one notification per notifyEvery: what arrives meanwhile is
// coalesced into the next ("3 new: ..."). The status line always says what
// arrived. Feed text is reduced to printable characters first.

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"parley/feeds"
	"parley/funnel"
	"parley/store"
)

// notifyEvery is the rate limit.
const notifyEvery = 30 * time.Second

// maxNotifyChecks bounds the threads one check reads.
const maxNotifyChecks = 64

// arrival is one new message worth notifying.
type arrival struct {
	threadID string
	name     string
	feed     string
	why      string // "unhappy", "intent" or "" (any)
	preview  string
	at       time.Time // the thread's LastTheirs
}

// notifyState is the notifier's memory.
type notifyState struct {
	cfg feeds.Notify
	// since: only messages newer than this notify (the console's start).
	since time.Time
	// pending threads touched by ingests, not yet checked.
	pending map[string]bool
	// seen is the newest message notified per thread.
	seen map[string]time.Time
	// held arrivals wait for the rate limit; last is when the last
	// notification went out (wall clock); armed: a flush is on its way.
	held  []arrival
	last  time.Time
	armed bool
	clock func() time.Time
	// sent counts notifications sent (tests).
	sent int
	// hinted: the tmux passthrough hint was shown.
	hinted bool
}

type (
	arrivalsMsg    struct{ arrivals []arrival }
	notifyFlushMsg struct{}
)

// noteIngest remembers the threads an ingest touched, to check at the
// next refresh.
func (a *App) noteIngest(c store.Change) {
	n := &a.notify
	if n.cfg.Off() || c.Kind != store.ChangeIngest || c.Resync {
		return
	}
	if n.pending == nil {
		n.pending = map[string]bool{}
	}
	for _, id := range c.Threads {
		if len(n.pending) < maxNotifyChecks {
			n.pending[id] = true
		}
	}
}

// checkArrivals reads the pending threads and keeps the new messages the
// config notifies about.
func (a *App) checkArrivals() tea.Cmd {
	n := &a.notify
	if len(n.pending) == 0 {
		return nil
	}
	ids := make([]string, 0, len(n.pending))
	for id := range n.pending {
		ids = append(ids, id)
	}
	n.pending = nil
	b, cfg, since := a.c.B, n.cfg, n.since
	seen := make(map[string]time.Time, len(ids))
	for _, id := range ids {
		seen[id] = n.seen[id]
	}
	return func() tea.Msg {
		var out []arrival
		for _, id := range ids {
			t, err := b.Thread(bg, id)
			if err != nil || t.Waiter.Contact == "" && t.Waiter.Name == "" {
				continue // nobody waits: nothing to answer
			}
			if !t.LastTheirs.After(since) || !t.LastTheirs.After(seen[id]) {
				continue
			}
			w := t.Waiter
			why := ""
			switch {
			case w.Unhappy && (cfg.Unhappy || cfg.Any):
				why = "unhappy"
			case (w.Intent || w.Stage == funnel.Intent) && (cfg.Intent || cfg.Any):
				why = "intent"
			case !cfg.Any:
				continue
			}
			out = append(out, arrival{threadID: id, name: w.Name, feed: t.Feed, why: why, preview: w.Preview, at: t.LastTheirs})
		}
		return arrivalsMsg{arrivals: out}
	}
}

// arrived shows what came, and notifies now or when the limit allows.
func (a *App) arrived(m arrivalsMsg) tea.Cmd {
	n := &a.notify
	if len(m.arrivals) == 0 {
		return nil
	}
	if n.seen == nil {
		n.seen = map[string]time.Time{}
	}
	for _, ar := range m.arrivals {
		n.seen[ar.threadID] = ar.at
	}
	status := arrivalText(m.arrivals)
	if a.c.env.tmux && n.cfg.Desktop && !n.hinted {
		// Once: tmux drops the desktop notification unless told to pass
		// it on, and nothing tells parley whether it is.
		n.hinted = true
		status = arrivalHead(m.arrivals) + " · in tmux, desktop notifications need `set -g allow-passthrough on`"
	}
	a.setStatus(status, false)
	n.held = append(n.held, m.arrivals...)
	now := n.clock()
	if wait := n.last.Add(notifyEvery).Sub(now); !n.last.IsZero() && wait > 0 {
		if n.armed {
			return nil
		}
		n.armed = true
		return tea.Tick(wait, func(time.Time) tea.Msg { return notifyFlushMsg{} })
	}
	return a.flushNotify()
}

// flushNotify sends one notification for everything held.
func (a *App) flushNotify() tea.Cmd {
	n := &a.notify
	n.armed = false
	if len(n.held) == 0 {
		return nil
	}
	body := arrivalText(n.held)
	n.held = nil
	n.last = n.clock()
	n.sent++
	return tea.Raw(notifySequence(a.c.env, n.cfg, "parley", body))
}

// arrivalText says what arrived, on one line: "Alice Chen (unhappy) in
// Blog comments: Sync lost my notes" or "3 new: Alice Chen (unhappy),
// Bob (intent), Carol".
func arrivalText(as []arrival) string {
	if len(as) == 1 {
		return arrivalHead(as) + ": " + plainText(firstLine(as[0].preview))
	}
	names := make([]string, 0, 3)
	for i, ar := range as {
		if i == 3 {
			names = append(names, "…")
			break
		}
		names = append(names, arrivalWho(ar))
	}
	return fmt.Sprintf("%d new: %s", len(as), strings.Join(names, ", "))
}

// arrivalHead is one arrival without its words: "New: Alice Chen
// (unhappy) in Blog comments"; several: arrivalText.
func arrivalHead(as []arrival) string {
	if len(as) != 1 {
		return arrivalText(as)
	}
	return fmt.Sprintf("New: %s in %s", arrivalWho(as[0]), plainText(as[0].feed))
}

func arrivalWho(ar arrival) string {
	s := plainText(ar.name)
	if s == "" {
		s = "someone"
	}
	if ar.why != "" {
		s += " (" + ar.why + ")"
	}
	return s
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}

// maxNotifyRunes bounds a notification's text.
const maxNotifyRunes = 200

// plainText keeps only printable characters (no escape, no BEL, no
// newline, no bidi control: feed text is untrusted and goes into an
// escape sequence), and at most maxNotifyRunes of them.
func plainText(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range termText(s) {
		if n == maxNotifyRunes {
			b.WriteString("…")
			break
		}
		if r == '\t' || r == '\n' {
			r = ' '
		}
		if !unicode.IsPrint(r) && r != ' ' || unicode.Is(unicode.Bidi_Control, r) {
			continue
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// speaks777 reports whether the terminal takes OSC 777 notifications
// rather than OSC 9.
func (e termEnv) speaks777() bool {
	return e.vte || strings.HasPrefix(e.term, "rxvt") || strings.HasPrefix(e.term, "foot")
}

// notifySequence is what the terminal is sent: the bell and the desktop
// notification, as the config asks.
func notifySequence(e termEnv, cfg feeds.Notify, title, body string) string {
	var b strings.Builder
	if cfg.Bell {
		b.WriteByte('\a')
	}
	if !cfg.Desktop {
		return b.String()
	}
	body = plainText(body)
	var seq string
	if e.speaks777() {
		// ";" separates OSC 777's fields.
		seq = "\x1b]777;notify;" + strings.ReplaceAll(plainText(title), ";", ",") + ";" + strings.ReplaceAll(body, ";", ",") + "\a"
	} else {
		seq = ansi.Notify(body)
	}
	if e.tmux {
		seq = ansi.TmuxPassthrough(seq)
	}
	b.WriteString(seq)
	return b.String()
}
