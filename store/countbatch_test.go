package store

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// A write transaction's counter changes are summed and written once, at
// its end: the counter is untouched while the transaction adds to it, and
// holds the sum after. A counter summed to zero is deleted.
func TestCountersAreWrittenOncePerTransaction(t *testing.T) {
	s := openTest(t)
	key, gone := []byte("tFeed A"), []byte("tFeed B")
	if err := s.update(func(tx *bolt.Tx) error {
		return addCount(tx.Bucket(bucketFunnelCounts), gone, 2)
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketFunnelCounts)
		for range 1000 {
			if err := addCount(b, key, 1); err != nil {
				return err
			}
		}
		if err := addCount(b, key, -400); err != nil {
			return err
		}
		if err := addCount(b, gone, -2); err != nil {
			return err
		}
		if v := b.Get(key); v != nil {
			t.Errorf("the counter was written during the transaction: %x", v)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketFunnelCounts)
		if v := b.Get(key); len(v) != 8 || binary.BigEndian.Uint64(v) != 600 {
			t.Errorf("counter after the transaction: %x, want 600", v)
		}
		if v := b.Get(gone); v != nil {
			t.Errorf("a counter summed to zero is still there: %x", v)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// A failed transaction writes none of its sums.
	_ = s.update(func(tx *bolt.Tx) error {
		if err := addCount(tx.Bucket(bucketFunnelCounts), key, 5); err != nil {
			return err
		}
		return errRollback
	})
	_ = s.view(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketFunnelCounts).Get(key); binary.BigEndian.Uint64(v) != 600 {
			t.Errorf("a rolled back transaction's sum was written: %x", v)
		}
		return nil
	})
}

// The map is twice the file, at least minMmap.
func TestInitialMmapSizeFollowsTheFile(t *testing.T) {
	dir := t.TempDir()
	if got := initialMmapSize(filepath.Join(dir, "none.db")); got != minMmap {
		t.Errorf("no file: %d, want %d", got, minMmap)
	}
	big := filepath.Join(dir, "big.db")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(100 << 20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if got := initialMmapSize(big); got != 200<<20 {
		t.Errorf("a 100 MB file: %d, want %d", got, 200<<20)
	}
}
