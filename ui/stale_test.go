package ui

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"parley/engine"
	"parley/events"
	"parley/feeds"
	"parley/store"
)

// noChanges is a backend without a change feed: a teammate's reply
// reaches the console only when it reads the thread again, as when it
// lands within one coalescing window before ctrl+s.
type noChanges struct{ Backend }

func (noChanges) Changes(context.Context) events.ChangeSource { return nil }

// teamClock is a console clock the test moves.
type teamClock struct{ now atomic.Int64 }

func (c *teamClock) set(t time.Time)       { c.now.Store(t.UnixNano()) }
func (c *teamClock) Now() time.Time        { return time.Unix(0, c.now.Load()) }
func (c *teamClock) after(d time.Duration) { c.set(testNow.Add(d)) }

// openAsAna opens Alice Chen's thread (the oldest waiting) in Ana's
// console and starts a reply.
func openAsAna(t *testing.T, b Backend, clock *teamClock) *teatest.TestModel {
	t.Helper()
	app := New(Deps{Backend: b, User: "ana", Now: clock.Now,
		Feeds: []feeds.Feed{{Name: "Blog comments"}, {Name: "Forum"}, {Name: "Reviews"}}})
	tm := startApp(t, app, 120, 30)
	waitFor(t, tm, "Alice Chen")
	tm.Send(enter)
	waitFor(t, tm, "Three days of meeting notes")
	tm.Send(press('r'))
	waitFor(t, tm, "ctrl+s copy + record")
	for _, r := range "Sorry, Alice" {
		tm.Send(press(r))
	}
	t.Cleanup(func() { tm.Quit() })
	return tm
}

