package store

import (
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// FeedTally is one feed's line in view 4, counted from the threads.
type FeedTally struct {
	Waiting int // threads somebody waits in, not done, not snoozed at now
	Unread  int // unread messages, in every thread of the feed
}

// FeedTallies counts per feed in one pass over the thread summaries,
// keeping nothing else and giving back the file's pages as it goes: view
// 4 before the console's filter index is built (which counts the same
// from memory once it is).
func (s *Store) FeedTallies(now time.Time) (map[string]FeedTally, error) {
	out := map[string]FeedTally{}
	err := s.view(func(tx *bolt.Tx) error {
		defer dropMapped(tx)
		n := 0
		return tx.Bucket(bucketThreads).ForEach(func(id, v []byte) error {
			if n++; n%threadDropEvery == 0 {
				dropMapped(tx)
			}
			t, err := decodeThreadSummary(id, v)
			if err != nil {
				return err
			}
			c, ok := out[t.Feed]
			if !ok {
				t.Feed = string([]byte(t.Feed)) // its own copy, not the record's block
			}
			if t.WaitingPeople > 0 && !t.Done && !t.SnoozedUntil.After(now) {
				c.Waiting++
			}
			c.Unread += t.Unread
			out[t.Feed] = c
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("count threads per feed: %w", err)
	}
	return out, nil
}
