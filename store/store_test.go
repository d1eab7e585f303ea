package store

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
)

func TestOursTakesThreadOutOfQueue(t *testing.T) {
	tests := []struct {
		name      string
		ours      []string
		items     [][2]any // author, minutes
		queued    bool
		waitingAt int // minutes; -1 = zero
	}{
		{"only them", nil, [][2]any{{"ann", 1}, {"ann", 2}}, true, 1},
		{"we answered", []string{"us"}, [][2]any{{"ann", 1}, {"us", 2}}, false, -1},
		{"case and space insensitive", []string{" Support "}, [][2]any{{"ann", 1}, {"SUPPORT", 2}}, false, -1},
		{"they wrote again", []string{"us"}, [][2]any{{"ann", 1}, {"us", 2}, {"ann", 3}, {"ann", 4}}, true, 3},
		{"only us", []string{"us"}, [][2]any{{"us", 1}}, false, -1},
		{"same instant as our reply is not after it", []string{"us"}, [][2]any{{"ann", 1}, {"us", 2}, {"ann", 2}}, false, -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := openTest(t, tc.ours...)
			for i, a := range tc.items {
				id := string(rune('a' + i))
				it := item(id, a[0].(string), a[1].(int))
				if i > 0 {
					it.InReplyTo = "a"
				}
				mustIngest(t, s, result("blog", it), at(100+i))
			}
			tid := threadOf(t, s, "a")
			th := mustThread(t, s, tid)
			inQueue := slices.Contains(queueIDs(t, s, at(200)), tid)
			if inQueue != tc.queued {
				t.Errorf("in queue = %v, want %v (thread %+v)", inQueue, tc.queued, th)
			}
			want := time.Time{}
			if tc.waitingAt >= 0 {
				want = at(tc.waitingAt)
			}
			if !th.WaitingSince.Equal(want) {
				t.Errorf("WaitingSince = %v, want %v", th.WaitingSince, want)
			}
			msgs, _ := s.Messages(tid)
			for _, m := range msgs {
				if want := m.Author != "ann"; m.Ours != want {
					t.Errorf("message by %q: Ours = %v", m.Author, m.Ours)
				}
			}
		})
	}
}

func TestSetOursAppliesToLaterIngests(t *testing.T) {
	s := openTest(t)
	mustIngest(t, s, result("blog", item("a", "ann", 1)), at(10))
	s.SetOurs([]string{"us"})
	mustIngest(t, s, result("blog", item("b", "us", 2, replyTo("a"))), at(11))
	if q := queueIDs(t, s, at(20)); len(q) != 0 {
		t.Errorf("queue = %v, want empty after our reply", q)
	}
}

func TestQueueOrder(t *testing.T) {
	s := openTest(t, "us")
	// Thread "old" started earliest but we answered; they wrote again at 50.
	// Thread "mid" has waited since 20 even though its latest is at 90.
	// Thread "new" waits since 30. "tie1"/"tie2" wait since the same time.
	mustIngest(t, s, result("blog",
		item("old", "ann", 10),
		item("old-us", "us", 11, replyTo("old")),
		item("old-2", "ann", 50, replyTo("old")),
		item("mid", "bob", 20),
		item("mid-2", "bob", 90, replyTo("mid")),
		item("new", "cat", 30),
		item("tie1", "dee", 40),
		item("tie2", "eve", 40),
	), at(100))
	tie := []string{threadOf(t, s, "tie1"), threadOf(t, s, "tie2")}
	slices.Sort(tie)
	want := []string{threadOf(t, s, "mid"), threadOf(t, s, "new"), tie[0], tie[1], threadOf(t, s, "old")}
	if got := queueIDs(t, s, at(100)); !slices.Equal(got, want) {
		t.Errorf("queue = %v\nwant    %v", got, want)
	}
	q, _ := s.Queue(at(100))
	for i := 1; i < len(q); i++ {
		if q[i].WaitingSince.Before(q[i-1].WaitingSince) {
			t.Errorf("queue not longest-waiting first at %d: %v after %v", i, q[i].WaitingSince, q[i-1].WaitingSince)
		}
	}
}

