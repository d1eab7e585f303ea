package store

// Per-teammate counters (schema 8): how many of each audited action each
// teammate took, kept in the transaction of the audit entry itself, so
// the funnel view's "who moved what" reads a handful of keys instead of
// the log.

import (
	"bytes"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// TeamCount is one teammate's count of one action.
type TeamCount struct {
	Who    string // "" the local user or the engine
	Action string // an Audit* action
	N      int
}

func teamCountKey(who, action string) []byte {
	k := append([]byte(who), 0)
	return append(k, action...)
}

// countTeamAction adds one to who's count of action.
func countTeamAction(tx *bolt.Tx, who, action string) error {
	b := tx.Bucket(bucketTeamCounts)
	k := teamCountKey(who, action)
	n := uint64(0)
	if v := b.Get(k); len(v) == 8 {
		n = binary.BigEndian.Uint64(v)
	}
	return b.Put(k, binary.BigEndian.AppendUint64(nil, n+1))
}

// TeamCounts lists every teammate's action counts, by teammate then
// action.
func (s *Store) TeamCounts() ([]TeamCount, error) {
	var out []TeamCount
	err := s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketTeamCounts).ForEach(func(k, v []byte) error {
			i := bytes.IndexByte(k, 0)
			if i < 0 || len(v) != 8 {
				return fmt.Errorf("team counter %q is damaged", k)
			}
			out = append(out, TeamCount{Who: string(k[:i]), Action: string(k[i+1:]), N: int(binary.BigEndian.Uint64(v))})
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read the team counters: %w", err)
	}
	return out, nil
}

// migrateTeamCounts (schema 8) creates the reads and team_counts buckets
// and counts the audit log so far.
func migrateTeamCounts(tx *bolt.Tx, _ migrateEnv) error {
	if err := createBuckets(tx); err != nil {
		return err
	}
	return tx.Bucket(bucketAudit).ForEach(func(k, v []byte) error {
		a, err := decodeAudit(k, v)
		if err != nil {
			return err
		}
		return countTeamAction(tx, a.Who, a.Action)
	})
}
