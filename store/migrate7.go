package store

import (
	"encoding/binary"

	bolt "go.etcd.io/bbolt"
)

// migrateCounts (schema 7) builds the funnel counters, their time indexes
// and the contacts view's order index from the records (see counts.go).
// They are rebuilt from nothing: earlier steps of the same upgrade may
// have written some through the write paths.
func migrateCounts(tx *bolt.Tx, env migrateEnv) error {
	if p, ok := pendingCounts.Load(tx); ok {
		clear(p.(*countSums).deltas) // rebuilt below: sums made before are in the records
	}
	for _, name := range [][]byte{bucketFunnelCounts, bucketConvFirsts, bucketWonBack, bucketContactOrder, bucketThreadsByAge} {
		if tx.Bucket(name) != nil {
			if err := tx.DeleteBucket(name); err != nil {
				return err
			}
		}
		if _, err := tx.CreateBucket(name); err != nil {
			return err
		}
	}
	threads, convs, contacts := tx.Bucket(bucketThreads), tx.Bucket(bucketConversations), tx.Bucket(bucketContacts)
	total := threads.Stats().KeyN + convs.Stats().KeyN + contacts.Stats().KeyN
	done := 0
	step := func() {
		done++
		if env.progress != nil && done%2000 == 0 {
			env.progress(done, total)
		}
	}
	counts := map[string]uint64{} // counter key -> count
	byAge := tx.Bucket(bucketThreadsByAge)
	if err := threads.ForEach(func(k, v []byte) error {
		f, err := decodeThreadFacts(k, v)
		if err != nil {
			return err
		}
		counts[string(threadsFeedKey(string(f.feed)))]++
		step()
		return byAge.Put(createdKey(nanos(f.created), string(k)), empty)
	}); err != nil {
		return err
	}
	firsts, won := tx.Bucket(bucketConvFirsts), tx.Bucket(bucketWonBack)
	if err := convs.ForEach(func(k, v []byte) error {
		f, err := decodeConvFacts(k, v)
		if err != nil {
			return err
		}
		counts[string(stageFeedKey(f.stage, string(f.feed)))]++
		if f.unhappy {
			counts[string([]byte{countUnhappy})]++
		}
		thread, contact := string(k[:threadIDLen]), string(k[threadIDLen:])
		if err := firsts.Put(timeConvKey(nanos(f.first), thread, contact), empty); err != nil {
			return err
		}
		if f.wonBack {
			counts[string([]byte{countWonBack})]++
			if err := won.Put(timeConvKey(nanos(f.wonBackAt), thread, contact), empty); err != nil {
				return err
			}
		}
		step()
		return nil
	}); err != nil {
		return err
	}
	order := tx.Bucket(bucketContactOrder)
	if err := contacts.ForEach(func(k, v []byte) error {
		c, err := decodeContact(k, v)
		if err != nil {
			return err
		}
		counts[string([]byte{countPeople})]++
		step()
		return order.Put(contactOrderKey(&c), empty)
	}); err != nil {
		return err
	}
	b := tx.Bucket(bucketFunnelCounts)
	for k, n := range counts {
		if err := b.Put([]byte(k), binary.BigEndian.AppendUint64(nil, n)); err != nil {
			return err
		}
	}
	var cerr error
	if err := forEachConversion(tx, func(feed string, c *conversionRec) {
		if cerr == nil {
			cerr = countConversion(tx, feed, c.Amount)
		}
	}); err != nil {
		return err
	}
	if cerr != nil {
		return cerr
	}
	if err := buildTeamCounts(tx); err != nil {
		return err
	}
	if env.progress != nil {
		env.progress(total, total)
	}
	return nil
}
