package ui

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"parley/feeds"
	"parley/store"
)

// newLiveApp is newTestApp listening to st's change feed through sub.
func newLiveApp(st *store.Store, sub ChangeSource) *App {
	return New(Deps{Backend: withChanges{backendOf(st, ""), sub}, Feeds: []feeds.Feed{{Name: "Blog comments"}, {Name: "Forum"}, {Name: "Reviews"}},
		ConfigPath: "/tmp/config.toml", Now: func() time.Time { return testNow }})
}

// withChanges is a backend whose change feed is src: the test holds the
// subscription (and may read it itself, see pump).
type withChanges struct {
	Backend
	src ChangeSource
}

func (w withChanges) Changes(context.Context) ChangeSource { return w.src }

// drivenLiveApp is a console driven by the test instead of a program: the
// test reads the subscription itself (pump), so nothing blocks.
func drivenLiveApp(t *testing.T, st *store.Store, w, h int) (*App, *store.Subscription) {
	t.Helper()
	sub := st.Subscribe(1024)
	t.Cleanup(sub.Close)
	app := newLiveApp(st, sub)
	app.Update(tea.WindowSizeMsg{Width: w, Height: h})
	settle(t, app, app.reloadQueue())
	return app, sub
}

// settle runs cmd and, synchronously, whatever the messages it yields ask
// for next (the reads a refresh starts), and returns those messages.
func settle(t *testing.T, app *App, cmd tea.Cmd) []tea.Msg {
	t.Helper()
	var msgs []tea.Msg
	var run func(tea.Cmd)
	run = func(cmd tea.Cmd) {
		if cmd == nil {
			return
		}
		msg := cmd()
		switch m := msg.(type) {
		case nil:
			return
		case tea.BatchMsg:
			for _, c := range m {
				run(c)
			}
			return
		case changeMsg:
			t.Fatal("settle ran the change feed's wait: pump reads the feed")
		}
		msgs = append(msgs, msg)
		_, next := app.Update(msg)
		run(next)
	}
	run(cmd)
	return msgs
}

// pump hands the console every change published so far, then ends the
// coalescing window as the tick would, and settles the refresh. It
// returns how many changes it handed and the messages of the refresh.
func pump(t *testing.T, app *App, sub *store.Subscription) (int, []tea.Msg) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // Next returns what is queued, then ctx's error
	n := 0
	for {
		c, err := sub.Next(ctx)
		if err != nil {
			break
		}
		app.Update(changeMsg{change: c})
		n++
	}
	if n == 0 {
		return 0, nil
	}
	_, cmd := app.Update(liveTickMsg{})
	return n, settle(t, app, cmd)
}

// byAnotherWriter runs write on another goroutine, as another process's
// command (through the engine) would, and waits for it.
func byAnotherWriter(t *testing.T, write func() error) {
	t.Helper()
	done := make(chan error)
	go func() { done <- write() }()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func newThreadItem(id, author, text string, published time.Time) feeds.Result {
	return feeds.Result{Feed: "Forum", Items: []feeds.Item{{ID: id, Feed: "Forum", Author: author,
		Title: text, Text: text, Link: "https://community.quillstone.example/t/" + id, Published: published}}}
}

// A thread stored by another writer shows in the queue within a second,
// with no key pressed.
func TestLiveIngestByAnotherWriterShowsInQueue(t *testing.T) {
	st := testStore(t)
	tm := startApp(t, newLiveApp(st, st.Subscribe(256)), 100, 24)
	waitFor(t, tm, "Alice Chen", "Carol Diaz")
	start := time.Now()
	go func() {
		if _, err := st.Ingest(newThreadItem("d1", "Dave Ito", "Is there an offline mode?", testNow.Add(-30*time.Minute)), testNow); err != nil {
			t.Error(err)
		}
	}()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), "Dave Ito") },
		teatest.WithDuration(time.Second))
	t.Logf("on screen %v after the write (checked every 50ms)", time.Since(start))
	final := finalApp(t, tm)
	if !strings.Contains(ansi.Strip(final.render()), "Dave Ito") {
		t.Errorf("Dave's thread is not in the queue:\n%s", ansi.Strip(final.render()))
	}
}

