package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"parley/feeds"
	"parley/filter"
	"parley/funnel"
	"parley/store"
)

// countingBackend counts the rows (threads, conversations, contacts,
// messages) every read hands the console, the reads of whole lists
// included, so a test can hold a view to what fits on its screen.
type countingBackend struct {
	Backend
	rows atomic.Int64
}

func (c *countingBackend) add(n int) { c.rows.Add(int64(n)) }

func (c *countingBackend) Queue(ctx context.Context, now time.Time) ([]store.Thread, error) {
	ts, err := c.Backend.Queue(ctx, now)
	c.add(len(ts))
	return ts, err
}

func (c *countingBackend) QueueWindow(ctx context.Context, now time.Time, at store.QueueAnchor, before, after int) (store.QueueWindow, error) {
	w, err := c.Backend.QueueWindow(ctx, now, at, before, after)
	c.add(len(w.Threads))
	return w, err
}

func (c *countingBackend) Messages(ctx context.Context, id string) ([]store.Message, error) {
	ms, err := c.Backend.Messages(ctx, id)
	c.add(len(ms))
	return ms, err
}

func (c *countingBackend) ThreadView(ctx context.Context, id string, lastN int) (store.ThreadView, error) {
	v, err := c.Backend.ThreadView(ctx, id, lastN)
	c.add(len(v.Messages))
	return v, err
}

func (c *countingBackend) MessagesBefore(ctx context.Context, id, mark string, n int) ([]store.Message, string, error) {
	ms, earlier, err := c.Backend.MessagesBefore(ctx, id, mark, n)
	c.add(len(ms))
	return ms, earlier, err
}

func (c *countingBackend) ConversationsInStage(ctx context.Context, st funnel.Stage) ([]store.Conversation, error) {
	cs, err := c.Backend.ConversationsInStage(ctx, st)
	c.add(len(cs))
	return cs, err
}

func (c *countingBackend) StageWindow(ctx context.Context, st funnel.Stage, at store.StageAnchor, before, after int) (store.StageWindow, error) {
	w, err := c.Backend.StageWindow(ctx, st, at, before, after)
	c.add(len(w.Conversations))
	return w, err
}

func (c *countingBackend) Contacts(ctx context.Context) ([]store.Contact, error) {
	cs, err := c.Backend.Contacts(ctx)
	c.add(len(cs))
	return cs, err
}

func (c *countingBackend) ContactsWindow(ctx context.Context, at store.ContactAnchor, before, after int) (store.ContactsWindow, error) {
	w, err := c.Backend.ContactsWindow(ctx, at, before, after)
	c.add(len(w.Contacts))
	return w, err
}

func (c *countingBackend) FilterStageWindow(ctx context.Context, q filter.Query, now time.Time, st funnel.Stage, at store.StageAnchor, before, after int) (store.StageWindow, error) {
	w, err := c.Backend.FilterStageWindow(ctx, q, now, st, at, before, after)
	c.add(len(w.Conversations))
	return w, err
}

func (c *countingBackend) FilterContactsWindow(ctx context.Context, q filter.Query, now time.Time, at store.ContactAnchor, before, after int) (store.ContactsWindow, error) {
	w, err := c.Backend.FilterContactsWindow(ctx, q, now, at, before, after)
	c.add(len(w.Contacts))
	return w, err
}

// crowdedStore is testStore plus people new people each starting a
// thread, and Alice's thread grown to long messages.
func crowdedStore(t *testing.T, people, long int) (*store.Store, store.Thread) {
	t.Helper()
	st := testStore(t)
	var items []feeds.Item
	for i := range people {
		items = append(items, feeds.Item{ID: fmt.Sprintf("crowd%04d", i), Feed: "Forum", Author: fmt.Sprintf("Person %04d", i),
			Title: fmt.Sprintf("Question %d", i), Text: "Where is the export button?", Published: testNow.Add(-time.Duration(i+200) * time.Minute)})
	}
	alice := threadBy(t, st, "Alice Chen")
	for i := range long {
		items = append(items, feeds.Item{ID: fmt.Sprintf("a1-%04d", i), Feed: "Blog comments", Author: "Alice Chen",
			Title: "Re: Sync lost my notes", InReplyTo: "a1", Text: fmt.Sprintf("Detail %04d of what happened.", i),
			Published: testNow.Add(-100*time.Minute + time.Duration(i)*time.Second)})
	}
	if _, err := st.Ingest(feeds.Result{Feed: "Forum", Items: items[:people]}, testNow); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Ingest(feeds.Result{Feed: "Blog comments", Items: items[people:]}, testNow); err != nil {
		t.Fatal(err)
	}
	return st, alice
}

