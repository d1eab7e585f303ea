package store

import (
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// queueRanks are the queue index's ranks (0 unhappy, 1 intent, 2 the
// rest; see doc.go).
const queueRanks = 3

// Breached is how many queued threads have waited at least as long as an
// SLA allows.
type Breached struct {
	N int
	// AtLeast: there are more than N, and N is the bound the count
	// stopped at.
	AtLeast bool
}

// QueueBreached counts the queued threads whose waiting began at or
// before cutoff (now minus the SLA's breach age), reading at most about
// limit keys. Within each rank the queue index is ordered by
// WaitingSince, so the breached threads are each rank's head: it counts
// those heads, and when they are many, the tails instead (the rest of
// the queue, whose length the index's sequence gives), so either a short
// breach list or a short fresh list is counted exactly. Only when both
// are long does it answer "at least limit".
func (s *Store) QueueBreached(cutoff time.Time, limit int) (Breached, error) {
	limit = max(limit, 1)
	var b Breached
	err := s.view(func(tx *bolt.Tx) error {
		q := tx.Bucket(bucketQueue)
		limitNanos := nanos(cutoff)
		heads, headsDone := 0, true
		for r := byte(0); r < queueRanks && headsDone; r++ {
			c := q.Cursor()
			for k, _ := c.Seek([]byte{r}); k != nil && k[0] == r && len(k) >= 9 && binary.BigEndian.Uint64(k[1:9]) <= limitNanos; k, _ = c.Next() {
				if heads++; heads > limit {
					headsDone = false
					break
				}
			}
		}
		if headsDone {
			b.N = heads
			return nil
		}
		tails, tailsDone := 0, true
		after := binary.BigEndian.AppendUint64(nil, limitNanos+1)
		for r := byte(0); r < queueRanks && tailsDone; r++ {
			c := q.Cursor()
			for k, _ := c.Seek(append([]byte{r}, after...)); k != nil && k[0] == r; k, _ = c.Next() {
				if tails++; tails > limit {
					tailsDone = false
					break
				}
			}
		}
		if tailsDone {
			b.N = max(0, int(q.Sequence())-tails)
			return nil
		}
		b.N, b.AtLeast = limit, true
		return nil
	})
	if err != nil {
		return Breached{}, fmt.Errorf("count breached threads: %w", err)
	}
	return b, nil
}
