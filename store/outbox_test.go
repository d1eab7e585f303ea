package store

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"parley/feeds"
)

// withTarget makes an item answerable on a two-way source.
func withTarget(id string) func(*feeds.Item) {
	return func(it *feeds.Item) {
		it.Target = feeds.Target{ID: id, Visibility: "unlisted", Mention: it.Author + "@example.social"}
	}
}

// byUs is how a two-way source flags the account parley posts as.
func byUs(it *feeds.Item) { it.Ours = true }

// twoWayThread stores a Mastodon-like thread from ann (two answerable
// messages) and returns its ID.
func twoWayThread(t *testing.T, s *Store) string {
	t.Helper()
	mustIngest(t, s, result("masto",
		item("m1", "ann", 1, withTarget("101"), text("Does the team plan include SSO?")),
		item("m2", "ann", 2, replyTo("m1"), withTarget("102"), text("Asking for 40 seats.")),
	), at(3))
	return threadOf(t, s, "m1")
}

func mustQueue(t *testing.T, s *Store, r Reply) OutboxEntry {
	t.Helper()
	e, err := s.QueueReply(r)
	if err != nil {
		t.Fatalf("QueueReply: %v", err)
	}
	checkIndexes(t, s)
	return e
}

func outboxOf(t *testing.T, s *Store, threadID string) []OutboxEntry {
	t.Helper()
	out, err := s.Outbox(threadID)
	mustNil(t, err)
	return out
}

func pendingKeys(t *testing.T, s *Store) []string {
	t.Helper()
	p, err := s.Pending()
	mustNil(t, err)
	keys := make([]string, len(p))
	for i, e := range p {
		keys[i] = e.Key
	}
	return keys
}

func TestQueueReplyPicksTheNewestOfTheirsWithATarget(t *testing.T) {
	tests := []struct {
		name       string
		items      []feeds.Item
		to         string // the author answered; "" leaves Reply.To empty
		wantTarget string // "" means ErrNoTarget
		wantFeed   string
		wantTo     string // the author the entry answers
		wantMsg    string // the message it answers
	}{
		{
			name: "newest of theirs, not ours, not one without a target",
			items: []feeds.Item{
				item("p", "ann", 1, withTarget("201")),
				item("q", "bob", 2, replyTo("p"), withTarget("202")),
				item("o", "parley", 3, replyTo("q"), withTarget("203"), byUs), // ours: never answered
				item("q2", "bob", 4, replyTo("o")),                            // from a read-only path: no target
				item("r", "cat", 5, replyTo("q")),
			},
			to:         "bob",
			wantTarget: "202",
			wantFeed:   "masto",
			wantTo:     "bob",
			wantMsg:    "q",
		},
		{
			// Nobody named: the person waiting longest (Ann: our reply
			// answered Bob), not the newest message (Cat's).
			name: "the waiting person's newest, when no one is named",
			items: []feeds.Item{
				item("p", "ann", 1, withTarget("201")),
				item("q", "bob", 2, replyTo("p"), withTarget("202")),
				item("o", "parley", 3, replyTo("q"), withTarget("203"), byUs),
				item("r", "cat", 4, replyTo("q"), withTarget("204")),
			},
			wantTarget: "201",
			wantFeed:   "masto",
			wantTo:     "ann",
			wantMsg:    "p",
		},
		{
			name: "ours by configured name is skipped too",
			items: []feeds.Item{
				item("p", "ann", 1, withTarget("301")),
				item("o", "us", 2, replyTo("p"), withTarget("302")),
			},
			wantTarget: "301",
			wantFeed:   "masto",
			wantTo:     "ann",
			wantMsg:    "p",
		},
		{
			name: "only our own message has a target",
			items: []feeds.Item{
				item("p", "ann", 1),
				item("o", "parley", 2, replyTo("p"), withTarget("401"), byUs),
			},
		},
		{
			name:  "read-only thread",
			items: []feeds.Item{item("p", "ann", 1)},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := openTest(t, "us")
			mustIngest(t, s, result("masto", tc.items...), at(5))
			tid := threadOf(t, s, "p")
			mustNil(t, s.SaveDraft(tid, "  draft text \n", at(6)))
			before := snapshotDB(t, s)
			thBefore := mustThread(t, s, tid)

			to := ""
			if tc.to != "" {
				to = contactID("masto", tc.to)
			}
			e, err := s.QueueReply(Reply{ThreadID: tid, Text: "  Yes, it does.\n", At: at(7), Via: "Mastodon", Who: "maya", To: to})
			if tc.wantTarget == "" {
				if !errors.Is(err, ErrNoTarget) {
					t.Fatalf("err = %v, want ErrNoTarget", err)
				}
				if after := snapshotDB(t, s); !slices.Equal(after, before) {
					t.Error("a refused QueueReply wrote to the database")
				}
				return
			}
			mustNil(t, err)
			checkIndexes(t, s)
			if e.Target.ID != tc.wantTarget || e.Feed != tc.wantFeed {
				t.Errorf("answers %q on %q, want %q on %q", e.Target.ID, e.Feed, tc.wantTarget, tc.wantFeed)
			}
			if len(e.Key) != 32 || strings.Trim(e.Key, "0123456789abcdef") != "" {
				t.Errorf("Key = %q, want 32 lowercase hex chars", e.Key)
			}
			want := OutboxEntry{Key: e.Key, ThreadID: tid, Feed: tc.wantFeed, Text: "  Yes, it does.\n", Via: "Mastodon",
				Who: "maya", Target: e.Target, State: OutboxQueued, Queued: at(7), Updated: at(7),
				To: contactID("masto", tc.wantTo), InReplyTo: tc.wantMsg}
			if e != want {
				t.Errorf("entry = %+v\nwant    %+v", e, want)
			}
			if got := outboxOf(t, s, tid); len(got) != 1 || got[0] != want {
				t.Errorf("Outbox = %+v, want the entry as returned", got)
			}
			if _, ok, _ := s.Draft(tid); ok {
				t.Error("the draft is still there: the outbox holds the text now")
			}
			// Queuing is not replying: the thread waits until it is sent.
			if th := mustThread(t, s, tid); th != thBefore {
				t.Errorf("thread after queuing = %+v\nwant unchanged %+v", th, thBefore)
			}
		})
	}
}

