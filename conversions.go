package main

// parley conversions import: sales from a shop, attributed to threads by
// the ref that track_link put in the link they bought through.

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"parley/demo"
	"parley/store"
)

const conversionsUsage = `Usage: parley conversions import FILE [--config PATH] [--db PATH]
       parley conversions import --demo [FILE]

Attribute sales to people. Each row names a conversation (one person in
one thread) by its ref (what track_link puts where {thread} is, e.g.
?ref=3fa2c1d9e0-7b21aa), is counted once on that conversation, and moves
it to the converted stage. An older link's thread ref (3fa2c1d9e0)
credits the person who started the thread.

FILE is CSV with a header line, or JSON lines (one object per line; a JSON
array of objects works too). The format comes from the extension (.csv;
.jsonl, .ndjson, .json), else from the first character.
  ref       required  the conversation's ref, e.g. 3fa2c1d9e0-7b21aa
  amount    required  49, 49.5 or 49.00: not negative, at most 2 decimals
  time      required  2026-11-20T10:00:00Z (RFC 3339),
                      2026-11-20 10:00:00 (taken as UTC) or 2026-11-20
  currency  optional  a 3-letter code such as EUR, or empty
  id        optional  your order ID
A row is counted once: imported again, a row with the same id (or, with
no id, the same ref, amount, currency and time) is skipped.

CSV columns may come in any order and header names in any case; other
columns are an error. In JSON, amount may be a string or a number.

  ref,amount,currency,time
  3fa2c1d9e0,49.00,EUR,2026-11-20T10:00:00Z

  {"ref":"3fa2c1d9e0","amount":"49.00","currency":"EUR","time":"2026-11-20T10:00:00Z"}

Every row that cannot be imported (a bad value, or a ref that matches no
thread) is reported with its line number and skipped; the others are
imported. Importing a file again never counts a row twice: fix the rows
reported and import the whole file again.

With --demo it imports into demo.db, by default the sample file
more-conversions.csv that parley --demo writes beside its feeds.

Exit status: 0 every row imported (or imported before), 1 some rows not
imported or the file unreadable, 2 usage error.
`

// conversionsCmd runs `parley conversions import FILE`.
func conversionsCmd(opts options, args []string, stdout, stderr io.Writer) int {
	const name = "parley conversions import"
	switch {
	case len(args) == 0:
		fmt.Fprintf(stderr, "parley conversions: missing subcommand (expected: parley conversions import FILE; see parley conversions --help)\n")
		return 2
	case args[0] != "import":
		fmt.Fprintf(stderr, "parley conversions: unknown subcommand %q (expected: import)\n", args[0])
		return 2
	}
	files := args[1:]
	var path string
	switch {
	case len(files) > 1:
		fmt.Fprintf(stderr, "%s: one FILE at a time, got %d (see parley conversions --help)\n", name, len(files))
		return 2
	case len(files) == 1:
		path = files[0]
	case opts.demo:
		path = filepath.Join(opts.demoDir(), demo.MoreConversionsFile)
	default:
		fmt.Fprintf(stderr, "%s: missing FILE, a CSV or JSON lines file of conversions (see parley conversions --help)\n", name)
		return 2
	}

	// The demo writes its sample file on setup, so read after it there;
	// otherwise (a FILE given, with --demo too) read first, so a wrong path
	// touches no database and is reported as such.
	var (
		st   *store.Store
		rows []store.Conversion
		bad  []rowError
		err  error
	)
	read := func() bool {
		rows, bad, err = readConversions(path)
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", name, cleanErr(err))
			return false
		}
		return true
	}
	if (!opts.demo || len(files) == 1) && !read() {
		return 1
	}
	// A running console imports them (it holds the database). The demo
	// console wrote its sample file on start.
	via := func() (int, bool) {
		if opts.demo && rows == nil && bad == nil {
			if _, serr := os.Stat(path); serr != nil {
				return 0, false // no demo console has run: set it up below
			}
			if !read() {
				return 1, true
			}
		}
		res, err := store.RequestImport(opts.db, rows)
		switch {
		case noOwner(err):
			return 0, false
		case err != nil:
			fmt.Fprintf(stderr, "%s: %v\n", name, cleanErr(err))
			return 1, true
		}
		return importReport(name, path, rows, bad, res, stdout, stderr), true
	}
	if code, ok := via(); ok {
		return code
	}
	// No database means no thread to attribute a sale to: surely a typo
	// in --db, so say so instead of creating an empty one.
	opts.needDB = true
	cfg, st, _, err := setup(opts)
	if errors.Is(err, store.ErrLocked) {
		if code, ok := via(); ok {
			return code // a console that was starting
		}
		err = ownerUnreachable(err, absPath(opts.db))
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, cleanErr(err))
		return 1
	}
	defer st.Close()
	if opts.demo {
		if err := prepareDemo(cfg, st, time.Now()); err != nil {
			fmt.Fprintf(stderr, "%s: preparing demo.db: %v\n", name, err)
			return 1
		}
		if !read() {
			return 1
		}
	}

	var res store.ImportResult
	if len(rows) > 0 {
		if res, err = st.ImportConversions(rows, time.Now()); err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", name, cleanErr(err))
			return 1
		}
	}
	return importReport(name, path, rows, bad, res, stdout, stderr)
}

