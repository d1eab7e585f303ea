package main

// parley export: every conversation (one person in one thread) with its
// funnel stage and sales, for a spreadsheet or a script.

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"parley/store"
)

const exportUsage = `Usage: parley export [--audit] [--format csv|json|opml] [--config PATH] [--db PATH] [--demo]

Print every conversation to stdout, one row per person in a thread,
threads oldest first:
  ref             the conversation's ref: what {thread} becomes in track_link
                  (ctrl+l), and what parley conversions import matches
  thread_ref      the thread's ref (an old tracked link: credits its starter)
  feed            the feed of their first message in the thread
  contact         the person
  stage           new, engaged, trusting, intent, converted or advocate
  unhappy         true when their latest message is negative
  won_back        true when they went from unhappy to positive after our reply
  first_activity  time of their first message in the thread (RFC 3339, UTC)
  last_activity   time of their latest message or our latest reply to them
  our_replies     our replies to them (in the feed, or recorded in parley)
  conversions     conversions attributed to them (parley conversions import)
  revenue         their total, e.g. 49.00 (0.00 without conversions); in
                  several currencies each total with its code, largest
                  first: "49.00 EUR; 10.00 USD"
  currency        the code of the revenue, "mixed" for several currencies,
                  empty when the conversions gave none
  title           the thread's title
  link            their latest message: where a reply to them belongs

  --format csv    (default) a header line, then one CSV (RFC 4180) row each
  --format json   one JSON array of objects with the same keys: counts are
                  numbers, unhappy and won_back true/false, revenue a string,
                  a time that is not known null
  --format opml   the configured feeds instead, as an OPML 2.0 subscription
                  list for another feed reader (parley import-opml reads it)

With --audit, print the audit log instead: every action (a reply
recorded, queued, sent or refused; done, undone; snooze; stage move;
assignment; an imported sale), oldest first, newest last:
  at              when (RFC 3339 with nanoseconds, UTC)
  who             the teammate (empty: the local user before team mode,
                  or parley itself)
  action          reply recorded, reply queued, reply sent, reply refused,
                  done, undone, snoozed, unsnoozed, stage moved, assigned,
                  unassigned, conversion imported
  thread_ref      the thread's ref
  ref             the conversation's ref, when the action names a person
  detail          the snooze's end, the stage move, the sale, the link...

Example: parley export > conversations.csv
         parley export --audit --format json > audit.json
`

// exportColumns are the columns, in order; exportRecord's JSON keys are
// the same.
var exportColumns = []string{"ref", "thread_ref", "feed", "contact", "stage", "unhappy", "won_back", "first_activity",
	"last_activity", "our_replies", "conversions", "revenue", "currency", "title", "link"}

// exportRecord is one conversation as exported.
type exportRecord struct {
	Ref           string  `json:"ref"`
	ThreadRef     string  `json:"thread_ref"`
	Feed          string  `json:"feed"`
	Contact       string  `json:"contact"`
	Stage         string  `json:"stage"`
	Unhappy       bool    `json:"unhappy"`
	WonBack       bool    `json:"won_back"`
	FirstActivity *string `json:"first_activity"` // nil: unknown
	LastActivity  *string `json:"last_activity"`
	OurReplies    int     `json:"our_replies"`
	Conversions   int     `json:"conversions"`
	Revenue       string  `json:"revenue"`
	Currency      string  `json:"currency"`
	Title         string  `json:"title"`
	Link          string  `json:"link"`
}

func newExportRecord(r store.ExportRow) exportRecord {
	t, c := r.Thread, r.Conversation
	last := c.First
	for _, at := range []time.Time{c.LastTheirs, c.LastOurs} {
		if at.After(last) {
			last = at
		}
	}
	ref := ""
	if c.ThreadID != "" {
		ref = c.Ref()
	}
	revenue, currency := formatRevenue(r.Revenue)
	return exportRecord{
		Ref:           ref,
		ThreadRef:     t.Ref(),
		Feed:          cmp.Or(c.Feed, t.Feed),
		Contact:       r.Contact,
		Stage:         c.Stage.String(),
		Unhappy:       c.Unhappy,
		WonBack:       c.WonBack,
		FirstActivity: exportTime(c.First),
		LastActivity:  exportTime(last),
		OurReplies:    r.Replies,
		Conversions:   r.Conversions,
		Revenue:       revenue,
		Currency:      currency,
		Title:         t.Title,
		Link:          cmp.Or(c.Link, t.Link),
	}
}

func exportTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

func (e exportRecord) csv() []string {
	deref := func(s *string) string {
		if s == nil {
			return ""
		}
		return *s
	}
	return []string{e.Ref, e.ThreadRef, e.Feed, e.Contact, e.Stage, fmt.Sprint(e.Unhappy), fmt.Sprint(e.WonBack),
		deref(e.FirstActivity), deref(e.LastActivity), fmt.Sprint(e.OurReplies), fmt.Sprint(e.Conversions),
		e.Revenue, e.Currency, e.Title, e.Link}
}