// A conversion imported by another writer shows in the funnel view on
// screen within a second.
func TestLiveConversionsImportShowsInFunnel(t *testing.T) {
	st := testStore(t)
	alice := threadBy(t, st, "Alice Chen")
	tm := startApp(t, newLiveApp(st, st.Subscribe(256)), 100, 30)
	waitFor(t, tm, "Alice Chen")
	tm.Send(press('2'))
	waitFor(t, tm, "conversions 0")
	go func() {
		_, err := st.ImportConversions([]store.Conversion{{Ref: alice.Ref(), Amount: store.Money{Currency: "EUR", Cents: 4900}}}, testNow)
		if err != nil {
			t.Error(err)
		}
	}()
	// The renderer rewrites only the cells that changed: the revenue
	// appears whole, "conversions 1" as its digit.
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), "49.00 EUR") },
		teatest.WithDuration(time.Second))
	final := finalApp(t, tm)
	if view := ansi.Strip(final.render()); !strings.Contains(view, "conversions 1") {
		t.Errorf("the funnel does not count the conversion:\n%s", view)
	}
}

// The open thread shows a message stored for it by another writer within
// a second.
func TestLiveOpenThreadShowsNewMessage(t *testing.T) {
	st := testStore(t)
	tm := startApp(t, newLiveApp(st, st.Subscribe(256)), 100, 30)
	waitFor(t, tm, "Alice Chen")
	tm.Send(enter) // Alice's thread: the longest waiting
	waitFor(t, tm, "Three days of meeting notes")
	go func() {
		_, err := st.Ingest(feeds.Result{Feed: "Blog comments", Items: []feeds.Item{{ID: "a2", Feed: "Blog comments",
			Author: "Alice Chen", Title: "Re: Sync lost my notes", InReplyTo: "a1",
			Text: "Any news on the sync fix?", Published: testNow.Add(-10 * time.Minute)}}}, testNow)
		if err != nil {
			t.Error(err)
		}
	}()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), "Any news on the sync fix?") },
		teatest.WithDuration(time.Second))
	final := finalApp(t, tm)
	if final.thread == nil || final.thread.thread.Author != "Alice Chen" {
		t.Fatalf("Alice's thread is no longer open: %+v", final.thread)
	}
}

// A thread inserted above the cursor moves the list, not the user: the
// cursor stays on its thread, on the same screen row.
func TestLiveCursorStaysOnItsThread(t *testing.T) {
	st := testStore(t)
	for i := range 60 {
		if _, err := st.Ingest(newThreadItem(fmt.Sprintf("m%02d", i), fmt.Sprintf("Writer %02d", i), "A question",
			testNow.Add(-50*time.Minute+time.Duration(i)*time.Second)), testNow); err != nil {
			t.Fatal(err)
		}
	}
	app, sub := drivenLiveApp(t, st, 100, 24)
	pump(t, app, sub) // the set-up's own changes
	for range 30 {
		app.Update(press('j'))
	}
	before, ok := app.queue.selected()
	if !ok || app.queue.offset == 0 {
		t.Fatalf("set-up: cursor %d offset %d; want it scrolled down the queue", app.queue.cursor, app.queue.offset)
	}
	row := app.queue.cursor - app.queue.offset

	byAnotherWriter(t, func() error {
		_, err := st.Ingest(newThreadItem("z1", "Zed Early", "Waiting the longest", testNow.Add(-10*time.Hour)), testNow)
		return err
	})
	if n, _ := pump(t, app, sub); n == 0 {
		t.Fatal("the ingest published no change")
	}
	zed := slices.IndexFunc(app.queue.threads, func(th store.Thread) bool { return th.Author == "Zed Early" })
	if app.queue.total != 64 || zed < 0 || zed >= app.queue.cursor {
		t.Fatalf("the new thread is not above the cursor (at %d, cursor %d, total %d)", zed, app.queue.cursor, app.queue.total)
	}
	if got, _ := app.queue.selected(); got.ID != before.ID {
		t.Errorf("cursor moved from %s to %s", before.Author, got.Author)
	}
	if got := app.queue.cursor - app.queue.offset; got != row {
		t.Errorf("the cursor's row on screen moved from %d to %d", row, got)
	}
}