func TestDoneSnoozeWake(t *testing.T) {
	s := openTest(t)
	mustIngest(t, s, result("blog", item("a", "ann", 1), item("b", "bob", 2)), at(10))
	a, b := threadOf(t, s, "a"), threadOf(t, s, "b")
	now := at(10)
	step := func(name string, err error, wantQueue ...string) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checkIndexes(t, s)
		if got := queueIDs(t, s, now); !slices.Equal(got, wantQueue) {
			t.Errorf("%s: queue = %v, want %v", name, got, wantQueue)
		}
	}
	step("start", nil, a, b)
	step("done", s.SetDone(a, true), b)
	if th := mustThread(t, s, a); !th.Done {
		t.Error("Done not stored")
	}
	step("undone", s.SetDone(a, false), a, b)
	step("done again", s.SetDone(a, true), b)
	mustIngest(t, s, result("blog", item("a2", "ann", 5, replyTo("a"))), now)
	step("new message clears done", nil, a, b)

	step("snooze", s.Snooze(b, at(60)), a)
	if got := queueIDs(t, s, at(61)); !slices.Equal(got, []string{a, b}) {
		t.Errorf("after snooze expiry, before wake: queue = %v, want %v", got, []string{a, b})
	}
	n, err := s.WakeSnoozed(at(59))
	step("wake too early", err, a)
	if n != 0 {
		t.Errorf("WakeSnoozed before expiry woke %d", n)
	}
	n, err = s.WakeSnoozed(at(60))
	step("wake at expiry", err, a, b)
	if n != 1 {
		t.Errorf("WakeSnoozed woke %d, want 1", n)
	}
	if th := mustThread(t, s, b); !th.SnoozedUntil.IsZero() {
		t.Errorf("SnoozedUntil after wake = %v", th.SnoozedUntil)
	}

	step("snooze again", s.Snooze(b, at(500)), a)
	step("unsnooze with zero time", s.Snooze(b, time.Time{}), a, b)
	step("snooze done thread", s.SetDone(a, true), b)
	step("", s.Snooze(a, at(60)), b)
	n, err = s.WakeSnoozed(at(70))
	step("woken but still done", err, b)
	if n != 1 {
		t.Errorf("WakeSnoozed woke %d, want 1", n)
	}
	step("snooze b", s.Snooze(b, at(500)))
	mustIngest(t, s, result("blog", item("b2", "bob", 6, replyTo("b"))), now)
	step("new message clears snooze", nil, b)
}

func TestDrafts(t *testing.T) {
	tests := []struct {
		name   string
		saves  []string
		want   string
		exists bool
	}{
		{"plain", []string{"thanks!"}, "thanks!", true},
		{"unicode", []string{"Merci 🙏 — ça marche. 日本語も"}, "Merci 🙏 — ça marche. 日本語も", true},
		{"multi-line kept exactly", []string{"Hi Ann,\n\n  indented\r\nbye\n"}, "Hi Ann,\n\n  indented\r\nbye\n", true},
		{"overwrite", []string{"first", "second"}, "second", true},
		{"empty deletes", []string{"something", ""}, "", false},
		{"whitespace deletes", []string{"something", " \n\t "}, "", false},
		{"never saved", nil, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := openTest(t)
			const tid = "0123456789abcdef"
			for i, text := range tc.saves {
				if err := s.SaveDraft(tid, text, at(i)); err != nil {
					t.Fatalf("SaveDraft: %v", err)
				}
			}
			d, ok, err := s.Draft(tid)
			if err != nil {
				t.Fatalf("Draft: %v", err)
			}
			if ok != tc.exists || d.Text != tc.want {
				t.Errorf("Draft = %q, %v; want %q, %v", d.Text, ok, tc.want, tc.exists)
			}
			all, err := s.Drafts()
			if err != nil {
				t.Fatalf("Drafts: %v", err)
			}
			if tc.exists {
				want := Draft{ThreadID: tid, Text: tc.want, Updated: at(len(tc.saves) - 1)}
				if len(all) != 1 || all[0] != want || d != want {
					t.Errorf("Drafts = %+v, Draft = %+v; want [%+v]", all, d, want)
				}
			} else if len(all) != 0 {
				t.Errorf("Drafts = %+v, want none", all)
			}
		})
	}
}