// formatRevenue gives the revenue and currency columns: "49.00", "EUR" for
// one currency; "49.00 EUR; 10.00 USD", "mixed" for several, in the
// store's order (largest first; an amount without a code shows none);
// "0.00", "" for no conversions.
func formatRevenue(ms []store.Money) (revenue, currency string) {
	switch len(ms) {
	case 0:
		return "0.00", ""
	case 1:
		return store.Money{Cents: ms[0].Cents}.String(), ms[0].Currency
	}
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = m.String()
	}
	return strings.Join(parts, "; "), "mixed"
}

func exportCmd(opts options, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		return unexpectedArg(stderr, "export", args[0])
	}
	format := strings.ToLower(opts.format)
	if format == "opml" && !opts.audit {
		return exportOPML(opts, stdout, stderr)
	}
	if format != "csv" && format != "json" {
		fmt.Fprintf(stderr, "parley export: --format %q is not supported (expected csv or json; opml for the feeds, not with --audit)\n", opts.format)
		return 2
	}
	via := func() (int, bool) { return exportVia(opts.db, format, stdout, stderr) }
	write := writeExport
	if opts.audit {
		via = func() (int, bool) { return auditVia(opts.db, format, stdout, stderr) }
		write = writeAudit
	}
	// A running console writes it (it holds the database).
	if code, ok := via(); ok {
		return code
	}
	opts.needDB = true // export --db TYPO must not create an empty database
	cfg, st, _, err := setup(opts)
	if errors.Is(err, store.ErrLocked) {
		if code, ok := via(); ok {
			return code // a console that was starting
		}
		err = ownerUnreachable(err, absPath(opts.db))
	}
	if err != nil {
		fmt.Fprintf(stderr, "parley export: %v\n", cleanErr(err))
		return 1
	}
	defer st.Close()
	if opts.demo {
		if err := prepareDemo(cfg, st, time.Now()); err != nil {
			fmt.Fprintf(stderr, "parley export: preparing demo.db: %v\n", err)
			return 1
		}
	}
	if err := write(st, format, stdout); err != nil {
		fmt.Fprintf(stderr, "parley export: %v\n", cleanErr(err))
		return 1
	}
	return 0
}

// exportVia has the running console write the export to stdout; ok is
// false when none answered.
func exportVia(db, format string, stdout, stderr io.Writer) (code int, ok bool) {
	err := store.RequestExport(db, format, stdout)
	switch {
	case noOwner(err):
		return 0, false
	case err != nil:
		fmt.Fprintf(stderr, "parley export: %v\n", err)
		return 1, true
	}
	return 0, true
}

// writeExport streams every conversation to w as CSV or JSON.
func writeExport(st *store.Store, format string, w io.Writer) error {
	return writeBuffered(w, format, func(w io.Writer) error { return writeExportJSON(st, w) },
		func(w io.Writer) error { return writeExportCSV(st, w) })
}

// writeBuffered writes through one buffer in format ("json", else CSV),
// flushing it even when the writer failed, and returns the first error.
func writeBuffered(w io.Writer, format string, asJSON, asCSV func(io.Writer) error) error {
	bw := bufio.NewWriter(w)
	write := asCSV
	if format == "json" {
		write = asJSON
	}
	err := write(bw)
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	return err
}

func writeExportCSV(st *store.Store, w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(exportColumns); err != nil {
		return err
	}
	if err := st.Export(func(r store.ExportRow) error {
		return cw.Write(newExportRecord(r).csv())
	}); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// writeExportJSON writes one array, an object per line, so a large export
// streams and still greps well.
func writeExportJSON(st *store.Store, w io.Writer) error {
	arr := newJSONArray(w)
	if err := st.Export(func(r store.ExportRow) error { return arr.add(newExportRecord(r)) }); err != nil {
		return err
	}
	return arr.close()
}

// jsonArray writes a JSON array an element per line, as they come.
type jsonArray struct {
	w   io.Writer
	buf bytes.Buffer
	enc *json.Encoder
	sep string
}

func newJSONArray(w io.Writer) *jsonArray {
	a := &jsonArray{w: w, sep: "[\n"}
	a.enc = json.NewEncoder(&a.buf)
	a.enc.SetEscapeHTML(false) // titles keep their & and <
	return a
}

func (a *jsonArray) add(v any) error {
	a.buf.Reset()
	a.buf.WriteString(a.sep)
	a.sep = ",\n"
	if err := a.enc.Encode(v); err != nil {
		return err
	}
	a.buf.Truncate(a.buf.Len() - 1) // Encode's newline; the separator has one
	_, err := a.w.Write(a.buf.Bytes())
	return err
}

// close ends the array ("[]" when nothing was added).
func (a *jsonArray) close() error {
	end := "\n]\n"
	if a.sep == "[\n" {
		end = "[]\n"
	}
	_, err := io.WriteString(a.w, end)
	return err
}
