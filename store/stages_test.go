package store

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"parley/funnel"
)

// moveSummary is a StageMove without the cause text, for comparisons.
type moveSummary struct {
	From, To funnel.Stage
	At       time.Time
	Manual   bool
	Who      string
}

func history(t testing.TB, s *Store, tid string) ([]moveSummary, []StageMove) {
	t.Helper()
	h, err := s.StageHistory(tid)
	if err != nil {
		t.Fatalf("StageHistory: %v", err)
	}
	out := make([]moveSummary, len(h))
	for i, m := range h {
		if m.ThreadID != tid {
			t.Errorf("move %d has ThreadID %q, want %q", i, m.ThreadID, tid)
		}
		out[i] = moveSummary{m.From, m.To, m.At, m.Manual, m.Who}
	}
	return out, h
}

func TestSignalsMoveForwardWithHistory(t *testing.T) {
	s := openFake(t, "us")
	res := result("blog",
		item("a", "ann", 1, text("Hi, a question.")),
		item("a-us", "us", 2, replyTo("a"), text("Sure, ask away.")),
		item("a2", "ann", 3, replyTo("a"), text("Thanks, #good stuff!")),
	)
	mustIngest(t, s, res, at(10))
	tid := threadOf(t, s, "a")
	got, raw := history(t, s, tid)
	want := []moveSummary{
		{From: funnel.New, To: funnel.Engaged, At: at(3)},
		{From: funnel.Engaged, To: funnel.Trusting, At: at(3)},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("history = %+v\nwant      %+v", got, want)
	}
	if raw[0].Cause != "dialogue (msg 3)" || raw[1].Cause != "positive (msg 3)" {
		t.Errorf("causes = %q, %q; want the analyzer's", raw[0].Cause, raw[1].Cause)
	}
	th := mustThread(t, s, tid)
	if th.Stage != funnel.Trusting || !th.StageAt.Equal(at(3)) || th.Mood != 0.6 || th.Unhappy || th.Intent {
		t.Errorf("thread = stage %s at %v mood %v unhappy %v intent %v", th.Stage, th.StageAt, th.Mood, th.Unhappy, th.Intent)
	}

	// Re-ingesting the same items stores no new moves.
	mustIngest(t, s, res, at(20))
	if again, _ := history(t, s, tid); !slices.Equal(again, want) {
		t.Errorf("history after re-ingest = %+v, want unchanged", again)
	}

	// A buying signal moves it on; a later plain dialogue does not move it back.
	mustIngest(t, s, result("blog", item("a3", "ann", 4, replyTo("a"), text("What is the price? #intent"))), at(30))
	mustIngest(t, s, result("blog",
		item("a-us2", "us", 5, replyTo("a"), text("49 EUR.")),
		item("a4", "ann", 6, replyTo("a"), text("Hmm."))), at(40))
	got, raw = history(t, s, tid)
	want = append(want, moveSummary{From: funnel.Trusting, To: funnel.Intent, At: at(4)})
	if !slices.Equal(got, want) {
		t.Fatalf("history = %+v\nwant      %+v", got, want)
	}
	if !strings.HasPrefix(raw[2].Cause, "intent") {
		t.Errorf("cause = %q", raw[2].Cause)
	}
	if th := mustThread(t, s, tid); th.Stage != funnel.Intent || !th.Intent || th.Mood != 0 {
		t.Errorf("thread = stage %s intent %v mood %v; want intent, true, 0", th.Stage, th.Intent, th.Mood)
	}
}

func TestMoveTimesClampedToNow(t *testing.T) {
	s := openFake(t)
	// The source's clock is an hour ahead of ours.
	mustIngest(t, s, result("blog", item("a", "ann", 70, text("#intent"))), at(10))
	tid := threadOf(t, s, "a")
	got, _ := history(t, s, tid)
	if len(got) != 1 || !got[0].At.Equal(at(10)) {
		t.Errorf("history = %+v, want one move at now (%v)", got, at(10))
	}
	if th := mustThread(t, s, tid); !th.StageAt.Equal(at(10)) {
		t.Errorf("StageAt = %v, want %v", th.StageAt, at(10))
	}
}

