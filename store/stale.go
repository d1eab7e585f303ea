package store

import (
	"bytes"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The stale-reply guard: a teammate who answers a person after another
// teammate answered them since the first opened the thread is told, and
// sends only when they insist (Reply.Force). The check runs in the
// transaction that writes the reply, so of two teammates sending at once
// one is written and the other refused: bbolt runs one writer at a time,
// and the second sees the first's reply.

// ErrStaleReply refuses a reply (RecordReply, QueueReply) whose Seen is
// older than another teammate's reply to the same person: Reply is that
// reply (for a queued one, At is when it was queued).
type ErrStaleReply struct {
	Reply Reply
}

func (e *ErrStaleReply) Error() string {
	who := e.Reply.Who
	if who == "" {
		who = "someone"
	}
	return fmt.Sprintf("%s answered this person at %s, after you opened the thread: read it, then send again to send anyway",
		who, e.Reply.At.UTC().Format(time.RFC3339))
}

// staleReply finds a reply to the thread by another teammate than who,
// to person "to" (or to nobody, which every conversation reads),
// recorded or queued after seen. A zero seen checks nothing (a caller
// that does not say what it saw).
func staleReply(tx *bolt.Tx, threadID, who, to string, seen time.Time) (*ErrStaleReply, error) {
	if seen.IsZero() {
		return nil, nil
	}
	prefix := []byte(threadID)
	after := timedKey(threadID, seen.UTC().Add(time.Nanosecond), 0)
	samePerson := func(other string) bool { return other == to || other == "" || to == "" }
	c := tx.Bucket(bucketReplies).Cursor()
	for k, v := c.Seek(after); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		r, err := decodeReply(v)
		if err != nil {
			return nil, err
		}
		if r.Who != who && samePerson(r.To) {
			return &ErrStaleReply{Reply: r}, nil
		}
	}
	c = tx.Bucket(bucketOutboxThreads).Cursor()
	for k, _ := c.Seek(after); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if len(k) <= len(prefix)+8 {
			continue
		}
		e, err := loadOutbox(tx, string(k[len(prefix)+8:]))
		if err != nil {
			return nil, err
		}
		if e.Who != who && samePerson(e.To) {
			return &ErrStaleReply{Reply: e.reply(e.Queued)}, nil
		}
	}
	return nil, nil
}

// checkStale refuses r with ErrStaleReply when it is stale and not
// forced.
func checkStale(tx *bolt.Tx, r *Reply, to string) error {
	if r.Force {
		return nil
	}
	stale, err := staleReply(tx, r.ThreadID, r.Who, to, r.Seen)
	if err != nil {
		return err
	}
	if stale != nil {
		return stale
	}
	return nil
}
