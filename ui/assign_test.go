package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"parley/engine"
	"parley/store"
)

func auditOf(t *testing.T, st *store.Store) []store.AuditEntry {
	t.Helper()
	var out []store.AuditEntry
	if err := st.Audit(func(a store.AuditEntry) error { out = append(out, a); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

func typeText(t *testing.T, app *App, s string) {
	t.Helper()
	for _, r := range s {
		hit(t, app, press(r))
	}
}

// a opens the picker, me first; typing filters; enter assigns (audited),
// the queue's WHO column and the thread's meta line show it; A
// unassigns.
func TestAssignPickerFiltersAndAssigns(t *testing.T) {
	st := testStore(t)
	e := engine.New(engine.Config{Store: st})
	alice := threadBy(t, st, "Alice Chen")
	app, sub := drivenTeamApp(t, e, "ana", "Bob", "ana", "Maya")

	hit(t, app, press('a'))
	view := ansi.Strip(app.render())
	ana, bob, maya := strings.Index(view, "ana (me)"), strings.Index(view, "Bob"), strings.Index(view, "Maya")
	if !strings.Contains(view, "Assign to…") || ana < 0 || !(ana < bob && bob < maya) {
		t.Fatalf("the picker does not list ana (me), Bob, Maya in that order:\n%s", view)
	}
	typeText(t, app, "ma")
	view = ansi.Strip(app.render())
	if !strings.Contains(view, "› Maya") || strings.Contains(view, "Bob") || strings.Contains(view, "ana (me)") {
		t.Fatalf("typing \"ma\" does not leave Maya alone, picked:\n%s", view)
	}
	hit(t, app, enter)
	if app.assigning != nil {
		t.Fatal("enter left the picker open")
	}
	if th, err := st.Thread(alice.ID); err != nil || th.Assignee != "Maya" {
		t.Fatalf("assignee = %q (err %v), want Maya", th.Assignee, err)
	}
	pump(t, app, sub)
	if row := rowOf(app, "Alice Chen"); !strings.Contains(row, " Maya ") {
		t.Errorf("Alice's row = %q, want Maya in the WHO column", row)
	}
	hit(t, app, enter)
	if meta := strings.Split(ansi.Strip(app.render()), "\n")[2]; !strings.Contains(meta, "assigned to Maya") {
		t.Errorf("the thread's meta line = %q, want \"assigned to Maya\"", meta)
	}

	hit(t, app, press('A')) // in the thread
	if th, _ := st.Thread(alice.ID); th.Assignee != "" {
		t.Fatalf("A left the thread assigned to %q", th.Assignee)
	}
	var got []string
	for _, a := range auditOf(t, st) {
		got = append(got, a.Who+" "+a.Action+" "+a.Detail)
	}
	if want := []string{"ana assigned Maya", "ana unassigned Maya"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("audit = %q, want %q", got, want)
	}
}

// esc closes the picker and assigns nothing; letters typed there are the
// filter, not commands (e would otherwise archive the thread).
func TestAssignPickerEscAssignsNothing(t *testing.T) {
	st := testStore(t)
	e := engine.New(engine.Config{Store: st})
	alice := threadBy(t, st, "Alice Chen")
	app, _ := drivenTeamApp(t, e, "ana", "ana", "Bob")
	hit(t, app, press('a'))
	typeText(t, app, "e")
	hit(t, app, tea.KeyPressMsg{Code: tea.KeyEscape})
	th, err := st.Thread(alice.ID)
	if err != nil || th.Assignee != "" || th.Done {
		t.Fatalf("after a, e, esc: thread %+v (err %v), want it unassigned and not done", th, err)
	}
	if app.assigning != nil {
		t.Error("esc left the picker open")
	}
}

// With no teammates in the config, a assigns to the user at once.
func TestAssignSingleUserAssignsToMe(t *testing.T) {
	st := testStore(t)
	e := engine.New(engine.Config{Store: st})
	alice := threadBy(t, st, "Alice Chen")
	app, _ := drivenTeamApp(t, e, "sam")
	hit(t, app, press('a'))
	if app.assigning != nil {
		t.Fatal("a opened a picker with nobody else to pick")
	}
	if th, _ := st.Thread(alice.ID); th.Assignee != "sam" {
		t.Fatalf("assignee = %q, want sam", th.Assignee)
	}
	if row := rowOf(app, "Alice Chen"); !strings.Contains(row, " sam ") {
		t.Errorf("Alice's row = %q, want sam in the WHO column", row)
	}
}
