package store

// Per-teammate read state (schema 8). A thread's Unread is the shared
// count (the local user's, and every teammate's until they first open
// the thread). A teammate who opens it gets a read mark: the time of the
// newest message of theirs the thread had then. Their unread count is
// then the number of their messages published after that mark, so Ana
// reading a thread leaves it unread for Bob.

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// maxUnreadCount bounds the count a row reads: the queue shows 99 at most.
const maxUnreadCount = 100

func readKey(threadID, who string) []byte {
	return append([]byte(threadID), who...)
}

// markReadTx records that who has read the thread's messages of theirs
// up to upTo. The local user ("") keeps the shared count instead.
func markReadTx(tx *bolt.Tx, threadID, who string, upTo time.Time) error {
	if who == "" {
		return nil
	}
	v := binary.BigEndian.AppendUint64(nil, nanos(upTo.UTC()))
	if err := tx.Bucket(bucketReads).Put(readKey(threadID, who), v); err != nil {
		return fmt.Errorf("mark thread %s read for %s: %w", threadID, who, err)
	}
	return nil
}

// unreadFor sets t.Unread to who's count, when who has a read mark on it.
func unreadFor(tx *bolt.Tx, t *Thread, who string) {
	if who == "" {
		return
	}
	v := tx.Bucket(bucketReads).Get(readKey(t.ID, who))
	if len(v) != 8 {
		return
	}
	mark := binary.BigEndian.Uint64(v)
	prefix := []byte(t.ID)
	from := binary.BigEndian.AppendUint64(append([]byte(nil), prefix...), mark+1)
	n := 0
	c := tx.Bucket(bucketThreadMsgs).Cursor()
	for k, f := c.Seek(from); k != nil && bytes.HasPrefix(k, prefix) && n < maxUnreadCount; k, f = c.Next() {
		if len(f) > 0 && f[0]&1 == 0 { // theirs
			n++
		}
	}
	t.Unread = n
}

// markRead is MarkRead for a teammate: their mark moves to the thread's
// newest message of theirs; the shared count stays.
func (s *Store) markRead(threadID string) error {
	err := s.update(func(tx *bolt.Tx) error {
		t, err := loadThread(tx, threadID)
		if err != nil {
			return err
		}
		return markReadTx(tx, threadID, s.who, t.LastTheirs)
	})
	if err != nil {
		return fmt.Errorf("mark thread read: %w", err)
	}
	s.changed(ChangeRead, "", threadID)
	return nil
}