func TestQueueReplyRefusals(t *testing.T) {
	s := openTest(t)
	tid := twoWayThread(t, s)
	mustNil(t, s.SaveDraft(tid, "keep", at(4)))
	before := snapshotDB(t, s)
	tests := []struct {
		name string
		r    Reply
		is   error
	}{
		{"empty text", Reply{ThreadID: tid, Text: " \n\t"}, nil},
		{"no thread", Reply{Text: "hi"}, nil},
		{"unknown thread", Reply{ThreadID: "0000000000000000", Text: "hi"}, ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.QueueReply(tc.r)
			if err == nil || (tc.is != nil && !errors.Is(err, tc.is)) {
				t.Errorf("err = %v, want a refusal (%v)", err, tc.is)
			}
		})
	}
	if after := snapshotDB(t, s); !slices.Equal(after, before) {
		t.Error("a refused QueueReply wrote to the database")
	}
	e := mustQueue(t, s, Reply{ThreadID: tid, Text: "hi"})
	if e.Queued.IsZero() || time.Since(e.Queued) > time.Minute {
		t.Errorf("Queued = %v, want now for a zero At", e.Queued)
	}
}

// TestOutboxStateMachine applies each operation to an entry in each
// state. A refused operation changes nothing and returns the entry.
func TestOutboxStateMachine(t *testing.T) {
	type op int
	const (
		sending op = iota
		sent
		retry
		giveUp
	)
	do := func(s *Store, key string, o op) (OutboxEntry, error) {
		switch o {
		case sending:
			return s.MarkSending(key, at(20))
		case sent:
			return s.MarkSent(key, feeds.Posted{ItemID: "masto:999", URL: "https://example.social/@parley/999"}, at(20))
		case retry:
			return s.MarkFailed(key, Failure{Err: "503 Service Unavailable", Ambiguous: true, NextTry: at(25)}, at(20))
		default:
			return s.MarkFailed(key, Failure{Err: "422 topic closed", Permanent: true}, at(20))
		}
	}
	// Each start state is reached by these steps from queued.
	starts := map[string][]op{
		"queued":    nil,
		"sending":   {sending},
		"failed":    {sending, retry},
		"given up":  {sending, giveUp},
		"sent":      {sending, sent},
		"sent late": {sending, retry, sent}, // a Find after a failure
	}
	tests := []struct {
		from      string
		op        op
		done      bool // ErrOutboxDone, nothing written
		unchanged bool // no error, nothing written
		state     OutboxState
		attempts  int
		ambiguous bool
		permanent bool
	}{
		{from: "queued", op: sending, state: OutboxSending, attempts: 1},
		{from: "queued", op: sent, state: OutboxSent},
		{from: "queued", op: retry, state: OutboxFailed, ambiguous: true},
		{from: "queued", op: giveUp, state: OutboxFailed, permanent: true},
		// Still sending: the last attempt was cut off, it may have posted.
		{from: "sending", op: sending, state: OutboxSending, attempts: 2, ambiguous: true},
		{from: "sending", op: sent, state: OutboxSent, attempts: 1},
		{from: "sending", op: retry, state: OutboxFailed, attempts: 1, ambiguous: true},
		{from: "sending", op: giveUp, state: OutboxFailed, attempts: 1, permanent: true},
		// Ambiguous stays until the caller has looked (Find).
		{from: "failed", op: sending, state: OutboxSending, attempts: 2, ambiguous: true},
		{from: "failed", op: sent, state: OutboxSent, attempts: 1},
		{from: "failed", op: giveUp, state: OutboxFailed, attempts: 1, permanent: true},
		{from: "given up", op: sending, done: true},
		{from: "given up", op: sent, done: true},
		{from: "given up", op: retry, done: true},
		{from: "given up", op: giveUp, done: true}, // the text goes back to the draft once
		{from: "sent", op: sending, done: true},
		{from: "sent", op: sent, unchanged: true},
		{from: "sent", op: retry, done: true},
		{from: "sent", op: giveUp, done: true},
		{from: "sent late", op: sent, unchanged: true},
	}
	for _, tc := range tests {
		t.Run(tc.from+" "+[]string{"MarkSending", "MarkSent", "MarkFailed", "MarkFailed permanent"}[tc.op], func(t *testing.T) {
			s := openTest(t)
			tid := twoWayThread(t, s)
			e := mustQueue(t, s, Reply{ThreadID: tid, Text: "Yes, SSO is included.", At: at(10)})
			for _, o := range starts[tc.from] {
				_, err := do(s, e.Key, o)
				mustNil(t, err)
			}
			before := snapshotDB(t, s)
			stored := outboxEntry(t, s, e.Key)

			got, err := do(s, e.Key, tc.op)
			checkIndexes(t, s)
			switch {
			case tc.done || tc.unchanged:
				if tc.done != errors.Is(err, ErrOutboxDone) || (tc.unchanged && err != nil) {
					t.Fatalf("err = %v, want ErrOutboxDone: %v", err, tc.done)
				}
				if got != stored {
					t.Errorf("returned %+v\nwant the stored entry %+v", got, stored)
				}
				if after := snapshotDB(t, s); !slices.Equal(after, before) {
					t.Error("a refused or repeated operation wrote to the database")
				}
				return
			case err != nil:
				t.Fatalf("err = %v", err)
			}
			if got.State != tc.state || got.Attempts != tc.attempts || got.Ambiguous != tc.ambiguous ||
				got.Permanent != tc.permanent || !got.Updated.Equal(at(20)) {
				t.Errorf("entry = %+v\nwant state %s, attempts %d, ambiguous %v, permanent %v, updated %v",
					got, tc.state, tc.attempts, tc.ambiguous, tc.permanent, at(20))
			}
			if stored := outboxEntry(t, s, e.Key); stored != got {
				t.Errorf("stored %+v\nreturned %+v", stored, got)
			}
			if replies, _ := s.Replies(tid); (len(replies) == 1) != (tc.state == OutboxSent) || len(replies) > 1 {
				t.Errorf("%d reply records in state %s", len(replies), tc.state)
			}
		})
	}
}

