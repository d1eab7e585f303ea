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

// The examples of docs/REPLIES.md for replies written elsewhere: "@Hannah"
// is Hannah Becker; "@Alex" with two Alexes names nobody and, like
// "Thanks both", goes to whoever waited longest; with nobody waiting, to
// the starter.
func TestRepliesDocExamples(t *testing.T) {
	s := openTest(t, "Maya from Quillstone")
	mustIngest(t, s, result("Blog comments",
		wpComment("501", "Alex Brandt", 1, "Where did the tag cloud go?"),
		wpComment("502", "Hannah Becker", 2, "The export lost my tags."),
		wpComment("503", "Alex Moreau", 3, "Same question as Alex."),
		wpComment("504", "Maya from Quillstone", 4, "@Hannah restore them from Settings > History."),
		wpComment("505", "Maya from Quillstone", 5, "@Alex it moved to the sidebar."),
		wpComment("506", "Maya from Quillstone", 6, "Thanks both."),
		wpComment("507", "Maya from Quillstone", 7, "One more note for everyone."),
	), at(8))
	tid := threadOf(t, s, "501")
	msgs, err := s.Messages(tid)
	mustNil(t, err)
	brandt, hannah := contactID("Blog comments", "Alex Brandt"), contactID("Blog comments", "Hannah Becker")
	moreau := contactID("Blog comments", "Alex Moreau")
	want := []string{hannah, brandt, moreau, brandt}
	for i, w := range want {
		if got := msgs[3+i].Contact; got != w {
			t.Errorf("%q counts for %q, want %q", msgs[3+i].Text, got, w)
		}
	}
	checkIndexes(t, s)
}
