package main

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"parley/funnel"
	"parley/store"
)

func TestFormatRevenue(t *testing.T) {
	tests := []struct {
		in                []store.Money
		revenue, currency string
	}{
		{nil, "0.00", ""},
		{[]store.Money{{Currency: "EUR", Cents: 4900}}, "49.00", "EUR"},
		{[]store.Money{{Cents: 5}}, "0.05", ""},
		{[]store.Money{{Currency: "EUR", Cents: 4900}, {Currency: "USD", Cents: 1000}}, "49.00 EUR; 10.00 USD", "mixed"},
		{[]store.Money{{Currency: "USD", Cents: 123456}, {Cents: 100}}, "1234.56 USD; 1.00", "mixed"},
	}
	for _, tc := range tests {
		r, c := formatRevenue(tc.in)
		if r != tc.revenue || c != tc.currency {
			t.Errorf("formatRevenue(%v) = %q, %q; want %q, %q", tc.in, r, c, tc.revenue, tc.currency)
		}
	}
}

func TestExportRecordMatchesColumns(t *testing.T) {
	// The JSON keys and the CSV columns are the same list, in order.
	var keys []string
	rt := reflect.TypeOf(exportRecord{})
	for i := range rt.NumField() {
		keys = append(keys, rt.Field(i).Tag.Get("json"))
	}
	if strings.Join(keys, ",") != strings.Join(exportColumns, ",") {
		t.Errorf("json keys %v\ncolumns   %v", keys, exportColumns)
	}
	rec := newExportRecord(store.ExportRow{Thread: store.Thread{ID: "0123456789abcdef", Stage: funnel.Advocate},
		Conversation: store.Conversation{ThreadID: "0123456789abcdef", Contact: "fedcba9876543210", Stage: funnel.Intent,
			First: time.Date(2026, 11, 1, 9, 0, 0, 0, time.FixedZone("CET", 3600)), LastOurs: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}})
	if got := len(rec.csv()); got != len(exportColumns) {
		t.Errorf("csv() has %d fields, want %d", got, len(exportColumns))
	}
	// The person's row: their ref and stage, not the thread's.
	if rec.Ref != "0123456789-fedcba" || rec.ThreadRef != "0123456789" || rec.Stage != "intent" ||
		*rec.FirstActivity != "2026-11-01T08:00:00Z" || *rec.LastActivity != "2026-11-02T09:00:00Z" {
		t.Errorf("record = %+v", rec)
	}
	if empty := newExportRecord(store.ExportRow{}); empty.FirstActivity != nil || empty.csv()[7] != "" {
		t.Errorf("a zero time should be null in JSON and empty in CSV: %+v", empty)
	}
}