// importReport prints what an import did, with a console or without, and
// returns the exit status.
func importReport(name, path string, rows []store.Conversion, bad []rowError, res store.ImportResult, stdout, stderr io.Writer) int {
	for _, b := range bad {
		fmt.Fprintf(stderr, "line %d: %s\n", b.Line, b.Msg)
	}
	fmt.Fprintln(stdout, importSummary(res))
	unknown := slices.Clone(res.Unknown)
	slices.SortStableFunc(unknown, func(a, b store.ConversionError) int { return a.Line - b.Line })
	for _, u := range unknown {
		fmt.Fprintf(stderr, "line %d: %s\n", u.Line, unknownMsg(u))
	}
	if n := len(bad) + len(unknown); n > 0 {
		fmt.Fprintf(stderr, "%s: %s of %d not imported (see above); fix %s and import %s again: what was imported is never counted twice\n",
			name, plural(n, "row", "rows"), len(bad)+len(rows), pick(n == 1, "it", "them"), path)
		return 1
	}
	return 0
}

// importSummary is the stdout line: "imported 4 conversions (3 threads
// now converted, 2 already imported)".
func importSummary(res store.ImportResult) string {
	s := fmt.Sprintf("imported %s (%s now converted", plural(res.Imported, "conversion", "conversions"),
		plural(len(res.Converted), "thread", "threads"))
	if res.Duplicate > 0 {
		s += fmt.Sprintf(", %d already imported", res.Duplicate)
	}
	return s + ")"
}

func unknownMsg(u store.ConversionError) string {
	switch {
	case errors.Is(u.Err, store.ErrAmbiguousRef):
		return fmt.Sprintf("ref %s matches more than one thread (not imported; use the full %d-character ref and import again)", u.Ref, store.RefLen)
	case errors.Is(u.Err, store.ErrNotFound):
		return fmt.Sprintf("ref %s matches no thread (not imported; fix the ref and import again)", u.Ref)
	}
	return fmt.Sprintf("ref %s: %v (not imported)", u.Ref, u.Err)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func pick[T any](cond bool, a, b T) T {
	if cond {
		return a
	}
	return b
}

// rowError is a row that cannot be imported, and why.
type rowError struct {
	Line int
	Msg  string // what is wrong and what was expected
}

// maxConversionsFile keeps a wrong path (a disk image, a log) from being
// read whole into memory. 64 MiB is about a million rows.
const maxConversionsFile = 64 << 20

// readConversions reads and parses a conversions file. The error is for
// the whole file (missing, empty, bad header); rows with problems come
// back as rowErrors.
func readConversions(path string) ([]store.Conversion, []rowError, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil, fmt.Errorf("%s: no such file", path)
		}
		return nil, nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return nil, nil, fmt.Errorf("%s is a directory (expected a CSV or JSON lines file)", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxConversionsFile+1))
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(data) > maxConversionsFile {
		return nil, nil, fmt.Errorf("%s is larger than %d MiB; split it into smaller files", path, maxConversionsFile>>20)
	}
	rows, bad, err := parseConversions(path, data)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return rows, bad, nil
}

