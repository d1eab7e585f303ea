package ui

// Hints in status lines and labels ("u to undo", "esc: back") name the
// key bound now, not the default, so a [keys] rebinding shows everywhere
// and not only in help.

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
)

// keyName is how a hint names b's key: its help label, as in the help
// overlay ("" when the action is unbound).
func keyName(b key.Binding) string {
	keys := b.Keys()
	if len(keys) == 0 {
		return ""
	}
	if k := b.Help().Key; k != "" {
		return k
	}
	return keyLabel(keys[0])
}

// keyHint puts b's key in format's %s; it is "" when b is unbound, so the
// hint goes away rather than naming a key that does nothing.
func keyHint(b key.Binding, format string) string {
	k := keyName(b)
	if k == "" {
		return ""
	}
	return fmt.Sprintf(format, k)
}

// joinHints joins the hints left after unbound ones went away.
func joinHints(sep string, hints ...string) string {
	kept := hints[:0:0]
	for _, h := range hints {
		if h != "" {
			kept = append(kept, h)
		}
	}
	return strings.Join(kept, sep)
}

// fetchHint ends the empty lists' text: " (R: fetch now, 4: feeds)".
func (c *Common) fetchHint() string {
	g := c.Keys.Global
	h := joinHints(", ", keyHint(g.FetchAll, "%s: fetch now"), keyHint(g.Feeds, "%s: feeds"))
	if h == "" {
		return ""
	}
	return " (" + h + ")"
}

// bulkHints are what the queue's keys do to selected rows:
// ": e done · s snooze · > < stage · a assign to me · esc clear".
func bulkHints(qk QueueKeys) string {
	stage := joinHints(" ", keyName(qk.StageForward), keyName(qk.StageBack))
	if stage != "" {
		stage += " stage"
	}
	h := joinHints(" · ", keyHint(qk.Done, "%s done"), keyHint(qk.Snooze, "%s snooze"), stage,
		keyHint(qk.Assign, "%s assign to me"), keyHint(qk.Unselect, "%s clear"))
	if h == "" {
		return ""
	}
	return ": " + h
}

// placeholder is the empty composer's text:
// "Write a reply… (ctrl+s: send, esc: leave, draft is kept)".
func (t *threadScreen) placeholder() string {
	ck := t.c.Keys.Compose
	h := joinHints(", ", keyHint(ck.Send, "%s: "+t.sendVerb()), keyHint(ck.Leave, "%s: leave, draft is kept"))
	if h == "" {
		return "Write a reply…"
	}
	return "Write a reply… (" + h + ")"
}

// composerLabel is the rule above the composer: a draft waiting for r,
// or the reply being written with its keys, whom it answers first (what
// the rest may be cut after).
func (t *threadScreen) composerLabel() string {
	to := t.addressee()
	if !t.composing {
		label := " draft" + keyHint(t.c.Keys.Thread.Reply, " (%s to continue)")
		if to != "" {
			label += " · to " + to
		}
		return label + " "
	}
	ck := t.c.Keys.Compose
	head := "reply"
	if to != "" {
		head = "Reply to " + to
	}
	return " " + joinHints(" · ", head, keyHint(ck.Send, "%s "+t.sendVerb()), keyHint(ck.Leave, "%s leave (kept)")) + " "
}

// pickerHints are the saved-reply picker's keys:
// "enter insert at the cursor · ↑/↓ choose · esc close".
func pickerHints(pk PickerKeys) string {
	choose := joinHints("/", keyName(pk.Up), keyName(pk.Down))
	if choose != "" {
		choose += " choose"
	}
	return joinHints(" · ", keyHint(pk.Insert, "%s insert at the cursor"), choose, keyHint(pk.Cancel, "%s close"))
}
