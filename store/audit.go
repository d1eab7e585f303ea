package store

import (
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The audit log (schema 6): who did what to which thread, and when. Every
// action a teammate takes writes one entry in the transaction of the
// action itself, so an action is never without its entry nor an entry
// without its action. Entries are only ever appended.

// AuditEntry is one action in the audit log.
type AuditEntry struct {
	At       time.Time
	Who      string // the teammate ("" the local user, or the engine)
	Action   string // one of the Audit* constants
	ThreadID string
	// Contact is the person of the conversation acted on, when the action
	// has one (a reply's To, a stage move's conversation, a sale's buyer).
	Contact string
	// Detail says more: the snooze's end, the stage move, the sale's ref.
	Detail string
}

// Audit actions, as written to the log and exported.
const (
	AuditReplyRecorded = "reply recorded" // copied with ctrl+s, posted by hand
	AuditReplyQueued   = "reply queued"   // written to the outbox
	AuditReplySent     = "reply sent"     // the source took it
	AuditReplyRefused  = "reply refused"  // failed for good: back in its author's draft
	AuditDone          = "done"
	AuditUndone        = "undone"
	AuditSnoozed       = "snoozed"
	AuditUnsnoozed     = "unsnoozed"
	AuditStage         = "stage moved"
	AuditAssigned      = "assigned"
	AuditUnassigned    = "unassigned"
	AuditConversion    = "conversion imported"
)

// audit appends e to the log, keyed At | seq so the log is in time order
// and equal times keep the order they were written in.
func audit(tx *bolt.Tx, e AuditEntry) error {
	if e.At.IsZero() {
		e.At = time.Now()
	}
	b := tx.Bucket(bucketAudit)
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	k := binary.BigEndian.AppendUint64(make([]byte, 0, 16), nanos(e.At.UTC()))
	k = binary.BigEndian.AppendUint64(k, seq)
	if err := b.Put(k, encodeAudit(&e)); err != nil {
		return fmt.Errorf("write the audit log: %w", err)
	}
	return countTeamAction(tx, e.Who, e.Action)
}

func encodeAudit(a *AuditEntry) []byte {
	e := newEncoder(32 + len(a.Who) + len(a.Action) + len(a.ThreadID) + len(a.Contact) + len(a.Detail))
	e.str(a.Who)
	e.str(a.Action)
	e.str(a.ThreadID)
	e.str(a.Contact)
	e.str(a.Detail)
	return e.b
}

func decodeAudit(k, v []byte) (AuditEntry, error) {
	d := newDecoder("audit entry", k, v)
	var a AuditEntry
	if len(k) == 16 {
		a.At = fromNanos(binary.BigEndian.Uint64(k))
	} else {
		d.fail()
	}
	a.Who = d.str()
	a.Action = d.str()
	a.ThreadID = d.str()
	a.Contact = d.str()
	a.Detail = d.str()
	return a, d.done()
}

// auditChunk is how many entries Audit reads per transaction.
const auditChunk = 1024

// Audit calls fn with every entry of the audit log, oldest first,
// stopping at fn's first error and returning it. The log is read in
// chunks and fn runs between the transactions, so a slow writer (a pipe)
// never holds the database.
func (s *Store) Audit(fn func(AuditEntry) error) error {
	var after []byte
	for {
		var chunk []AuditEntry
		err := s.view(func(tx *bolt.Tx) error {
			c := tx.Bucket(bucketAudit).Cursor()
			k, v := c.First()
			if after != nil {
				if k, v = c.Seek(after); k != nil && string(k) == string(after) {
					k, v = c.Next()
				}
			}
			for ; k != nil && len(chunk) < auditChunk; k, v = c.Next() {
				a, err := decodeAudit(k, v)
				if err != nil {
					return err
				}
				chunk = append(chunk, a)
				after = append(after[:0], k...)
			}
			dropMapped(tx)
			return nil
		})
		if err != nil {
			return fmt.Errorf("read the audit log: %w", err)
		}
		for _, a := range chunk {
			if err := fn(a); err != nil {
				return err
			}
		}
		if len(chunk) < auditChunk {
			return nil
		}
	}
}