func TestRecordReply(t *testing.T) {
	s := openTest(t)
	mustIngest(t, s, result("blog", item("a", "ann", 1), item("a2", "ann", 2, replyTo("a"))), at(10))
	tid := threadOf(t, s, "a")
	if err := s.SaveDraft(tid, "on it", at(11)); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordReply(Reply{ThreadID: tid, Text: "on it", At: at(12), Via: "clipboard"}); err != nil {
		t.Fatalf("RecordReply: %v", err)
	}
	checkIndexes(t, s)
	if q := queueIDs(t, s, at(13)); len(q) != 0 {
		t.Errorf("queue after reply = %v, want empty", q)
	}
	if _, ok, _ := s.Draft(tid); ok {
		t.Error("draft survived RecordReply")
	}
	th := mustThread(t, s, tid)
	if !th.LastOurs.Equal(at(12)) || !th.WaitingSince.IsZero() || th.Unread != 0 {
		t.Errorf("after reply: LastOurs %v WaitingSince %v Unread %d; want %v, zero, 0",
			th.LastOurs, th.WaitingSince, th.Unread, at(12))
	}

	// An older reply (e.g. recorded late) must not move LastOurs back.
	if err := s.RecordReply(Reply{ThreadID: tid, Text: "earlier", At: at(5)}); err != nil {
		t.Fatal(err)
	}
	if th := mustThread(t, s, tid); !th.LastOurs.Equal(at(12)) {
		t.Errorf("LastOurs = %v after older reply, want %v", th.LastOurs, at(12))
	}
	replies, err := s.Replies(tid)
	if err != nil || len(replies) != 2 || replies[0].Text != "earlier" || replies[1].Via != "clipboard" {
		t.Errorf("Replies = %+v, %v; want oldest first", replies, err)
	}

	mustIngest(t, s, result("blog", item("a3", "ann", 20, replyTo("a"))), at(21))
	if q := queueIDs(t, s, at(21)); !slices.Equal(q, []string{tid}) {
		t.Errorf("queue after their new message = %v, want [%s]", q, tid)
	}
	if th := mustThread(t, s, tid); !th.WaitingSince.Equal(at(20)) || th.Unread != 1 {
		t.Errorf("WaitingSince %v Unread %d, want %v, 1", th.WaitingSince, th.Unread, at(20))
	}

	// They wrote (at 30) while we typed; our reply stamped 25 leaves it waiting from 30.
	mustIngest(t, s, result("blog", item("a4", "ann", 30, replyTo("a"))), at(31))
	if err := s.RecordReply(Reply{ThreadID: tid, Text: "x", At: at(25)}); err != nil {
		t.Fatal(err)
	}
	checkIndexes(t, s)
	if th := mustThread(t, s, tid); !th.WaitingSince.Equal(at(30)) || !th.NeedsAttention(at(40)) {
		t.Errorf("WaitingSince %v, want %v and still queued", th.WaitingSince, at(30))
	}
}

func TestNotFound(t *testing.T) {
	s := openTest(t)
	const id = "ffffffffffffffff"
	calls := map[string]func() error{
		"Thread":      func() error { _, err := s.Thread(id); return err },
		"Messages":    func() error { _, err := s.Messages(id); return err },
		"Replies":     func() error { _, err := s.Replies(id); return err },
		"MarkRead":    func() error { return s.MarkRead(id) },
		"SetDone":     func() error { return s.SetDone(id, true) },
		"Snooze":      func() error { return s.Snooze(id, at(1)) },
		"RecordReply": func() error { return s.RecordReply(Reply{ThreadID: id, Text: "x", At: at(1)}) },
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s on a missing thread: %v, want ErrNotFound", name, err)
		}
	}
}

func TestReopenKeepsEverything(t *testing.T) {
	path := t.TempDir() + "/parley.db"
	s, err := Open(path, Options{NoSync: true, Ours: []string{"us"}})
	if err != nil {
		t.Fatal(err)
	}
	res := result("blog", item("a", "ann", 1), item("b", "bob", 2), item("c", "us", 3, replyTo("b")))
	res.State.ETag = `"e1"`
	mustIngest(t, s, res, at(10))
	a, b := threadOf(t, s, "a"), threadOf(t, s, "b")
	mustNil(t, s.SaveDraft(a, "draft ✍️\nline 2", at(11)))
	mustNil(t, s.RecordReply(Reply{ThreadID: b, Text: "done", At: at(12), Via: "clipboard"}))
	mustNil(t, s.Snooze(a, at(100)))

	type snapshot struct {
		threads []Thread
		queue   []Thread
		msgs    []Message
		replies []Reply
		drafts  []Draft
		feeds   []FeedState
	}
	take := func(s *Store) snapshot {
		var sn snapshot
		for _, id := range []string{a, b} {
			sn.threads = append(sn.threads, mustThread(t, s, id))
			m, err := s.Messages(id)
			mustNil(t, err)
			sn.msgs = append(sn.msgs, m...)
		}
		var err error
		sn.queue, err = s.Queue(at(200))
		mustNil(t, err)
		sn.replies, err = s.Replies(b)
		mustNil(t, err)
		sn.drafts, err = s.Drafts()
		mustNil(t, err)
		sn.feeds, err = s.FeedStates()
		mustNil(t, err)
		return sn
	}
	before := take(s)
	mustNil(t, s.Close())

	s2, err := Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s2.Close()
	after := take(s2)
	checkIndexes(t, s2)
	for _, c := range []struct {
		name string
		eq   bool
	}{
		{"threads", slices.Equal(before.threads, after.threads)},
		{"queue", slices.Equal(before.queue, after.queue)},
		{"messages", slices.Equal(before.msgs, after.msgs)},
		{"replies", slices.Equal(before.replies, after.replies)},
		{"drafts", slices.Equal(before.drafts, after.drafts)},
		{"feeds", slices.Equal(before.feeds, after.feeds)},
	} {
		if !c.eq {
			t.Errorf("%s differ after reopen", c.name)
		}
	}
	if len(before.queue) != 1 || len(before.replies) != 1 || len(before.drafts) != 1 || len(before.msgs) != 3 {
		t.Errorf("snapshot too small to prove anything: %+v", before)
	}
	if cs := s2.ConditionalState("blog"); cs.ETag != `"e1"` {
		t.Errorf("ETag after reopen = %q", cs.ETag)
	}
}