// conversionFields are the fields a row may have; the first three are
// required.
var conversionFields = []string{"ref", "amount", "time", "currency", "id"}

const expectedFields = "ref, amount, time, and optionally currency, id"

// parseConversions parses CSV or JSON lines (the format from name's
// extension, else from the first non-blank byte). Good rows come back in
// file order with Line set; every bad row is a rowError.
func parseConversions(name string, data []byte) ([]store.Conversion, []rowError, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a BOM, as spreadsheets write
	if !utf8.Valid(data) {
		return nil, nil, errors.New("not UTF-8 text (expected CSV or JSON lines; save the file as UTF-8)")
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, nil, errors.New("the file is empty (expected a CSV header line ref,amount,currency,time and a row per conversion, or JSON lines)")
	}
	var (
		raws []rawConversion
		bad  []rowError
		err  error
	)
	switch conversionsFormat(name, trimmed[0]) {
	case "json":
		raws, bad, err = parseJSONConversions(data)
	default:
		raws, bad, err = parseCSVConversions(data)
	}
	if err != nil {
		return nil, nil, err
	}
	if len(raws)+len(bad) == 0 {
		return nil, nil, errors.New("no conversions in the file, only a header")
	}
	var rows []store.Conversion
	for _, r := range raws {
		c, problems := r.conversion()
		if len(problems) > 0 {
			bad = append(bad, rowError{Line: r.line, Msg: strings.Join(problems, "; ")})
			continue
		}
		rows = append(rows, c)
	}
	slices.SortStableFunc(bad, func(a, b rowError) int { return a.Line - b.Line })
	return rows, bad, nil
}

func conversionsFormat(name string, first byte) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		return "csv"
	case ".json", ".jsonl", ".ndjson":
		return "json"
	}
	if first == '{' || first == '[' {
		return "json"
	}
	return "csv"
}

// rawConversion is one row as written, before its values are checked.
type rawConversion struct {
	line                          int
	ref, amount, currency, at, id string
	hasRef, hasAmount, hasTime    bool
}

func (r *rawConversion) set(field, v string) {
	switch field {
	case "ref":
		r.ref, r.hasRef = v, true
	case "amount":
		r.amount, r.hasAmount = v, true
	case "time":
		r.at, r.hasTime = v, true
	case "currency":
		r.currency = v
	case "id":
		r.id = v
	}
}

// conversion checks the row's values; problems say what was expected.
func (r rawConversion) conversion() (store.Conversion, []string) {
	c := store.Conversion{ID: strings.TrimSpace(r.id), Line: r.line}
	var problems []string
	var err error
	if c.Ref, err = parseRef(r.ref); err != nil {
		problems = append(problems, err.Error())
	}
	if c.Amount.Cents, err = parseAmount(r.amount); err != nil {
		problems = append(problems, err.Error())
	}
	if c.Amount.Currency, err = parseCurrency(r.currency); err != nil {
		problems = append(problems, err.Error())
	}
	if c.At, err = parseConversionTime(r.at); err != nil {
		problems = append(problems, err.Error())
	}
	return c, problems
}

// refRE is a thread ref (an old tracked link) or a conversation ref:
// the thread's, a dash, the person's.
var refRE = regexp.MustCompile(`^[0-9a-f]{6,64}(-[0-9a-f]{4,16})?$`)

func parseRef(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "", errors.New("no ref (expected the ref from the tracked link, e.g. 3fa2c1d9e0-7b21aa)")
	}
	if !refRE.MatchString(s) {
		return "", fmt.Errorf("ref %q is not a ref (expected %d hex characters, a dash and 6 more, e.g. 3fa2c1d9e0-7b21aa, or an older thread ref such as 3fa2c1d9e0)", s, store.RefLen)
	}
	return s, nil
}

