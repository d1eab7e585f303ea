package ui

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"parley/engine"
	"parley/feeds"
	"parley/store"
)

var testNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func testStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "parley.db"), store.Options{Ours: []string{"Quillstone Team"}, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	items := []feeds.Item{
		{ID: "a1", Feed: "Blog comments", Author: "Alice Chen", Title: "Sync lost my notes",
			Link: "https://quillstone.example/blog/sync/#comment-1", Published: testNow.Add(-3 * time.Hour),
			Text: "Sync lost my notes after the update.\n\nThree days of meeting notes, gone."},
		{ID: "b1", Feed: "Forum", Author: "Bob Okafor", Title: "Team plan pricing",
			Link: "https://community.quillstone.example/t/pricing/1", Published: testNow.Add(-2 * time.Hour),
			Text: "How much is the team plan for 12 people?\n\nWe would also need seats for two contractors."},
		{ID: "c1", Feed: "Reviews", Author: "Carol Diaz", Title: "Love the editor",
			Link: "https://quillstone.example/reviews", Published: testNow.Add(-1 * time.Hour),
			Text: "The new editor is lovely."},
	}
	if _, err := st.Ingest(feeds.Result{Feed: "Blog comments", Items: items}, testNow); err != nil {
		t.Fatal(err)
	}
	return st
}

func newTestApp(st *store.Store) *App {
	return New(Deps{Backend: backendOf(st, ""), Feeds: []feeds.Feed{{Name: "Blog comments"}, {Name: "Forum"}, {Name: "Reviews"}},
		ConfigPath: "/tmp/config.toml", Now: func() time.Time { return testNow }})
}

func startApp(t *testing.T, app *App, w, h int) *teatest.TestModel {
	t.Helper()
	return teatest.NewTestModel(t, app, teatest.WithInitialTermSize(w, h))
}

func waitFor(t *testing.T, tm *teatest.TestModel, want ...string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		for _, w := range want {
			if !bytes.Contains(b, []byte(w)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(5*time.Second))
}

func press(r rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: r, Text: string(r)} }

var (
	enter = tea.KeyPressMsg{Code: tea.KeyEnter}
	esc   = tea.KeyPressMsg{Code: tea.KeyEscape}
	ctrlS = tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl}
)

func finalApp(t *testing.T, tm *teatest.TestModel) *App {
	t.Helper()
	tm.Send(press('q'))
	return tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*App)
}

func TestQueueRendersThreadsLongestWaitingFirst(t *testing.T) {
	app := newTestApp(testStore(t))
	tm := startApp(t, app, 100, 24)
	waitFor(t, tm, "Alice Chen", "Bob Okafor", "Carol Diaz")
	final := finalApp(t, tm)
	view := ansi.Strip(final.render())
	alice, bob, carol := strings.Index(view, "Alice Chen"), strings.Index(view, "Bob Okafor"), strings.Index(view, "Carol Diaz")
	if !(alice < bob && bob < carol) {
		t.Errorf("queue is not longest-waiting first:\n%s", view)
	}
	if !strings.Contains(view, "3h") {
		t.Errorf("queue row lacks the waiting age 3h:\n%s", view)
	}
	golden.RequireEqual(t, []byte(view))
}

func TestJEnterOpensThread(t *testing.T) {
	app := newTestApp(testStore(t))
	tm := startApp(t, app, 100, 24)
	waitFor(t, tm, "Bob Okafor")
	tm.Send(press('j'))
	tm.Send(enter)
	waitFor(t, tm, "seats for two contractors")
	final := finalApp(t, tm)
	if final.thread == nil || final.thread.thread.ID == "" || final.thread.thread.Author != "Bob Okafor" {
		t.Fatalf("j+enter did not open Bob's thread: %+v", final.thread)
	}
}

