package store

import (
	bolt "go.etcd.io/bbolt"
)

// Last session kept a second set of per-teammate counters in
// funnel_counts ('M' | stage | who: manual moves, 'R' | who: replies,
// 'T': built), written beside team_counts on every reply and manual
// move. team_counts (teamcounts.go) is the one kept; those keys are no
// longer written or read. Nothing reads them by mistake (readCounts and
// stageTotal read only their own prefixes) and doctor's check is
// structural, so they would be harmless, but a recount by migrateCounts
// would not build them: the first open that finds them deletes them.
const (
	legacyTeamMoves   = 'M'
	legacyTeamReplies = 'R'
	legacyTeamBuilt   = 'T'
)

// dropFunnelTeamCounts deletes the legacy per-teammate funnel counters,
// if any: one read at every open, one short write once.
func dropFunnelTeamCounts(db *bolt.DB) error {
	var stale [][]byte
	if err := db.View(func(tx *bolt.Tx) error {
		stale = legacyTeamKeys(tx)
		return nil
	}); err != nil || len(stale) == 0 {
		return err
	}
	return db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketFunnelCounts)
		for _, k := range legacyTeamKeys(tx) {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
}

// legacyTeamKeys lists the funnel counters under 'M', 'R' and 'T' (a
// few per teammate): upper case, they sort before every other counter.
func legacyTeamKeys(tx *bolt.Tx) [][]byte {
	b := tx.Bucket(bucketFunnelCounts)
	if b == nil {
		return nil
	}
	var out [][]byte
	c := b.Cursor()
	for k, _ := c.Seek([]byte{legacyTeamMoves}); k != nil && k[0] <= legacyTeamBuilt; k, _ = c.Next() {
		switch k[0] {
		case legacyTeamMoves, legacyTeamReplies, legacyTeamBuilt:
			out = append(out, append([]byte(nil), k...))
		}
	}
	return out
}