var amountRE = regexp.MustCompile(`^(\d{1,15})(?:\.(\d{1,2}))?$`)

// parseAmount reads a non-negative decimal with at most 2 decimals as
// cents: "49" -> 4900, "49.5" -> 4950, "49.00" -> 4900.
func parseAmount(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, errors.New("no amount (expected a number like 49.00)")
	}
	if strings.HasPrefix(s, "-") && amountRE.MatchString(s[1:]) {
		return 0, fmt.Errorf("amount %s is negative (expected 0 or more: refunds are not imported)", s)
	}
	m := amountRE.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("amount %q is not a plain number (expected e.g. 49, 49.5 or 49.00: at most 2 decimals, a dot, no currency sign or thousands separator)", s)
	}
	whole, _ := strconv.ParseInt(m[1], 10, 64)
	frac := int64(0)
	if m[2] != "" {
		frac, _ = strconv.ParseInt(m[2], 10, 64)
		if len(m[2]) == 1 {
			frac *= 10
		}
	}
	if whole > (math.MaxInt64-frac)/100 {
		return 0, fmt.Errorf("amount %s is too large", s)
	}
	return whole*100 + frac, nil
}

func parseCurrency(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if len(s) != 3 || strings.ContainsFunc(s, func(r rune) bool { return (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') }) {
		return "", fmt.Errorf("currency %q is not a currency code (expected 3 letters, e.g. EUR, or nothing)", s)
	}
	return strings.ToUpper(s), nil
}

// parseConversionTime accepts RFC 3339, "2006-01-02 15:04:05" (UTC) and
// "2006-01-02" (midnight UTC).
func parseConversionTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, errors.New("no time (expected e.g. 2026-11-20T10:00:00Z)")
	}
	for _, layout := range []string{time.RFC3339, time.DateTime, time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("time %q is not a date (expected RFC 3339 like 2026-11-20T10:00:00Z, \"2026-11-20 10:00:00\" in UTC, or 2026-11-20)", s)
}

// parseCSVConversions reads a header line naming the columns, then rows.
func parseCSVConversions(data []byte) ([]rawConversion, []rowError, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1 // we report a wrong count with the line
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("reading the CSV header: %w", err)
	}
	line, _ := r.FieldPos(0)
	cols := make([]string, len(header))
	seen := map[string]bool{}
	var unknown []string
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		cols[i] = h
		switch {
		case !slices.Contains(conversionFields, h):
			unknown = append(unknown, fmt.Sprintf("%q", header[i]))
		case seen[h]:
			return nil, nil, fmt.Errorf("line %d: column %q appears twice", line, h)
		}
		seen[h] = true
	}
	if len(unknown) > 0 {
		hint := ""
		if _, err := parseRef(header[0]); err == nil {
			hint = " (the first line must be a header such as ref,amount,currency,time)"
		}
		return nil, nil, fmt.Errorf("line %d: unknown %s %s (expected %s)%s", line,
			pick(len(unknown) == 1, "column", "columns"), strings.Join(unknown, ", "), expectedFields, hint)
	}
	var missing []string
	for _, f := range conversionFields[:3] {
		if !seen[f] {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		return nil, nil, fmt.Errorf("line %d: the header has no %s column (expected %s)", line, strings.Join(missing, " or "), expectedFields)
	}

	var rows []rawConversion
	var bad []rowError
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				bad = append(bad, rowError{Line: pe.StartLine, Msg: "not valid CSV: " + pe.Err.Error()})
				continue
			}
			return nil, nil, err
		}
		line, _ := r.FieldPos(0)
		if len(rec) != len(cols) {
			bad = append(bad, rowError{Line: line, Msg: fmt.Sprintf("%d fields, expected %d (%s)", len(rec), len(cols), strings.Join(cols, ","))})
			continue
		}
		row := rawConversion{line: line}
		for i, v := range rec {
			row.set(cols[i], v)
		}
		rows = append(rows, row)
	}
	return rows, bad, nil
}

