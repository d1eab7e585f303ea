package store

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"parley/feeds"
	"parley/funnel"
)

// BenchmarkMigrateConversations10k runs the schema 5 step (split every
// thread into conversations) over 10k threads / 50k messages, four or
// five people per thread, taken back to schema 4: "onetx" is the step as
// it was (one transaction), "batched" as it is. Each run starts from a
// fresh copy of the same schema 4 file; commits fsync, as in real use.
// One run each, same process, 2 cores shared with five other builds:
// onetx 33.8 s, batched 28.0 s (1.2x) at load 7.5; 87.1 s and 27.7 s at
// load 10. Most of batched is the funnel reading each person's messages
// (60% of its CPU). onetx also splices every put into single growing
// nodes, which grows with the square of the file (see the 30k one); on
// the 100k-thread bench file it had done 26,500 threads after 71 s and
// never finished, batched takes 96 s of CPU.
func BenchmarkMigrateConversations10k(b *testing.B) { benchMigrateConversations(b, 200) }

// BenchmarkMigrateConversations30k is the same over 30k threads / 150k
// messages: onetx 142.6 s, batched 33.1 s (4.3x), one run each, load 7.
func BenchmarkMigrateConversations30k(b *testing.B) { benchMigrateConversations(b, 600) }

func benchMigrateConversations(b *testing.B, feedCount int) {
	src := writeSchema4Bench(b, feedCount, 250)
	an, err := funnel.NewAnalyzer(funnel.Config{})
	if err != nil {
		b.Fatal(err)
	}
	env := migrateEnv{analyzer: an, now: t0.Add(48 * time.Hour)}
	for _, bc := range []struct {
		name string
		run  func(db *bolt.DB) error
	}{
		{"onetx", func(db *bolt.DB) error {
			return db.Update(func(tx *bolt.Tx) error { return migrateConversationsOneTx(tx, env) })
		}},
		{"batched", func(db *bolt.DB) error { return migrateConversations(db, env) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				path := filepath.Join(b.TempDir(), "parley.db")
				copyFile(b, src, path)
				db, err := bolt.Open(path, 0o600, &bolt.Options{FreelistType: bolt.FreelistMapType})
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if err := bc.run(db); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				_ = db.Close()
			}
		})
	}
}

// writeSchema4Bench writes feeds × perFeed benchItems (threads of five)
// with this code, then takes the file back to what the schema 5 step
// reads: no conversations or later indexes, the old stage_threads, and
// schema version 4.
func writeSchema4Bench(b testing.TB, feedCount, perFeed int) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "schema4.db")
	s, err := Open(path, Options{NoSync: true, Ours: []string{"support"}})
	if err != nil {
		b.Fatal(err)
	}
	for f := range feedCount {
		name := fmt.Sprintf("feed%03d", f)
		if _, err := s.Ingest(feeds.Result{Feed: name, Items: benchItems(name, perFeed, t0)}, t0.Add(24*time.Hour)); err != nil {
			b.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketConversations, bucketStageConvs, bucketFunnelCounts, bucketConvFirsts,
			bucketWonBack, bucketContactOrder, bucketThreadsByAge, bucketReads, bucketTeamCounts} {
			if err := tx.DeleteBucket(name); err != nil {
				return err
			}
		}
		if _, err := tx.CreateBucket(bucketStageThreads); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keySchemaVersion, uint64Bytes(4))
	})
	if err != nil {
		b.Fatal(err)
	}
	return path
}

func copyFile(b testing.TB, from, to string) {
	b.Helper()
	in, err := os.Open(from)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		b.Fatal(err)
	}
	if err := out.Close(); err != nil {
		b.Fatal(err)
	}
}
