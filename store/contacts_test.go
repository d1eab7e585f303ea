package store

import (
	"errors"
	"slices"
	"testing"

	"parley/funnel"
)

func TestContactsRollUp(t *testing.T) {
	s := openFake(t, "us")
	mustIngest(t, s, result("blog",
		item("a", "ann", 1, text("How much? #intent")),
		item("a-us", "us", 2, replyTo("a")),
		item("c", "ann", 3, text("Another thing.")),
		item("b", "bob", 4, text("Hello")),
		item("b2", "Ann ", 5, replyTo("b"), text("Me too, #bad")), // same person, other spelling
	), at(10))
	mustIngest(t, s, result("forum", item("d", "ann", 2, text("On the forum."))), at(11))
	a, b, c, d := threadOf(t, s, "a"), threadOf(t, s, "b"), threadOf(t, s, "c"), threadOf(t, s, "d")
	mustNil(t, s.RecordReply(Reply{ThreadID: a, Text: "49 EUR", At: at(6)}))
	checkIndexes(t, s)

	blogAnn, forumAnn, bob := contactID("blog", "ann"), contactID("forum", "ann"), contactID("blog", "bob")
	if blogAnn == forumAnn {
		t.Fatal("the same name on two feeds is one contact")
	}
	if th := mustThread(t, s, a); th.Contact != blogAnn {
		t.Errorf("thread a: Contact %q, want blog/ann %q", th.Contact, blogAnn)
	}
	if th := mustThread(t, s, b); th.Contact != bob {
		t.Errorf("thread b: Contact %q, want bob %q", th.Contact, bob)
	}

	all, err := s.Contacts()
	mustNil(t, err)
	want := []Contact{
		// Intent first; within New, the most recently seen first.
		// Ann's "#bad" in Bob's thread makes Ann unhappy, not Bob (issue 13).
		{ID: blogAnn, Feed: "blog", Name: "ann", Stage: funnel.Intent, Unhappy: true, Messages: 3, Replies: 2,
			FirstSeen: at(1), LastSeen: at(5), Threads: 3},
		{ID: bob, Feed: "blog", Name: "bob", Stage: funnel.New, Messages: 1,
			FirstSeen: at(4), LastSeen: at(4), Threads: 1},
		{ID: forumAnn, Feed: "forum", Name: "ann", Stage: funnel.New, Messages: 1,
			FirstSeen: at(2), LastSeen: at(2), Threads: 1},
	}
	if !slices.Equal(all, want) {
		t.Errorf("Contacts =\n%+v\nwant\n%+v", all, want)
	}
	if got := all[0].Touches(); got != 5 {
		t.Errorf("Touches = %d, want 5", got)
	}
	one, err := s.Contact(forumAnn)
	if err != nil || one != want[2] {
		t.Errorf("Contact(forum ann) = %+v, %v", one, err)
	}
	if _, err := s.Contact("ffffffffffffffff"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Contact(missing): %v, want ErrNotFound", err)
	}

	// Her threads, newest activity first: b (her 5), a (our reply at 6 is
	// newer still), c.
	ths, err := s.ContactThreads(blogAnn)
	mustNil(t, err)
	var ids []string
	for _, th := range ths {
		ids = append(ids, th.ID)
	}
	if wantIDs := []string{a, b, c}; !slices.Equal(ids, wantIDs) {
		t.Errorf("ContactThreads = %v, want %v", ids, wantIDs)
	}
	if ths, _ := s.ContactThreads(forumAnn); len(ths) != 1 || ths[0].ID != d {
		t.Errorf("forum ann's threads = %+v", ths)
	}

	// A manual move rolls up at once; so does a conversion.
	_, err = s.SetStage(c, "", funnel.Advocate, "maya", at(20))
	mustNil(t, err)
	if got, _ := s.Contact(blogAnn); got.Stage != funnel.Advocate {
		t.Errorf("after SetStage: blog ann at %s, want advocate", got.Stage)
	}
	_, err = s.ImportConversions([]Conversion{{Ref: d[:RefLen], Amount: Money{"EUR", 100}, At: at(21)}}, at(22))
	mustNil(t, err)
	if got, _ := s.Contact(forumAnn); got.Stage != funnel.Converted {
		t.Errorf("after a conversion: forum ann at %s, want converted", got.Stage)
	}
	checkIndexes(t, s)
}

// An earlier message that arrives later makes its author the thread's
// Author (its starter), but stages are per person: Bob's buying signal
// stays Bob's (issue 13; it used to move to the new starter).
func TestContactStarterChanges(t *testing.T) {
	s := openFake(t)
	mustIngest(t, s, result("blog", item("b", "bob", 5, text("#intent"))), at(10))
	tid := threadOf(t, s, "b")
	bob, cat := contactID("blog", "bob"), contactID("blog", "cat")
	if c, _ := s.Contact(bob); c.Stage != funnel.Intent {
		t.Fatalf("bob at %s, want intent", c.Stage)
	}
	mustIngest(t, s, result("blog", item("c", "cat", 1, replyTo("b"), text("earlier"))), at(11))
	if th := mustThread(t, s, tid); th.Author != "cat" || th.Contact != cat {
		t.Fatalf("thread: Author %q Contact %q, want cat", th.Author, th.Contact)
	}
	if c, _ := s.Contact(bob); c.Stage != funnel.Intent || c.Threads != 1 {
		t.Errorf("bob: %+v, want stage intent, still 1 thread", c)
	}
	if c, _ := s.Contact(cat); c.Stage != funnel.New || c.Threads != 1 {
		t.Errorf("cat: %+v, want stage new, 1 thread", c)
	}
	if th := mustThread(t, s, tid); th.Stage != funnel.Intent {
		t.Errorf("thread at %s, want intent (the furthest of its conversations)", th.Stage)
	}
	checkIndexes(t, s)
}