func TestDraftKeptAfterEscAndReopen(t *testing.T) {
	st := testStore(t)
	tm := startApp(t, newTestApp(st), 100, 24)
	waitFor(t, tm, "Alice Chen")
	tm.Send(press('r')) // reply straight from the queue
	waitFor(t, tm, "ctrl+s copy + record")
	tm.Type("We are on it, Alice — héllo ✓")
	tm.Send(esc)
	waitFor(t, tm, "draft (r to continue)")
	tm.Send(esc) // back to the queue
	waitFor(t, tm, "✎")
	final := finalApp(t, tm)
	_ = final

	queue, err := st.Queue(testNow)
	if err != nil {
		t.Fatal(err)
	}
	d, ok, err := st.Draft(queue[0].ID)
	if err != nil || !ok {
		t.Fatalf("no draft stored: ok=%v err=%v", ok, err)
	}
	if d.Text != "We are on it, Alice — héllo ✓" {
		t.Fatalf("draft = %q", d.Text)
	}

	// A new console on the same database shows it when the thread opens.
	tm = startApp(t, newTestApp(st), 100, 24)
	waitFor(t, tm, "Alice Chen")
	tm.Send(enter)
	waitFor(t, tm, "héllo")
	finalApp(t, tm)
}

func TestSendCopiesViaOSC52AndRecords(t *testing.T) {
	st := testStore(t)
	tm := startApp(t, newTestApp(st), 100, 24)
	waitFor(t, tm, "Alice Chen")
	tm.Send(enter)
	waitFor(t, tm, "Three days of meeting notes")
	tm.Send(press('r'))
	waitFor(t, tm, "ctrl+s copy + record")
	const reply = "Sorry Alice, restoring from the server backup now."
	tm.Type(reply)
	tm.Send(ctrlS)
	osc52 := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(reply))
	waitFor(t, tm, osc52, "recorded")
	final := finalApp(t, tm)
	if final.thread == nil {
		t.Fatal("thread closed after send")
	}
	id := final.thread.thread.ID
	replies, err := st.Replies(id)
	if err != nil || len(replies) != 1 || replies[0].Text != reply {
		t.Fatalf("replies = %+v, err %v", replies, err)
	}
	if _, ok, _ := st.Draft(id); ok {
		t.Error("draft still stored after send")
	}
	queue, _ := st.Queue(testNow)
	for _, th := range queue {
		if th.ID == id {
			t.Error("replied thread is still in the queue")
		}
	}
	if !strings.Contains(ansi.Strip(final.render()), reply) {
		t.Error("the recorded reply is not shown in the thread")
	}
}

func TestDoneAndUndo(t *testing.T) {
	st := testStore(t)
	tm := startApp(t, newTestApp(st), 100, 24)
	waitFor(t, tm, "Alice Chen")
	tm.Send(press('e'))
	waitFor(t, tm, "u to undo")
	if n, _ := st.QueueLen(testNow); n != 2 {
		t.Errorf("after done, queue has %d threads, want 2", n)
	}
	tm.Send(press('u'))
	waitFor(t, tm, "Back in the queue")
	final := finalApp(t, tm)
	if n, _ := st.QueueLen(testNow); n != 3 {
		t.Errorf("after undo, queue has %d threads, want 3", n)
	}
	if len(final.queue.threads) != 3 {
		t.Errorf("screen queue has %d threads, want 3", len(final.queue.threads))
	}
}

func TestSnoozeTomorrow(t *testing.T) {
	st := testStore(t)
	tm := startApp(t, newTestApp(st), 100, 24)
	waitFor(t, tm, "Alice Chen")
	tm.Send(press('s'))
	waitFor(t, tm, "Snooze until")
	tm.Send(press('2'))
	waitFor(t, tm, "Snoozed until")
	finalApp(t, tm)
	if n, _ := st.QueueLen(testNow); n != 2 {
		t.Errorf("after snooze, queue has %d threads, want 2", n)
	}
	if n, _ := st.WakeSnoozed(testNow.Add(24 * time.Hour)); n != 1 {
		t.Errorf("woke %d threads a day later, want 1", n)
	}
}