func repliesOf(t *testing.T, st *store.Store, id string) []store.Reply {
	t.Helper()
	rs, err := st.Replies(id)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// Bob answers Alice after Ana opened the thread: Ana's ctrl+s shows his
// reply and sends nothing, a second ctrl+s sends, and an edit between
// the two asks again.
func TestStaleReplyAsksForASecondCtrlS(t *testing.T) {
	st := testStore(t)
	id := threadBy(t, st, "Alice Chen").ID
	clock := &teamClock{}
	clock.after(0)
	tm := openAsAna(t, noChanges{backendOf(st.As("ana"), "ana")}, clock)

	bob := store.Reply{ThreadID: id, Text: "Restored your notes from last night's backup.", Via: "clipboard",
		Who: "bob", At: testNow.Add(time.Minute)}
	if err := st.As("bob").RecordReply(bob); err != nil {
		t.Fatal(err)
	}
	clock.after(3 * time.Minute)

	tm.Send(ctrlS)
	waitFor(t, tm, "bob replied 2m ago: Restored your notes", "ctrl+s again to send anyway")
	if rs := repliesOf(t, st, id); len(rs) != 1 {
		t.Fatalf("the first ctrl+s sent: replies = %+v", rs)
	}

	tm.Send(press('!'))
	waitFor(t, tm, "edited: ctrl+s checks again")
	tm.Send(ctrlS)
	waitFor(t, tm, "ctrl+s again to send anyway")
	if rs := repliesOf(t, st, id); len(rs) != 1 {
		t.Fatalf("ctrl+s after an edit sent without asking again: replies = %+v", rs)
	}

	tm.Send(ctrlS)
	waitFor(t, tm, "Reply copied to the clipboard and recorded")
	rs := repliesOf(t, st, id)
	if len(rs) != 2 || rs[1].Who != "ana" || rs[1].Text != "Sorry, Alice!" {
		t.Fatalf("replies after the second ctrl+s = %+v, want Bob's then Ana's", rs)
	}
	if _, ok, _ := st.As("ana").Draft(id); ok {
		t.Error("Ana's draft is still stored after her reply was recorded")
	}
}

// A live refresh that shows Bob's reply counts as seen: ctrl+s sends at
// once, and the thread names Bob as its sender.
func TestLiveRefreshedTeammateReplyIsSeen(t *testing.T) {
	st := testStore(t)
	id := threadBy(t, st, "Alice Chen").ID
	clock := &teamClock{}
	clock.after(0)
	tm := openAsAna(t, backendOf(st.As("ana"), "ana"), clock)

	bob := store.Reply{ThreadID: id, Text: "Restored your notes from last night's backup.", Via: "clipboard",
		Who: "bob", At: testNow.Add(time.Minute)}
	if err := st.As("bob").RecordReply(bob); err != nil {
		t.Fatal(err)
	}
	clock.after(3 * time.Minute)
	waitFor(t, tm, "sent by bob")

	tm.Send(ctrlS)
	waitFor(t, tm, "Reply copied to the clipboard and recorded")
	if rs := repliesOf(t, st, id); len(rs) != 2 || rs[1].Who != "ana" {
		t.Fatalf("replies = %+v, want Bob's then Ana's", rs)
	}
}

// Our replies name their sender only when it is a teammate.
func TestThreadNamesTheTeammateWhoSentAReply(t *testing.T) {
	st := testStore(t)
	id := threadBy(t, st, "Alice Chen").ID
	for _, r := range []store.Reply{
		{ThreadID: id, Text: "Bob's answer.", Via: "clipboard", Who: "bob", At: testNow.Add(-2 * time.Hour)},
		{ThreadID: id, Text: "Ana's answer.", Via: "clipboard", Who: "ana", At: testNow.Add(-time.Hour)},
	} {
		if err := st.As(r.Who).RecordReply(r); err != nil {
			t.Fatal(err)
		}
	}
	app := New(Deps{Backend: backendOf(st.As("ana"), "ana"), User: "ana", Now: func() time.Time { return testNow }})
	app.Update(tea.WindowSizeMsg{Width: 100, Height: 40})
	loaded := loadThread(app.c.B, id, app.c.Now, 0)().(threadLoadedMsg)
	app.pendingOpen = id
	app.Update(openedMsg{threadLoadedMsg: loaded, from: viewQueue})
	if app.thread == nil {
		t.Fatal("the thread did not open")
	}
	view := ansi.Strip(app.thread.renderMessages())
	bobAt, anaAt := strings.Index(view, "▸ Us"), strings.Index(view, "▸ You")
	if bobAt < 0 || anaAt < 0 || !strings.Contains(view[bobAt:anaAt], "sent by bob") {
		t.Errorf("Bob's reply is not shown as ours, sent by bob, before Ana's own:\n%s", view)
	}
	if strings.Contains(view[anaAt:], "sent by") {
		t.Errorf("Ana's own reply names a sender:\n%s", view)
	}
}

// On a two-way thread the outbox takes the reply: Bob's queued reply
// refuses Maya's first ctrl+s, and her second queues hers.
func TestStaleReplyGuardsTheOutbox(t *testing.T) {
	st := mastodonStore(t)
	id := threadIDOf(t, st)
	clock := &teamClock{}
	clock.after(0)
	replier := &fakeReplier{}
	b := engine.New(engine.Config{Store: st, User: "maya",
		Repliers: map[string]feeds.Replier{mastoFeed: replier}}).Session("maya")
	app := New(Deps{Backend: noChanges{b}, User: "maya", Now: clock.Now,
		Feeds: []feeds.Feed{{Name: mastoFeed, Kind: feeds.KindMastodon}}})
	tm := startApp(t, app, 120, 30)
	t.Cleanup(func() { tm.Quit() })
	waitFor(t, tm, "@alice@social.exa")
	tm.Send(enter)
	waitFor(t, tm, "does Quillstone export to PDF?")
	tm.Send(press('r'))
	waitFor(t, tm, "ctrl+s send to Mastodon")
	for _, r := range "Yes, File > Export" {
		tm.Send(press(r))
	}
	if _, err := st.As("bob").QueueReply(store.Reply{ThreadID: id, Text: "PDF export is under File.", Via: mastoFeed,
		Who: "bob", At: testNow.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	clock.after(3 * time.Minute)

	tm.Send(ctrlS)
	waitFor(t, tm, "bob replied 2m ago: PDF export is under File.", "ctrl+s again to send anyway")
	if out, err := st.Outbox(id); err != nil || len(out) != 1 || out[0].Who != "bob" {
		t.Fatalf("the first ctrl+s queued: outbox = %+v, %v", out, err)
	}
	if _, _, posted := replier.counts(); posted != 0 {
		t.Fatalf("the first ctrl+s posted %d replies", posted)
	}
	tm.Send(ctrlS)
	waitFor(t, tm, "Sending your reply to Mastodon")
	// The engine posts it at once: it is in the outbox or sent.
	waitUntil(t, "Maya's reply posted", func() bool { _, _, posted := replier.counts(); return posted == 1 })
	waitUntil(t, "Maya's reply recorded", func() bool {
		for _, r := range repliesOf(t, st, id) {
			if r.Who == "maya" && r.Text == "Yes, File > Export" {
				return true
			}
		}
		return false
	})
}
