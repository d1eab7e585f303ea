package engine

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"parley/feeds"
	"parley/filter"
	"parley/funnel"
	"parley/store"
)

func query(t *testing.T, s string) filter.Query {
	t.Helper()
	q, err := filter.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func windowAuthors(t *testing.T, s *Session, q string) []string {
	t.Helper()
	w, err := s.FilterWindow(context.Background(), query(t, q), testNow, store.QueueAnchor{}, 10, 10)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, th := range w.Threads {
		out = append(out, th.Author)
	}
	return out
}

// The index follows every write made after it was built: a query sees
// each write that committed before it, with no wait.
func TestFilterWindowFollowsWrites(t *testing.T) {
	st := testStore(t)
	e := New(Config{Store: st, User: "maya"})
	s := e.Session("maya")
	ingest := func(items ...feeds.Item) {
		t.Helper()
		if _, err := st.Ingest(feeds.Result{Feed: "Forum", Items: items}, testNow); err != nil {
			t.Fatal(err)
		}
	}
	ingest(feeds.Item{ID: "1", Feed: "Forum", Author: "Ann", Title: "Export", Text: "How do I export to CSV?", Published: testNow.Add(-time.Hour)})
	if got := windowAuthors(t, s, "csv"); len(got) != 1 || got[0] != "Ann" {
		t.Fatalf("csv = %v", got)
	}
	// Written after the build: new words, a new thread, done, assigned.
	ingest(feeds.Item{ID: "2", Feed: "Forum", Author: "Ben", Title: "Refund", Text: "I want a refund.", Published: testNow.Add(-time.Minute)},
		feeds.Item{ID: "3", Feed: "Forum", Author: "Ann", Text: "Also: the CSV lacks dates, refund me", InReplyTo: "1", Published: testNow})
	if got := windowAuthors(t, s, "refund"); len(got) != 2 {
		t.Fatalf("refund after ingest = %v, want Ann's and Ben's", got)
	}
	ben := windowThread(t, s, "from:ben")
	if err := s.SetDone(context.Background(), ben, true); err != nil {
		t.Fatal(err)
	}
	if got := windowAuthors(t, s, "refund"); len(got) != 1 || got[0] != "Ann" {
		t.Errorf("refund after done = %v, want Ann alone (the queue)", got)
	}
	if got := windowAuthors(t, s, "is:done"); len(got) != 1 || got[0] != "Ben" {
		t.Errorf("is:done = %v, want Ben", got)
	}
	ann := windowThread(t, s, "from:ann")
	if err := s.Assign(context.Background(), ann, "maya"); err != nil {
		t.Fatal(err)
	}
	if got := windowAuthors(t, s, "is:mine"); len(got) != 1 || got[0] != "Ann" {
		t.Errorf("is:mine = %v", got)
	}
	counts, err := s.FeedCounts(context.Background(), testNow)
	if err != nil || counts["Forum"].Waiting != 1 {
		t.Errorf("Forum counts %+v, %v: want 1 waiting", counts["Forum"], err)
	}
}

func windowThread(t *testing.T, s *Session, q string) string {
	t.Helper()
	w, err := s.FilterWindow(context.Background(), query(t, q), testNow, store.QueueAnchor{}, 0, 1)
	if err != nil || len(w.Threads) != 1 {
		t.Fatalf("%s: %d threads, %v", q, len(w.Threads), err)
	}
	return w.Threads[0].ID
}

// View 4's counts are the same whether the filter index is built or not
// (before a /, they are counted from the thread summaries).
func TestFeedCountsWithoutAndWithTheIndex(t *testing.T) {
	st := testStore(t)
	items := []feeds.Item{
		{ID: "a", Feed: "Forum", Author: "Ann", Title: "Refund?", Text: "I want a refund", Published: testNow.Add(-time.Hour)},
		{ID: "b", Feed: "Forum", Author: "Ben", Title: "Plan", Text: "Team plan price?", Published: testNow.Add(-2 * time.Hour)},
		{ID: "b2", Feed: "Forum", Author: "Ben", Text: "Still waiting", InReplyTo: "b", Published: testNow.Add(-time.Minute)},
		{ID: "c", Feed: "Blog", Author: "Cy", Title: "Nice", Text: "Love it", Published: testNow.Add(-3 * time.Hour)},
	}
	for _, feed := range []string{"Forum", "Blog"} {
		var mine []feeds.Item
		for _, it := range items {
			if it.Feed == feed {
				mine = append(mine, it)
			}
		}
		if _, err := st.Ingest(feeds.Result{Feed: feed, Items: mine}, testNow); err != nil {
			t.Fatal(err)
		}
	}
	s := New(Config{Store: st, User: "maya"}).Session("maya")
	if err := s.SetDone(context.Background(), windowThread(t, s, "from:cy"), true); err != nil {
		t.Fatal(err)
	}
	e2 := New(Config{Store: st, User: "maya"}) // a fresh engine: no index yet
	before, err := e2.Session("maya").FeedCounts(context.Background(), testNow)
	if err != nil {
		t.Fatal(err)
	}
	if e2.filterIdx.ix != nil {
		t.Fatal("view 4's counts built the filter index")
	}
	if _, err := e2.filters(); err != nil {
		t.Fatal(err)
	}
	after, err := e2.Session("maya").FeedCounts(context.Background(), testNow)
	if err != nil {
		t.Fatal(err)
	}
	if before["Forum"].Waiting != 2 || before["Forum"].Unread != 3 || before["Blog"].Waiting != 0 || before["Blog"].Unread != 1 {
		t.Errorf("counts before the index: %+v", before)
	}
	if fmt.Sprint(before) != fmt.Sprint(after) {
		t.Errorf("counts differ: %+v without the index, %+v with it", before, after)
	}
}

// The filtered stage list and contacts follow writes too: a new person
// is counted and listed at the next query, a person moved on leaves the
// stage, and only the window's rows are read.
func TestFilteredListsFollowWrites(t *testing.T) {
	st := testStore(t)
	s := New(Config{Store: st, User: "maya"}).Session("maya")
	ingest := func(items ...feeds.Item) {
		t.Helper()
		if _, err := st.Ingest(feeds.Result{Feed: "Forum", Items: items}, testNow); err != nil {
			t.Fatal(err)
		}
	}
	ingest(feeds.Item{ID: "a", Feed: "Forum", Author: "Ann Lee", Title: "Refund?", Text: "I want a refund", Published: testNow.Add(-time.Hour)},
		feeds.Item{ID: "b", Feed: "Forum", Author: "Anna Berg", Title: "Hello", Text: "Hello there", Published: testNow.Add(-2 * time.Hour)},
		feeds.Item{ID: "c", Feed: "Forum", Author: "Cy", Title: "Nice", Text: "Hello from Cy", Published: testNow.Add(-3 * time.Hour)})
	ctx := context.Background()
	stageNames := func(q string) (int, []string) {
		t.Helper()
		w, err := s.FilterStageWindow(ctx, query(t, q), testNow, funnel.New, store.StageAnchor{}, 10, 10)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range w.Conversations {
			out = append(out, c.Name)
		}
		return w.Total, out
	}
	contactNames := func(q string) (int, []string) {
		t.Helper()
		w, err := s.FilterContactsWindow(ctx, query(t, q), testNow, store.ContactAnchor{}, 10, 10)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range w.Contacts {
			out = append(out, c.Name)
		}
		return w.Total, out
	}
	if n, names := stageNames("from:ann"); n != 2 || len(names) != 2 {
		t.Fatalf("stage new, from:ann: %d %v", n, names)
	}
	if n, names := stageNames("from:ann refund"); n != 1 || names[0] != "Ann Lee" {
		t.Fatalf("stage new, from:ann refund: %d %v", n, names)
	}
	if n, names := contactNames("from:ann"); n != 2 || len(names) != 2 {
		t.Fatalf("contacts from:ann: %d %v", n, names)
	}
	ingest(feeds.Item{ID: "d", Feed: "Forum", Author: "Annika", Title: "Hello", Text: "A refund please", Published: testNow.Add(-time.Minute)})
	if n, names := stageNames("from:ann refund"); n != 2 || !slices.Contains(names, "Annika") {
		t.Errorf("after Annika wrote: %d %v, want Annika among 2", n, names)
	}
	if n, names := contactNames("from:ann"); n != 3 || names[0] != "Annika" {
		t.Errorf("contacts after Annika wrote: %d %v, want Annika first of 3", n, names)
	}
	conv, err := s.FilterStageWindow(ctx, query(t, "from:cy"), testNow, funnel.New, store.StageAnchor{}, 0, 1)
	if err != nil || len(conv.Conversations) != 1 {
		t.Fatalf("Cy's conversation: %+v, %v", conv, err)
	}
	c := conv.Conversations[0]
	if _, err := s.SetStage(ctx, c.ThreadID, c.Contact, funnel.Intent, testNow); err != nil {
		t.Fatal(err)
	}
	if n, _ := stageNames("from:cy"); n != 0 {
		t.Errorf("Cy moved to intent and is still listed at new")
	}
	w, err := s.FilterStageWindow(ctx, query(t, "from:cy"), testNow, funnel.Intent, store.StageAnchor{}, 0, 5)
	if err != nil || w.Total != 1 || w.Conversations[0].Name != "Cy" {
		t.Errorf("Cy at intent: %+v, %v", w, err)
	}
	if n, names := contactNames("stage:intent"); n != 1 || names[0] != "Cy" {
		t.Errorf("contacts at intent: %d %v", n, names)
	}
}