// A refresh of the open thread leaves the composer as the user left it:
// text, cursor, focus and draft state.
func TestLiveRefreshLeavesComposerAlone(t *testing.T) {
	st := testStore(t)
	app, sub := drivenLiveApp(t, st, 100, 30)
	alice := threadBy(t, st, "Alice Chen")
	settle(t, app, app.open(alice.ID, "", true, viewQueue))
	pump(t, app, sub) // opening marked it read
	if !app.composing() {
		t.Fatal("set-up: the composer is not open")
	}
	for _, r := range "We are on it" {
		app.Update(press(r))
	}
	left := tea.KeyPressMsg{Code: tea.KeyLeft}
	app.Update(left)
	app.Update(left)
	in := app.thread.input
	type composerState struct {
		value              string
		row, col, top, off int
		rev                uint64
		focused, composing bool
		lastSaved          string
		dirtySince         time.Time
		savedRev, savedSeq uint64
		saveDue            bool
		saving             uint64
	}
	state := func() composerState {
		th := app.thread
		return composerState{in.Value(), in.row, in.col, in.topLine, in.topOff, in.Rev(), in.Focused(), th.composing,
			th.lastSaved, th.dirtySince, th.savedRev, th.savedSeq, th.saveDue, th.saving}
	}
	was := state()

	byAnotherWriter(t, func() error {
		_, err := st.Ingest(feeds.Result{Feed: "Blog comments", Items: []feeds.Item{{ID: "a2", Feed: "Blog comments",
			Author: "Alice Chen", Title: "Re: Sync lost my notes", InReplyTo: "a1",
			Text: "Any news on the sync fix?", Published: testNow.Add(-10 * time.Minute)}}}, testNow)
		return err
	})
	_, msgs := pump(t, app, sub)
	if !slices.ContainsFunc(msgs, func(m tea.Msg) bool { _, ok := m.(threadContentMsg); return ok }) {
		t.Fatalf("the open thread was not read again: %v", msgTypes(msgs))
	}
	if app.thread.input != in {
		t.Fatal("the composer was replaced")
	}
	if now := state(); !reflect.DeepEqual(now, was) {
		t.Errorf("the composer changed across a refresh:\nbefore %+v\nafter  %+v", was, now)
	}
	if !strings.Contains(ansi.Strip(app.render()), "Any news on the sync fix?") {
		t.Errorf("the thread pane lacks the new message:\n%s", ansi.Strip(app.render()))
	}
}

// 200 changes in a burst cost one refresh: the window collects them and
// one tick reads the queue once.
func TestLiveBurstIsCoalesced(t *testing.T) {
	st := testStore(t)
	app, sub := drivenLiveApp(t, st, 100, 24)
	byAnotherWriter(t, func() error {
		for i := range 200 {
			if _, err := st.Ingest(newThreadItem(fmt.Sprintf("b%03d", i), fmt.Sprintf("Burst %03d", i), "Hello",
				testNow.Add(-time.Duration(i)*time.Second)), testNow); err != nil {
				return err
			}
		}
		return nil
	})
	reads := app.queue.seq
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	n, ticks := 0, 0
	for {
		c, err := sub.Next(ctx)
		if err != nil {
			break
		}
		n++
		armed := app.live.armed
		app.Update(changeMsg{change: c})
		if !armed && app.live.armed {
			ticks++
		}
	}
	if n != 200 {
		t.Fatalf("%d changes from 200 ingests", n)
	}
	if ticks != 1 {
		t.Errorf("%d refresh ticks armed for one burst, want 1", ticks)
	}
	if app.queue.seq != reads || app.live.refreshes != 0 {
		t.Fatalf("the queue was read %d times before the tick", app.queue.seq-reads)
	}
	_, cmd := app.Update(liveTickMsg{})
	settle(t, app, cmd)
	if got := app.queue.seq - reads; got != 1 || app.live.refreshes != 1 {
		t.Errorf("200 changes: %d queue reads, %d refreshes; want 1 each", got, app.live.refreshes)
	}
	if app.queue.total != 203 {
		t.Errorf("queue of %d after the burst, want 203", app.queue.total)
	}
}

// A Resync (changes were dropped) reads again everything the console
// shows or keeps: the queue, the view on display, the open thread.
func TestLiveResyncRefreshesEverything(t *testing.T) {
	for _, tc := range []struct {
		name string
		view view
		want []string
	}{
		{"queue", viewQueue, []string{"queueWindowMsg", "threadContentMsg", "threadInfoMsg"}},
		{"funnel", viewFunnel, []string{"queueWindowMsg", "funnelLoadedMsg", "threadContentMsg", "threadInfoMsg"}},
		{"contacts", viewContacts, []string{"queueWindowMsg", "windowMsg", "threadContentMsg", "threadInfoMsg"}},
		{"feeds", viewFeeds, []string{"queueWindowMsg", "feedStatesMsg", "threadContentMsg", "threadInfoMsg"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := testStore(t)
			app, sub := drivenLiveApp(t, st, 100, 24)
			settle(t, app, app.open(threadBy(t, st, "Bob Okafor").ID, "", false, viewQueue))
			pump(t, app, sub)
			if tc.view != viewQueue {
				app.view = tc.view
				settle(t, app, app.enterView())
			}
			app.Update(changeMsg{change: store.Change{Seq: 99, Kind: store.ChangeResync, Resync: true}})
			_, cmd := app.Update(liveTickMsg{})
			got := msgTypes(settle(t, app, cmd))
			for _, w := range tc.want {
				if !slices.Contains(got, w) {
					t.Errorf("a resync did not read %s: %v", w, got)
				}
			}
		})
	}
}

