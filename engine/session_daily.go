package engine

import (
	"context"
	"time"

	"parley/store"
)

// MarkUnread shows a thread unread again, as the session's user (audited).
func (s *Session) MarkUnread(_ context.Context, id string) error { return s.st.MarkUnread(id) }

// QueueBreached counts the queued threads waiting since cutoff or longer
// (the SLA's breach), reading a bounded part of the queue index.
func (s *Session) QueueBreached(_ context.Context, cutoff time.Time, limit int) (store.Breached, error) {
	return s.st.QueueBreached(cutoff, limit)
}
