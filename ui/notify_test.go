package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"parley/feeds"
	"parley/store"
)

func rawSent(msgs []tea.Msg) []string {
	var out []string
	for _, m := range msgs {
		if r, ok := m.(tea.RawMsg); ok {
			out = append(out, fmt.Sprint(r.Msg))
		}
	}
	return out
}

func notifyApp(t *testing.T, st *store.Store, cfg feeds.Notify, env map[string]string) (*App, *store.Subscription) {
	t.Helper()
	sub := st.Subscribe(1024)
	t.Cleanup(sub.Close)
	app := New(Deps{Backend: withChanges{backendOf(st, ""), sub}, Notify: cfg, Now: func() time.Time { return testNow }})
	app.Update(tea.WindowSizeMsg{Width: 100, Height: 24})
	app.Update(tea.EnvMsg(envList(env)))
	settle(t, app, app.reloadQueue())
	return app, sub
}

func envList(env map[string]string) []string {
	var out []string
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}

// A new unhappy message arriving live rings the bell and sends OSC 9;
// the status line says what came. What was published before the console
// started (a backlog fetched at start-up) and a plain message do not.
func TestLiveUnhappyMessageNotifies(t *testing.T) {
	st := testStore(t)
	app, sub := notifyApp(t, st, feeds.DefaultNotify, map[string]string{"TERM": "xterm-256color"})

	byAnotherWriter(t, func() error {
		_, err := st.Ingest(newThreadItem("old1", "Olga Old", "This is terrible, I hate it, awful.", testNow.Add(-time.Hour)), testNow)
		return err
	})
	byAnotherWriter(t, func() error {
		_, err := st.Ingest(newThreadItem("p1", "Pat Plain", "Nice post.", testNow.Add(time.Minute)), testNow)
		return err
	})
	_, msgs := pump(t, app, sub)
	if raw := rawSent(msgs); len(raw) != 0 {
		t.Fatalf("notified %q for a backlog message and a plain one", raw)
	}

	byAnotherWriter(t, func() error {
		_, err := st.Ingest(newThreadItem("z1", "Zed \x1b]0;pwned\aAngry", "This is terrible, I hate it, the worst bug ever.", testNow.Add(2*time.Minute)), testNow)
		return err
	})
	_, msgs = pump(t, app, sub)
	raw := rawSent(msgs)
	if len(raw) != 1 {
		t.Fatalf("sent %q, want one notification", raw)
	}
	if !strings.HasPrefix(raw[0], "\a\x1b]9;New: Zed") || !strings.HasSuffix(raw[0], "\a") ||
		!strings.Contains(raw[0], "(unhappy) in Forum: This is terrible") {
		t.Errorf("sent %q, want the bell then OSC 9 naming Zed, unhappy, the feed and the words", raw[0])
	}
	if body := strings.TrimSuffix(strings.TrimPrefix(raw[0], "\a\x1b]9;"), "\a"); strings.ContainsAny(body, "\x1b\a\n") {
		t.Errorf("feed text put a control character into the notification: %q", body)
	}
	if !strings.HasPrefix(app.status, "New: Zed") {
		t.Errorf("status = %q, want what arrived", app.status)
	}
	// The same thread changing again (a mark read) does not notify again.
	q, _ := st.Queue(testNow.Add(time.Hour))
	for _, th := range q {
		_ = st.MarkRead(th.ID)
	}
	if _, msgs = pump(t, app, sub); len(rawSent(msgs)) != 0 {
		t.Error("notified again without a new message")
	}
}

// In tmux the first arrival's status line says how to let the desktop
// notification through.
func TestNotifyInTmuxHintsAtPassthroughOnce(t *testing.T) {
	st := testStore(t)
	app, sub := notifyApp(t, st, feeds.DefaultNotify, map[string]string{"TMUX": "/tmp/tmux-1/default,1,0"})
	clock := testNow
	app.notify.clock = func() time.Time { clock = clock.Add(time.Minute); return clock } // no rate limit wait
	for i, who := range []string{"Zed Angry", "Yan Cross"} {
		byAnotherWriter(t, func() error {
			_, err := st.Ingest(newThreadItem(fmt.Sprint("z", i), who, "This is terrible, I hate it, the worst bug ever.", testNow.Add(time.Minute)), testNow)
			return err
		})
		pump(t, app, sub)
		hint := strings.Contains(app.status, "set -g allow-passthrough on")
		if !strings.HasPrefix(app.status, "New: "+who+" (unhappy) in Forum") || hint != (i == 0) {
			t.Errorf("arrival %d: status = %q, want the tmux hint only the first time", i, app.status)
		}
	}
}

