package ui

import (
	"strings"
	"testing"

	"parley/engine"
)

// u does not revert a done a teammate has overridden since: Bob snoozes
// the thread Ana marked done, and Ana's u refuses, naming him, leaving
// Bob's snooze. Without him, u puts the thread back.
func TestUndoRefusesWhenTeammateChangedThread(t *testing.T) {
	st := testStore(t)
	e := engine.New(engine.Config{Store: st})
	alice := threadBy(t, st, "Alice Chen")
	app, _ := drivenTeamApp(t, e, "ana", "ana", "bob")

	hit(t, app, press('e'))
	if th, _ := st.Thread(alice.ID); !th.Done {
		t.Fatal("e did not mark Alice's thread done")
	}
	until := testNow.Add(48 * 3600e9)
	if err := e.Session("bob").Snooze(bg, alice.ID, until); err != nil {
		t.Fatal(err)
	}
	hit(t, app, press('u'))
	if !strings.HasPrefix(app.status, "Not undone: bob changed this since (snoozed it)") {
		t.Errorf("status = %q, want the undo refused over bob's snooze", app.status)
	}
	th, _ := st.Thread(alice.ID)
	if !th.Done || !th.SnoozedUntil.Equal(until) {
		t.Errorf("after a refused undo: done %v, snoozed until %v; want Ana's done and Bob's snooze kept", th.Done, th.SnoozedUntil)
	}

	carol := threadBy(t, st, "Carol Diaz")
	app.queue.cursor = 1 // Carol (Bob Okafor's thread is first now)
	if sel, _ := app.queue.selected(); sel.ID != carol.ID {
		t.Fatalf("cursor on %q, want Carol's thread", sel.Author)
	}
	hit(t, app, press('e'))
	hit(t, app, press('u'))
	if th, _ := st.Thread(carol.ID); th.Done {
		t.Errorf("u with no teammate action since left Carol's thread done (status %q)", app.status)
	}
}