func TestManualMoveBackThenOnlyNewSignals(t *testing.T) {
	s := openFake(t, "us")
	mustIngest(t, s, result("blog", item("a", "ann", 1, text("Pricing? #intent"))), at(2))
	tid := threadOf(t, s, "a")

	m, err := s.SetStage(tid, "", funnel.New, "maya", at(10))
	if err != nil {
		t.Fatalf("SetStage: %v", err)
	}
	want := StageMove{ThreadID: tid, Contact: contactID("blog", "ann"), At: at(10), From: funnel.Intent, To: funnel.New, Cause: "manual", Manual: true, Who: "maya"}
	if m != want {
		t.Errorf("SetStage = %+v\nwant       %+v", m, want)
	}
	checkIndexes(t, s)
	th := mustThread(t, s, tid)
	if th.Stage != funnel.New || th.Intent || !th.StageAt.Equal(at(10)) {
		t.Errorf("after manual move: stage %s intent %v at %v", th.Stage, th.Intent, th.StageAt)
	}

	// Old signals, and a late message from before the manual move, do
	// not promote it again.
	mustIngest(t, s, result("blog", item("a-late", "ann", 5, replyTo("a"), text("#intent"))), at(20))
	if th := mustThread(t, s, tid); th.Stage != funnel.New {
		t.Errorf("a signal from before the manual move promoted it to %s", th.Stage)
	}
	// A new one does.
	mustIngest(t, s, result("blog", item("a-new", "ann", 30, replyTo("a"), text("Can I buy it? #intent"))), at(31))
	got, _ := history(t, s, tid)
	wantH := []moveSummary{
		{From: funnel.New, To: funnel.Intent, At: at(1)},
		{From: funnel.Intent, To: funnel.New, At: at(10), Manual: true, Who: "maya"},
		{From: funnel.New, To: funnel.Intent, At: at(30)},
	}
	if !slices.Equal(got, wantH) {
		t.Errorf("history = %+v\nwant      %+v", got, wantH)
	}

	// Forward by hand too, past anything signals would do.
	if _, err := s.SetStage(tid, "", funnel.Advocate, "maya", at(40)); err != nil {
		t.Fatal(err)
	}
	mustIngest(t, s, result("blog", item("a-5", "ann", 50, replyTo("a"), text("#intent"))), at(51))
	if th := mustThread(t, s, tid); th.Stage != funnel.Advocate {
		t.Errorf("stage = %s, want advocate kept", th.Stage)
	}
}

func TestSetStageErrors(t *testing.T) {
	s := openFake(t)
	mustIngest(t, s, result("blog", item("a", "ann", 1)), at(2))
	tid := threadOf(t, s, "a")
	_, err := s.SetStage(tid, "", funnel.New, "maya", at(3))
	if !errors.Is(err, ErrSameStage) || !strings.Contains(err.Error(), "already at stage new") {
		t.Errorf("same stage: err = %v, want ErrSameStage saying so", err)
	}
	if _, err := s.SetStage(tid, "", funnel.Stage(9), "maya", at(3)); err == nil {
		t.Error("invalid stage accepted")
	}
	if _, err := s.SetStage("ffffffffffffffff", "", funnel.Intent, "maya", at(3)); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing thread: err = %v, want ErrNotFound", err)
	}
	if _, err := s.StageHistory("ffffffffffffffff"); !errors.Is(err, ErrNotFound) {
		t.Errorf("StageHistory of a missing thread: err = %v, want ErrNotFound", err)
	}
	if h, _ := history(t, s, tid); len(h) != 0 {
		t.Errorf("failed moves were recorded: %+v", h)
	}
}

func TestRecordReplyRecomputesFunnel(t *testing.T) {
	s := openFake(t)
	mustIngest(t, s, result("blog",
		item("a", "ann", 1, text("This is #bad.")),
		item("b", "bob", 1, text("Hello.")),
		item("b2", "bob", 3, replyTo("b"), text("Anyone?")),
	), at(5))
	a, b := threadOf(t, s, "a"), threadOf(t, s, "b")
	if th := mustThread(t, s, a); !th.Unhappy || th.Mood != -0.6 {
		t.Fatalf("thread a: unhappy %v mood %v, want unhappy", th.Unhappy, th.Mood)
	}

	// A reply recorded late, dated before bob's second message, makes
	// that message an answer: a dialogue.
	mustNil(t, s.RecordReply(Reply{ThreadID: b, Text: "Hi Bob", At: at(2)}))
	checkIndexes(t, s)
	if th := mustThread(t, s, b); th.Stage != funnel.Engaged || !th.StageAt.Equal(at(3)) {
		t.Errorf("thread b: stage %s at %v, want engaged at %v", th.Stage, th.StageAt, at(3))
	}

	// Unhappy, answered, then happy: won back, and it stays won back.
	mustNil(t, s.RecordReply(Reply{ThreadID: a, Text: "Sorry! Fixed.", At: at(6)}))
	mustIngest(t, s, result("blog", item("a2", "ann", 7, replyTo("a"), text("Now it is #good, thanks"))), at(8))
	th := mustThread(t, s, a)
	if !th.WonBack || th.Unhappy || th.Stage != funnel.Trusting {
		t.Errorf("thread a: wonBack %v unhappy %v stage %s; want won back, trusting", th.WonBack, th.Unhappy, th.Stage)
	}
	mustIngest(t, s, result("blog", item("a3", "ann", 9, replyTo("a"), text("#bad again"))), at(10))
	if th := mustThread(t, s, a); !th.WonBack || !th.Unhappy {
		t.Errorf("thread a: wonBack %v unhappy %v; want both (won back is sticky)", th.WonBack, th.Unhappy)
	}
}

