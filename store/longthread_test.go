package store

import (
	"fmt"
	"reflect"
	"testing"

	"parley/feeds"
)

// TestSmallFetchesMatchOneBigFetch: a long thread ingested one comment
// per fetch ends exactly as the same thread ingested in one fetch: every
// conversation (stage, its time and cause, waiting, counts), the thread,
// and every contact with its roll-up. Ingest re-reads only the people a
// fetch touched and rolls contacts up from what changed, so this is what
// keeps that incremental work honest.
func TestSmallFetchesMatchOneBigFetch(t *testing.T) {
	items := longThreadItems("blog", 120)
	// A second thread by some of the same people, so contact roll-ups
	// span threads.
	for i := range 30 {
		it := feeds.Item{ID: fmt.Sprintf("blog/other/%d", i), Feed: "blog", Author: fmt.Sprintf("user%d", i%7),
			Title: "Another topic", Text: commentText(i + 500), Published: at(1000 + i)}
		if i > 0 {
			it.InReplyTo = "blog/other/0"
		}
		if i%6 == 5 {
			it.Author = "support"
		}
		items = append(items, it)
	}
	now := at(5000)

	big := openTest(t, "support")
	mustIngest(t, big, feeds.Result{Feed: "blog", Items: items}, now)

	small := openTest(t, "support")
	for i, it := range items {
		// checkIndexes (mustIngest) every 10 fetches: recounting the
		// whole database after each would make the test slow.
		if i%10 == 0 {
			mustIngest(t, small, feeds.Result{Feed: "blog", Items: []feeds.Item{it}}, now)
			continue
		}
		if _, err := small.Ingest(feeds.Result{Feed: "blog", Items: []feeds.Item{it}}, now); err != nil {
			t.Fatal(err)
		}
	}
	checkIndexes(t, small)

	for _, root := range []string{"blog/item/0", "blog/other/0"} {
		tid := threadOf(t, big, root)
		if got := threadOf(t, small, root); got != tid {
			t.Fatalf("%s: thread %s in small fetches, %s in one", root, got, tid)
		}
		want, err := big.Conversations(tid)
		if err != nil {
			t.Fatal(err)
		}
		got, err := small.Conversations(tid)
		if err != nil {
			t.Fatal(err)
		}
		if len(want) < 5 {
			t.Fatalf("thread %s: %d conversations, the fixture wants several", tid, len(want))
		}
		moved := 0
		for _, c := range want {
			if c.Cause != "" {
				moved++
			}
		}
		if moved == 0 {
			t.Fatalf("thread %s: no conversation moved; the fixture should move some", tid)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("thread %s conversations differ:\nsmall %+v\n  one %+v", tid, got, want)
		}
		if got, want := mustThread(t, small, tid), mustThread(t, big, tid); !reflect.DeepEqual(got, want) {
			t.Errorf("thread %s differs:\nsmall %+v\n  one %+v", tid, got, want)
		}
	}
	want, err := big.Contacts()
	if err != nil {
		t.Fatal(err)
	}
	got, err := small.Contacts()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("contacts differ:\nsmall %+v\n  one %+v", got, want)
	}
}
