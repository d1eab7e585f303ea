package ui

import (
	"path/filepath"
	"testing"
	"time"

	"parley/feeds"
	"parley/funnel"
	"parley/store"
)

// View 2 and 3 show the cause of each conversation's newest move, from
// the conversation itself: after a signal and after a manual move.
func TestListedCauseIsTheNewestMoves(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "parley.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Ingest(feeds.Result{Feed: "Forum", Items: []feeds.Item{{ID: "s1", Feed: "Forum", Author: "Ann",
		Title: "Team plan", Text: "How much is the team plan for 12 people?", Published: testNow.Add(-time.Hour)}}}, testNow); err != nil {
		t.Fatal(err)
	}
	be := backendOf(st, "")
	cs, err := be.ConversationsInStage(bg, funnel.Intent)
	if err != nil || len(cs) != 1 {
		t.Fatalf("conversations at intent: %d, %v", len(cs), err)
	}
	conv := cs[0]
	shown := func(stage funnel.Stage) (inStage, byContact string) {
		t.Helper()
		m := loadStageWindow(be, stage, windowReq[convRow]{after: 10})().(windowMsg[convRow])
		if m.err != nil || len(m.items) != 1 {
			t.Fatalf("stage %s list: %d rows, %v", stage, len(m.items), m.err)
		}
		p := loadContactConvs(be, 1, conv.Contact)().(contactConvsMsg)
		if p.err != nil || len(p.convs) != 1 {
			t.Fatalf("contact list: %d rows, %v", len(p.convs), p.err)
		}
		return m.items[0].Cause, p.convs[0].Cause
	}
	newest := func() string {
		t.Helper()
		h, err := be.ConversationHistory(bg, conv.ThreadID, conv.Contact)
		if err != nil || len(h) == 0 {
			t.Fatalf("history: %v, %v", h, err)
		}
		return moveCause(h[len(h)-1])
	}
	if a, b := shown(funnel.Intent); a == "" || a != newest() || b != a {
		t.Errorf("after a signal: shown %q / %q, newest move %q", a, b, newest())
	}
	if _, err := st.SetStage(conv.ThreadID, conv.Contact, funnel.Trusting, "maya", testNow.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if a, b := shown(funnel.Trusting); a != "manual, by maya" || a != newest() || b != a {
		t.Errorf("after a manual move: shown %q / %q, newest move %q", a, b, newest())
	}
}
