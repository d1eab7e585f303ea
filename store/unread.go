package store

import (
	bolt "go.etcd.io/bbolt"
)

// AuditMarkedUnread is the audit action of MarkUnread.
const AuditMarkedUnread = "marked unread"

// MarkUnread makes a thread show unread again (the user's "come back to
// this"), and logs who did it in the same transaction. A thread that
// already shows unread messages keeps its count; one read shows 1. It
// publishes a ChangeRead: like MarkRead it changes only the unread count
// a row shows, neither the queue's order nor what a thread pane shows.
func (s *Store) MarkUnread(threadID string) error {
	return s.updateThread(ChangeRead, "", "mark thread unread", threadID, func(tx *bolt.Tx, t *threadRec) error {
		if t.Unread < 1 {
			t.Unread = 1
		}
		return audit(tx, AuditEntry{Who: s.who, Action: AuditMarkedUnread, ThreadID: t.ID})
	})
}
