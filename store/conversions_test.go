package store

import (
	"errors"
	"slices"
	"testing"

	"parley/funnel"
)

func TestImportConversions(t *testing.T) {
	s := openFake(t)
	mustIngest(t, s, result("blog",
		item("a", "ann", 1, text("#intent")),
		item("b", "bob", 2),
		item(clashA, "cat", 3), item(clashB, "dee", 4),
	), at(10))
	a, b := mustThread(t, s, threadOf(t, s, "a")), mustThread(t, s, threadOf(t, s, "b"))
	_, err := s.SetStage(b.ID, "", funnel.Advocate, "maya", at(11))
	mustNil(t, err)

	cs := []Conversion{
		{Ref: a.Ref(), Amount: Money{"eur", 4900}, At: at(20), Line: 2},
		{Ref: " " + b.ID[:8] + " ", Amount: Money{"USD", 1000}, At: at(21), Line: 3},
		{Ref: "deadbeef00", Amount: Money{"EUR", 500}, At: at(22), Line: 4},
		{Ref: clashAID[:6], Amount: Money{"EUR", 700}, At: at(23), Line: 5},
		{ID: "order-7", Ref: a.Ref(), Amount: Money{"EUR", 1500}, At: at(24), Line: 6},
		{ID: "order-7", Ref: a.Ref(), Amount: Money{"EUR", 1500}, At: at(24), Line: 7}, // same order twice
		{Ref: a.Ref(), Amount: Money{"EUR", 4900}, At: at(20), Line: 8},                // same sale, no ID
	}
	now := at(30)
	r, err := s.ImportConversions(cs, now)
	if err != nil {
		t.Fatalf("ImportConversions: %v", err)
	}
	checkIndexes(t, s)
	if r.Imported != 3 || r.Duplicate != 2 || !slices.Equal(r.Converted, []string{a.ID}) || len(r.Unknown) != 2 {
		t.Fatalf("result = %+v; want 3 imported, 2 duplicates, converted [a], 2 unknown", r)
	}
	if u := r.Unknown[0]; u.Line != 4 || !errors.Is(u.Err, ErrNotFound) || !errors.Is(u, ErrNotFound) {
		t.Errorf("unknown[0] = %+v (%v), want line 4, not found", u, u.Err)
	}
	if u := r.Unknown[1]; u.Line != 5 || !errors.Is(u.Err, ErrAmbiguousRef) {
		t.Errorf("unknown[1] = %+v (%v), want line 5, ambiguous", u, u.Err)
	}

	// a moved to converted at the sale's time, with the amount in the cause.
	ah, raw := history(t, s, a.ID)
	last, lastRaw := ah[len(ah)-1], raw[len(raw)-1]
	if last != (moveSummary{From: funnel.Intent, To: funnel.Converted, At: at(20)}) {
		t.Errorf("last move of a = %+v", last)
	}
	if want := "conversion: 49.00 EUR (ref " + a.Ref() + ")"; lastRaw.Cause != want {
		t.Errorf("cause = %q, want %q", lastRaw.Cause, want)
	}
	at1 := mustThread(t, s, a.ID)
	if at1.Stage != funnel.Converted || at1.Intent || at1.Conversions != 2 {
		t.Errorf("a: stage %s intent %v conversions %d; want converted, false, 2", at1.Stage, at1.Intent, at1.Conversions)
	}
	// b is further than converted: counted, not moved.
	if bt := mustThread(t, s, b.ID); bt.Stage != funnel.Advocate || bt.Conversions != 1 {
		t.Errorf("b: stage %s conversions %d; want advocate, 1", bt.Stage, bt.Conversions)
	}
	if c, _ := s.Contact(at1.Contact); c.Stage != funnel.Converted {
		t.Errorf("ann's contact stage = %s, want converted", c.Stage)
	}

	// The same file again: all duplicates, nothing changes.
	before := snapshotDB(t, s)
	r2, err := s.ImportConversions(cs, at(40))
	if err != nil {
		t.Fatal(err)
	}
	if r2.Imported != 0 || r2.Duplicate != 5 || len(r2.Converted) != 0 || len(r2.Unknown) != 2 {
		t.Errorf("second import = %+v; want 0 imported, 5 duplicates, the same 2 unknown", r2)
	}
	if after := snapshotDB(t, s); !slices.Equal(after, before) {
		t.Error("the second import changed the database")
	}
}

func TestImportConversionTimes(t *testing.T) {
	s := openFake(t)
	mustIngest(t, s, result("blog", item("a", "ann", 1), item("b", "bob", 2)), at(10))
	a, b := threadOf(t, s, "a"), threadOf(t, s, "b")
	r, err := s.ImportConversions([]Conversion{
		{Ref: a[:RefLen], Amount: Money{"EUR", 100}, At: at(500)}, // in the future
		{Ref: b[:RefLen], Amount: Money{"EUR", 100}},              // no time
	}, at(100))
	mustNil(t, err)
	if r.Imported != 2 {
		t.Fatalf("result = %+v", r)
	}
	for _, id := range []string{a, b} {
		if th := mustThread(t, s, id); !th.StageAt.Equal(at(100)) {
			t.Errorf("thread %s: StageAt %v, want the import time %v", id, th.StageAt, at(100))
		}
	}
	// A row without a time hashes the same on a later import.
	r, err = s.ImportConversions([]Conversion{{Ref: b[:RefLen], Amount: Money{"EUR", 100}}}, at(200))
	mustNil(t, err)
	if r.Duplicate != 1 {
		t.Errorf("re-import of a row without time = %+v, want a duplicate", r)
	}
}

func TestMoneyString(t *testing.T) {
	for _, tc := range []struct {
		m    Money
		want string
	}{
		{Money{"EUR", 4900}, "49.00 EUR"},
		{Money{"USD", 5}, "0.05 USD"},
		{Money{"", 123456}, "1234.56"},
		{Money{"EUR", -250}, "-2.50 EUR"},
	} {
		if got := tc.m.String(); got != tc.want {
			t.Errorf("%+v.String() = %q, want %q", tc.m, got, tc.want)
		}
	}
}