// outboxEntry reads an entry whatever its state.
func outboxEntry(t *testing.T, s *Store, key string) OutboxEntry {
	t.Helper()
	var e OutboxEntry
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		e, err = loadOutbox(tx, key)
		return err
	})
	mustNil(t, err)
	return e
}

func TestMarkUnknownEntry(t *testing.T) {
	s := openTest(t)
	ops := map[string]func() (OutboxEntry, error){
		"MarkSending": func() (OutboxEntry, error) { return s.MarkSending("nope", at(1)) },
		"MarkSent":    func() (OutboxEntry, error) { return s.MarkSent("nope", feeds.Posted{ItemID: "x"}, at(1)) },
		"MarkFailed":  func() (OutboxEntry, error) { return s.MarkFailed("nope", Failure{Permanent: true}, at(1)) },
	}
	for name, f := range ops {
		if _, err := f(); !errors.Is(err, ErrNoEntry) {
			t.Errorf("%s: err = %v, want ErrNoEntry", name, err)
		}
	}
}

// MarkSent does to the thread what RecordReply does, except the draft.
func TestMarkSentAnswersTheThread(t *testing.T) {
	s := openTest(t)
	tid := twoWayThread(t, s)
	if q := queueIDs(t, s, at(5)); !slices.Equal(q, []string{tid}) {
		t.Fatalf("queue = %v, want the thread", q)
	}
	e := mustQueue(t, s, Reply{ThreadID: tid, Text: "Yes, SSO is included.", At: at(10), Via: "Mastodon", Who: "maya"})
	mustNil(t, s.SaveDraft(tid, "a second thought", at(11)))
	_, err := s.MarkSending(e.Key, at(12))
	mustNil(t, err)
	p := feeds.Posted{ItemID: "masto:555", URL: "https://example.social/@parley/555"}
	got, err := s.MarkSent(e.Key, p, at(13))
	mustNil(t, err)
	checkIndexes(t, s)
	if got.State != OutboxSent || got.RemoteID != p.ItemID || got.URL != p.URL || got.LastError != "" {
		t.Errorf("entry = %+v", got)
	}

	replies, err := s.Replies(tid)
	mustNil(t, err)
	want := Reply{ThreadID: tid, Text: "Yes, SSO is included.", At: at(13), Via: "Mastodon", Who: "maya",
		Key: e.Key, RemoteID: p.ItemID, URL: p.URL, To: contactID("masto", "ann"), InReplyTo: "m2"}
	if len(replies) != 1 || replies[0] != want {
		t.Errorf("Replies = %+v\nwant [%+v]", replies, want)
	}
	th := mustThread(t, s, tid)
	if !th.LastOurs.Equal(at(13)) || th.Unread != 0 || !th.WaitingSince.IsZero() {
		t.Errorf("thread after sending = %+v", th)
	}
	if q := queueIDs(t, s, at(20)); len(q) != 0 {
		t.Errorf("queue = %v, want empty after our reply", q)
	}
	if c, _ := s.Contact(contactID("masto", "ann")); c.Replies != 1 {
		t.Errorf("ann: Replies %d, want 1", c.Replies)
	}
	if d, ok, _ := s.Draft(tid); !ok || d.Text != "a second thought" {
		t.Errorf("draft = %+v, %v; a draft written after queuing must stay", d, ok)
	}
	if o := outboxOf(t, s, tid); len(o) != 0 {
		t.Errorf("Outbox = %+v, want no unsent entries", o)
	}
	if p := pendingKeys(t, s); len(p) != 0 {
		t.Errorf("Pending = %v, want nothing", p)
	}

	// Sending again is a no-op: still one reply.
	again, err := s.MarkSent(e.Key, feeds.Posted{ItemID: "masto:other"}, at(14))
	mustNil(t, err)
	if again != got {
		t.Errorf("second MarkSent = %+v\nwant unchanged %+v", again, got)
	}
	if replies, _ := s.Replies(tid); len(replies) != 1 {
		t.Errorf("%d replies after a second MarkSent, want 1", len(replies))
	}
	checkIndexes(t, s)

	// They answer: back in the queue.
	mustIngest(t, s, result("masto", item("m3", "ann", 40, replyTo("m2"), withTarget("103"))), at(41))
	if q := queueIDs(t, s, at(41)); !slices.Equal(q, []string{tid}) {
		t.Errorf("queue = %v, want the thread back", q)
	}
}

