package store

import (
	"fmt"
	"testing"

	"parley/funnel"
)

func contactIDs(cs []Contact) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Name
	}
	return out
}

// TestContactsWindowMatchesContacts: every window equals the matching
// slice of Contacts (furthest stage first, then most recently seen),
// before and after moves that reorder them.
func TestContactsWindowMatchesContacts(t *testing.T) {
	s := stageFixture(t, 20)
	check := func(when string) {
		t.Helper()
		full, err := s.Contacts()
		mustNil(t, err)
		for i, c := range full {
			w, err := s.ContactsWindow(ContactAnchor{Contact: c}, 2, 4)
			mustNil(t, err)
			lo, hi := max(i-2, 0), min(i+4, len(full))
			if got, want := fmt.Sprint(contactIDs(w.Contacts)), fmt.Sprint(contactIDs(full[lo:hi])); got != want {
				t.Fatalf("%s, anchor %d: window %s, want %s", when, i, got, want)
			}
			if w.At != i-lo || w.Total != len(full) || w.First != (lo == 0) || w.Last != (hi == len(full)) {
				t.Fatalf("%s, anchor %d: At %d Total %d First %v Last %v", when, i, w.At, w.Total, w.First, w.Last)
			}
		}
		end, _ := s.ContactsWindow(ContactAnchor{End: true}, 3, 9)
		if fmt.Sprint(contactIDs(end.Contacts)) != fmt.Sprint(contactIDs(full[len(full)-4:])) || !end.Last {
			t.Fatalf("%s: end window = %v", when, contactIDs(end.Contacts))
		}
	}
	check("as ingested")
	full, _ := s.Contacts()
	for i, to := range []funnel.Stage{funnel.Intent, funnel.Advocate, funnel.Engaged} {
		c := full[len(full)-1-i*3]
		convs, err := s.ContactConversations(c.ID)
		mustNil(t, err)
		if _, err := s.SetStage(convs[0].ThreadID, c.ID, to, "maya", at(200+i)); err != nil {
			t.Fatal(err)
		}
	}
	check("after moves")
	if now, _ := s.Contacts(); now[0].Stage != funnel.Advocate {
		t.Fatalf("head of contacts at %s, want the advocate: the moves did not reorder", now[0].Stage)
	}
}