func mustNil(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestConcurrentUse runs the UI's reads and draft saves against ingests
// and SetOurs; under -race it proves the Store needs no outside locking.
func TestConcurrentUse(t *testing.T) {
	s := openTest(t, "us")
	const rounds = 30
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range rounds {
			id := fmt.Sprintf("m%d", i)
			if _, err := s.Ingest(result("blog", item(id, "ann", i)), at(i)); err != nil {
				t.Error(err)
				return
			}
		}
	})
	wg.Go(func() {
		for i := range rounds {
			s.SetOurs([]string{"us", fmt.Sprint(i)})
			if _, err := s.Queue(at(i)); err != nil {
				t.Error(err)
				return
			}
		}
	})
	wg.Go(func() {
		for i := range rounds {
			if err := s.SaveDraft("0123456789abcdef", fmt.Sprint("draft ", i), at(i)); err != nil {
				t.Error(err)
				return
			}
		}
	})
	wg.Wait()
	checkIndexes(t, s)
	if n, err := s.QueueLen(at(rounds)); err != nil || n != rounds {
		t.Errorf("QueueLen = %d, %v; want %d", n, err, rounds)
	}
	if d, ok, _ := s.Draft("0123456789abcdef"); !ok || d.Text != fmt.Sprint("draft ", rounds-1) {
		t.Errorf("last draft = %q, %v", d.Text, ok)
	}
}

// An autosave typed before a send can land after it (both are commands on
// other goroutines); it must not bring the sent text back as a draft.
func TestStaleDraftSaveAfterReplyIgnored(t *testing.T) {
	s := openTest(t)
	mustIngest(t, s, result("blog", item("a", "ann", 1)), at(10))
	tid := threadOf(t, s, "a")
	if err := s.RecordReply(Reply{ThreadID: tid, Text: "on it", At: at(12)}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveDraft(tid, "on it", at(11)); err != nil {
		t.Fatal(err)
	}
	if d, ok, _ := s.Draft(tid); ok {
		t.Errorf("stale save resurrected the draft %q", d.Text)
	}
	// A draft typed after the reply is a new draft and is kept.
	if err := s.SaveDraft(tid, "follow-up", at(13)); err != nil {
		t.Fatal(err)
	}
	if d, ok, _ := s.Draft(tid); !ok || d.Text != "follow-up" {
		t.Errorf("new draft after reply = %q, %v", d.Text, ok)
	}
}

// A thread's Link is its Author's latest comment (it goes with Preview);
// each person's is in their conversation and, for the queue row's
// person, in Waiter.Link.
func TestThreadLinkIsTheirLatest(t *testing.T) {
	s := openTest(t)
	mustIngest(t, s, result("blog",
		item("a", "ann", 1, link("https://b.example/post/#comment-1")),
		item("b", "bob", 2, link("https://b.example/post/#comment-2")),
		item("c", "ann", 3, link("https://b.example/post/#comment-3"))), at(10))
	th := mustThread(t, s, threadOf(t, s, "a"))
	if th.Link != "https://b.example/post/#comment-3" {
		t.Errorf("Link = %q, want Ann's latest comment's link", th.Link)
	}
	if th.Waiter.Name != "ann" || th.Waiter.Link != "https://b.example/post/#comment-3" {
		t.Errorf("Waiter = %+v, want Ann (waiting longest) with her latest link", th.Waiter)
	}
	if c, _ := s.Conversation(th.ID, contactID("blog", "bob")); c.Link != "https://b.example/post/#comment-2" {
		t.Errorf("Bob's link = %q, want his comment's", c.Link)
	}
}
