package server

import (
	"strings"
	"sync"
	"testing"
	"time"

	"parley/store"
)

// lineWith is the screen's line holding s ("" none).
func lineWith(txt, s string) string {
	for _, l := range strings.Split(txt, "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

// openFirst opens the thread under the cursor (the first of titles).
func openFirst(s *screen) {
	s.t.Helper()
	s.press("\r")
	s.waitFor(5*time.Second, "Stage history")
}

// Bob's presence shows on Maya's queue within a second, viewing then
// typing; Maya's r there warns first, her second r composes, and Bob
// sees her typing in his thread's title line.
func TestServePresenceAndDraftWarning(t *testing.T) {
	ts := startServer(t)
	maya := openScreen(t, ts.addr, ts.hostKey, mayaKey(t))
	bob := openScreen(t, ts.addr, ts.hostKey, bobKey(t))
	maya.waitFor(5*time.Second, titles...)
	bob.waitFor(5*time.Second, titles...)

	openFirst(bob)
	took := maya.waitUntil("Bob viewing on the first row", time.Second, func(txt string) bool {
		return strings.Contains(lineWith(txt, titles[0]+", says"), "Bob viewing")
	})
	bob.press("r")
	bob.waitFor(5*time.Second, "copy + record")
	took2 := maya.waitUntil("Bob typing on the first row", time.Second, func(txt string) bool {
		return strings.Contains(lineWith(txt, titles[0]+", says"), "Bob typing")
	})
	t.Logf("Maya's screen showed Bob viewing after %v, typing after %v", took, took2)

	maya.press("r")
	maya.waitFor(5*time.Second, "Bob is drafting a reply here — r again to reply anyway")
	if strings.Contains(maya.text(), "copy + record") {
		t.Fatal("Maya's first r opened the composer despite Bob's draft")
	}
	maya.press("r")
	maya.waitFor(5*time.Second, "copy + record")
	bob.waitUntil("Maya typing in Bob's title line", time.Second, func(txt string) bool {
		return strings.Contains(strings.Split(txt, "\n")[1], "Maya typing")
	})
	if strings.Contains(maya.text(), "Maya typing") || strings.Contains(bob.text(), "Bob typing") {
		t.Error("a console shows its own teammate's presence")
	}
	// Bob's connection drops: his presence goes with it.
	maya.waitFor(time.Second, "Bob typing")
	bob.client.Close()
	maya.waitUntil("Bob gone from Maya's title line", 2*time.Second, func(txt string) bool {
		return !strings.Contains(txt, "Bob typing")
	})
}

// Maya assigns the first thread to Bob with the picker: Bob's queue
// shows it within a second, and the audit log has it as Maya's.
func TestServeAssignmentReachesTeammate(t *testing.T) {
	ts := startServer(t)
	maya := openScreen(t, ts.addr, ts.hostKey, mayaKey(t))
	bob := openScreen(t, ts.addr, ts.hostKey, bobKey(t))
	maya.waitFor(5*time.Second, titles...)
	bob.waitFor(5*time.Second, titles...)

	maya.press("a")
	maya.waitFor(5*time.Second, "Assign to…", "Maya (me)", "Bob", "Ana")
	maya.press("bo")
	maya.press("\r")
	maya.waitFor(5*time.Second, "Assigned to Bob")
	took := bob.waitUntil("Bob in the first row's WHO column", time.Second, func(txt string) bool {
		return strings.Contains(lineWith(txt, titles[0]+", says"), " Bob ")
	})
	t.Logf("Bob's screen showed the assignment after %v", took)
	var got []string
	if err := ts.st.Audit(func(a store.AuditEntry) error {
		got = append(got, a.Who+" "+a.Action+" "+a.Detail)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != "Maya assigned Bob" {
		t.Errorf("audit = %q, want Maya assigned Bob", got)
	}
}

// Two teammates press ctrl+s on one thread at once: one reply is
// recorded, and the other is shown it and asked for a second ctrl+s.
func TestServeSimultaneousSendsOneReplyOneWarning(t *testing.T) {
	ts := startServer(t)
	q, err := ts.st.Queue(time.Now())
	if err != nil || len(q) == 0 || q[0].Title != titles[0] {
		t.Fatalf("queue = %+v (err %v), want %q first", q, err, titles[0])
	}
	first := q[0]
	maya := openScreen(t, ts.addr, ts.hostKey, mayaKey(t))
	bob := openScreen(t, ts.addr, ts.hostKey, bobKey(t))
	maya.waitFor(5*time.Second, titles...)
	bob.waitFor(5*time.Second, titles...)
	openFirst(maya)
	openFirst(bob)
	maya.press("r")
	maya.press("From Maya")
	maya.waitFor(5*time.Second, "From Maya")
	bob.waitFor(5*time.Second, "Maya typing")
	bob.press("rr") // warned, then anyway
	bob.press("From Bob")
	bob.waitFor(5*time.Second, "From Bob")

	var wg sync.WaitGroup
	for _, s := range []*screen{maya, bob} {
		wg.Add(1)
		go func() { defer wg.Done(); s.press("\x13") }() // ctrl+s
	}
	wg.Wait()
	sent, warned := "Reply copied to the clipboard and recorded", "ctrl+s again to send anyway"
	outcome := func(s *screen) string {
		switch txt := s.text(); {
		case strings.Contains(txt, sent):
			return "sent"
		case strings.Contains(txt, warned):
			return "warned"
		}
		return ""
	}
	deadline := time.Now().Add(5 * time.Second)
	for outcome(maya) == "" || outcome(bob) == "" {
		if time.Now().After(deadline) {
			t.Fatalf("after 5s: Maya's screen %q, Bob's %q\n%s\n%s", outcome(maya), outcome(bob), maya.text(), bob.text())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if m, b := outcome(maya), outcome(bob); m == b {
		t.Errorf("Maya's ctrl+s %s and Bob's %s: want one sent and one warned", m, b)
	}
	rs, err := ts.st.Replies(first.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 {
		t.Errorf("replies recorded = %+v, want 1", rs)
	}
	// Drafts are per teammate: the one who was warned still has theirs,
	// word for word; the one whose reply went has none.
	for name, s := range map[string]*screen{"Maya": maya, "Bob": bob} {
		d, ok, err := ts.st.As(name).Draft(first.ID)
		if err != nil {
			t.Fatal(err)
		}
		switch outcome(s) {
		case "warned":
			if !ok || d.Text != "From "+name {
				t.Errorf("%s was warned: draft %q (kept %v), want %q", name, d.Text, ok, "From "+name)
			}
		case "sent":
			if ok && d.Text != "" {
				t.Errorf("%s's reply went, yet the draft %q stays", name, d.Text)
			}
		}
	}
}

// Read state is per teammate: Maya opening a thread clears its unread
// count on her queue, not on Bob's.
func TestServeUnreadPerTeammate(t *testing.T) {
	ts := startServer(t)
	maya := openScreen(t, ts.addr, ts.hostKey, mayaKey(t))
	bob := openScreen(t, ts.addr, ts.hostKey, bobKey(t))
	maya.waitFor(5*time.Second, titles...)
	bob.waitFor(5*time.Second, titles...)
	unread := func(s *screen) string {
		f := strings.Fields(lineWith(s.text(), titles[0]+", says"))
		if len(f) == 0 {
			return ""
		}
		return f[len(f)-1] // NEW, else the age
	}
	if m, b := unread(maya), unread(bob); m != "1" || b != "1" {
		t.Fatalf("before anyone read: Maya's row ends %q, Bob's %q; want 1 unread each", m, b)
	}
	openFirst(maya)
	maya.press("\x1b") // esc: back to the queue
	maya.waitUntil("the queue, Maya's row read", 5*time.Second, func(txt string) bool {
		return countTitles(txt) == 3 && unread(maya) != "1"
	})
	// Maya then takes the thread (a, enter: herself): once Bob's screen
	// shows that, it has read everything after her read too.
	maya.press("a")
	maya.waitFor(5*time.Second, "Maya (me)")
	maya.press("\r")
	bob.waitUntil("the thread assigned to Maya", 5*time.Second, func(txt string) bool {
		return strings.Contains(lineWith(txt, titles[0]+", says"), " Maya ")
	})
	if b := unread(bob); b != "1" {
		t.Errorf("after Maya read the thread, Bob's row ends %q, want 1 unread", b)
	}
}