// Changes that cannot alter what is on screen read nothing: an autosave
// of the open thread's draft, a thread marked read that is not shown.
func TestLiveSkipsChangesNotShown(t *testing.T) {
	st := testStore(t)
	app, sub := drivenLiveApp(t, st, 100, 24)
	bob := threadBy(t, st, "Bob Okafor")
	settle(t, app, app.open(bob.ID, "", false, viewQueue))
	pump(t, app, sub)
	refreshes := app.live.refreshes
	byAnotherWriter(t, func() error { return st.SaveDraft(bob.ID, "Hi Bob", testNow) })
	if n, msgs := pump(t, app, sub); n != 1 || len(msgs) != 0 || app.live.refreshes != refreshes {
		t.Errorf("a draft save of the open thread: %d changes read %v", n, msgTypes(msgs))
	}
	// A thread shown is refreshed by the same kind of change.
	_, back := app.Update(esc)
	settle(t, app, back)
	byAnotherWriter(t, func() error { return st.SaveDraft(bob.ID, "Hi Bob, about the plan", testNow) })
	if _, msgs := pump(t, app, sub); !slices.Contains(msgTypes(msgs), "queueWindowMsg") {
		t.Errorf("a draft of a thread on screen did not reload the queue: %v", msgTypes(msgs))
	}
}

// The console's own writes come back through the feed: the echo leaves
// the cursor where the action put it and writes nothing itself, so no
// change follows it (no loop).
func TestLiveOwnChangesEchoWithoutLoop(t *testing.T) {
	st := testStore(t)
	app, sub := drivenLiveApp(t, st, 100, 24)
	app.Update(press('j')) // Bob
	bob, _ := app.queue.selected()
	_, cmd := app.Update(press('e')) // done
	settle(t, app, cmd)
	after, _ := app.queue.selected()
	if after.ID == bob.ID || after.ID == "" {
		t.Fatalf("set-up: done did not take Bob off the queue")
	}
	if n, msgs := pump(t, app, sub); n == 0 || !slices.Contains(msgTypes(msgs), "queueWindowMsg") {
		t.Fatalf("the echo of done was not refreshed: %d changes, %v", n, msgTypes(msgs))
	}
	if got, _ := app.queue.selected(); got.ID != after.ID {
		t.Errorf("the echo moved the cursor from %s to %s", after.Author, got.Author)
	}
	if n, _ := pump(t, app, sub); n != 0 {
		t.Errorf("the refresh wrote: %d changes followed it", n)
	}
}

func msgTypes(msgs []tea.Msg) []string {
	var out []string
	for _, m := range msgs {
		name, _, _ := strings.Cut(fmt.Sprintf("%T", m), "[") // windowMsg[store.Contact]: windowMsg
		out = append(out, name[strings.LastIndex(name, ".")+1:])
	}
	return out
}