func TestNoConfigWelcome(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "parley.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	app := New(Deps{Backend: backendOf(st, ""), ConfigPath: "/home/u/.config/parley/config.toml", Now: func() time.Time { return testNow }})
	tm := startApp(t, app, 80, 24)
	waitFor(t, tm, "Welcome to parley", "parley --demo")
	finalApp(t, tm)
}

func TestHelpListsEveryQueueKey(t *testing.T) {
	app := newTestApp(testStore(t))
	tm := startApp(t, app, 120, 40)
	waitFor(t, tm, "Alice Chen")
	tm.Send(press('?'))
	waitFor(t, tm, "any key closes this")
	tm.Send(press('x')) // closes help
	final := finalApp(t, tm)
	final.showHelp = true
	view := ansi.Strip(final.render())
	for _, k := range []string{"j/↓", "k/↑", "g", "G", "ctrl+d", "ctrl+u", "enter", "r", "e", "s", "u", "tab", "R", "q", "ctrl+c"} {
		if !strings.Contains(view, k) {
			t.Errorf("help lacks %q", k)
		}
	}
}

func TestLayoutFitsSmallAndResizedWindows(t *testing.T) {
	app := newTestApp(testStore(t))
	tm := startApp(t, app, 100, 24)
	waitFor(t, tm, "Alice Chen")
	tm.Send(tea.WindowSizeMsg{Width: 60, Height: 15})
	tm.Send(enter)
	waitFor(t, tm, "meeting notes")
	final := finalApp(t, tm)
	for _, size := range [][2]int{{60, 15}, {80, 24}, {200, 60}} {
		final.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		for _, screen := range []func(){func() {}, func() { final.thread = nil }} {
			screen()
			lines := strings.Split(final.render(), "\n")
			if len(lines) != size[1] {
				t.Errorf("%dx%d: %d lines", size[0], size[1], len(lines))
			}
			for i, l := range lines {
				if w := ansi.StringWidth(l); w > size[0] {
					t.Errorf("%dx%d: line %d is %d wide: %q", size[0], size[1], i, w, ansi.Strip(l))
				}
			}
		}
	}
	final.Update(tea.WindowSizeMsg{Width: 40, Height: 10})
	if !strings.Contains(final.render(), "at least 60x15") {
		t.Error("a too-small window does not say so")
	}
}

// BenchmarkQueueMove measures one j keypress (Update) plus the frame it
// draws (View) at 1k and 100k queued threads in a real store, including
// the window reads a move starts near the window's edge (run inline, so
// their cost is spread over the moves): the 1k run is the baseline, and
// equal figures show a move costs the same however long the queue is.
func BenchmarkQueueMove(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		b.Run(fmt.Sprintf("threads=%d", n), func(b *testing.B) {
			st := benchQueueStore(b, n)
			c := &Common{B: backendOf(st, ""), Styles: NewStyles(true), Keys: DefaultKeyMap(), Now: func() time.Time { return testNow }}
			q := newQueueScreen(c)
			q.SetSize(80, 22)
			q.setWindow(q.reload()().(queueWindowMsg))
			if q.total != n {
				b.Fatalf("queue of %d, want %d", q.total, n)
			}
			down := press('j')
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if q.last && q.cursor == len(q.threads)-1 {
					b.StopTimer()
					q.setWindow(q.read(store.QueueAnchor{}, true, false)().(queueWindowMsg))
					b.StartTimer()
				}
				if _, cmd := q.Update(down); cmd != nil {
					q.setWindow(cmd().(queueWindowMsg))
				}
				_ = q.View()
			}
		})
	}
}

// benchQueueStore is a store with n queued threads, built once per size
// per process (100k takes a few seconds).
var benchStores = map[int]*store.Store{}

