package store

import "testing"

// A WordPress feed that gives only a plain-text description joins the "In
// reply to Name." line to the words after it. The reply still counts for
// the person it starts with, a name with a dot in it included, and not
// for whoever waited longest.
func TestInReplyToOnOneLineNamesThePerson(t *testing.T) {
	s := openTest(t, "Maya from Quillstone")
	mustIngest(t, s, result("Blog comments",
		wpComment("401", "Ben Carter", 1, "Is the retro template in the free plan?"),
		wpComment("402", "Dr. Helen Park", 2, "Do you have an education discount for a lab of nine?"),
		wpComment("403", "Ana Ruiz", 3, "Can I export to Markdown?"),
		wpComment("404", "Maya from Quillstone", 4, "In reply to Dr. Helen Park. Yes: 50% off for universities, mail edu@quillstone.example."),
		wpComment("405", "Maya from Quillstone", 5, "In reply to Ana Ruiz. Yes, File > Export > Markdown."),
		// A name that only begins another one names nobody: Ben, the
		// longest waiting, gets it.
		wpComment("406", "Maya from Quillstone", 6, "In reply to Ana Ruizwith. Typo'd name."),
	), at(7))
	tid := threadOf(t, s, "401")
	msgs, err := s.Messages(tid)
	mustNil(t, err)
	ben, helen := contactID("Blog comments", "Ben Carter"), contactID("Blog comments", "Dr. Helen Park")
	ana := contactID("Blog comments", "Ana Ruiz")
	if msgs[3].Contact != helen || msgs[4].Contact != ana || msgs[5].Contact != ben {
		t.Errorf("our replies count for %q, %q, %q; want Helen %q, Ana %q, Ben %q",
			msgs[3].Contact, msgs[4].Contact, msgs[5].Contact, helen, ana, ben)
	}
	checkIndexes(t, s)
}
