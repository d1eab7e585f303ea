package store

import (
	"encoding/binary"
	"maps"
	"slices"

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
	// The index keys are gathered and put in key order: bbolt splits a
	// node only at commit, so random puts into a fresh bucket insert
	// into one ever-growing node (quadratic: a 100k-thread file took
	// over 20 minutes), while puts in order append.
	var byAge, firstKeys, wonKeys, orderKeys []string
	if err := threads.ForEach(func(k, v []byte) error {
		f, err := decodeThreadFacts(k, v)
		if err != nil {
			return err
		}
		counts[string(threadsFeedKey(string(f.feed)))]++
		step()
		byAge = append(byAge, string(createdKey(nanos(f.created), string(k))))
		return nil
	}); err != nil {
		return err
	}
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
		firstKeys = append(firstKeys, string(timeConvKey(nanos(f.first), thread, contact)))
		if f.wonBack {
			counts[string([]byte{countWonBack})]++
			wonKeys = append(wonKeys, string(timeConvKey(nanos(f.wonBackAt), thread, contact)))
		}
		step()
		return nil
	}); err != nil {
		return err
	}
	if err := contacts.ForEach(func(k, v []byte) error {
		c, err := decodeContact(k, v)
		if err != nil {
			return err
		}
		counts[string([]byte{countPeople})]++
		step()
		orderKeys = append(orderKeys, string(contactOrderKey(&c)))
		return nil
	}); err != nil {
		return err
	}
	for _, idx := range []struct {
		bucket []byte
		keys   []string
	}{{bucketThreadsByAge, byAge}, {bucketConvFirsts, firstKeys}, {bucketWonBack, wonKeys}, {bucketContactOrder, orderKeys}} {
		if err := putSorted(tx.Bucket(idx.bucket), idx.keys); err != nil {
			return err
		}
	}
	b := tx.Bucket(bucketFunnelCounts)
	for _, k := range slices.Sorted(maps.Keys(counts)) {
		if err := b.Put([]byte(k), binary.BigEndian.AppendUint64(nil, counts[k])); err != nil {
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
	if env.progress != nil {
		env.progress(total, total)
	}
	return nil
}

// putSorted puts keys (with empty values) into a bucket in key order, the
// order in which bbolt appends instead of inserting into one big node.
func putSorted(b *bolt.Bucket, keys []string) error {
	slices.Sort(keys)
	for _, k := range keys {
		if err := b.Put([]byte(k), empty); err != nil {
			return err
		}
	}
	return nil
}
