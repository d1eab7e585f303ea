package store

// Safe undo: u reverts this teammate's own done or snooze, unless a
// teammate acted on the thread since. The check (the audit log after the
// action) and the revert run in one transaction, so a teammate's action
// cannot land between them.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ErrOverridden is what Undo returns (wrapped in an *OverriddenError)
// when a teammate changed the thread after the action to undo.
var ErrOverridden = errors.New("changed since")

// OverriddenError names the teammate's action that an undo would have
// reverted over.
type OverriddenError struct {
	Who    string
	Action string // an Audit* action
	At     time.Time
}

func (e *OverriddenError) Error() string {
	return fmt.Sprintf("%s changed this since (%s)", e.Who, e.Action)
}

func (e *OverriddenError) Unwrap() error { return ErrOverridden }

// Undo reverts this handle's teammate's action on a thread, done
// (AuditDone: back into the queue) or snoozed (AuditSnoozed: woken),
// taken at since or later. If the audit log holds an entry for the
// thread by anyone else from since on, nothing is written and the error
// is an *OverriddenError naming the newest. Its own entry, change and
// audit are SetDone(false)'s or Snooze(zero)'s.
func (s *Store) Undo(threadID, action string, since time.Time) error {
	var (
		kind  ChangeKind
		entry AuditEntry
	)
	switch action {
	case AuditDone:
		kind, entry = ChangeUndone, AuditEntry{Who: s.who, Action: AuditUndone, ThreadID: threadID}
	case AuditSnoozed:
		kind, entry = ChangeUnsnooze, AuditEntry{Who: s.who, Action: AuditUnsnoozed, ThreadID: threadID}
	default:
		return fmt.Errorf("undo %q: only done and snoozed can be undone", action)
	}
	err := s.update(func(tx *bolt.Tx) error {
		if o, err := overriddenSince(tx, threadID, s.who, since); err != nil || o != nil {
			if err != nil {
				return err
			}
			return o
		}
		return updateThreadTx(tx, threadID, func(tx *bolt.Tx, t *threadRec) error {
			if action == AuditDone {
				t.Done = false
			} else {
				t.SnoozedUntil = time.Time{}
			}
			return audit(tx, entry)
		})
	})
	if err != nil {
		return fmt.Errorf("undo %s: %w", action, err)
	}
	s.changed(kind, "", threadID)
	return nil
}

// overriddenSince is the newest audit entry for the thread by someone
// other than who, at since or later (nil: none). The log is in time
// order, so this reads only its tail from since.
func overriddenSince(tx *bolt.Tx, threadID, who string, since time.Time) (*OverriddenError, error) {
	var found *OverriddenError
	c := tx.Bucket(bucketAudit).Cursor()
	from := binary.BigEndian.AppendUint64(nil, nanos(since.UTC()))
	for k, v := c.Seek(from); k != nil; k, v = c.Next() {
		a, err := decodeAudit(k, v)
		if err != nil {
			return nil, fmt.Errorf("read the audit log: %w", err)
		}
		if a.ThreadID == threadID && a.Who != who {
			found = &OverriddenError{Who: a.Who, Action: a.Action, At: a.At}
		}
	}
	return found, nil
}
