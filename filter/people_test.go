package filter

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"parley/funnel"
)

// peopleIndex is n threads, each with one person at stage New who moved
// there i minutes ago, named "Person i", contact ID c…i; every third is
// also in the thread "Team plan" text; and their contacts.
func peopleIndex(n int) *Index {
	ix := NewIndex()
	var cs []Contact
	for i := range n {
		name := fmt.Sprintf("Person %03d", i)
		contact := fmt.Sprintf("%016x", i)
		title := "Question"
		if i%3 == 0 {
			title = "Team plan"
		}
		r := row(fmt.Sprintf("t%03d", i), "Forum", title, []Person{{Name: name, Stage: funnel.New, Contact: contact,
			StageAt: now.Add(-time.Duration(i) * time.Minute), LastSeen: now.Add(-time.Duration(i) * time.Hour)}})
		ix.Put(r)
		cs = append(cs, Contact{ID: contact, Feed: "Forum", Name: name, Stage: funnel.New, LastSeen: now.Add(-time.Duration(i) * time.Hour)})
	}
	slices.Reverse(cs) // any order: PutContacts sorts them by ID
	ix.PutContacts(cs)
	ix.ContactsLoaded()
	return ix
}

func names(rows []ConvRef) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r.Thread)
	}
	return out
}

func TestStageWindowFiltersAndCounts(t *testing.T) {
	ix := peopleIndex(30)
	q, _ := Parse("team")
	env := Env{Now: now}
	// Newest move first: t000, t003, t006 ...
	w := ix.StageWindow(q, env, funnel.New, ConvRef{}, false, 0, 3)
	if w.Total != 10 || !slices.Equal(names(w.Rows), []string{"t000", "t003", "t006"}) || !w.First || w.Last || w.At != 0 {
		t.Fatalf("head window %+v", w)
	}
	// Around an anchor: its row.
	w = ix.StageWindow(q, env, funnel.New, w.Rows[2], false, 1, 2)
	if !slices.Equal(names(w.Rows), []string{"t003", "t006", "t009"}) || w.At != 1 {
		t.Fatalf("window around t006: %+v", w)
	}
	// An anchor that no longer matches: the row after its place.
	anchor := ConvRef{Thread: "t007", Contact: fmt.Sprintf("%016x", 7), StageAt: now.Add(-7 * time.Minute)}
	w = ix.StageWindow(q, env, funnel.New, anchor, false, 0, 1)
	if !slices.Equal(names(w.Rows), []string{"t009"}) {
		t.Fatalf("window at t007 (not matching): %+v", w)
	}
	// The tail.
	w = ix.StageWindow(q, env, funnel.New, ConvRef{}, true, 2, 5)
	if !slices.Equal(names(w.Rows), []string{"t021", "t024", "t027"}) || w.At != 2 || !w.Last {
		t.Fatalf("tail window %+v", w)
	}
	// Another stage lists nobody; a person moved on leaves the list.
	if w := ix.StageWindow(q, env, funnel.Intent, ConvRef{}, false, 0, 5); w.Total != 0 || w.At != -1 {
		t.Fatalf("intent: %+v", w)
	}
	ix.Put(row("t003", "Forum", "Team plan", []Person{{Name: "Person 003", Stage: funnel.Intent, Contact: fmt.Sprintf("%016x", 3), StageAt: now}}))
	if w := ix.StageWindow(q, env, funnel.New, ConvRef{}, false, 0, 2); w.Total != 9 || !slices.Equal(names(w.Rows), []string{"t000", "t006"}) {
		t.Fatalf("after t003 moved on: %+v", w)
	}
	if w := ix.StageWindow(q, env, funnel.Intent, ConvRef{}, false, 0, 5); !slices.Equal(names(w.Rows), []string{"t003"}) {
		t.Fatalf("intent after t003 moved: %+v", w)
	}
	// Person terms test the person: from:.
	q, _ = Parse(`from:"person 01"`)
	if w := ix.StageWindow(q, env, funnel.New, ConvRef{}, false, 0, 20); w.Total != 10 {
		t.Fatalf("from:\"person 01\": %+v", w)
	}
}

func TestContactsWindowFiltersAndCounts(t *testing.T) {
	ix := peopleIndex(30)
	env := Env{Now: now}
	q, _ := Parse("since:10h")
	// Most recently seen first: Person 000 (now) to Person 010 (10h ago).
	w := ix.ContactsWindow(q, env, Contact{}, false, 0, 3)
	want := []string{fmt.Sprintf("%016x", 0), fmt.Sprintf("%016x", 1), fmt.Sprintf("%016x", 2)}
	if w.Total != 11 || !slices.Equal(w.IDs, want) || !w.First || w.Last {
		t.Fatalf("head window %+v", w)
	}
	w = ix.ContactsWindow(q, env, Contact{ID: fmt.Sprintf("%016x", 5)}, false, 1, 2)
	if !slices.Equal(w.IDs, []string{fmt.Sprintf("%016x", 4), fmt.Sprintf("%016x", 5), fmt.Sprintf("%016x", 6)}) || w.At != 1 {
		t.Fatalf("window around 5: %+v", w)
	}
	// A contact put again moves in the order: Person 020 seen now comes
	// first, among the filter's matches.
	ix.PutContacts([]Contact{{ID: fmt.Sprintf("%016x", 20), Feed: "Forum", Name: "Person 020", Stage: funnel.Engaged, LastSeen: now}})
	w = ix.ContactsWindow(q, env, Contact{}, false, 0, 2)
	if w.Total != 12 || !slices.Equal(w.IDs, []string{fmt.Sprintf("%016x", 20), fmt.Sprintf("%016x", 0)}) {
		t.Fatalf("after Person 020 was seen: %+v", w)
	}
	// New contacts amid the others, and one put twice in a batch: the
	// last put wins.
	ix.PutContacts([]Contact{
		{ID: fmt.Sprintf("%016x", 5) + "", Feed: "Forum", Name: "Person 005", Stage: funnel.New, LastSeen: now.Add(-20 * time.Hour)},
		{ID: "00000000000000f1", Feed: "Forum", Name: "Newcomer", Stage: funnel.New, LastSeen: now.Add(-30 * time.Minute)},
		{ID: fmt.Sprintf("%016x", 5), Feed: "Forum", Name: "Person 005", Stage: funnel.New, LastSeen: now.Add(-90 * time.Minute)},
	})
	w = ix.ContactsWindow(q, env, Contact{}, false, 0, 4)
	want = []string{fmt.Sprintf("%016x", 20), fmt.Sprintf("%016x", 0), "00000000000000f1", fmt.Sprintf("%016x", 1)}
	if w.Total != 13 || !slices.Equal(w.IDs, want) {
		t.Fatalf("after a newcomer: %+v, want %v first", w, want)
	}
	if n := len(ix.contacts.rows); n != 31 {
		t.Errorf("%d contacts held, want 31", n)
	}
}
