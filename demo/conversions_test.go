package demo

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"parley/feeds"
	"parley/store"
)

type conversionRow struct {
	line                          int
	id, ref, amount, currency, at string
}

// readConversionsCSV reads a demo conversions file with a plain CSV
// reader (parley's own parser lives in package main and has its tests
// there; this checks what the demo ships).
func readConversionsCSV(t *testing.T, name string, data []byte, layout string, now time.Time) []conversionRow {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(data))
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s is not valid CSV: %v", name, err)
	}
	if len(recs) < 2 {
		t.Fatalf("%s: %d lines, want a header and rows", name, len(recs))
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, want := range []string{"id", "ref", "amount", "currency", "time"} {
		if _, ok := col[want]; !ok {
			t.Fatalf("%s: header %v has no %q", name, recs[0], want)
		}
	}
	var rows []conversionRow
	for i, rec := range recs[1:] {
		row := conversionRow{line: i + 2, id: rec[col["id"]], ref: rec[col["ref"]], amount: rec[col["amount"]],
			currency: rec[col["currency"]], at: rec[col["time"]]}
		if !regexp.MustCompile(`^[0-9a-f]{10}(-[0-9a-f]{6})?$`).MatchString(row.ref) {
			t.Errorf("%s:%d: ref %q is neither a thread ref (10 hex chars) nor a conversation ref (thread ref-6 hex chars)", name, row.line, row.ref)
		}
		if !regexp.MustCompile(`^\d+\.\d\d$`).MatchString(row.amount) || !regexp.MustCompile(`^[A-Z]{3}$`).MatchString(row.currency) {
			t.Errorf("%s:%d: amount %q currency %q", name, row.line, row.amount, row.currency)
		}
		if !strings.HasPrefix(row.id, "demo-order-") {
			t.Errorf("%s:%d: id %q: every demo row needs a fixed ID, or a new rendering imports it again", name, row.line, row.id)
		}
		at, err := time.Parse(layout, row.at)
		if err != nil {
			t.Errorf("%s:%d: time %q: %v", name, row.line, row.at, err)
		} else if !at.Before(now) || at.Before(now.Add(-14*24*time.Hour)) {
			t.Errorf("%s:%d: time %v not within the 14 days before %v", name, row.line, at, now)
		}
		rows = append(rows, row)
	}
	return rows
}

func TestConversionsFiles(t *testing.T) {
	now := time.Now()
	dir := filepath.Join(t.TempDir(), "demo")
	list, err := Write(dir, now)
	if err != nil {
		t.Fatal(err)
	}
	builtinData, err := Conversions(now)
	if err != nil {
		t.Fatal(err)
	}
	moreData, err := os.ReadFile(filepath.Join(dir, MoreConversionsFile))
	if err != nil {
		t.Fatal(err)
	}
	builtin := readConversionsCSV(t, ConversionsFile, builtinData, time.RFC3339, now)
	more := readConversionsCSV(t, MoreConversionsFile, moreData, time.DateTime, now.UTC())

	// The sample file has new sales and one already imported on start:
	// importing it succeeds and shows both parts of the report.
	ids := map[string]conversionRow{}
	for _, r := range builtin {
		if _, dup := ids[r.id]; dup {
			t.Errorf("%s: id %s twice", ConversionsFile, r.id)
		}
		ids[r.id] = r
	}
	var again, fresh int
	for _, r := range more {
		if b, ok := ids[r.id]; ok {
			again++
			if b.ref != r.ref || b.amount != r.amount || b.currency != r.currency {
				t.Errorf("%s:%d reuses id %s for a different sale", MoreConversionsFile, r.line, r.id)
			}
		} else {
			fresh++
		}
	}
	if again != 1 || fresh < 2 {
		t.Errorf("%s: %d rows already in %s and %d new, want 1 and >= 2", MoreConversionsFile, again, ConversionsFile, fresh)
	}

	// Every ref names a demo conversation: a person in a thread (a thread
	// ref names its starter's).
	st, err := store.Open(filepath.Join(t.TempDir(), "demo.db"), store.Options{Ours: Ours, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	feeds.NewFetcher(feeds.Options{}).FetchAll(context.Background(), list, st.ConditionalState, func(r feeds.Result) {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		if _, err := st.Ingest(r, now); err != nil {
			t.Fatal(err)
		}
	})
	for _, r := range append(builtin, more...) {
		c, err := st.ConversationByRef(r.ref)
		if err == nil && r.ref == "94e27734db-cc4bfc" && c.Name != "Sofia Alvarez" {
			t.Errorf("the pricing thread's sale credits %s, want its buyer Sofia Alvarez (issue 13)", c.Name)
		}
		if err != nil {
			t.Errorf("ref %s (id %s): %v (the README's `parley conversions import --demo` must succeed)", r.ref, r.id, err)
		}
	}
}

func TestConversionsKeepIDsAcrossRenderings(t *testing.T) {
	now := time.Now()
	a, err := Conversions(now)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Conversions(now.Add(3 * time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	ra := readConversionsCSV(t, "a", a, time.RFC3339, now.Add(time.Second))
	rb := readConversionsCSV(t, "b", b, time.RFC3339, now.Add(3*time.Hour+time.Second))
	if len(ra) != len(rb) {
		t.Fatalf("row count changed: %d then %d", len(ra), len(rb))
	}
	for i := range ra {
		if ra[i].id != rb[i].id || ra[i].ref != rb[i].ref || ra[i].at == rb[i].at {
			t.Errorf("row %d: %+v then %+v: want the same id and ref, a later time", i, ra[i], rb[i])
		}
	}
}