// [notify] off sends nothing; intent only skips unhappy.
func TestNotifyConfigChoosesWhatNotifies(t *testing.T) {
	st := testStore(t)
	app, sub := notifyApp(t, st, feeds.Notify{Intent: true, Desktop: true}, nil)
	byAnotherWriter(t, func() error {
		_, err := st.Ingest(newThreadItem("z1", "Zed Angry", "This is terrible, I hate it, the worst bug ever.", testNow.Add(time.Minute)), testNow)
		return err
	})
	byAnotherWriter(t, func() error {
		_, err := st.Ingest(newThreadItem("b9", "Buyer Bea", "How much is the pricing for a team of 20?", testNow.Add(2*time.Minute)), testNow)
		return err
	})
	_, msgs := pump(t, app, sub)
	raw := rawSent(msgs)
	if len(raw) != 1 || !strings.HasPrefix(raw[0], "\x1b]9;New: Buyer Bea (intent)") {
		t.Errorf("sent %q, want only Bea's intent, no bell", raw)
	}

	st2 := testStore(t)
	off, sub2 := notifyApp(t, st2, feeds.Notify{}, nil)
	byAnotherWriter(t, func() error {
		_, err := st2.Ingest(newThreadItem("z1", "Zed Angry", "This is terrible, I hate it.", testNow.Add(time.Minute)), testNow)
		return err
	})
	if _, msgs := pump(t, off, sub2); len(rawSent(msgs)) != 0 {
		t.Error("notifications off, but something was sent")
	}
}

// At most one notification per 30 s: what comes meanwhile is held and
// sent as one ("2 new: ...") when the limit allows.
func TestNotifyRateLimitCoalesces(t *testing.T) {
	app := New(Deps{Notify: feeds.DefaultNotify, Now: func() time.Time { return testNow }})
	clock := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	app.notify.clock = func() time.Time { return clock }
	one := func(name string) arrivalsMsg {
		return arrivalsMsg{arrivals: []arrival{{threadID: name, name: name, feed: "Forum", why: "unhappy", preview: "bad", at: testNow}}}
	}
	if cmd := app.arrived(one("Ann")); cmd == nil || app.notify.sent != 1 {
		t.Fatalf("the first arrival was not sent at once (sent %d)", app.notify.sent)
	}
	clock = clock.Add(5 * time.Second)
	if cmd := app.arrived(one("Ben")); cmd == nil || app.notify.sent != 1 {
		t.Fatalf("the second arrival within 30s was sent (sent %d) or no flush was armed", app.notify.sent)
	}
	clock = clock.Add(5 * time.Second)
	if cmd := app.arrived(one("Cat")); cmd != nil || app.notify.sent != 1 {
		t.Fatalf("a third arrival armed a second flush or sent (sent %d)", app.notify.sent)
	}
	if !strings.HasPrefix(app.status, "New: Cat") {
		t.Errorf("status = %q, want the newest arrival even while held", app.status)
	}
	clock = clock.Add(20 * time.Second)
	msg := app.flushNotify()()
	raw, ok := msg.(tea.RawMsg)
	if !ok || !strings.Contains(fmt.Sprint(raw.Msg), "2 new: Ben (unhappy), Cat (unhappy)") || app.notify.sent != 2 {
		t.Errorf("flush sent %#v (sent %d), want one notification of both", msg, app.notify.sent)
	}
}

// The desktop sequence follows the terminal: OSC 777 for VTE, rxvt and
// foot, OSC 9 otherwise, wrapped for tmux's passthrough.
func TestNotifySequenceFollowsTheTerminal(t *testing.T) {
	on := feeds.Notify{Unhappy: true, Bell: true, Desktop: true}
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"xterm", map[string]string{"TERM": "xterm-256color"}, "\a\x1b]9;Ann; hi\a"},
		{"iTerm2", map[string]string{"TERM_PROGRAM": "iTerm.app"}, "\a\x1b]9;Ann; hi\a"},
		{"GNOME Terminal", map[string]string{"VTE_VERSION": "7600"}, "\a\x1b]777;notify;parley;Ann, hi\a"},
		{"foot", map[string]string{"TERM": "foot"}, "\a\x1b]777;notify;parley;Ann, hi\a"},
		{"tmux", map[string]string{"TMUX": "/tmp/tmux-0/default,1,0", "TERM": "tmux-256color"}, "\a\x1bPtmux;\x1b\x1b]9;Ann; hi\a\x1b\\"},
	} {
		e := newTermEnv(func(k string) string { return tc.env[k] })
		if got := notifySequence(e, on, "parley", "Ann; hi"); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	e := newTermEnv(func(string) string { return "" })
	if got := notifySequence(e, feeds.Notify{Unhappy: true, Bell: true}, "parley", "x"); got != "\a" {
		t.Errorf("bell only: %q", got)
	}
}
