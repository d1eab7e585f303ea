package main

// parley export --audit: the audit log, who did what and when.

import (
	"encoding/csv"
	"fmt"
	"io"
	"time"

	"parley/store"
)

// auditColumns are the columns of export --audit, in order; auditRecord's
// JSON keys are the same.
var auditColumns = []string{"at", "who", "action", "thread_ref", "ref", "detail"}

type auditRecord struct {
	At        string `json:"at"`
	Who       string `json:"who"`
	Action    string `json:"action"`
	ThreadRef string `json:"thread_ref"`
	Ref       string `json:"ref"` // the conversation's; "" when the action names no person
	Detail    string `json:"detail"`
}

func newAuditRecord(a store.AuditEntry) auditRecord {
	ref := ""
	if a.Contact != "" {
		ref = store.ConversationRef(a.ThreadID, a.Contact)
	}
	return auditRecord{
		// Nanoseconds: actions a second apart, or less, stay in order
		// when a script sorts by this column.
		At:        a.At.UTC().Format(time.RFC3339Nano),
		Who:       a.Who,
		Action:    a.Action,
		ThreadRef: store.Thread{ID: a.ThreadID}.Ref(),
		Ref:       ref,
		Detail:    a.Detail,
	}
}

// writeAudit streams the audit log to w as CSV or JSON, oldest first.
func writeAudit(st *store.Store, format string, w io.Writer) error {
	return writeBuffered(w, format, func(w io.Writer) error { return writeAuditJSON(st, w) },
		func(w io.Writer) error { return writeAuditCSV(st, w) })
}

func writeAuditCSV(st *store.Store, w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(auditColumns); err != nil {
		return err
	}
	if err := st.Audit(func(a store.AuditEntry) error {
		r := newAuditRecord(a)
		return cw.Write([]string{r.At, r.Who, r.Action, r.ThreadRef, r.Ref, r.Detail})
	}); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// writeAuditJSON writes one array, an object per line, like export.
func writeAuditJSON(st *store.Store, w io.Writer) error {
	arr := newJSONArray(w)
	if err := st.Audit(func(a store.AuditEntry) error { return arr.add(newAuditRecord(a)) }); err != nil {
		return err
	}
	return arr.close()
}

// auditVia has the running parley write the audit log to stdout; ok is
// false when none answered.
func auditVia(db, format string, stdout, stderr io.Writer) (code int, ok bool) {
	err := store.RequestExportAudit(db, format, stdout)
	switch {
	case noOwner(err):
		return 0, false
	case err != nil:
		fmt.Fprintf(stderr, "parley export --audit: %v\n", err)
		return 1, true
	}
	return 0, true
}
