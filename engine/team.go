package engine

// The collaboration calls of a teammate's session: safe undo and the
// per-teammate counters.

import (
	"context"
	"time"

	"parley/store"
)

// Undo reverts this teammate's done or snooze (store.AuditDone,
// store.AuditSnoozed) taken at since, unless a teammate acted on the
// thread since (store.OverriddenError).
func (s *Session) Undo(_ context.Context, threadID, action string, since time.Time) error {
	return s.st.Undo(threadID, action, since)
}

// TeamCounts are each teammate's counts of audited actions.
func (s *Session) TeamCounts(context.Context) ([]store.TeamCount, error) { return s.st.TeamCounts() }
