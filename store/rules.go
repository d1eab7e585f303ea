package store

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"parley/funnel"
)

// analyzerRevision names the rules of package funnel this build applies.
// Change it with any change to how funnel reads messages (new idioms,
// patterns, thresholds): every database re-reads its conversations on its
// next start.
const analyzerRevision = "funnel-2026-12-02.model"

// RulesVersion names the funnel rules an analyzer applies: a hash of the
// analyzer revision and of its effective pattern lists (not track_link,
// which moves no stage). A database records the version its stages were
// read with; a different one means they are re-read (Reread).
func RulesVersion(an *funnel.Analyzer) string {
	cfg := an.Config()
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00", analyzerRevision)
	for _, list := range [][]string{cfg.Intent, cfg.Advocacy, cfg.Competitors} {
		fmt.Fprintf(h, "%d\x00%s\x00", len(list), strings.Join(list, "\x1f"))
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// rulesVersionOf is RulesVersion for the store's analyzer ("" for a
// test's fake, which has no config).
func rulesVersionOf(an analyzer) string {
	if a, ok := an.(*funnel.Analyzer); ok && a != nil {
		return RulesVersion(a)
	}
	return ""
}

// rulesChanged reports whether the stored rules version differs from the
// store's analyzer's.
func (s *Store) rulesChanged() (bool, error) {
	var stored []byte
	err := s.view(func(tx *bolt.Tx) error {
		stored = append([]byte(nil), tx.Bucket(bucketMeta).Get(keyRulesVersion)...)
		return nil
	})
	return string(stored) != rulesVersionOf(s.an), err
}

// rereadChunk is how many threads one Reread transaction reads again.
var rereadChunk = 500

// Reread reads every conversation again with the store's analyzer, from
// its floor (its last manual stage; converted when it has sales): a stage
// the rules no longer justify goes down (one move, "re-read: …"), one
// they now justify goes up, with the signal's cause. It works in
// transactions of rereadChunk threads, calling progress (if set) with the
// conversations done so far and their total after each, then records the
// rules version. It returns how many conversations it read.
func (s *Store) Reread(progress func(done, total int)) (int, error) {
	var ids []string
	total := 0
	err := s.view(func(tx *bolt.Tx) error {
		total = tx.Bucket(bucketConversations).Stats().KeyN
		return tx.Bucket(bucketThreads).ForEach(func(k, _ []byte) error {
			ids = append(ids, string(k))
			return nil
		})
	})
	if err != nil {
		return 0, fmt.Errorf("re-read conversations: %w", err)
	}
	now := time.Now().UTC()
	done := 0
	for start := 0; start < len(ids); start += rereadChunk {
		chunk := ids[start:min(start+rereadChunk, len(ids))]
		n := 0
		err := s.update(func(tx *bolt.Tx) error {
			n = 0
			for _, id := range chunk {
				t, err := loadThread(tx, id)
				if err != nil {
					return err
				}
				tc, err := loadConvs(tx, id)
				if err != nil {
					return err
				}
				n += len(tc.list)
				changed, err := refreshThread(tx, s.an, &t, tc, now, refreshOpts{reread: true})
				if err != nil {
					return err
				}
				if err := saveThread(tx, &t, t.SnoozedUntil); err != nil {
					return err
				}
				if err := rollupContacts(tx, nil, changed...); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return done, fmt.Errorf("re-read conversations (%d of %d done): %w", done, total, err)
		}
		done += n
		if progress != nil {
			progress(done, total)
		}
	}
	err = s.update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(keyRulesVersion, []byte(rulesVersionOf(s.an)))
	})
	if err != nil {
		return done, fmt.Errorf("record rules version: %w", err)
	}
	s.feed.publish(Change{Who: s.who, Kind: ChangeReread, AllThreads: true})
	return done, nil
}