func TestPermanentFailurePutsTheTextBackInTheDraft(t *testing.T) {
	tests := []struct {
		name  string
		draft string // written after queuing; "" for none
		want  string
	}{
		{"no draft", "", "Yes, SSO is included."},
		{"a newer draft is kept after it", "And one more thing", "Yes, SSO is included.\n\nAnd one more thing"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := openTest(t)
			tid := twoWayThread(t, s)
			e := mustQueue(t, s, Reply{ThreadID: tid, Text: "Yes, SSO is included.", At: at(10)})
			if tc.draft != "" {
				mustNil(t, s.SaveDraft(tid, tc.draft, at(11)))
			}
			_, err := s.MarkSending(e.Key, at(12))
			mustNil(t, err)
			got, err := s.MarkFailed(e.Key, Failure{Err: "422: topic is closed", Permanent: true}, at(13))
			mustNil(t, err)
			checkIndexes(t, s)
			if got.State != OutboxFailed || !got.Permanent || got.LastError != "422: topic is closed" {
				t.Errorf("entry = %+v", got)
			}
			d, ok, err := s.Draft(tid)
			if err != nil || !ok || d.Text != tc.want || !d.Updated.Equal(at(13)) {
				t.Errorf("draft = %+v, %v, %v; want %q at %v", d, ok, err, tc.want, at(13))
			}
			if p := pendingKeys(t, s); len(p) != 0 {
				t.Errorf("Pending = %v, want a given-up entry left out", p)
			}
			if o := outboxOf(t, s, tid); len(o) != 1 || !o[0].Permanent {
				t.Errorf("Outbox = %+v, want the given-up entry (the thread view shows why)", o)
			}
			if th := mustThread(t, s, tid); !th.LastOurs.IsZero() {
				t.Errorf("LastOurs = %v: nothing was sent", th.LastOurs)
			}
		})
	}
}

