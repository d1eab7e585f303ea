package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"parley/feeds"
)

// reboundApp is the test console with cfg's [keys], which must apply
// without a mistake (else the test would check the defaults).
func reboundApp(t *testing.T, cfg feeds.Config, fs []feeds.Feed) *App {
	t.Helper()
	if errs := ApplyKeys(DefaultKeyMap(), cfg.Path, cfg.Keys); len(errs) > 0 {
		t.Fatalf("test config has mistakes: %v", errs)
	}
	return New(Deps{Backend: backendOf(testStore(t), ""), Feeds: fs,
		ConfigPath: "/tmp/config.toml", Now: func() time.Time { return testNow }, Keys: cfg.Keys})
}

func TestHintsNameReboundKeys(t *testing.T) {
	cfg := parseKeysConfig(t, "[keys]\n\"queue.undo\" = \"z\"\n\"thread.reply\" = \"w\"\n\"compose.send\" = \"ctrl+o\"\n\"global.help\" = \"H\"\n")
	tm := startApp(t, reboundApp(t, cfg, []feeds.Feed{{Name: "Blog comments"}}), 100, 24)
	waitFor(t, tm, "Alice Chen")
	tm.Send(press('e'))
	waitFor(t, tm, `Done: "Sync lost my notes" (z to undo)`)
	tm.Send(enter) // Bob's thread, now first
	waitFor(t, tm, "seats for two contractors")
	tm.Send(press('w'))
	waitFor(t, tm, "· ctrl+o copy + record · esc leave (kept)", "(ctrl+o: copy + record, esc: leave")
	tm.Type("Twelve seats")
	tm.Send(esc)
	waitFor(t, tm, "draft (w to continue)")
	final := finalApp(t, tm)
	view := ansi.Strip(final.render())
	for _, old := range []string{"u to undo", "r to continue", "ctrl+s"} {
		if strings.Contains(view, old) {
			t.Errorf("the screen still names a default key (%q):\n%s", old, view)
		}
	}

	// The welcome screen (no feeds yet) names the help key.
	km := DefaultKeyMap()
	ApplyKeys(km, cfg.Path, cfg.Keys)
	if welcome := ansi.Strip(welcomeText(NewStyles(true), km, "/tmp/config.toml")); !strings.Contains(welcome, "Press H for keys, q to quit.") {
		t.Errorf("welcome does not name the help key H:\n%s", welcome)
	}
}

func TestUnboundActionHidesItsHint(t *testing.T) {
	cfg := parseKeysConfig(t, "[keys]\n\"queue.undo\" = []\n")
	tm := startApp(t, reboundApp(t, cfg, []feeds.Feed{{Name: "Blog comments"}}), 100, 24)
	waitFor(t, tm, "Alice Chen")
	tm.Send(press('e'))
	waitFor(t, tm, `Done: "Sync lost my notes"`)
	if err := tm.Quit(); err != nil { // not q: a key clears the status
		t.Fatal(err)
	}
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*App)
	if want := `Done: "Sync lost my notes"`; final.status != want {
		t.Errorf("status = %q, want %q (no key to undo with, so no hint)", final.status, want)
	}
}

// The hints built from several keys read as they did before keys were
// rebindable, and leave out an unbound key with its words.
func TestCompositeHints(t *testing.T) {
	km := DefaultKeyMap()
	c := &Common{Keys: km}
	checks := []struct{ got, want string }{
		{bulkHints(km.Queue), ": e done · s snooze · > < stage · a assign to me · esc clear"},
		{pickerHints(km.Picker), "enter insert at the cursor · ↑/↓ choose · esc close"},
		{c.fetchHint(), " (R: fetch now, 4: feeds)"},
	}
	rebind(&km.Queue.Snooze, nil)
	rebind(&km.Queue.StageBack, nil)
	rebind(&km.Picker.Up, nil)
	rebind(&km.Picker.Down, nil)
	rebind(&km.Global.FetchAll, []string{"F"})
	checks = append(checks, []struct{ got, want string }{
		{bulkHints(km.Queue), ": e done · > stage · a assign to me · esc clear"},
		{pickerHints(km.Picker), "enter insert at the cursor · esc close"},
		{c.fetchHint(), " (F: fetch now, 4: feeds)"},
	}...)
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
