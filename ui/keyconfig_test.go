package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"parley/feeds"
)

func parseKeysConfig(t *testing.T, text string) feeds.Config {
	t.Helper()
	cfg, err := feeds.ParseConfig("config.toml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestKeysConfigRebindsActionsAndHelp(t *testing.T) {
	cfg := parseKeysConfig(t, `# my keys
[keys]
"queue.done" = ["e", "x"]
"global.quit" = "Q"
thread.next_person = "n"
"all.snooze" = "z"
"queue.undo" = []
`)
	km := DefaultKeyMap()
	if errs := ApplyKeys(km, cfg.Path, cfg.Keys); len(errs) > 0 {
		t.Fatalf("unexpected errors: %v", errs)
	}
	check := func(name string, got []string, want ...string) {
		t.Helper()
		if !slices.Equal(got, want) {
			t.Errorf("%s keys = %q, want %q", name, got, want)
		}
	}
	check("queue.done", km.Queue.Done.Keys(), "e", "x")
	check("thread.done (not rebound)", km.Thread.Done.Keys(), "e")
	check("global.quit", km.Global.Quit.Keys(), "Q")
	check("thread.next_person", km.Thread.NextPerson.Keys(), "n")
	check("queue.snooze", km.Queue.Snooze.Keys(), "z")
	check("thread.snooze", km.Thread.Snooze.Keys(), "z")
	if km.Queue.Undo.Enabled() {
		t.Error(`"queue.undo" = [] left undo bound`)
	}
	if h := km.Queue.Done.Help(); h.Key != "e/x" || h.Desc != "done (archive)" {
		t.Errorf("help of queue.done = %+v, want key e/x and its description", h)
	}
}

func TestKeysConfigReportsEveryMistakeWithItsLine(t *testing.T) {
	cfg := parseKeysConfig(t, `[[feed]]
name = "Blog"
url = "https://example.com/feed"

[keys]
"queue.dne" = "x"
"queue.snooze" = "ctlr+s"
"queue.reply" = "e"
"funnel.back" = "q"
"compose.send" = "ctrl+c"
"snooze.hour" = "q"
`)
	errs := ApplyKeys(DefaultKeyMap(), cfg.Path, cfg.Keys)
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{
		`config.toml:6: [keys] unknown action "queue.dne"`,
		`(queue has: up, down, top, bottom, half_down, half_up, open, reply, done,`,
		`config.toml:7: [keys] "queue.snooze" = "ctlr+s": "ctlr" is not a modifier`,
		`config.toml:8: [keys] "queue.reply": "e" is also the key of "queue.done"`,
		`config.toml:9: [keys] "funnel.back": "q" is also the key of "global.quit", and both work on the funnel screen`,
		`config.toml:10: [keys] "compose.send": "ctrl+c" is also the key of "global.force_quit"`,
		// The snooze menu is modal: q cancels it, so two of its actions on q clash.
		`config.toml:11: [keys] "snooze.hour": "q" is also the key of "snooze.cancel"`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("errors lack %q; got:\n%s", want, all)
		}
	}
	if len(errs) != 6 {
		t.Errorf("%d errors, want 6:\n%s", len(errs), all)
	}
}

func TestDefaultKeysHaveNoUnintendedConflicts(t *testing.T) {
	// The defaults share enter between listing and opening on purpose
	// (which one works depends on where the cursor is); anything else
	// would be a key that does two things.
	for _, c := range keyConflicts(DefaultKeyMap().Actions()) {
		if c.key != "enter" {
			t.Errorf("default keys: %s and %s both on %q (%s screen)", c.a, c.b, c.key, c.scope)
		}
	}
}

func TestEveryBindingIsAnAction(t *testing.T) {
	names := map[string]bool{}
	for _, a := range DefaultKeyMap().Actions() {
		if names[a.Name] {
			t.Errorf("action %q twice", a.Name)
		}
		names[a.Name] = true
	}
	for _, want := range []string{"global.quit", "global.fetch_all", "queue.done", "queue.down", "thread.next_person",
		"compose.track_link", "snooze.next_week", "funnel.stage_back", "contacts.threads"} {
		if !names[want] {
			t.Errorf("no action %q", want)
		}
	}
}

func TestReboundKeysWorkInTheConsoleAndHelp(t *testing.T) {
	st := testStore(t)
	cfg := parseKeysConfig(t, "[keys]\n\"queue.done\" = \"x\"\n\"queue.down\" = [\"n\", \"down\"]\n\"global.quit\" = \"Q\"\n")
	app := New(Deps{Backend: backendOf(st, ""), Feeds: []feeds.Feed{{Name: "Blog comments"}},
		ConfigPath: "/tmp/config.toml", Now: func() time.Time { return testNow }, Keys: cfg.Keys})
	tm := startApp(t, app, 100, 30)
	waitFor(t, tm, "Alice Chen")
	tm.Send(press('e')) // no longer done
	tm.Send(press('n')) // down to Bob
	tm.Send(press('x'))
	waitFor(t, tm, `Done: "Team plan pricing"`)
	if n, _ := st.QueueLen(testNow); n != 2 {
		t.Errorf("after x, queue has %d threads, want 2 (e must do nothing now)", n)
	}
	tm.Send(press('?'))
	waitFor(t, tm, "any key closes this")
	tm.Send(press('x'))
	tm.Send(press('Q'))
	final := tm.FinalModel(t)
	final.(*App).showHelp = true
	view := ansi.Strip(final.(*App).render())
	for _, want := range []string{"x done (archive)", "n/↓ down", "Q quit"} {
		if !strings.Contains(view, want) {
			t.Errorf("help lacks %q:\n%s", want, view)
		}
	}
}
