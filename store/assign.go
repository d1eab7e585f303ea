package store

import (
	"errors"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// SetAssignee assigns a thread to teammate to ("" unassigns it), as
// teammate by, and writes the audit entry in the same transaction.
// Assigning it to whom it is assigned already changes nothing and
// publishes nothing. The store does not know the teammates: the caller
// names one of the config's.
func (s *Store) SetAssignee(threadID, to, by string) error {
	to = strings.TrimSpace(to)
	changed := false
	err := s.update(func(tx *bolt.Tx) error {
		changed = false
		return updateThreadTx(tx, threadID, func(tx *bolt.Tx, t *threadRec) error {
			if t.Assignee == to {
				return errUnchanged
			}
			a := AuditEntry{Who: by, Action: AuditAssigned, ThreadID: t.ID, Detail: to}
			if to == "" {
				a.Action, a.Detail = AuditUnassigned, t.Assignee
			}
			t.Assignee, changed = to, true
			return audit(tx, a)
		})
	})
	if errors.Is(err, errUnchanged) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("assign thread %s: %w", threadID, err)
	}
	if changed {
		s.changed(ChangeAssign, by, threadID)
	}
	return nil
}