func TestPendingOrderAndCrashMidSend(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parley.db")
	s, err := Open(path, Options{NoSync: true})
	mustNil(t, err)
	a := twoWayThread(t, s)
	mustIngest(t, s, result("masto", item("n1", "bob", 4, withTarget("201"))), at(5))
	b := threadOf(t, s, "n1")

	e3 := mustQueue(t, s, Reply{ThreadID: a, Text: "third", At: at(13)})
	e1 := mustQueue(t, s, Reply{ThreadID: b, Text: "first", At: at(11)})
	e2 := mustQueue(t, s, Reply{ThreadID: a, Text: "second", At: at(12)})
	sent := mustQueue(t, s, Reply{ThreadID: a, Text: "sent", At: at(10)})
	gone := mustQueue(t, s, Reply{ThreadID: b, Text: "given up", At: at(9)})
	_, err = s.MarkSent(sent.Key, feeds.Posted{ItemID: "masto:1"}, at(14))
	mustNil(t, err)
	_, err = s.MarkFailed(gone.Key, Failure{Permanent: true, Err: "401"}, at(14))
	mustNil(t, err)
	_, err = s.MarkSending(e2.Key, at(15)) // and then the process dies
	mustNil(t, err)

	if got, want := pendingKeys(t, s), []string{e1.Key, e2.Key, e3.Key}; !slices.Equal(got, want) {
		t.Errorf("Pending = %v\nwant      %v (oldest first; not sent, not given up)", got, want)
	}
	if o := outboxOf(t, s, a); len(o) != 2 || o[0].Key != e2.Key || o[1].Key != e3.Key {
		t.Errorf("Outbox(a) = %+v, want second, third", o)
	}
	if o := outboxOf(t, s, b); len(o) != 2 || o[0].Key != gone.Key || o[1].Key != e1.Key {
		t.Errorf("Outbox(b) = %+v, want given up, first", o)
	}
	mustNil(t, s.Close())

	s, err = Open(path, Options{NoSync: true})
	mustNil(t, err)
	defer s.Close()
	before := snapshotDB(t, s)
	p, err := s.Pending()
	mustNil(t, err)
	for _, e := range p {
		if want := e.Key == e2.Key; e.Ambiguous != want {
			t.Errorf("entry %q: Ambiguous %v, want %v (only the one cut off mid-send)", e.Text, e.Ambiguous, want)
		}
	}
	if after := snapshotDB(t, s); !slices.Equal(after, before) {
		t.Error("Pending wrote to the database")
	}
	e, err := s.MarkSending(e2.Key, at(30))
	mustNil(t, err)
	if !e.Ambiguous || e.Attempts != 2 {
		t.Errorf("MarkSending after the crash = %+v, want Ambiguous (look before sending) and attempt 2", e)
	}
	checkIndexes(t, s)
}

