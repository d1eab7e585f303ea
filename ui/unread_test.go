package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// U in a thread makes it unread again: back in the queue its row shows
// the unread count that opening it had cleared.
func TestUInThreadMarksItUnread(t *testing.T) {
	st := testStore(t)
	app := newTestApp(st)
	app.Update(tea.WindowSizeMsg{Width: 100, Height: 24})
	settle(t, app, app.reloadQueue())
	_, cmd := app.Update(enter)
	settle(t, app, cmd)
	if app.thread == nil || app.thread.thread.Author != "Alice Chen" {
		t.Fatal("enter did not open Alice's thread")
	}
	id := app.thread.thread.ID
	if th, _ := st.Thread(id); th.Unread != 0 {
		t.Fatalf("opening did not mark it read: %d", th.Unread)
	}
	_, cmd = app.Update(press('U'))
	settle(t, app, cmd)
	if !strings.HasPrefix(app.status, "Marked unread") {
		t.Errorf("status = %q", app.status)
	}
	_, cmd = app.Update(esc)
	settle(t, app, cmd)
	if th, _ := st.Thread(id); th.Unread != 1 {
		t.Errorf("Unread = %d after U, want 1", th.Unread)
	}
	row := ""
	for _, line := range strings.Split(ansi.Strip(app.render()), "\n") {
		if strings.Contains(line, "Alice Chen") {
			row = line
		}
	}
	if !strings.HasSuffix(strings.TrimRight(row, " "), "1") {
		t.Errorf("Alice's row shows no unread count: %q", row)
	}
}

// U on a queue row works without opening it.
func TestUOnQueueRowMarksItUnread(t *testing.T) {
	st := testStore(t)
	q, _ := st.Queue(testNow)
	for _, th := range q {
		if err := st.MarkRead(th.ID); err != nil {
			t.Fatal(err)
		}
	}
	tm := startApp(t, newTestApp(st), 100, 24)
	waitFor(t, tm, "Carol Diaz")
	tm.Send(press('G'))
	tm.Send(press('U'))
	waitFor(t, tm, "Marked unread")
	finalApp(t, tm)
	for _, th := range q {
		got, _ := st.Thread(th.ID)
		want := 0
		if th.Author == "Carol Diaz" {
			want = 1
		}
		if got.Unread != want {
			t.Errorf("%s: Unread = %d, want %d", th.Author, got.Unread, want)
		}
	}
}
