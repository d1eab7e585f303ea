package engine

import (
	"context"
	"time"
)

// Undo reverts this teammate's done or snooze (store.AuditDone,
// store.AuditSnoozed) taken at since, unless a teammate acted on the
// thread since (store.OverriddenError).
func (s *Session) Undo(_ context.Context, threadID, action string, since time.Time) error {
	return s.st.Undo(threadID, action, since)
}
