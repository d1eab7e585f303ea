package store

import (
	"slices"
	"strings"
	"testing"

	"parley/funnel"
)

// Tests here run the real funnel analyzer (Options.Funnel nil: the
// defaults) on clear-cut messages, end to end through Ingest.

func TestRealSignalsOnIngest(t *testing.T) {
	s := openTest(t, "us")
	mustIngest(t, s, result("blog",
		item("q", "ann", 1, text("How much is the team plan?")),
		item("r", "bob", 2, text("This is broken and I want a refund.")),
		item("h", "cat", 3, text("The export does not work for me.")),
		item("h-us", "us", 4, replyTo("h"), text("Try Settings, then Export.")),
		item("h2", "cat", 5, replyTo("h"), text("Thanks, that fixed it!")),
		item("p", "dee", 6, text("Posted a new photo of my garden.")),
	), at(10))
	q, r, h, p := threadOf(t, s, "q"), threadOf(t, s, "r"), threadOf(t, s, "h"), threadOf(t, s, "p")

	tq := mustThread(t, s, q)
	if tq.Stage != funnel.Intent || !tq.Intent || tq.Unhappy {
		t.Errorf("intent question: stage %s intent %v unhappy %v", tq.Stage, tq.Intent, tq.Unhappy)
	}
	hist, _ := s.StageHistory(q)
	if len(hist) != 1 || hist[0].From != funnel.New || hist[0].To != funnel.Intent || !hist[0].At.Equal(at(1)) ||
		!strings.Contains(strings.ToLower(hist[0].Cause), "intent") || hist[0].Manual {
		t.Errorf("intent history = %+v", hist)
	}

	tr := mustThread(t, s, r)
	if !tr.Unhappy || tr.Mood > funnel.UnhappyAt || tr.Stage != funnel.New {
		t.Errorf("complaint: unhappy %v mood %v stage %s", tr.Unhappy, tr.Mood, tr.Stage)
	}

	th := mustThread(t, s, h)
	if th.Stage != funnel.Trusting || th.Mood < funnel.PositiveAt {
		t.Errorf("thanks after our reply: stage %s mood %v, want trusting", th.Stage, th.Mood)
	}
	if hh, _ := s.StageHistory(h); len(hh) == 0 || hh[len(hh)-1].To != funnel.Trusting || !hh[len(hh)-1].At.Equal(at(5)) {
		t.Errorf("trusting history = %+v", hh)
	}
	if tp := mustThread(t, s, p); tp.Stage != funnel.New || tp.Unhappy {
		t.Errorf("plain note: stage %s unhappy %v", tp.Stage, tp.Unhappy)
	}

	// Unhappy, then intent, then the rest by waiting time (h left the
	// queue when we replied, and came back with their thanks at 5).
	if got, want := queueIDs(t, s, at(10)), []string{r, q, h, p}; !slices.Equal(got, want) {
		t.Errorf("queue = %v\nwant    %v", got, want)
	}

	// Re-ingest stores nothing new.
	before := snapshotDB(t, s)
	mustIngest(t, s, result("blog", item("q", "ann", 1, text("How much is the team plan?"))), at(10))
	after := snapshotDB(t, s)
	if len(after) != len(before) {
		t.Errorf("re-ingest changed the database: %d entries -> %d", len(before), len(after))
	}
}

func TestRealSignalsWonBack(t *testing.T) {
	s := openTest(t, "us")
	mustIngest(t, s, result("blog", item("r", "bob", 1, text("This is broken and I want a refund."))), at(2))
	tid := threadOf(t, s, "r")
	mustNil(t, s.RecordReply(Reply{ThreadID: tid, Text: "So sorry, we fixed it and refunded you.", At: at(3)}))
	mustIngest(t, s, result("blog", item("r2", "bob", 4, replyTo("r"), text("Thanks, that fixed it! Great support."))), at(5))
	th := mustThread(t, s, tid)
	if !th.WonBack || th.Unhappy || th.Stage < funnel.Engaged {
		t.Errorf("won back: WonBack %v Unhappy %v stage %s", th.WonBack, th.Unhappy, th.Stage)
	}
	r, _ := s.Funnel(at(60))
	if r.WonBack != 1 || r.WonBack30 != 1 {
		t.Errorf("Funnel won back = %d (%d in 30 days), want 1, 1", r.WonBack, r.WonBack30)
	}
}

func TestRealSignalsOnlyForwardAndManualBack(t *testing.T) {
	s := openTest(t, "us")
	mustIngest(t, s, result("blog", item("q", "ann", 1, text("How much is the team plan?"))), at(2))
	tid := threadOf(t, s, "q")
	// A friendly dialogue afterwards justifies engaged/trusting: below
	// intent, so nothing moves back.
	mustIngest(t, s, result("blog",
		item("q-us", "us", 3, replyTo("q"), text("It is 49 EUR a month.")),
		item("q2", "ann", 4, replyTo("q"), text("Thanks, that fixed it!"))), at(5))
	h, _ := s.StageHistory(tid)
	if th := mustThread(t, s, tid); th.Stage != funnel.Intent || len(h) != 1 {
		t.Fatalf("stage %s after a friendly answer, history %+v; want intent, one move", th.Stage, h)
	}

	_, err := s.SetStage(tid, "", funnel.New, "maya", at(10))
	mustNil(t, err)
	// A late copy of an old question (dated before the manual move) does
	// not promote it again, nor do the old messages.
	mustIngest(t, s, result("blog", item("q-late", "ann", 6, replyTo("q"), text("How much is the team plan?"))), at(20))
	if th := mustThread(t, s, tid); th.Stage != funnel.New {
		t.Fatalf("old signals re-promoted it to %s", th.Stage)
	}
	// A new question does.
	mustIngest(t, s, result("blog", item("q3", "ann", 30, replyTo("q"), text("Where can I buy the team plan?"))), at(31))
	h, _ = s.StageHistory(tid)
	var got []moveSummary
	for _, m := range h {
		got = append(got, moveSummary{m.From, m.To, m.At, m.Manual, m.Who})
	}
	want := []moveSummary{
		{From: funnel.New, To: funnel.Intent, At: at(1)},
		{From: funnel.Intent, To: funnel.New, At: at(10), Manual: true, Who: "maya"},
		{From: funnel.New, To: funnel.Intent, At: at(30)},
	}
	if !slices.Equal(got, want) {
		t.Errorf("history = %+v\nwant      %+v", got, want)
	}
	if c := h[2].Cause; !strings.Contains(strings.ToLower(c), "buy") {
		t.Errorf("cause %q does not quote the signal", c)
	}
}
