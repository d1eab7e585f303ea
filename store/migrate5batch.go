package store

import (
	"encoding/binary"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// The schema 5 step commits in batches. meta/migrate5 says how far it got
// (written in the transaction of the batch it describes, so a kill -9
// loses at most the batch under way, which bbolt rolls back):
//
//	phase (1: 't' splitting threads, 'c' rolling up contacts)
//	| done (8 BE: units of work finished, for progress: a thread and
//	  each of its messages, a contact)
//	| last key finished in that phase (empty: none yet)
//
// Without it, the step has not started. Its last transaction deletes it
// and bucketMigrate5Kept, and records schema version 5: until then the
// file reads as schema 4 plus the marker, and every Open resumes.
const (
	phaseThreads  = 't'
	phaseContacts = 'c'
)

// migrate5Budget is the work of one transaction: one unit per thread, per
// message in it and per contact. A batch takes at least one thread or
// contact, so a huge thread is one transaction of its own.
var migrate5Budget = 20000

// migrate5AfterBatch, if set, runs after each committed batch but the
// last; an error stops the step there, as a kill would (tests).
var migrate5AfterBatch func() error

// migrate5Run is one Open's run of the step: what it read once.
type migrate5Run struct {
	env         migrateEnv
	sales       map[string][]string // thread ID -> its conversions not yet credited
	done, total int
}

// batch runs one transaction's share of the step and reports whether the
// step is finished.
func (r *migrate5Run) batch(tx *bolt.Tx) (bool, error) {
	meta := tx.Bucket(bucketMeta)
	mark := meta.Get(keyMigrate5)
	if mark == nil {
		if err := beginConversations(tx); err != nil {
			return false, err
		}
		mark = []byte{phaseThreads, 0, 0, 0, 0, 0, 0, 0, 0}
	}
	if len(mark) < 9 || (mark[0] != phaseThreads && mark[0] != phaseContacts) {
		return false, fmt.Errorf("meta/migrate5 is damaged (%x)", mark)
	}
	if tx.Bucket(bucketMigrate5Kept) == nil {
		return false, errors.New("meta/migrate5 is set but the kept moves are gone")
	}
	phase, last := mark[0], append([]byte(nil), mark[9:]...)
	r.done = int(binary.BigEndian.Uint64(mark[1:9]))
	if r.sales == nil {
		sales, err := unsoldThreads(tx)
		if err != nil {
			return false, err
		}
		r.sales = sales
		// Progress counts the budget's units: a message costs what a
		// contact does, and a thread is mostly its messages.
		r.total = tx.Bucket(bucketThreads).Stats().KeyN + tx.Bucket(bucketThreadMsgs).Stats().KeyN +
			tx.Bucket(bucketContacts).Stats().KeyN
	}
	budget := migrate5Budget
	if phase == phaseThreads {
		var err error
		last, err = r.splitThreads(tx, last, &budget)
		if err != nil {
			return false, err
		}
		if last == nil {
			phase = phaseContacts
		}
	}
	if phase == phaseContacts && budget > 0 {
		var err error
		last, err = r.rollupContacts(tx, last, &budget)
		if err != nil {
			return false, err
		}
		if last == nil {
			return true, r.finish(tx)
		}
	}
	next := binary.BigEndian.AppendUint64([]byte{phase}, uint64(r.done))
	return false, meta.Put(keyMigrate5, append(next, last...))
}

// splitThreads splits the threads after last, in key order, while the
// budget lasts. It returns the last one split, or nil when none is left.
func (r *migrate5Run) splitThreads(tx *bolt.Tx, last []byte, budget *int) ([]byte, error) {
	c := tx.Bucket(bucketThreads).Cursor()
	k, _ := c.First()
	if len(last) > 0 {
		if k, _ = c.Seek(last); k != nil && string(k) == string(last) {
			k, _ = c.Next()
		}
	}
	for ; k != nil; k, _ = c.Next() {
		if *budget <= 0 {
			return last, nil
		}
		id := string(k) // k is invalid once the thread is written
		kept, err := keptMoves(tx, id)
		if err != nil {
			return nil, fmt.Errorf("thread %s: %w", id, err)
		}
		n, err := splitThread(tx, r.env, id, kept, r.sales[id])
		if err != nil {
			return nil, fmt.Errorf("thread %s: %w", id, err)
		}
		*budget -= 1 + n
		r.done += 1 + n
		last = []byte(id)
		// splitThread wrote to the bucket: the cursor must find its place again.
		c = tx.Bucket(bucketThreads).Cursor()
		if k, _ = c.Seek(last); k == nil || string(k) != id {
			return nil, fmt.Errorf("thread %s is gone after its split", id)
		}
	}
	return nil, nil
}

// rollupContacts rolls up the contacts after last from their
// conversations, in key order, while the budget lasts. It returns the
// last one rolled up, or nil when none is left.
func (r *migrate5Run) rollupContacts(tx *bolt.Tx, last []byte, budget *int) ([]byte, error) {
	var ids []string
	c := tx.Bucket(bucketContacts).Cursor()
	k, _ := c.First()
	if len(last) > 0 {
		if k, _ = c.Seek(last); k != nil && string(k) == string(last) {
			k, _ = c.Next()
		}
	}
	for ; k != nil && len(ids) < *budget; k, _ = c.Next() {
		ids = append(ids, string(k))
	}
	more := k != nil
	*budget -= len(ids)
	if err := rollupContacts(tx, nil, ids...); err != nil {
		return nil, err
	}
	r.done += len(ids)
	if !more {
		return nil, nil
	}
	return []byte(ids[len(ids)-1]), nil
}

// finish is the step's last transaction's end: the rules version the
// stages were read with, the marker and the kept moves gone, schema 5.
func (r *migrate5Run) finish(tx *bolt.Tx) error {
	meta := tx.Bucket(bucketMeta)
	if err := meta.Put(keyRulesVersion, []byte(rulesVersionOf(r.env.analyzer))); err != nil {
		return err
	}
	if err := meta.Delete(keyMigrate5); err != nil {
		return err
	}
	if err := tx.DeleteBucket(bucketMigrate5Kept); err != nil {
		return err
	}
	return meta.Put(keySchemaVersion, uint64Bytes(5))
}
