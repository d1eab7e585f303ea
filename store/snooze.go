package store

import (
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// NextWake is the earliest time a snoozed thread wakes (ok false: none is
// snoozed), for the engine's snooze clock. It reads one key.
func (s *Store) NextWake() (t time.Time, ok bool, err error) {
	err = s.view(func(tx *bolt.Tx) error {
		k, _ := tx.Bucket(bucketSnoozed).Cursor().First()
		if len(k) >= 8 {
			t, ok = fromNanos(binary.BigEndian.Uint64(k)), true
		}
		return nil
	})
	if err != nil {
		return time.Time{}, false, fmt.Errorf("read snoozed threads: %w", err)
	}
	return t, ok, nil
}
