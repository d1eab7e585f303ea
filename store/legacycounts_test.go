package store

import (
	"encoding/binary"
	"maps"
	"testing"

	bolt "go.etcd.io/bbolt"

	"parley/funnel"
)

// Replies and manual moves write no counters of their own in
// funnel_counts (team_counts counts them, once), and the per-teammate
// counters an earlier build kept there are deleted at the next open,
// leaving every other counter as it was.
func TestLegacyTeamCountersAreNotWrittenAndGoAtOpen(t *testing.T) {
	s := openTest(t)
	mustIngest(t, s, result("Forum", item("m1", "ann", 0), item("m2", "bob", 1)), at(10))
	ann := threadOf(t, s, "m1")
	_, err := s.SetStage(ann, "", funnel.Intent, "maya", at(20))
	mustNil(t, err)
	mustNil(t, s.RecordReply(Reply{ThreadID: ann, Text: "Hi Ann", Who: "luis", At: at(21)}))
	legacy := func() (n int) {
		mustNil(t, s.db.View(func(tx *bolt.Tx) error { n = len(legacyTeamKeys(tx)); return nil }))
		return n
	}
	if n := legacy(); n != 0 {
		t.Fatalf("a reply and a manual move wrote %d legacy counters", n)
	}
	checkCounts(t, s)
	wantTeam := teamCounts(t, s)
	if wantTeam[[2]string{"maya", AuditStage}] != 1 || wantTeam[[2]string{"luis", AuditReplyRecorded}] != 1 {
		t.Fatalf("team counters %v miss the move or the reply", wantTeam)
	}

	// A file written by the earlier build: its counters are there.
	one := binary.BigEndian.AppendUint64(nil, 1)
	mustNil(t, s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketFunnelCounts)
		for _, k := range [][]byte{append([]byte{legacyTeamMoves, byte(funnel.Intent)}, "maya"...),
			append([]byte{legacyTeamReplies}, "luis"...), {legacyTeamBuilt}} {
			if err := b.Put(k, one); err != nil {
				return err
			}
		}
		return nil
	}))
	if n := legacy(); n != 3 {
		t.Fatalf("set-up: %d legacy counters, want 3", n)
	}
	path := s.Path()
	mustNil(t, s.Close())
	s, err = Open(path, Options{NoSync: true})
	mustNil(t, err)
	defer s.Close()
	if n := legacy(); n != 0 {
		t.Errorf("%d legacy counters left after open", n)
	}
	checkCounts(t, s)
	if got := teamCounts(t, s); !maps.Equal(got, wantTeam) {
		t.Errorf("team counters %v after open, want %v", got, wantTeam)
	}
}