// In a running console, a burst of 200 writes by another writer is shown
// in at most one refresh per interval, not one per change.
func TestLiveBurstRefreshesAtMostTenTimesASecond(t *testing.T) {
	st := testStore(t)
	probe := &queueProbe{App: newLiveApp(st, st.Subscribe(256))}
	tm := teatest.NewTestModel(t, probe, teatest.WithInitialTermSize(100, 24))
	waitFor(t, tm, "Alice Chen")
	start := time.Now()
	go func() {
		for i := range 200 {
			if _, err := st.Ingest(newThreadItem(fmt.Sprintf("b%03d", i), fmt.Sprintf("Burst %03d", i), "Hello",
				testNow.Add(-time.Duration(i)*time.Second)), testNow); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	// The header's count changes in place and the renderer writes only
	// the cells that changed ("202" -> "3"), so the test waits on the
	// queue the console holds, not on bytes of output.
	teatest.WaitFor(t, tm.Output(), func([]byte) bool { return probe.total.Load() == 203 },
		teatest.WithDuration(5*time.Second))
	elapsed := time.Since(start)
	tm.Send(press('q'))
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*queueProbe).App
	// One refresh per interval, plus the one that may start as the
	// burst begins.
	if limit := int(elapsed/liveInterval) + 2; final.live.refreshes > limit {
		t.Errorf("%d refreshes for 200 changes in %v, want at most %d", final.live.refreshes, elapsed, limit)
	}
	t.Logf("200 changes in %v: %d refreshes", elapsed, final.live.refreshes)
}

// queueProbe runs an App under teatest and publishes the length of the
// queue it holds after each update, for tests that wait on state the
// renderer draws as a partial diff.
type queueProbe struct {
	*App
	total atomic.Int64
}

func (p *queueProbe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := p.App.Update(msg)
	p.total.Store(int64(p.App.queue.total))
	return p, cmd
}

// A message arriving for the open thread while the user reads its
// beginning does not scroll them away; read to the end, the pane follows.
func TestLiveThreadKeepsScrollPosition(t *testing.T) {
	st := testStore(t)
	var earlier []feeds.Item
	for i := range 30 {
		earlier = append(earlier, feeds.Item{ID: fmt.Sprintf("a1-%02d", i), Feed: "Blog comments", Author: "Alice Chen",
			Title: "Re: Sync lost my notes", InReplyTo: "a1", Text: fmt.Sprintf("Detail %02d of what happened.", i),
			Published: testNow.Add(-170*time.Minute + time.Duration(i)*time.Minute)})
	}
	if _, err := st.Ingest(feeds.Result{Feed: "Blog comments", Items: earlier}, testNow); err != nil {
		t.Fatal(err)
	}
	app, sub := drivenLiveApp(t, st, 100, 24)
	alice := threadBy(t, st, "Alice Chen")
	settle(t, app, app.open(alice.ID, "", false, viewQueue))
	pump(t, app, sub)
	if !app.thread.vp.AtBottom() {
		t.Fatal("set-up: a thread opens at its end")
	}
	_, cmd := app.Update(press('g')) // the top: reading from the beginning
	settle(t, app, cmd)              // the messages before the newest ones read on open
	app.Update(press('j'))
	top := app.thread.vp.YOffset()
	if top == 0 || app.thread.vp.AtBottom() {
		t.Fatalf("set-up: the thread does not scroll (offset %d)", top)
	}

	reply := func(id, text string, at time.Time) {
		byAnotherWriter(t, func() error {
			_, err := st.Ingest(feeds.Result{Feed: "Blog comments", Items: []feeds.Item{{ID: id, Feed: "Blog comments",
				Author: "Alice Chen", Title: "Re: Sync lost my notes", InReplyTo: "a1", Text: text, Published: at}}}, testNow)
			return err
		})
		pump(t, app, sub)
	}
	reply("a2", "Any news on the sync fix?", testNow.Add(-10*time.Minute))
	if n := len(app.thread.messages); n != 32 {
		t.Fatalf("the open thread holds %d messages after the ingest, want 32", n)
	}
	if got := app.thread.vp.YOffset(); got != top {
		t.Errorf("the pane scrolled from %d to %d on a new message", top, got)
	}

	app.Update(press('G')) // read to the end
	reply("a3", "Found a backup, never mind.", testNow.Add(-5*time.Minute))
	if !app.thread.vp.AtBottom() || !strings.Contains(ansi.Strip(app.render()), "Found a backup") {
		t.Errorf("at the end, the pane does not follow a new message:\n%s", ansi.Strip(app.render()))
	}
}

// The console subscribes to the change feed through its Backend (no
// subscription handed in by main): a thread stored by another writer
// shows with no key pressed.
func TestLiveListensThroughTheBackend(t *testing.T) {
	st := testStore(t)
	tm := startApp(t, newTestApp(st), 100, 24)
	waitFor(t, tm, "Alice Chen", "Carol Diaz")
	byAnotherWriter(t, func() error {
		_, err := st.Ingest(newThreadItem("d1", "Dave Ito", "Is there an offline mode?", testNow.Add(-30*time.Minute)), testNow)
		return err
	})
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), "Dave Ito") },
		teatest.WithDuration(time.Second))
	finalApp(t, tm)
}

// A backend without a change feed (Changes returns nil) leaves the
// console working, showing only what it did itself.
func TestLiveWithoutAChangeFeed(t *testing.T) {
	st := testStore(t)
	app := newLiveApp(st, nil)
	if cmd := app.listen(); cmd != nil {
		t.Fatal("listen waits on a change feed the backend does not have")
	}
	tm := startApp(t, app, 100, 24)
	waitFor(t, tm, "Alice Chen")
	finalApp(t, tm)
}
