package store

import (
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// migrateConversationsOneTx is the schema 5 step as it was before it
// committed in batches (main at e200d82): every thread in one
// transaction, in the order of the threads bucket. It is kept as the
// baseline of BenchmarkMigrateConversations10k and as the reference
// result of the batched step.
func migrateConversationsOneTx(tx *bolt.Tx, env migrateEnv) error {
	if tx.Bucket(bucketStageThreads) != nil {
		if err := tx.DeleteBucket(bucketStageThreads); err != nil {
			return err
		}
	}
	kept := map[string][]StageMove{}
	if b := tx.Bucket(bucketStageMoves); b != nil {
		err := b.ForEach(func(k, v []byte) error {
			m, err := decodeMove(k, v)
			if err != nil {
				return err
			}
			if m.Manual || strings.HasPrefix(m.Cause, "conversion:") {
				kept[m.ThreadID] = append(kept[m.ThreadID], m)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, name := range [][]byte{bucketStageMoves, bucketMovesByTime} {
			if err := tx.DeleteBucket(name); err != nil {
				return err
			}
		}
	}
	if err := createBuckets(tx); err != nil {
		return err
	}
	var ids []string
	if err := tx.Bucket(bucketThreads).ForEach(func(k, _ []byte) error {
		ids = append(ids, string(k))
		return nil
	}); err != nil {
		return err
	}
	sales := map[string][]string{} // thread ID -> its conversion IDs
	if err := tx.Bucket(bucketConversions).ForEach(func(k, v []byte) error {
		c, err := decodeConversion(k, v)
		if err == nil && c.Contact == "" {
			sales[c.ThreadID] = append(sales[c.ThreadID], string(k))
		}
		return err
	}); err != nil {
		return err
	}
	for i, id := range ids {
		if _, err := splitThread(tx, env, id, kept[id], sales[id]); err != nil {
			return fmt.Errorf("thread %s: %w", id, err)
		}
		if env.progress != nil && (i+1)%500 == 0 {
			env.progress(i+1, len(ids))
		}
	}
	var contacts []string
	if err := tx.Bucket(bucketContacts).ForEach(func(k, _ []byte) error {
		contacts = append(contacts, string(k))
		return nil
	}); err != nil {
		return err
	}
	if err := rollupContacts(tx, nil, contacts...); err != nil {
		return err
	}
	if env.progress != nil {
		env.progress(len(ids), len(ids))
	}
	return tx.Bucket(bucketMeta).Put(keyRulesVersion, []byte(rulesVersionOf(env.analyzer)))
}
