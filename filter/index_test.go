package filter

import (
	"slices"
	"testing"
	"time"

	"parley/funnel"
)

var now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func row(id, feed, title string, people []Person, texts ...string) Row {
	r := Row{ID: id, Feed: feed, People: people}
	r.Texts = append(r.Texts, []byte(title))
	for _, t := range texts {
		r.Texts = append(r.Texts, []byte(t))
	}
	return r
}

func testIndex() *Index {
	ix := NewIndex()
	a := row("a", "Blog comments", "Sync lost my notes", []Person{{Name: "Alice Chen", Stage: funnel.New}}, "I want a refund now.")
	a.Unhappy, a.WaiterUnhappy, a.WaitingPeople, a.Unread = true, true, 1, 2
	a.WaitingSince, a.LastActivity = now.Add(-3*time.Hour), now.Add(-3*time.Hour)
	b := row("b", "Forum", "Team plan pricing", []Person{{Name: "Bob Okafor", Stage: funnel.Intent}, {Name: "Dan", Stage: funnel.Engaged}}, "How much is the team plan?")
	b.Stage, b.WaiterIntent, b.WaitingPeople, b.Assignee = funnel.Intent, true, 2, "sam"
	b.Unhappy = true // Dan is; the row names Bob, who waits and is not
	b.WaitingSince, b.LastActivity = now.Add(-2*time.Hour), now.Add(-2*time.Hour)
	c := row("c", "Reviews", "Love the editor", []Person{{Name: "Carol Diaz"}}, "The new editor is lovely.")
	c.Done, c.WaitingPeople, c.LastActivity = true, 1, now.Add(-10*24*time.Hour)
	d := row("d", "Forum", "Plans for Linux", []Person{{Name: "Erin"}}, "Any plans for a Linux version?")
	d.WaitingPeople, d.SnoozedUntil = 1, now.Add(time.Hour)
	d.WaitingSince, d.LastActivity = now.Add(-5*time.Hour), now.Add(-5*time.Hour)
	for _, r := range []Row{c, b, a, d} {
		ix.Put(r)
	}
	return ix
}

func ids(t *testing.T, ix *Index, q string, env Env) []string {
	t.Helper()
	parsed, err := Parse(q)
	if err != nil {
		t.Fatalf("Parse(%q): %v", q, err)
	}
	return ix.Match(parsed, env).IDs()
}

func TestIndexMatches(t *testing.T) {
	ix := testIndex()
	all := Env{Now: now, User: "sam"}
	queue := Env{Now: now, User: "sam", Queue: true}
	tests := []struct {
		q    string
		env  Env
		want []string
	}{
		{"", queue, []string{"a", "b"}}, // queue order: unhappy, then intent; done and snoozed out
		{"", all, []string{"a", "b", "d", "c"}},
		{"stage:intent", queue, []string{"b"}},
		{"stage:engaged", queue, []string{"b"}}, // any person of the thread
		{"-stage:intent", queue, []string{"a"}},
		{"is:unhappy", all, []string{"a"}}, // not b: its row's person is not unhappy
		{"is:done", queue, []string{"c"}},  // widens the queue
		{"is:snoozed", queue, []string{"d"}},
		{"is:waiting", all, []string{"a", "b"}},
		{"is:assigned", all, []string{"b"}},
		{"is:mine", all, []string{"b"}},
		{"is:mine", Env{Now: now, User: "kim"}, nil},
		{"is:unread", all, []string{"a"}},
		{"feed:forum", all, []string{"b", "d"}},
		{`feed:"blog"`, all, []string{"a"}}, // contained
		{"-feed:forum", all, []string{"a", "c"}},
		{"from:okafor", all, []string{"b"}},
		{"from:dan", all, []string{"b"}},
		{"since:1d", all, []string{"a", "b", "d"}},
		{"refund", all, []string{"a"}},
		{"REFUNDS", all, nil},
		{"plan", all, []string{"b", "d"}}, // prefix: plan, plans
		{`"team plan"`, all, []string{"b"}},
		{"-plan", all, []string{"a", "c"}},
		{"editor -is:done", all, nil},
		{"plans linux feed:forum -is:waiting", all, []string{"d"}},
	}
	for _, tt := range tests {
		if got := ids(t, ix, tt.q, tt.env); !slices.Equal(got, tt.want) {
			t.Errorf("%q (queue %v) = %v, want %v", tt.q, tt.env.Queue, got, tt.want)
		}
	}
}