// Views 2 and 3 and the thread read what their screen shows, not what the
// database holds: entering a stage of 1,000 people, walking down it,
// the contacts, and opening a thread of 600 messages each read a few
// screens of rows.
func TestViewsReadWindowsNotWholeLists(t *testing.T) {
	const people, long = 1000, 600
	st, alice := crowdedStore(t, people, long)
	cb := &countingBackend{Backend: backendOf(st, "")}
	app := New(Deps{Backend: cb, Feeds: []feeds.Feed{{Name: "Blog comments"}, {Name: "Forum"}}, Now: func() time.Time { return testNow }})
	app.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	settle(t, app, app.reloadQueue())

	// A window is a few screens: the queue's span is at most 5 screens.
	const screens = 5 * 30
	step := func(what string, keys ...tea.KeyPressMsg) int64 {
		t.Helper()
		before := cb.rows.Load()
		for _, k := range keys {
			_, cmd := app.Update(k)
			settle(t, app, cmd)
		}
		n := cb.rows.Load() - before
		if n > screens {
			t.Errorf("%s read %d rows; the screen holds 30 (a window is at most %d)", what, n, screens)
		}
		return n
	}
	step("view 2", press('2'))
	step("a stage's list", tea.KeyPressMsg{Code: tea.KeyEnter})
	if got := app.funnel.list.total; got < people {
		t.Fatalf("the stage lists %d, want at least %d", got, people)
	}
	var down []tea.KeyPressMsg
	for range 100 {
		down = append(down, press('j'))
	}
	step("100 j in the stage's list", down...)
	if c, _ := app.funnel.selected(); !strings.HasPrefix(c.Name, "Person") {
		t.Errorf("after 100 j the cursor is on %q", c.Name)
	}
	step("G in the stage's list", press('G'))
	if !app.funnel.list.last || app.funnel.list.nav.cursor != len(app.funnel.list.items)-1 {
		t.Error("G did not reach the stage's last row")
	}
	step("view 3", press('3'))
	if got := app.contacts.list.total; got < people {
		t.Fatalf("the contacts list %d, want at least %d", got, people)
	}
	step("100 j in the contacts", down...)

	before := cb.rows.Load()
	settle(t, app, app.open(alice.ID, "", false, viewContacts))
	if n := cb.rows.Load() - before; n > 30 {
		t.Errorf("opening a thread of %d messages read %d of them; 30 fit", long+1, n)
	}
	if app.thread == nil || len(app.thread.messages) == 0 || app.thread.earlier == "" {
		t.Fatalf("the thread did not open with its newest messages only")
	}
	frame := ansi.Strip(app.render())
	if !strings.Contains(frame, fmt.Sprintf("Detail %04d", long-1)) {
		t.Errorf("the thread does not show its newest message:\n%s", frame)
	}
}

// Scrolling up to the top of what a thread holds reads the page before
// it, keeping the lines on screen where they were; g reads the rest.
func TestThreadReadsEarlierMessagesOnScrollUp(t *testing.T) {
	const long = 300
	st, alice := crowdedStore(t, 0, long)
	app := New(Deps{Backend: backendOf(st, ""), Feeds: []feeds.Feed{{Name: "Blog comments"}}, Now: func() time.Time { return testNow }})
	app.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	settle(t, app, app.open(alice.ID, "", false, viewQueue))
	th := app.thread
	held := len(th.messages)
	if held >= long || th.earlier == "" {
		t.Fatalf("opened holding %d of %d messages (earlier %q)", held, long+1, th.earlier)
	}
	if !strings.Contains(ansi.Strip(app.render()), fmt.Sprintf("Detail %04d", long-1)) {
		t.Fatal("the thread does not open at its end")
	}
	// Half pages up until the top of what is held: the page before is read.
	var shown string
	for i := 0; i < 100 && len(th.messages) == held; i++ {
		_, cmd := app.Update(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
		shown = ansi.Strip(th.vpView())
		settle(t, app, cmd)
	}
	if len(th.messages) <= held {
		t.Fatalf("scrolling up read nothing more: %d messages held", len(th.messages))
	}
	// The messages on screen stay on their rows (the lines above them,
	// the thread's head, give way to the messages read).
	before, after := strings.Split(shown, "\n"), strings.Split(ansi.Strip(th.vpView()), "\n")
	row := slices.IndexFunc(before, func(l string) bool { return strings.Contains(l, "Detail") })
	if row < 0 || len(after) != len(before) || after[row] != before[row] {
		t.Errorf("reading earlier messages moved the view:\nbefore\n%s\nafter\n%s", shown, strings.Join(after, "\n"))
	}
	if !strings.Contains(strings.Join(after[:row], "\n"), "Detail") {
		t.Errorf("no earlier message above the ones shown:\n%s", strings.Join(after, "\n"))
	}
	_, cmd := app.Update(press('g'))
	settle(t, app, cmd)
	if len(th.messages) != long+1 || th.earlier != "" {
		t.Errorf("after g: %d of %d messages held (earlier %q)", len(th.messages), long+1, th.earlier)
	}
	if !strings.Contains(ansi.Strip(th.vpView()), "Stage history") {
		t.Errorf("g does not show the thread's start:\n%s", ansi.Strip(th.vpView()))
	}
}