// The reply parley posted comes back in the next poll.
func TestIngestRecognisesPostedReply(t *testing.T) {
	tests := []struct {
		name string
		echo func(*feeds.Item)
	}{
		{"the source says it is ours", byUs},
		{"the source does not say", func(*feeds.Item) {}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := openTest(t)
			tid := twoWayThread(t, s)
			e := mustQueue(t, s, Reply{ThreadID: tid, Text: "Yes, SSO is included.", At: at(10), Via: "Mastodon"})
			_, err := s.MarkSending(e.Key, at(11))
			mustNil(t, err)
			_, err = s.MarkSent(e.Key, feeds.Posted{ItemID: "r1", URL: "https://example.social/@parley/r1"}, at(12))
			mustNil(t, err)
			before := mustThread(t, s, tid)

			res := mustIngest(t, s, result("masto",
				item("r1", "parley", 12, replyTo("m2"), text("@ann Yes, SSO is included."), tc.echo),
			), at(20))
			if res.New != 1 {
				t.Errorf("ingest = %+v, want the post stored", res)
			}
			msgs, err := s.Messages(tid)
			mustNil(t, err)
			if len(msgs) != 3 || !msgs[2].Ours || msgs[2].ReplyKey != e.Key {
				t.Fatalf("messages = %+v, want r1 stored as ours with ReplyKey %s", msgs, e.Key)
			}
			th := mustThread(t, s, tid)
			if th.Messages != before.Messages+1 || th.Author != "ann" || th.Unread != 0 {
				t.Errorf("thread = %+v, want one more message, nothing unread", th)
			}
			if q := queueIDs(t, s, at(30)); len(q) != 0 {
				t.Errorf("queue = %v: our own post must not queue the thread", q)
			}
			if c, _ := s.Contact(contactID("masto", "ann")); c.Replies != 1 {
				t.Errorf("ann: Replies %d, want 1 (the post is the reply already counted)", c.Replies)
			}
			if all, _ := s.Contacts(); len(all) != 1 {
				t.Errorf("contacts = %+v, want only ann", all)
			}
			if replies, _ := s.Replies(tid); len(replies) != 1 {
				t.Errorf("%d replies, want 1", len(replies))
			}
			if p := pendingKeys(t, s); len(p) != 0 {
				t.Errorf("Pending = %v", p)
			}
		})
	}
}