func TestIndexPutUpdates(t *testing.T) {
	ix := testIndex()
	// Carol's thread is reopened and she writes about a refund.
	c := row("c", "Reviews", "Love the editor", []Person{{Name: "Carol Diaz"}}, "The new editor is lovely.", "Actually I want a refund.")
	c.WaitingPeople, c.Unhappy, c.WaiterUnhappy = 1, true, true
	c.WaitingSince, c.LastActivity = now.Add(-4*time.Hour), now.Add(-time.Minute)
	ix.Put(c)
	if got := ids(t, ix, "refund", Env{Now: now, Queue: true}); !slices.Equal(got, []string{"c", "a"}) {
		t.Errorf("refund after update = %v, want [c a] (c waits longer)", got)
	}
	if ix.Len() != 4 {
		t.Errorf("Len %d after an update, want 4", ix.Len())
	}
}

func TestResultWindow(t *testing.T) {
	ix := NewIndex()
	for i := range 10 {
		r := row(string(rune('a'+i)), "F", "t", nil)
		r.WaitingPeople, r.WaitingSince = 1, now.Add(time.Duration(i)*time.Minute)
		if i%2 == 1 {
			r.Unread = 1
		}
		ix.Put(r)
	}
	q, _ := Parse("is:unread")
	res := ix.Match(q, Env{Now: now, Queue: true})
	if !slices.Equal(res.IDs(), []string{"b", "d", "f", "h", "j"}) {
		t.Fatalf("matches %v", res.IDs())
	}
	w := res.Window("f", false, 1, 2)
	if !slices.Equal(w.IDs, []string{"d", "f", "h"}) || w.At != 1 || w.Total != 5 || w.First || w.Last {
		t.Errorf("window at f: %+v", w)
	}
	// e did not match: its place is f's, the next one.
	if w := res.Window("e", false, 0, 1); w.IDs[w.At] != "f" {
		t.Errorf("window at e holds %v at %d", w.IDs, w.At)
	}
	if w := res.Window("", true, 2, 5); !slices.Equal(w.IDs, []string{"f", "h", "j"}) || !w.Last || w.At != 2 {
		t.Errorf("window at the end: %+v", w)
	}
	if w := res.Window("", false, 2, 2); !slices.Equal(w.IDs, []string{"b", "d"}) || !w.First || w.At != 0 {
		t.Errorf("window at the head: %+v", w)
	}
}

func TestFeedCounts(t *testing.T) {
	got := testIndex().FeedCounts(now)
	want := map[string]FeedCount{"Blog comments": {Waiting: 1, Unread: 2}, "Forum": {Waiting: 1}, "Reviews": {}}
	for feed, w := range want {
		if got[feed] != w {
			t.Errorf("%s: %+v, want %+v", feed, got[feed], w)
		}
	}
}

func TestMatchPersonAndTest(t *testing.T) {
	q, _ := Parse("from:ali -feed:forum stage:new since:1d")
	alice := PersonFacts{Feed: "Blog comments", Name: "Alice Chen", Stage: funnel.New, LastSeen: now.Add(-time.Hour)}
	if !q.MatchPerson(alice, now) {
		t.Error("Alice does not match")
	}
	for _, p := range []PersonFacts{
		{Feed: "Forum", Name: "Alice Chen", LastSeen: now},
		{Feed: "Blog", Name: "Bob", LastSeen: now},
		{Feed: "Blog", Name: "Alice", Stage: funnel.Intent, LastSeen: now},
		{Feed: "Blog", Name: "Alice", LastSeen: now.Add(-48 * time.Hour)},
	} {
		if q.MatchPerson(p, now) {
			t.Errorf("%+v matches %q", p, q.Source)
		}
	}
	if q.PersonTerms() != nil {
		t.Error("person terms refused")
	}
	if text, _ := Parse("refund"); text.PersonTerms() == nil {
		t.Error("text accepted for people")
	}
	ix := testIndex()
	pq, _ := Parse("plan -is:done")
	if got := ix.Test(pq, Env{Now: now}, []string{"c", "b", "zz", "d"}); !slices.Equal(got, []bool{false, true, false, true}) {
		t.Errorf("Test = %v", got)
	}
}
