package store

import (
	"fmt"
	"reflect"
	"testing"

	"parley/feeds"
)

func exportAll(t *testing.T, s *Store) []ExportRow {
	t.Helper()
	var rows []ExportRow
	mustNil(t, s.Export(func(r ExportRow) error { rows = append(rows, r); return nil }))
	return rows
}

// TestExportInChunksIsTheSameExport: read a few threads per transaction,
// the export is row for row the one read in a single chunk, in order
// (Created, then ID), including a thread whose first message arrived
// last (its Created moved back).
func TestExportInChunksIsTheSameExport(t *testing.T) {
	s := openTest(t)
	var items []feeds.Item
	for i := range 11 {
		items = append(items, item(fmt.Sprintf("p%02d", i), fmt.Sprintf("a%d", i%4), 10+i))
		items = append(items, item(fmt.Sprintf("r%02d", i), fmt.Sprintf("b%d", i%3), 30+i, replyTo(fmt.Sprintf("p%02d", i))))
	}
	mustIngest(t, s, result("blog", items...), at(60))
	// An earlier root arrives late: its thread's Created moves to minute 1.
	mustIngest(t, s, result("blog", item("late", "zed", 40, rootIs("early")), item("early", "zed", 1)), at(61))

	one := exportAll(t, s)
	if len(one) < 22 {
		t.Fatalf("%d rows", len(one))
	}
	if one[0].Thread.ID != threadOf(t, s, "early") {
		t.Errorf("first row is thread %s, want the one whose Created moved back", one[0].Thread.ID)
	}
	for i := 1; i < len(one); i++ {
		a, b := one[i-1].Thread, one[i].Thread
		if a.Created.After(b.Created) || (a.Created.Equal(b.Created) && a.ID > b.ID) {
			t.Fatalf("row %d out of order: %s %s after %s %s", i, b.Created, b.ID, a.Created, a.ID)
		}
	}
	defer func(n int) { exportChunk = n }(exportChunk)
	for _, n := range []int{1, 2, 5} {
		exportChunk = n
		if got := exportAll(t, s); !reflect.DeepEqual(got, one) {
			t.Errorf("chunks of %d: %d rows differ from the single read", n, len(got))
		}
	}
}
