package store

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"parley/feeds"
)

// BenchmarkSaveDraft is one autosave of the composer: a draft of a few
// paragraphs written to a thread, with fsync on, as the console does it
// (every change, at most every 250 ms while typing).
func BenchmarkSaveDraft(b *testing.B) {
	s, err := Open(filepath.Join(b.TempDir(), "parley.db"), Options{}) // fsync on: the real cost
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	items := make([]feeds.Item, 1000)
	for i := range items {
		items[i] = item(fmt.Sprintf("d%04d", i), fmt.Sprintf("user%d", i), i)
	}
	if _, err := s.Ingest(result("blog", items...), at(2000)); err != nil {
		b.Fatal(err)
	}
	thread := threadOf(b, s, "d0500")
	draft := strings.Repeat("Thanks for writing in. We have looked at your order and ", 12)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if err := s.SaveDraft(thread, fmt.Sprintf("%s%d", draft, i), at(3000+i)); err != nil {
			b.Fatal(err)
		}
	}
}
