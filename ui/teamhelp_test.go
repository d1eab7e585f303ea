package ui

import (
	"strings"
	"testing"

	"parley/engine"
)

// The help overlay lists a and A on the queue and in a thread, and t on
// the funnel, at the smallest size the console draws.
func TestHelpListsTeamKeys(t *testing.T) {
	st := testStore(t)
	app, _ := drivenTeamApp(t, engine.New(engine.Config{Store: st}), "ana", "ana", "bob")
	app.c.Width, app.c.Height = minWidth, minHeight
	app.resize()
	for _, c := range []struct {
		name string
		to   func()
		want []string
	}{
		{"queue", func() {}, []string{"a assign", "A unassign"}},
		{"thread", func() { hit(t, app, enter) }, []string{"a assign", "A unassign"}},
		{"funnel", func() { hit(t, app, esc); hit(t, app, press('2')) }, []string{"t", "counts per teammate"}},
	} {
		c.to()
		hit(t, app, press('?'))
		view := wholeHelp(app)
		for _, w := range c.want {
			if !strings.Contains(strings.Join(strings.Fields(view), " "), w) {
				t.Errorf("%s help lacks %q:\n%s", c.name, w, view)
			}
		}
		hit(t, app, press('x')) // closes help
	}
}
