package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"parley/engine"
	"parley/funnel"
	"parley/store"
)

// t on the funnel view shows who moved what, per teammate, and t again
// goes back to the stages.
func TestFunnelCountsPerTeammate(t *testing.T) {
	st := testStore(t)
	e := engine.New(engine.Config{Store: st})
	alice, carol := threadBy(t, st, "Alice Chen"), threadBy(t, st, "Carol Diaz")
	if _, err := st.SetStage(alice.ID, "", funnel.Engaged, "bob", testNow); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SetStage(carol.ID, "", funnel.Intent, "bob", testNow); err != nil {
		t.Fatal(err)
	}
	if err := st.RecordReply(store.Reply{ThreadID: alice.ID, Text: "On it", At: testNow, Via: "clipboard", Who: "ana"}); err != nil {
		t.Fatal(err)
	}
	if err := st.As("ana").SetDone(carol.ID, true); err != nil {
		t.Fatal(err)
	}
	app, _ := drivenTeamApp(t, e, "ana", "ana", "bob")
	hit(t, app, press('2'))
	hit(t, app, press('t'))
	view := ansi.Strip(app.render())
	row := func(name string) []string {
		for _, l := range strings.Split(view, "\n") {
			if strings.HasPrefix(l, "  "+name+" ") {
				return strings.Fields(l)
			}
		}
		return nil
	}
	if !strings.Contains(view, "Who moved what") {
		t.Fatalf("t did not show the counts per teammate:\n%s", view)
	}
	// TEAMMATE REPLIES MOVES DONE SNOOZED ASSIGNED
	if got := strings.Join(row("bob"), " "); got != "bob 0 2 0 0 0" {
		t.Errorf("bob's row = %q, want 2 moves", got)
	}
	if got := strings.Join(row("ana"), " "); got != "ana 1 0 1 0 0" {
		t.Errorf("ana's row = %q, want a reply and a done", got)
	}
	hit(t, app, press('t'))
	if view := ansi.Strip(app.render()); strings.Contains(view, "Who moved what") || !strings.Contains(view, "STAGE") {
		t.Errorf("t again did not go back to the stages:\n%s", view)
	}
}
