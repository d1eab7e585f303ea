package store

import (
	"errors"
	"reflect"
	"testing"

	"parley/funnel"
)

func TestExport(t *testing.T) {
	s := openFake(t, "us")
	mustIngest(t, s, result("blog",
		item("b", "bob", 5, text("#intent")),
		item("a", "ann", 1),
		item("a-us", "us", 2, replyTo("a")),
		item("a2", "ann", 3, replyTo("a")),
	), at(10))
	mustIngest(t, s, result("forum", item("c", "cat", 3)), at(11))
	a, b, c := threadOf(t, s, "a"), threadOf(t, s, "b"), threadOf(t, s, "c")
	mustNil(t, s.RecordReply(Reply{ThreadID: a, Text: "more", At: at(4)}))
	_, err := s.ImportConversions([]Conversion{
		{Ref: b[:RefLen], Amount: Money{"EUR", 100}, At: at(20)},
		{Ref: b[:RefLen], Amount: Money{"USD", 900}, At: at(21)},
		{Ref: b[:RefLen], Amount: Money{"EUR", 200}, At: at(22)},
	}, at(30))
	mustNil(t, err)

	var rows []ExportRow
	mustNil(t, s.Export(func(r ExportRow) error { rows = append(rows, r); return nil }))
	type row struct {
		ID, Contact, Feed string
		Stage             funnel.Stage
		Replies, Conv     int
		Revenue           []Money
	}
	var got []row
	for _, r := range rows {
		if r.Thread != mustThread(t, s, r.Thread.ID) {
			t.Errorf("row %s: Thread differs from Store.Thread", r.Thread.ID)
		}
		got = append(got, row{r.Thread.ID, r.Contact, r.Thread.Feed, r.Thread.Stage, r.Replies, r.Conversions, r.Revenue})
	}
	// Oldest first: a (1), c (3), b (5). Ties would go by ID.
	want := []row{
		{a, "ann", "blog", funnel.Engaged, 2, 0, nil},
		{c, "cat", "forum", funnel.New, 0, 0, nil},
		{b, "bob", "blog", funnel.Converted, 0, 3, []Money{{"USD", 900}, {"EUR", 300}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Export =\n%+v\nwant\n%+v", got, want)
	}

	stop := errors.New("disk full")
	n := 0
	err = s.Export(func(ExportRow) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("Export with a failing fn: %v after %d rows, want the fn's error after 1", err, n)
	}
}
