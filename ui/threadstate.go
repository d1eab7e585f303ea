package ui

import (
	"time"

	"parley/store"
)

// threadState is what the thread's header says of a thread out of the
// queue: "done", or "snoozed until Tue 09:00" (local time); "" otherwise.
func threadState(t store.Thread, now time.Time) string {
	switch {
	case t.Done:
		return "done (e reopens)"
	case t.SnoozedUntil.After(now):
		return "snoozed until " + t.SnoozedUntil.Local().Format("Mon 15:04")
	}
	return ""
}
