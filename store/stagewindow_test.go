package store

import (
	"fmt"
	"testing"

	"parley/feeds"
	"parley/funnel"
)

// stageFixture stores n one-person threads, all at funnel.New, moved in
// turn (each StageAt its own minute).
func stageFixture(t *testing.T, n int) *Store {
	t.Helper()
	s := openTest(t)
	var items []feeds.Item
	for i := range n {
		items = append(items, item(fmt.Sprintf("p%02d", i), fmt.Sprintf("author%02d", i), i))
	}
	mustIngest(t, s, result("blog", items...), at(n+10))
	return s
}

func convIDs(cs []Conversation) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ThreadID + c.Contact
	}
	return out
}

func TestStageWindowMatchesTheFullList(t *testing.T) {
	s := stageFixture(t, 25)
	full, err := s.ConversationsInStage(funnel.New)
	if err != nil || len(full) != 25 {
		t.Fatalf("ConversationsInStage = %d, %v", len(full), err)
	}
	for i, c := range full {
		w, err := s.ConversationsInStageWindow(funnel.New, StageAnchor{Conversation: c}, 3, 5)
		if err != nil {
			t.Fatal(err)
		}
		lo, hi := max(i-3, 0), min(i+5, len(full))
		if got, want := fmt.Sprint(convIDs(w.Conversations)), fmt.Sprint(convIDs(full[lo:hi])); got != want {
			t.Fatalf("anchor %d: window %s, want %s", i, got, want)
		}
		if w.At != i-lo || w.Total != 25 || w.First != (lo == 0) || w.Last != (hi == len(full)) {
			t.Fatalf("anchor %d: At %d Total %d First %v Last %v", i, w.At, w.Total, w.First, w.Last)
		}
		if w.Conversations[w.At].Title == "" {
			t.Fatalf("anchor %d: no title", i)
		}
	}
	head, _ := s.ConversationsInStageWindow(funnel.New, StageAnchor{}, 3, 4)
	if fmt.Sprint(convIDs(head.Conversations)) != fmt.Sprint(convIDs(full[:4])) || head.At != 0 || !head.First {
		t.Errorf("head window = %+v", head)
	}
	end, _ := s.ConversationsInStageWindow(funnel.New, StageAnchor{End: true}, 2, 9)
	if fmt.Sprint(convIDs(end.Conversations)) != fmt.Sprint(convIDs(full[22:])) || end.At != 2 || !end.Last {
		t.Errorf("end window = %+v", end)
	}
	empty, _ := s.ConversationsInStageWindow(funnel.Advocate, StageAnchor{}, 3, 4)
	if len(empty.Conversations) != 0 || empty.At != -1 || empty.Total != 0 {
		t.Errorf("empty stage window = %+v", empty)
	}
}

func TestStageWindowAnchorThatLeftTheStage(t *testing.T) {
	s := stageFixture(t, 10)
	full, _ := s.ConversationsInStage(funnel.New)
	gone := full[4]
	if _, err := s.SetStage(gone.ThreadID, gone.Contact, funnel.Intent, "maya", at(100)); err != nil {
		t.Fatal(err)
	}
	w, err := s.ConversationsInStageWindow(funnel.New, StageAnchor{Conversation: gone}, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	// The row after its old place now holds the window's anchor.
	if got := w.Conversations[w.At].ThreadID; got != full[5].ThreadID || w.Total != 9 {
		t.Errorf("anchor row %s (total %d), want %s (total 9)", got, w.Total, full[5].ThreadID)
	}
	// Left from the tail: the last row.
	last := full[9]
	if _, err := s.SetStage(last.ThreadID, last.Contact, funnel.Intent, "maya", at(101)); err != nil {
		t.Fatal(err)
	}
	w, _ = s.ConversationsInStageWindow(funnel.New, StageAnchor{Conversation: last}, 2, 3)
	if got := w.Conversations[w.At].ThreadID; got != full[8].ThreadID || !w.Last {
		t.Errorf("anchor row %s, want the new tail %s", got, full[8].ThreadID)
	}
	// In the stage it moved to, it heads the list.
	w, _ = s.ConversationsInStageWindow(funnel.Intent, StageAnchor{Conversation: last}, 2, 3)
	if w.Conversations[w.At].ThreadID != last.ThreadID || w.At != 0 {
		t.Errorf("intent window = %+v", w)
	}
}