// A crash (or a lost response) after the post was made: the poll that
// fetches it back confirms the send.
func TestIngestConfirmsAnUnconfirmedSend(t *testing.T) {
	const sentText = "Yes,  SSO is\nincluded."
	tests := []struct {
		name      string
		steps     func(s *Store, key string) error
		echo      []func(*feeds.Item)
		ours      string // a configured name
		confirmed bool
	}{
		{
			name:      "sending when the process died",
			steps:     func(s *Store, key string) error { _, err := s.MarkSending(key, at(11)); return err },
			echo:      []func(*feeds.Item){byUs},
			confirmed: true,
		},
		{
			name: "failed, may have posted",
			steps: func(s *Store, key string) error {
				if _, err := s.MarkSending(key, at(11)); err != nil {
					return err
				}
				_, err := s.MarkFailed(key, Failure{Err: "timeout", Ambiguous: true, NextTry: at(40)}, at(12))
				return err
			},
			echo:      []func(*feeds.Item){byUs},
			confirmed: true,
		},
		{
			name:      "ours by configured name",
			steps:     func(s *Store, key string) error { _, err := s.MarkSending(key, at(11)); return err },
			ours:      "parley",
			confirmed: true,
		},
		{
			name:  "queued, never tried",
			steps: func(*Store, string) error { return nil },
			echo:  []func(*feeds.Item){byUs},
		},
		{
			name: "given up",
			steps: func(s *Store, key string) error {
				_, err := s.MarkFailed(key, Failure{Err: "422", Permanent: true}, at(12))
				return err
			},
			echo: []func(*feeds.Item){byUs},
		},
		{
			name:  "other words",
			steps: func(s *Store, key string) error { _, err := s.MarkSending(key, at(11)); return err },
			echo:  []func(*feeds.Item){byUs, text("@ann Yes, SSO is included!")},
		},
		{
			name:  "not ours",
			steps: func(s *Store, key string) error { _, err := s.MarkSending(key, at(11)); return err },
		},
		{
			name:  "posted before the reply was written",
			steps: func(s *Store, key string) error { _, err := s.MarkSending(key, at(11)); return err },
			echo:  []func(*feeds.Item){byUs, published(at(-60))},
		},
		{
			name:  "another feed",
			steps: func(s *Store, key string) error { _, err := s.MarkSending(key, at(11)); return err },
			echo:  []func(*feeds.Item){byUs, func(it *feeds.Item) { it.Feed = "masto-2" }},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := openTest(t, tc.ours)
			tid := twoWayThread(t, s)
			e := mustQueue(t, s, Reply{ThreadID: tid, Text: sentText, At: at(10), Via: "Mastodon", Who: "maya"})
			mustNil(t, tc.steps(s, e.Key))
			stored := outboxEntry(t, s, e.Key)

			opts := append([]func(*feeds.Item){replyTo("m2"), link("https://example.social/@parley/r1"),
				text("@ann@example.social Yes, SSO is included.")}, tc.echo...)
			mustIngest(t, s, result("masto",
				item("r1", "parley", 13, opts...),
				item("m3", "ann", 15, replyTo("r1"), withTarget("103"), text("Great, and the price?")),
			), at(30))

			got := outboxEntry(t, s, e.Key)
			msgs, _ := s.Messages(tid)
			var echo Message
			for _, m := range msgs {
				if m.ID == "r1" {
					echo = m
				}
			}
			replies, _ := s.Replies(tid)
			ann, _ := s.Contact(contactID("masto", "ann"))
			if !tc.confirmed {
				if got != stored {
					t.Errorf("entry changed:\n got %+v\nwant %+v", got, stored)
				}
				if echo.ReplyKey != "" || len(replies) != 0 {
					t.Errorf("r1 = %+v, %d replies; want a plain message", echo, len(replies))
				}
				return
			}
			if got.State != OutboxSent || got.RemoteID != "r1" || got.URL != "https://example.social/@parley/r1" ||
				got.Ambiguous || got.LastError != "" {
				t.Errorf("entry = %+v, want sent as r1", got)
			}
			if !echo.Ours || echo.ReplyKey != e.Key {
				t.Errorf("r1 = %+v, want ours with ReplyKey %s", echo, e.Key)
			}
			want := Reply{ThreadID: tid, Text: sentText, At: at(13), Via: "Mastodon", Who: "maya",
				Key: e.Key, RemoteID: "r1", URL: "https://example.social/@parley/r1", To: contactID("masto", "ann"), InReplyTo: "m2"}
			if len(replies) != 1 || replies[0] != want {
				t.Errorf("Replies = %+v\nwant [%+v]", replies, want)
			}
			if ann.Replies != 1 {
				t.Errorf("ann: Replies %d, want 1", ann.Replies)
			}
			// Dated by the post, so her answer after it still waits.
			th := mustThread(t, s, tid)
			if !th.LastOurs.Equal(at(13)) || !th.WaitingSince.Equal(at(15)) {
				t.Errorf("LastOurs %v, WaitingSince %v; want %v, %v", th.LastOurs, th.WaitingSince, at(13), at(15))
			}
			if p := pendingKeys(t, s); len(p) != 0 {
				t.Errorf("Pending = %v: the send is confirmed", p)
			}
			// The sender, back from its timeout, learns nothing new.
			if _, err := s.MarkFailed(e.Key, Failure{Err: "timeout"}, at(31)); !errors.Is(err, ErrOutboxDone) {
				t.Errorf("MarkFailed after confirmation: %v, want ErrOutboxDone", err)
			}
			if _, err := s.MarkSent(e.Key, feeds.Posted{ItemID: "r1"}, at(31)); err != nil {
				t.Errorf("MarkSent after confirmation: %v", err)
			}
			if replies, _ := s.Replies(tid); len(replies) != 1 {
				t.Errorf("%d replies, want 1", len(replies))
			}
			checkIndexes(t, s)
		})
	}
}

