package store

import (
	"fmt"
	"reflect"
	"testing"

	bolt "go.etcd.io/bbolt"

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
	// A thread we start: our post is addressed to nobody, and every
	// conversation reads it.
	for i := range 25 {
		it := feeds.Item{ID: fmt.Sprintf("blog/ours/%d", i), Feed: "blog", Author: fmt.Sprintf("user%d", i%9),
			Title: "Release notes", Text: commentText(i + 900), Published: at(2000 + i)}
		if i == 0 {
			it.Author = "support"
		} else {
			it.InReplyTo = "blog/ours/0"
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

	for _, root := range []string{"blog/item/0", "blog/other/0", "blog/ours/0"} {
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
		checkConvIndexReads(t, small, tid)
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

// checkConvIndexReads: reading every conversation of an indexed thread
// through conv_msgs gathers the same funnel messages and summaries as
// reading the whole thread.
func checkConvIndexReads(t *testing.T, s *Store, tid string) {
	t.Helper()
	err := s.db.Update(func(tx *bolt.Tx) error {
		if !convIndexed(tx, tid) {
			return fmt.Errorf("thread %s is not indexed by conversation", tid)
		}
		th, err := loadThread(tx, tid)
		if err != nil {
			return err
		}
		read := func(index bool) (*threadConvs, map[string]*convFeed, error) {
			tc, err := loadConvs(tx, tid)
			if err != nil {
				return nil, nil, err
			}
			all := map[string]bool{}
			for _, c := range tc.list {
				all[c.Contact] = true
			}
			out, err := readConvs(tx, &th, tc, &refreshOpts{touched: all, convIndex: index})
			return tc, out, err
		}
		wantTC, wantOut, err := read(false)
		if err != nil {
			return err
		}
		gotTC, gotOut, err := read(true)
		if err != nil {
			return err
		}
		if len(wantOut) == 0 {
			return fmt.Errorf("thread %s: nothing read", tid)
		}
		for contact, w := range wantOut {
			if !reflect.DeepEqual(gotOut[contact], w) {
				return fmt.Errorf("thread %s, %s: the index reads\n%+v\nthe thread\n%+v", tid, contact, gotOut[contact], w)
			}
			if !reflect.DeepEqual(gotTC.by[contact], wantTC.by[contact]) {
				return fmt.Errorf("thread %s, %s: the index gives\n%+v\nthe thread\n%+v", tid, contact, gotTC.by[contact], wantTC.by[contact])
			}
		}
		return errRollback
	})
	if err != errRollback {
		t.Fatal(err)
	}
}

// A post of ours fetched before MarkSent counts at first for the person
// it replies to; MarkSent gives it to the person the reply answered, and
// the conversation index moves it with it (checkIndexes compares the
// index with the messages).
func TestMarkSentMovesAnAdoptedPostInTheConversationIndex(t *testing.T) {
	s := openTest(t)
	mustIngest(t, s, result("masto",
		item("m1", "ann", 1, withTarget("101"), text("Does the team plan include SSO?")),
		item("m2", "bob", 2, replyTo("m1"), withTarget("102"), text("We need it for 40 seats.")),
	), at(3))
	tid := threadOf(t, s, "m1")
	bob := contactID("masto", "bob")
	e := mustQueue(t, s, Reply{ThreadID: tid, Text: "**Yes**", To: bob, At: at(10)})
	_, err := s.MarkSending(e.Key, at(11))
	mustNil(t, err)
	mustIngest(t, s, result("masto", item("r1", "parley", 12, replyTo("m1"), byUs, text("Yes"))), at(12))
	msgs, _ := s.Messages(tid)
	if m := msgs[len(msgs)-1]; m.ID != "r1" || m.Contact != contactID("masto", "ann") {
		t.Fatalf("before MarkSent: last message %+v, want r1 counted for ann", m)
	}
	_, err = s.MarkSent(e.Key, feeds.Posted{ItemID: "r1"}, at(13))
	mustNil(t, err)
	checkIndexes(t, s)
	msgs, _ = s.Messages(tid)
	if m := msgs[len(msgs)-1]; m.ID != "r1" || m.Contact != bob {
		t.Errorf("after MarkSent: last message %+v, want r1 counted for bob", m)
	}
	err = s.db.View(func(tx *bolt.Tx) error {
		if !convIndexed(tx, tid) {
			t.Error("the thread is not indexed by conversation")
		}
		return nil
	})
	mustNil(t, err)
}
