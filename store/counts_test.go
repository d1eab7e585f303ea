package store

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"parley/feeds"
	"parley/funnel"
)

var errRollback = errors.New("rollback")

// checkCounts compares the funnel counters, their time indexes and the
// contacts order index, as kept on write, with what the schema 7
// migration builds from the records (in a transaction rolled back after).
func checkCounts(t testing.TB, s *Store) {
	t.Helper()
	if s.db.IsReadOnly() {
		return
	}
	names := [][]byte{bucketFunnelCounts, bucketConvFirsts, bucketWonBack, bucketContactOrder, bucketThreadsByAge}
	dump := func(tx *bolt.Tx) []string {
		var out []string
		for _, name := range names {
			_ = tx.Bucket(name).ForEach(func(k, v []byte) error {
				out = append(out, fmt.Sprintf("%s %x=%x", name, k, v))
				return nil
			})
		}
		return out
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		kept := dump(tx)
		if err := migrateCounts(tx, migrateEnv{}); err != nil {
			return err
		}
		if built := dump(tx); !slices.Equal(kept, built) {
			t.Errorf("counters kept on write differ from a recount:\nkept  %q\nbuilt %q", kept, built)
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		t.Fatalf("recount: %v", err)
	}
}

// checkFunnel compares Funnel (counters) with the full scan it replaced.
func checkFunnel(t *testing.T, s *Store, now time.Time) {
	t.Helper()
	got, err := s.Funnel(now)
	mustNil(t, err)
	want, err := s.funnelByScan(now)
	mustNil(t, err)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Funnel(%s) from counters:\n%+v\nfull scan:\n%+v", now, got, want)
	}
}

// TestCountersMatchARecountAfterRandomChanges: random ingests (new
// threads, replies from new and known people, unhappy and buying words),
// manual moves, our replies and imported sales, in several feeds; after
// each step the counters equal a recount and the report equals the full
// scan at several times.
func TestCountersMatchARecountAfterRandomChanges(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 7))
	s := openTest(t, "Maya")
	words := []string{"How much is the team plan?", "This is terrible, it lost my notes.", "Love it!", "We bought it for the team.",
		"Is there an offline mode?", "I want to buy this today", "meh"}
	feedNames := []string{"blog", "forum", "mastodon"}
	var msgIDs []string
	n := 0
	for step := range 40 {
		now := at(step * 60 * 24) // a day per step: the 7- and 30-day windows move
		var items []feeds.Item
		feed := feedNames[rng.IntN(len(feedNames))]
		for range 1 + rng.IntN(5) {
			n++
			id := fmt.Sprintf("m%03d", n)
			author := fmt.Sprintf("person%d", rng.IntN(12))
			if rng.IntN(6) == 0 {
				author = "Maya"
			}
			opts := []func(*feeds.Item){text(words[rng.IntN(len(words))]), published(now.Add(-time.Duration(rng.IntN(600)) * time.Minute))}
			if len(msgIDs) > 0 && rng.IntN(2) == 0 {
				opts = append(opts, replyTo(msgIDs[rng.IntN(len(msgIDs))]))
			}
			it := item(id, author, 0, opts...)
			it.Feed = feed
			items = append(items, it)
			msgIDs = append(msgIDs, id)
		}
		mustIngest(t, s, feeds.Result{Feed: feed, Items: items}, now)
		tid := threadOf(t, s, msgIDs[rng.IntN(len(msgIDs))])
		convs, err := s.Conversations(tid)
		mustNil(t, err)
		if len(convs) == 0 {
			continue // a thread of ours alone
		}
		switch rng.IntN(4) {
		case 0:
			c := convs[rng.IntN(len(convs))]
			to := funnel.Stages[rng.IntN(len(funnel.Stages))]
			if _, err := s.SetStage(tid, c.Contact, to, "maya", now); err != nil && !errors.Is(err, ErrSameStage) {
				t.Fatal(err)
			}
		case 1:
			mustNil(t, s.RecordReply(Reply{ThreadID: tid, Text: "thanks!", At: now, Via: "clipboard", Who: "maya", To: convs[0].Contact}))
		case 2:
			c := convs[rng.IntN(len(convs))]
			cur := []string{"EUR", "USD", ""}[rng.IntN(3)]
			_, err := s.ImportConversions([]Conversion{{ID: fmt.Sprintf("order-%d", step), Ref: c.Ref(),
				Amount: Money{Currency: cur, Cents: int64(rng.IntN(50000))}, At: now}}, now)
			mustNil(t, err)
		}
		checkIndexes(t, s)
		for _, d := range []int{0, 3, 8, 31} {
			checkFunnel(t, s, now.Add(time.Duration(d)*24*time.Hour))
		}
		if t.Failed() {
			t.Fatalf("step %d", step)
		}
	}
	rep, _ := s.Funnel(at(40 * 60 * 24))
	if rep.Conversations == 0 || rep.Conversions == 0 || len(rep.Feeds) < 2 || rep.People == 0 {
		t.Errorf("the random run counted too little to test anything: %+v", rep)
	}
}

// TestFixtureV6Migrates: a schema 6 file gets its counters and indexes
// (equal to a recount), its funnel report is what the full scan says, and
// the contacts window lists what Contacts does.
func TestFixtureV6Migrates(t *testing.T) {
	checkFixture(t, "v6.db", 6)
	s := openFixture(t, "v6.db", 6)
	checkCounts(t, s)
	checkFunnel(t, s, at(20))
	rep, err := s.Funnel(at(20))
	mustNil(t, err)
	if rep.Threads != 5 || rep.People != 5 || rep.Conversions != 1 || len(rep.Feeds) != 2 {
		t.Errorf("migrated funnel = %+v", rep)
	}
	all, err := s.Contacts()
	mustNil(t, err)
	w, err := s.ContactsWindow(ContactAnchor{}, 0, 10)
	mustNil(t, err)
	if !reflect.DeepEqual(w.Contacts, all) || w.Total != 5 || !w.First || !w.Last {
		t.Errorf("contacts window = %+v\nContacts = %+v", w, all)
	}
}

// TestSchema7MigrationReportsProgress: the upgrade of a schema 6 file
// tells Open's Progress how far it is, ending at done == total.
func TestSchema7MigrationReportsProgress(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "v6.db"))
	mustNil(t, err)
	path := filepath.Join(t.TempDir(), "parley.db")
	mustNil(t, os.WriteFile(path, raw, 0o600))
	var last [2]int
	s, err := Open(path, Options{NoSync: true, Ours: fixtureOurs, Progress: func(done, total int) { last = [2]int{done, total} }})
	mustNil(t, err)
	defer s.Close()
	// 5 threads, their conversations and 5 contacts.
	if last[0] != last[1] || last[1] < 15 {
		t.Errorf("last progress %d of %d, want the whole upgrade done", last[0], last[1])
	}
}