func TestQueueOrderUnhappyIntentWaiting(t *testing.T) {
	s := openFake(t, "us")
	mustIngest(t, s, result("blog",
		item("p1", "pat", 1, text("A plain note.")),
		item("i1", "ivy", 2, text("#intent")),
		item("u1", "uma", 3, text("#bad")),
		item("i2", "ian", 4, text("#intent")),
		item("u2", "ugo", 5, text("#bad")),
		item("p0", "pam", 0, text("Older plain note.")),
	), at(10))
	id := func(m string) string { return threadOf(t, s, m) }
	want := []string{id("u1"), id("u2"), id("i1"), id("i2"), id("p0"), id("p1")}
	if got := queueIDs(t, s, at(10)); !slices.Equal(got, want) {
		t.Errorf("queue = %v\nwant    %v", got, want)
	}

	// A manual move out of intent re-ranks the thread; so does a new mood.
	_, err := s.SetStage(id("i1"), "", funnel.Engaged, "maya", at(11))
	mustNil(t, err)
	mustIngest(t, s, result("blog", item("u1b", "uma", 12, replyTo("u1"), text("ok then"))), at(12))
	want = []string{id("u2"), id("i2"), id("p0"), id("p1"), id("i1"), id("u1")}
	if got := queueIDs(t, s, at(12)); !slices.Equal(got, want) {
		t.Errorf("queue after changes = %v\nwant                %v", got, want)
	}

	// A snoozed unhappy thread whose snooze ran out comes back first.
	mustNil(t, s.Snooze(id("u2"), at(20)))
	want = []string{id("i2"), id("p0"), id("p1"), id("i1"), id("u1")}
	if got := queueIDs(t, s, at(15)); !slices.Equal(got, want) {
		t.Errorf("queue while snoozed = %v\nwant                %v", got, want)
	}
	want = append([]string{id("u2")}, want...)
	if got := queueIDs(t, s, at(25)); !slices.Equal(got, want) {
		t.Errorf("queue after snooze = %v\nwant                %v", got, want)
	}
}

func TestThreadsInStage(t *testing.T) {
	s := openFake(t)
	mustIngest(t, s, result("blog",
		item("a", "ann", 1, text("#intent")),
		item("b", "bob", 3, text("#intent")),
		item("c", "cat", 2, text("#intent")),
		item("d", "dee", 4, text("plain")),
		item("e", "eve", 5, text("#advocate")),
	), at(10))
	id := func(m string) string { return threadOf(t, s, m) }
	tests := []struct {
		st   funnel.Stage
		want []string
	}{
		{funnel.Intent, []string{id("b"), id("c"), id("a")}},
		{funnel.New, []string{id("d")}},
		{funnel.Advocate, []string{id("e")}}, // the last stage: the end of the index
		{funnel.Converted, nil},
	}
	for _, tc := range tests {
		got, err := s.ThreadsInStage(tc.st)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, th := range got {
			if th.Stage != tc.st {
				t.Errorf("%s: thread %s is at %s", tc.st, th.ID, th.Stage)
			}
			ids = append(ids, th.ID)
		}
		if !slices.Equal(ids, tc.want) {
			t.Errorf("ThreadsInStage(%s) = %v, want %v", tc.st, ids, tc.want)
		}
	}
	// Moving one by hand makes it the most recently moved.
	_, err := s.SetStage(id("a"), "", funnel.Intent-1, "maya", at(20))
	mustNil(t, err)
	_, err = s.SetStage(id("a"), "", funnel.Intent, "maya", at(21))
	mustNil(t, err)
	got, _ := s.ThreadsInStage(funnel.Intent)
	if len(got) != 3 || got[0].ID != id("a") {
		t.Errorf("after moving a: first = %v, want a", got)
	}
}
