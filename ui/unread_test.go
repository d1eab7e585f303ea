package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// U in a thread makes it unread again: back in the queue its row shows
// the unread count that opening it had cleared.
func TestUInThreadMarksItUnread(t *testing.T) {
	st := testStore(t)
	tm := startApp(t, newTestApp(st), 100, 24)
	waitFor(t, tm, "Alice Chen")
	tm.Send(enter)
	waitFor(t, tm, "meeting notes")
	q, _ := st.Queue(testNow)
	if th, _ := st.Thread(q[0].ID); th.Unread != 0 {
		t.Fatalf("opening did not mark it read: %d", th.Unread)
	}
	tm.Send(press('U'))
	waitFor(t, tm, "Marked unread")
	tm.Send(esc)
	final := finalApp(t, tm)
	if th, _ := st.Thread(q[0].ID); th.Unread != 1 {
		t.Errorf("Unread = %d after U, want 1", th.Unread)
	}
	row := ""
	for _, line := range strings.Split(ansi.Strip(final.render()), "\n") {
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
