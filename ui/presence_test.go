package ui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"parley/engine"
	"parley/events"
	"parley/feeds"
	"parley/store"
)

// teamApp is user's console on a shared engine, with teammates.
func teamApp(e *engine.Engine, user string, teammates ...string) *App {
	return New(Deps{Backend: e.Session(user), User: user, Teammates: teammates, Now: func() time.Time { return testNow },
		Feeds: []feeds.Feed{{Name: "Blog comments"}, {Name: "Forum"}, {Name: "Reviews"}}})
}

// waitPresence waits until the engine holds want for who.
func waitPresence(t *testing.T, e *engine.Engine, who string, want events.Presence) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		var got []events.Presence
		for _, p := range e.Session("probe").Presence(bg) {
			if p.Who == who {
				got = append(got, p)
			}
		}
		if (want.ThreadID == "" && len(got) == 0) || (len(got) == 1 && got[0] == want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s's presence is %+v, want %+v", who, got, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// drivenTeamApp is user's console on a shared engine, driven by the test
// (pump, settle) so what it shows can be read between steps.
func drivenTeamApp(t *testing.T, e *engine.Engine, user string, teammates ...string) (*App, *store.Subscription) {
	t.Helper()
	sub := e.Store().Subscribe(1024)
	t.Cleanup(sub.Close)
	app := New(Deps{Backend: withChanges{e.Session(user), sub}, User: user, Teammates: teammates,
		Now: func() time.Time { return testNow }, Feeds: []feeds.Feed{{Name: "Blog comments"}, {Name: "Forum"}, {Name: "Reviews"}}})
	app.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	settle(t, app, tea.Batch(app.reloadQueue(), loadPresence(app.c.B)))
	return app, sub
}

// hit hands the driven console a key and settles what it asks for.
func hit(t *testing.T, app *App, k tea.KeyPressMsg) {
	t.Helper()
	_, cmd := app.Update(k)
	settle(t, app, cmd)
}

// rowOf is the queue row (on screen) of the person waiting.
func rowOf(app *App, name string) string {
	for _, l := range strings.Split(ansi.Strip(app.render()), "\n") {
		if strings.Contains(l, name) {
			return l
		}
	}
	return ""
}

// Bob viewing, then typing, shows on Ana's queue row and in the thread's
// title line; his leaving clears it; Ana's own presence reaches the
// engine and is never shown to her.
func TestPresenceOfTeammateShown(t *testing.T) {
	st := testStore(t)
	e := engine.New(engine.Config{Store: st})
	alice := threadBy(t, st, "Alice Chen")
	bob := e.Session("bob")
	app, sub := drivenTeamApp(t, e, "ana", "ana", "bob")

	if err := bob.SetPresence(bg, alice.ID, false); err != nil {
		t.Fatal(err)
	}
	pump(t, app, sub)
	if row := rowOf(app, "Alice Chen"); !strings.Contains(row, "bob viewing") {
		t.Fatalf("Alice's row = %q, want \"bob viewing\"", row)
	}
	if err := bob.SetPresence(bg, alice.ID, true); err != nil {
		t.Fatal(err)
	}
	pump(t, app, sub)
	if row := rowOf(app, "Alice Chen"); !strings.Contains(row, "bob typing") || strings.Contains(row, "viewing") {
		t.Fatalf("Alice's row = %q, want \"bob typing\" only", row)
	}

	hit(t, app, enter) // Alice's thread, the oldest waiting
	if app.thread == nil || app.thread.thread.ID != alice.ID {
		t.Fatal("enter did not open Alice's thread")
	}
	waitPresence(t, e, "ana", events.Presence{Who: "ana", ThreadID: alice.ID})
	title := strings.Split(ansi.Strip(app.render()), "\n")[1]
	if !strings.HasSuffix(strings.TrimRight(title, " "), "bob typing") || !strings.Contains(title, "Sync lost my notes") {
		t.Errorf("title line = %q, want the title and \"bob typing\" at its right", title)
	}
	hit(t, app, press('r'))
	hit(t, app, press('r'))
	if !app.composing() {
		t.Fatal("r, r did not open the composer")
	}
	waitPresence(t, e, "ana", events.Presence{Who: "ana", ThreadID: alice.ID, Drafting: true})
	pump(t, app, sub) // Ana's own presence changes: nothing to show
	if view := ansi.Strip(app.render()); strings.Contains(view, "ana typing") || strings.Contains(view, "ana viewing") {
		t.Errorf("Ana's console shows Ana:\n%s", view)
	}

	bob.Leave()
	pump(t, app, sub)
	if title := strings.Split(ansi.Strip(app.render()), "\n")[1]; strings.Contains(title, "bob") {
		t.Errorf("after Bob left, the title line still names him: %q", title)
	}
	hit(t, app, esc)
	hit(t, app, esc)
	waitPresence(t, e, "ana", events.Presence{})
	if row := rowOf(app, "Alice Chen"); strings.Contains(row, "bob") {
		t.Errorf("after Bob left, Alice's row still names him: %q", row)
	}
}

// The thread's title line names the teammate there; never the user.
func TestPresenceInThreadTitleLine(t *testing.T) {
	st := testStore(t)
	e := engine.New(engine.Config{Store: st})
	alice := threadBy(t, st, "Alice Chen")
	if err := e.Session("bob").SetPresence(bg, alice.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := e.Session("maya").SetPresence(bg, alice.ID, false); err != nil {
		t.Fatal(err)
	}
	tm := startApp(t, teamApp(e, "ana", "ana", "bob", "maya"), 120, 30)
	waitFor(t, tm, "Alice Chen")
	tm.Send(enter)
	waitFor(t, tm, "Three days of meeting notes")
	final := finalApp(t, tm)
	lines := strings.Split(ansi.Strip(final.render()), "\n")
	if len(lines) < 2 || !strings.Contains(lines[1], "Sync lost my notes") || !strings.HasSuffix(strings.TrimRight(lines[1], " "), "bob typing, maya viewing") {
		t.Errorf("title line = %q, want the title and \"bob typing, maya viewing\" at its right", lines[1])
	}
}

// r where a teammate drafts warns and composes nothing; the second r
// composes. From the queue as from the thread.
func TestReplyWarnsWhereTeammateDrafts(t *testing.T) {
	st := testStore(t)
	e := engine.New(engine.Config{Store: st})
	alice := threadBy(t, st, "Alice Chen")
	if err := e.Session("bob").SetPresence(bg, alice.ID, true); err != nil {
		t.Fatal(err)
	}
	tm := startApp(t, teamApp(e, "ana", "ana", "bob"), 120, 30)
	waitFor(t, tm, "bob typing")
	tm.Send(press('r'))
	waitFor(t, tm, "bob is drafting a reply here — r again to reply anyway")
	tm.Send(press('j')) // any other key forgets the warning
	tm.Send(press('k'))
	tm.Send(press('r'))
	final := finalApp(t, tm)
	if final.thread != nil {
		t.Fatalf("r after another key opened the thread without warning again")
	}

	tm = startApp(t, teamApp(e, "ana", "ana", "bob"), 120, 30)
	waitFor(t, tm, "bob typing")
	tm.Send(press('r'))
	tm.Send(press('r'))
	waitFor(t, tm, "ctrl+s copy + record")
	tm.Send(esc)
	final = finalApp(t, tm)
	if final.thread == nil || final.thread.thread.ID != alice.ID {
		t.Fatalf("a second r did not open Alice's thread to reply")
	}
}

// Without a teammate drafting, r composes at once.
func TestReplyWithoutDrafterComposesAtOnce(t *testing.T) {
	st := testStore(t)
	e := engine.New(engine.Config{Store: st})
	alice := threadBy(t, st, "Alice Chen")
	if err := e.Session("bob").SetPresence(bg, alice.ID, false); err != nil { // viewing only
		t.Fatal(err)
	}
	tm := startApp(t, teamApp(e, "ana", "ana", "bob"), 120, 30)
	waitFor(t, tm, "bob viewing")
	tm.Send(press('r'))
	waitFor(t, tm, "ctrl+s copy + record")
	tm.Send(esc)
	if final := finalApp(t, tm); final.thread == nil || final.thread.thread.ID != alice.ID {
		t.Error("r with only a viewer did not open the thread to reply at once")
	}
}
