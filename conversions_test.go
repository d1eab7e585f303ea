package main

import (
	"strings"
	"testing"
	"time"
)

func TestParseAmount(t *testing.T) {
	for in, want := range map[string]int64{
		"49": 4900, "49.5": 4950, "49.00": 4900, "0": 0, "0.01": 1, " 7.25 ": 725, "1234567.89": 123456789,
	} {
		got, err := parseAmount(in)
		if err != nil || got != want {
			t.Errorf("parseAmount(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for in, want := range map[string]string{
		"":                  "no amount",
		"-5":                "negative",
		"-5.50":             "negative",
		"49.999":            "at most 2 decimals",
		"49,00":             "not a plain number",
		"1,234.00":          "thousands separator",
		"€49":               "currency sign",
		"49 EUR":            "not a plain number",
		".5":                "not a plain number",
		"49.":               "not a plain number",
		"+5":                "not a plain number",
		"4.9e1":             "not a plain number",
		"1e3":               "not a plain number",
		"NaN":               "not a plain number",
		"9999999999999999":  "not a plain number", // 16 digits: more than any shop sells
		"999999999999999.9": "",                   // 15 digits still fit
	} {
		_, err := parseAmount(in)
		switch {
		case want == "" && err != nil:
			t.Errorf("parseAmount(%q): %v", in, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("parseAmount(%q) error = %v, want it to say %q", in, err, want)
		}
	}
}

func TestParseConversionTime(t *testing.T) {
	for in, want := range map[string]time.Time{
		"2026-11-20T10:00:00Z":        time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC),
		"2026-11-20T11:00:00+01:00":   time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC),
		"2026-11-20T10:00:00.123456Z": time.Date(2026, 11, 20, 10, 0, 0, 123456000, time.UTC),
		"2026-11-20 10:00:00":         time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC),
		"2026-11-20":                  time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC),
		" 2026-11-20 ":                time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC),
	} {
		got, err := parseConversionTime(in)
		if err != nil || !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("parseConversionTime(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "20/11/2026", "2026-11-20T10:00:00", "2026-13-01", "yesterday", "1763632800"} {
		if _, err := parseConversionTime(in); err == nil || !strings.Contains(err.Error(), "expected") && in != "" {
			t.Errorf("parseConversionTime(%q) = %v, want an error saying what is expected", in, err)
		}
	}
}

func TestParseCurrencyAndRef(t *testing.T) {
	for in, want := range map[string]string{"eur": "EUR", " Usd ": "USD", "": ""} {
		if got, err := parseCurrency(in); err != nil || got != want {
			t.Errorf("parseCurrency(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"EURO", "€", "E1R", "US"} {
		if _, err := parseCurrency(in); err == nil {
			t.Errorf("parseCurrency(%q) accepted", in)
		}
	}
	if got, err := parseRef(" 3FA2C1D9E0 "); err != nil || got != "3fa2c1d9e0" {
		t.Errorf("parseRef = %q, %v", got, err)
	}
	for _, in := range []string{"", "3fa2c", "not-a-ref", "https://shop.example/?ref=3fa2c1d9e0"} {
		if _, err := parseRef(in); err == nil {
			t.Errorf("parseRef(%q) accepted", in)
		}
	}
}

func TestConversionsFormat(t *testing.T) {
	tests := []struct {
		name  string
		first byte
		want  string
	}{
		{"sales.csv", '{', "csv"}, // the extension wins
		{"sales.CSV", 'r', "csv"},
		{"sales.jsonl", 'r', "json"},
		{"sales.ndjson", '{', "json"},
		{"sales.json", '[', "json"},
		{"sales.txt", '{', "json"},
		{"sales", '[', "json"},
		{"sales", 'r', "csv"},
	}
	for _, tc := range tests {
		if got := conversionsFormat(tc.name, tc.first); got != tc.want {
			t.Errorf("conversionsFormat(%q, %q) = %s, want %s", tc.name, tc.first, got, tc.want)
		}
	}
}

func TestParseConversionsCSVDetails(t *testing.T) {
	// A BOM (spreadsheets write one), quoted fields, a quoted field over
	// two lines, blank lines: line numbers stay those of the file.
	data := "\xef\xbb\xbfref, amount ,time\n" +
		"\n" +
		"3fa2c1d9e0,\"49.00\",2026-11-20\n" +
		"\"3fa2c1\nd9e0\",1,2026-11-20\n" +
		"3fa2c1d9e0,2,2026-11-20\n" +
		"3fa2c1d9e0,x\"y,2026-11-20\n" +
		"3fa2c1d9e0,3,2026-11-20\n"
	rows, bad, err := parseConversions("s.csv", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	var lines []int
	for _, r := range rows {
		lines = append(lines, r.Line)
	}
	if len(rows) != 3 || lines[0] != 3 || lines[1] != 6 || lines[2] != 8 {
		t.Errorf("good rows on lines %v, want [3 6 8]", lines)
	}
	if rows[0].Amount.Cents != 4900 || rows[0].Amount.Currency != "" || rows[0].Ref != "3fa2c1d9e0" {
		t.Errorf("row 1 = %+v", rows[0])
	}
	if len(bad) != 2 || bad[0].Line != 4 || !strings.Contains(bad[0].Msg, "ref") || bad[1].Line != 7 || !strings.Contains(bad[1].Msg, "CSV") {
		t.Errorf("bad = %+v, want line 4 (a ref with a newline) and line 7 (a bare quote)", bad)
	}
}

func TestParseConversionsJSONArray(t *testing.T) {
	data := `[
  {"ref": "3fa2c1d9e0", "amount": "49.00", "currency": "EUR", "time": "2026-11-20T10:00:00Z"},
  {"ref": "3fa2c1d9e0", "amount": -1, "time": "2026-11-20"},

  {"REF": "3fa2c1d9e0", "Amount": 10, "Time": "2026-11-20", "Id": "x-1"}
]`
	rows, bad, err := parseConversions("sales.json", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Line != 2 || rows[1].Line != 5 || rows[1].ID != "x-1" || rows[1].Amount.Cents != 1000 {
		t.Errorf("rows = %+v", rows)
	}
	if len(bad) != 1 || bad[0].Line != 3 || !strings.Contains(bad[0].Msg, "negative") {
		t.Errorf("bad = %+v", bad)
	}
	if _, _, err := parseConversions("sales.json", []byte(`[{"ref": "3fa2c1d9e0",`)); err == nil || !strings.Contains(err.Error(), "not valid JSON") {
		t.Errorf("truncated array: %v", err)
	}
}

func TestParseConversionsRejectsBinary(t *testing.T) {
	if _, _, err := parseConversions("x.csv", []byte{0xff, 0xfe, 'r', 0}); err == nil || !strings.Contains(err.Error(), "UTF-8") {
		t.Errorf("err = %v", err)
	}
}