// parseJSONConversions reads JSON lines, or one JSON array of objects.
func parseJSONConversions(data []byte) ([]rawConversion, []rowError, error) {
	if first := bytes.TrimSpace(data); first[0] == '[' {
		return parseJSONArray(data)
	}
	var rows []rawConversion
	var bad []rowError
	for i, text := range bytes.Split(data, []byte("\n")) {
		text = bytes.TrimSpace(text)
		if len(text) == 0 {
			continue
		}
		row, err := jsonConversion(i+1, text)
		if err != nil {
			bad = append(bad, rowError{Line: i + 1, Msg: err.Error()})
			continue
		}
		rows = append(rows, row)
	}
	return rows, bad, nil
}

func parseJSONArray(data []byte) ([]rawConversion, []rowError, error) {
	lineAt := func(off int64) int { return bytes.Count(data[:off], []byte("\n")) + 1 }
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil {
		return nil, nil, fmt.Errorf("not valid JSON: %w", err)
	}
	var rows []rawConversion
	var bad []rowError
	for dec.More() {
		// The element starts at the first byte that is not space or a comma.
		off := dec.InputOffset()
		for off < int64(len(data)) && strings.IndexByte(" \t\r\n,", data[off]) >= 0 {
			off++
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, nil, fmt.Errorf("line %d: not valid JSON: %w", lineAt(off), err)
		}
		row, err := jsonConversion(lineAt(off), raw)
		if err != nil {
			bad = append(bad, rowError{Line: lineAt(off), Msg: err.Error()})
			continue
		}
		rows = append(rows, row)
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, fmt.Errorf("not valid JSON: %w", err)
	}
	return rows, bad, nil
}

// jsonConversion reads one object. Values may be strings; amount and id
// may also be numbers; currency and id may be null.
func jsonConversion(line int, text []byte) (rawConversion, error) {
	row := rawConversion{line: line}
	var obj map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(text))
	if err := dec.Decode(&obj); err != nil || obj == nil {
		return row, fmt.Errorf("not a JSON object (expected e.g. %s)", jsonExample)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return row, errors.New("more than one JSON value on the line (expected one object per line)")
	}
	var unknown, problems []string
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		field := strings.ToLower(strings.TrimSpace(k))
		if !slices.Contains(conversionFields, field) {
			unknown = append(unknown, fmt.Sprintf("%q", k))
			continue
		}
		v, err := jsonValue(field, obj[k])
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		row.set(field, v)
	}
	if len(unknown) > 0 {
		problems = append(problems, fmt.Sprintf("unknown %s %s (expected %s)",
			pick(len(unknown) == 1, "field", "fields"), strings.Join(unknown, ", "), expectedFields))
	}
	for _, f := range []struct {
		name string
		has  bool
	}{{"ref", row.hasRef}, {"amount", row.hasAmount}, {"time", row.hasTime}} {
		if !f.has && !slices.ContainsFunc(problems, func(p string) bool { return strings.HasPrefix(p, f.name+" ") }) {
			problems = append(problems, fmt.Sprintf("no %q field (expected e.g. %s)", f.name, jsonExample))
		}
	}
	if len(problems) > 0 {
		return row, errors.New(strings.Join(problems, "; "))
	}
	return row, nil
}

const jsonExample = `{"ref":"3fa2c1d9e0","amount":"49.00","currency":"EUR","time":"2026-11-20T10:00:00Z"}`

func jsonValue(field string, raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) > 0 && raw[0] == '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", fmt.Errorf("%s is not a valid JSON string", field)
		}
		return s, nil
	case string(raw) == "null" && (field == "currency" || field == "id"):
		return "", nil
	case len(raw) > 0 && (raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9') && (field == "amount" || field == "id"):
		return string(raw), nil // checked as text: 49.5 stays 49.5, 4.95e1 is refused
	case field == "amount":
		return "", fmt.Errorf("amount %s is not a number or a string (expected e.g. \"49.00\" or 49.00)", raw)
	}
	return "", fmt.Errorf("%s %s is not a string (expected e.g. %s)", field, raw, jsonExample)
}