// The post is fetched before MarkSent, with words the text match misses:
// MarkSent makes it the reply's copy, so it is counted once.
func TestMarkSentAdoptsAPostFetchedFirst(t *testing.T) {
	s := openTest(t)
	tid := twoWayThread(t, s)
	e := mustQueue(t, s, Reply{ThreadID: tid, Text: "**Yes**", At: at(10)})
	_, err := s.MarkSending(e.Key, at(11))
	mustNil(t, err)
	mustIngest(t, s, result("masto", item("r1", "parley", 12, replyTo("m2"), byUs, text("Yes"))), at(12))
	if c, _ := s.Contact(contactID("masto", "ann")); c.Replies != 1 {
		t.Fatalf("ann: Replies %d before MarkSent, want 1 (our message)", c.Replies)
	}
	_, err = s.MarkSent(e.Key, feeds.Posted{ItemID: "r1"}, at(13))
	mustNil(t, err)
	checkIndexes(t, s)
	if c, _ := s.Contact(contactID("masto", "ann")); c.Replies != 1 {
		t.Errorf("ann: Replies %d, want 1: the post and its reply record are one reply", c.Replies)
	}
	msgs, _ := s.Messages(tid)
	if m := msgs[len(msgs)-1]; m.ID != "r1" || m.ReplyKey != e.Key {
		t.Errorf("last message = %+v, want r1 with ReplyKey", m)
	}
}

func TestMarkSentRefusesAPostOfAnotherReply(t *testing.T) {
	s := openTest(t)
	tid := twoWayThread(t, s)
	e1 := mustQueue(t, s, Reply{ThreadID: tid, Text: "Thanks!", At: at(10)})
	e2 := mustQueue(t, s, Reply{ThreadID: tid, Text: "Thanks!", At: at(11)})
	_, err := s.MarkSent(e1.Key, feeds.Posted{ItemID: "r1"}, at(12))
	mustNil(t, err)
	if _, err := s.MarkSent(e2.Key, feeds.Posted{ItemID: "r1"}, at(13)); err == nil {
		t.Error("two replies recorded as one post")
	}
	checkIndexes(t, s)
	if o := outboxOf(t, s, tid); len(o) != 1 || o[0].Key != e2.Key || o[0].State != OutboxQueued {
		t.Errorf("Outbox = %+v, want the second reply untouched", o)
	}
}

func TestMessageTargetRoundTrips(t *testing.T) {
	s := openTest(t)
	tg := feeds.Target{ID: "9001", Topic: "77", PostNumber: 4, Visibility: "private", Mention: "ann@example.social"}
	mustIngest(t, s, result("forum", item("p", "ann", 1, func(it *feeds.Item) { it.Target = tg })), at(2))
	msgs, err := s.Messages(threadOf(t, s, "p"))
	mustNil(t, err)
	if len(msgs) != 1 || msgs[0].Target != tg {
		t.Errorf("Messages = %+v, want Target %+v", msgs, tg)
	}
}

func TestNormaliseReply(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Thanks!", "Thanks!"},
		{"  Thanks,\n\n  that   helps ", "Thanks, that helps"},
		{"@ann Thanks!", "Thanks!"},
		{"@ann@example.social @bob Thanks @cat", "Thanks @cat"},
		{"@ Thanks", "@ Thanks"}, // a lone @ is not a mention
		{"@ann", ""},
	}
	for _, tc := range tests {
		if got := normaliseReply(tc.in); got != tc.want {
			t.Errorf("normaliseReply(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestAutosaveTypedBeforeQueueingDoesNotReviveTheDraft(t *testing.T) {
	s := openTest(t)
	id := twoWayThread(t, s)
	queued := at(10)
	typed := queued.Add(-time.Second)
	if err := s.SaveDraft(id, "Yes: File, Export, PDF.", typed); err != nil {
		t.Fatal(err)
	}
	if _, err := s.QueueReply(Reply{ThreadID: id, Text: "Yes: File, Export, PDF.", At: queued}); err != nil {
		t.Fatal(err)
	}
	// The autosave of the same text lands after the queue.
	if err := s.SaveDraft(id, "Yes: File, Export, PDF.", typed); err != nil {
		t.Fatal(err)
	}
	if d, ok, _ := s.Draft(id); ok {
		t.Errorf("draft %q came back after the reply went to the outbox", d.Text)
	}
	// Typing after the queue is a new draft.
	if err := s.SaveDraft(id, "One more thing", queued.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if d, ok, _ := s.Draft(id); !ok || d.Text != "One more thing" {
		t.Errorf("a draft typed after the queue was not kept: %q %v", d.Text, ok)
	}
}
