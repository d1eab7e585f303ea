package store

import (
	"testing"

	bolt "go.etcd.io/bbolt"

	"parley/funnel"
)

// Manual moves and replies are counted per teammate as they are written
// (signals' moves are not anyone's), and a database whose counters
// predate them builds them once at open.
func TestFunnelByTeammateCountsMovesAndReplies(t *testing.T) {
	s := openTest(t)
	mustIngest(t, s, result("Forum", item("m1", "ann", 0), item("m2", "bob", 1), item("m3", "cid", 2)), at(10))
	ann, bob := threadOf(t, s, "m1"), threadOf(t, s, "m2")
	if _, err := s.SetStage(ann, "", funnel.Intent, "maya", at(20)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetStage(bob, "", funnel.Intent, "maya", at(21)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetStage(ann, "", funnel.Trusting, "luis", at(22)); err != nil {
		t.Fatal(err)
	}
	for _, r := range []Reply{{ThreadID: ann, Text: "Hi Ann", Who: "luis", At: at(23)}, {ThreadID: bob, Text: "Hi Bob", Who: "luis", At: at(24)},
		{ThreadID: bob, Text: "Also", Who: "maya", At: at(25)}} {
		if err := s.RecordReply(r); err != nil {
			t.Fatal(err)
		}
	}
	want := []TeammateFunnel{
		{Who: "luis", Moved: [6]int{funnel.Trusting: 1}, Replies: 2},
		{Who: "maya", Moved: [6]int{funnel.Intent: 2}, Replies: 1},
	}
	check := func(when string) {
		t.Helper()
		got, err := s.FunnelByTeammate()
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("%s: %+v, want %+v", when, got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("%s: teammate %d is %+v, want %+v", when, i, got[i], want[i])
			}
		}
	}
	check("kept on write")
	checkCounts(t, s)

	// A schema 7 database from before the teammate counters: they go, and
	// the next open builds them.
	if err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketFunnelCounts)
		var drop [][]byte
		_ = b.ForEach(func(k, _ []byte) error {
			if k[0] == countTeamMoves || k[0] == countTeamReplies || k[0] == countTeamBuilt {
				drop = append(drop, append([]byte(nil), k...))
			}
			return nil
		})
		for _, k := range drop {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.FunnelByTeammate(); len(got) != 0 {
		t.Fatalf("set-up: counters left %+v", got)
	}
	path := s.Path()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	check("built at open")
}
