package store

import (
	"os"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// BenchmarkPreOpen100k is what Open now spends checking the meta pages,
// root page and freelist of a 100k-thread database before bbolt maps it.
func BenchmarkPreOpen100k(b *testing.B) {
	s := openFunnelDB(b)
	b.ResetTimer()
	for range b.N {
		if err := preOpen(s.path); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWalk100k is doctor's (and backup's) plain-read walk of every
// page of a 100k-thread database.
func BenchmarkWalk100k(b *testing.B) {
	s := openFunnelDB(b)
	if fi, err := os.Stat(s.path); err == nil {
		b.SetBytes(fi.Size())
	}
	b.ResetTimer()
	for range b.N {
		if err := checkTree(s.path); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkViewGuarded and BenchmarkViewRaw: what the guard around every
// transaction costs.
func BenchmarkViewGuarded(b *testing.B) {
	s := openTest(b)
	for range b.N {
		_ = s.view(func(*bolt.Tx) error { return nil })
	}
}

func BenchmarkViewRaw(b *testing.B) {
	s := openTest(b)
	for range b.N {
		_ = s.db.View(func(*bolt.Tx) error { return nil })
	}
}
