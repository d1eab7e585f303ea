package main

import (
	"encoding/csv"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"parley/funnel"
	"parley/store"
)

func TestAuditRecordMatchesColumns(t *testing.T) {
	var keys []string
	rt := reflect.TypeOf(auditRecord{})
	for i := range rt.NumField() {
		keys = append(keys, rt.Field(i).Tag.Get("json"))
	}
	if strings.Join(keys, ",") != strings.Join(auditColumns, ",") {
		t.Errorf("json keys %v\ncolumns   %v", keys, auditColumns)
	}
}

// auditFixture is fixtureDB (three sales imported) with a done by maya
// and a stage move by bob after them.
func auditFixture(t *testing.T, dir string) (db, thread string) {
	t.Helper()
	db, refs := fixtureDB(t, dir)
	st, err := store.Open(db, store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, err := st.ConversationByRef(refs["Chloe Martin"])
	if err != nil {
		t.Fatal(err)
	}
	if err := st.As("maya").SetDone(c.ThreadID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SetStage(c.ThreadID, c.Contact, funnel.Intent, "bob", time.Now().Add(time.Hour) /* after the done */); err != nil {
		t.Fatal(err)
	}
	return db, c.ThreadID
}

func TestExportAuditCSVAndJSON(t *testing.T) {
	home := privateEnv(t)
	db, thread := auditFixture(t, home)
	code, out, errOut := runCLI("export", "--audit", "--db", db)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("not valid CSV: %v\n%s", err, out)
	}
	if len(recs) != 6 || strings.Join(recs[0], ",") != strings.Join(auditColumns, ",") {
		t.Fatalf("audit export = %q, want the header and 5 actions", recs)
	}
	ref := store.Thread{ID: thread}.Ref()
	for i, want := range [][]string{
		{"", "conversion imported"}, {"", "conversion imported"}, {"", "conversion imported"},
		{"maya", "done", ref, ""}, {"bob", "stage moved", ref, "", "new -> intent"},
	} {
		got := recs[i+1]
		if got[1] != want[0] || got[2] != want[1] || (len(want) > 2 && got[3] != want[2]) || (len(want) > 4 && got[5] != want[4]) {
			t.Errorf("row %d = %q, want %q", i+1, got, want)
		}
	}
	if recs[5][4] == "" || !strings.HasPrefix(recs[5][4], ref+"-") {
		t.Errorf("the stage move names conversation %q, want one of thread %s", recs[5][4], ref)
	}
	for i := 2; i < len(recs); i++ {
		if recs[i][0] < recs[i-1][0] {
			t.Errorf("row %d at %s before row %d at %s: want newest last", i, recs[i][0], i-1, recs[i-1][0])
		}
	}

	code, out, errOut = runCLI("export", "--audit", "--format", "json", "--db", db)
	if code != 0 {
		t.Fatalf("json: exit %d: %s", code, errOut)
	}
	var rows []map[string]string
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("not one JSON array: %v\n%s", err, out)
	}
	if len(rows) != 5 || rows[4]["who"] != "bob" || rows[4]["action"] != "stage moved" || rows[3]["at"] != recs[4][0] {
		t.Errorf("json rows = %v", rows)
	}

	empty := filepath.Join(home, "empty.db")
	st, err := store.Open(empty, store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	if code, out, _ := runCLI("export", "--audit", "--format", "json", "--db", empty); code != 0 || out != "[]\n" {
		t.Errorf("empty audit: exit %d, %q", code, out)
	}
}

// Through the running console's control socket, the same bytes.
func TestExportAuditThroughTheRunningConsolePrintsTheSame(t *testing.T) {
	home := privateEnv(t)
	db, _ := auditFixture(t, home)
	direct := map[string]cliRun{}
	for _, format := range []string{"csv", "json"} {
		direct[format] = cli("export", "--audit", "--format", format, "--db", db)
		if direct[format].code != 0 || !strings.Contains(direct[format].out, "stage moved") {
			t.Fatalf("direct export: %+v", direct[format])
		}
	}
	startOwner(t, db, filepath.Join(home, "none.toml"), false)
	for _, format := range []string{"csv", "json"} {
		got := cli("export", "--audit", "--format", format, "--db", db)
		if got != direct[format] {
			t.Errorf("%s with a console: %+v\nwithout: %+v", format, got, direct[format])
		}
	}
	// Without --audit it is still the conversations.
	if got := cli("export", "--db", db); got.code != 0 || !strings.HasPrefix(got.out, strings.Join(exportColumns, ",")) {
		t.Errorf("export with a console: %+v", got)
	}
}
