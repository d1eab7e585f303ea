package ui

import (
	"errors"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// Over a slow link, keys arrive before the thread they act on has loaded.
// Enter then r then text must open the composer with that text in it, not
// race a second load that drops the composer (a CI failure found this).
// The test runs Update by hand so the order is the worst one: every key
// is handled before the load that Enter started has returned.
func TestKeysTypedWhileAThreadLoadsActOnTheThread(t *testing.T) {
	app := newTestApp(testStore(t))
	app.Update(tea.WindowSizeMsg{Width: 100, Height: 24})
	app.Update(app.reloadQueue()())

	openCmd := app.handleKey(enter)
	if openCmd == nil {
		t.Fatal("enter on the queue started no load")
	}
	for _, k := range []tea.KeyPressMsg{press('r'), press('o'), press('k')} {
		if _, cmd := app.Update(k); cmd != nil {
			// A second load here is the race: whichever load returns last
			// decides whether the composer is open.
			t.Fatalf("key %q typed during the load produced a command; it should wait for the thread", k.Text)
		}
	}
	if app.threadShown() {
		t.Fatal("thread shown before its load returned")
	}

	app.Update(openCmd())
	if !app.threadShown() {
		t.Fatal("the load returned but no thread is shown")
	}
	if !app.thread.composing {
		t.Fatal("r typed during the load did not open the composer")
	}
	if got := app.thread.input.Value(); got != "ok" {
		t.Fatalf("composer holds %q, want the keys typed ahead: \"ok\"", got)
	}
	// Keys after the load go straight to the thread again.
	app.Update(press('!'))
	if got := app.thread.input.Value(); got != "ok!" {
		t.Fatalf("composer holds %q after the load, want \"ok!\"", got)
	}
}

// A failed load must not swallow the keys typed meanwhile.
func TestKeysTypedWhileAThreadLoadFailsReachTheQueue(t *testing.T) {
	app := newTestApp(testStore(t))
	app.Update(tea.WindowSizeMsg{Width: 100, Height: 24})
	app.Update(app.reloadQueue()())
	before, _ := app.queue.selected()

	app.handleKey(enter)
	app.Update(press('j'))
	app.Update(openedMsg{threadLoadedMsg: threadLoadedMsg{err: errTest}})
	if app.threadShown() {
		t.Fatal("a failed load shows a thread")
	}
	after, _ := app.queue.selected()
	if after.ID == before.ID {
		t.Fatal("j typed during the failed load was lost: the cursor did not move")
	}
	app.Update(press('j'))
	if again, _ := app.queue.selected(); again.ID == after.ID {
		t.Fatal("keys after a failed load are still held")
	}
}

var errTest = errors.New("disk on fire")
