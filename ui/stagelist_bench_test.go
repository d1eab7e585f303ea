package ui

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"parley/feeds"
	"parley/funnel"
	"parley/store"
)

// BenchmarkStageList is what enter on a stage of view 2 costs: the
// store's read of the conversations at the stage ("read"), the list the
// screen gets with each one's cause from the record ("withCauses", a
// window of all n rows), and
// the former way, one history read per conversation ("historyReads",
// the baseline). Compare them in one run.
func BenchmarkStageList(b *testing.B) {
	const n = 2000
	st, err := store.Open(filepath.Join(b.TempDir(), "parley.db"), store.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	items := make([]feeds.Item, 0, n)
	for i := range n {
		items = append(items, feeds.Item{ID: fmt.Sprintf("s%05d", i), Feed: "Forum", Author: fmt.Sprintf("Person %d", i),
			Title: fmt.Sprintf("Team plan %d", i), Text: "How much is the team plan for 12 people?",
			Published: testNow.Add(-time.Duration(i) * time.Minute)})
	}
	if _, err := st.Ingest(feeds.Result{Feed: "Forum", Items: items}, testNow); err != nil {
		b.Fatal(err)
	}
	be := backendOf(st, "")
	if cs, _ := be.ConversationsInStage(bg, funnel.Intent); len(cs) != n {
		b.Fatalf("%d conversations at intent, want %d", len(cs), n)
	}
	b.Run("read", func(b *testing.B) {
		for b.Loop() {
			if _, err := be.ConversationsInStage(bg, funnel.Intent); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("withCauses", func(b *testing.B) {
		for b.Loop() {
			m := loadStageWindow(be, funnel.Intent, windowReq[convRow]{after: n})().(windowMsg[convRow])
			if m.err != nil || m.items[n-1].Cause == "" {
				b.Fatalf("no cause (err %v)", m.err)
			}
		}
	})
	b.Run("historyReads", func(b *testing.B) {
		for b.Loop() {
			cs, err := be.ConversationsInStage(bg, funnel.Intent)
			if err != nil {
				b.Fatal(err)
			}
			causes := make([]string, len(cs))
			for i, c := range cs {
				if h, err := be.ConversationHistory(bg, c.ThreadID, c.Contact); err == nil && len(h) > 0 {
					causes[i] = moveCause(h[len(h)-1])
				}
			}
			if causes[n-1] == "" {
				b.Fatal("no cause")
			}
		}
	})
}
