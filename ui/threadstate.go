package ui

import (
	"time"

	"charm.land/bubbles/v2/key"

	"parley/store"
)

// threadState is what the thread's header says of a thread out of the
// queue: "done", or "snoozed until Tue 09:00" (local time); "" otherwise.
func threadState(t store.Thread, now time.Time, done key.Binding) string {
	switch {
	case t.Done:
		return "done" + keyHint(done, " (%s reopens)")
	case t.SnoozedUntil.After(now):
		return "snoozed until " + t.SnoozedUntil.Local().Format("Mon 15:04")
	}
	return ""
}