func benchQueueStore(b *testing.B, n int) *store.Store {
	b.Helper()
	if st := benchStores[n]; st != nil {
		return st
	}
	dir, err := os.MkdirTemp("", "parley-ui-bench-")
	if err != nil {
		b.Fatal(err)
	}
	st, err := store.Open(filepath.Join(dir, "parley.db"), store.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	const batch = 10_000
	for start := 0; start < n; start += batch {
		items := make([]feeds.Item, 0, batch)
		for i := start; i < min(n, start+batch); i++ {
			items = append(items, feeds.Item{ID: fmt.Sprintf("q%06d", i), Feed: "Blog comments", Author: fmt.Sprintf("Author %d", i%997),
				Title: "Sync", Text: "Sync lost my notes after the update and I would like to know why",
				Published: testNow.Add(-time.Duration(i) * time.Minute)})
		}
		if _, err := st.Ingest(feeds.Result{Feed: "Blog comments", Items: items}, testNow); err != nil {
			b.Fatal(err)
		}
	}
	benchStores[n] = st
	return st
}

const liveFeed = `<?xml version="1.0"?>
<rss version="2.0"><channel><title>Live</title>
%s
</channel></rss>`

func rssItem(guid, author, text string, at time.Time) string {
	return fmt.Sprintf(`<item><title>%s</title><guid>%s</guid><author>%s</author><pubDate>%s</pubDate><description>%s</description></item>`,
		text, guid, author, at.Format(time.RFC1123Z), text)
}

// New items reach the queue while the console runs: poller -> store -> queue.
func TestPolledItemsAppearWithoutRestart(t *testing.T) {
	st := testStore(t)
	path := filepath.Join(t.TempDir(), "live.xml")
	write := func(items ...string) {
		if err := os.WriteFile(path, []byte(fmt.Sprintf(liveFeed, strings.Join(items, "\n"))), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(rssItem("l1", "Dana Live", "First live question", testNow.Add(-30*time.Minute)))
	live := []feeds.Feed{{Name: "Live", URL: path, Every: time.Hour}}
	app := New(Deps{Backend: startedBackend(t, engine.Config{Store: st, Feeds: live}), Feeds: live, Now: func() time.Time { return testNow }})
	tm := startApp(t, app, 100, 24)
	waitFor(t, tm, "First live question")

	write(rssItem("l1", "Dana Live", "First live question", testNow.Add(-30*time.Minute)),
		rssItem("l2", "Eli Live", "Second live question", testNow.Add(-5*time.Minute)))
	tm.Send(press('R'))
	waitFor(t, tm, "Second live question")
	final := finalApp(t, tm)
	if n := len(final.queue.threads); n != 5 {
		t.Errorf("queue has %d threads, want 5 (3 + 2 live)", n)
	}
}

func TestComposeInEditor(t *testing.T) {
	script := filepath.Join(t.TempDir(), "fake-editor")
	// Appends a line to the file it is given (its last argument), as a
	// user typing in $EDITOR would.
	os.WriteFile(script, []byte("#!/bin/sh\nfor f; do :; done\nprintf ' and from the editor\\n' >> \"$f\"\n"), 0o700)
	t.Setenv("EDITOR", script)
	st := testStore(t)
	tm := startApp(t, newTestApp(st), 100, 24)
	waitFor(t, tm, "Alice Chen")
	tm.Send(press('r'))
	waitFor(t, tm, "ctrl+s copy + record")
	tm.Type("typed here")
	tm.Send(tea.KeyPressMsg{Code: 'e', Mod: tea.ModCtrl})
	waitFor(t, tm, "from the editor")
	tm.Send(esc)
	waitFor(t, tm, "draft (r to continue)")
	final := finalApp(t, tm)
	id := final.thread.thread.ID
	if d, _, _ := st.Draft(id); d.Text != "typed here and from the editor" {
		t.Errorf("draft after editor = %q", d.Text)
	}
}
