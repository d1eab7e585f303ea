package store

import (
	"path/filepath"
	"testing"
)

// What Open pays to look for a dead parley's socket when there is none
// (every start), next to the Open it is part of: compare the two.
func BenchmarkOpenClose(b *testing.B) {
	path := filepath.Join(b.TempDir(), "parley.db")
	s, err := Open(path, Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	s.Close()
	for b.Loop() {
		s, err := Open(path, Options{NoSync: true})
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}

func BenchmarkRemoveStaleSocketNone(b *testing.B) {
	path := filepath.Join(b.TempDir(), "parley.db")
	for b.Loop() {
		if removeStaleSocket(path) != "" {
			b.Fatal("removed a socket that is not there")
		}
	}
}
