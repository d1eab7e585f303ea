package engine

import (
	"context"
	"errors"
	"sort"
	"testing"
	"time"

	"parley/feeds"
	"parley/store"
)

// parley fetch: every feed is reported once, after its items are stored,
// with what the writer stored; a feed that fails says why.
func TestFetchOnceStoresAndReportsEachFeed(t *testing.T) {
	st := testStore(t)
	list := []feeds.Feed{rssFeed(t, "Blog", 3), rssFeed(t, "Forum", 5), {Name: "Gone", URL: "/nonexistent/feed.rss"}}
	e := New(Config{Store: st, Feeds: list, Clock: &fakeClock{now: testNow}})
	defer e.Close()

	type line struct {
		feed      string
		new, all  int
		fetchErr  bool
		ingestErr error
	}
	var got []line
	e.FetchOnce(context.Background(), func(r feeds.Result, res store.IngestResult, err error) {
		if err == nil && r.Err == nil {
			// Reported after the commit: the threads are there to read.
			for _, id := range res.Threads {
				if _, terr := st.Thread(id); terr != nil {
					t.Errorf("%s reported before thread %s was stored: %v", r.Feed, id, terr)
				}
			}
		}
		got = append(got, line{r.Feed, res.New, len(r.Items), r.Err != nil, err})
	})
	sort.Slice(got, func(i, j int) bool { return got[i].feed < got[j].feed })
	want := []line{{"Blog", 3, 3, false, nil}, {"Forum", 5, 5, false, nil}, {"Gone", 0, 0, true, nil}}
	if len(got) != len(want) {
		t.Fatalf("reports = %+v, want one per feed: %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("report %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if n, _ := st.QueueLen(testNow); n != 8 {
		t.Errorf("queue holds %d threads, want 8", n)
	}

	// A second fetch stores nothing twice.
	e.FetchOnce(context.Background(), func(r feeds.Result, res store.IngestResult, err error) {
		if res.New != 0 {
			t.Errorf("second fetch of %s stored %d new", r.Feed, res.New)
		}
	})
}

// The background poller's results go through the same writer, and each
// is reported once stored, after its Started.
func TestPolledResultsAreStoredThroughTheWriter(t *testing.T) {
	st := testStore(t)
	list := []feeds.Feed{rssFeed(t, "Blog", 2), rssFeed(t, "Forum", 4)}
	e := New(Config{Store: st, Feeds: list, Clock: &fakeClock{now: testNow}})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	defer e.Close()
	e.Start(ctx)

	started := map[string]bool{}
	stored := map[string]int{}
	timeout := time.After(10 * time.Second) // bounds a failure only
	for len(stored) < 2 {
		select {
		case ev := <-e.Events():
			if ev.Poll == nil {
				continue
			}
			p := ev.Poll
			if p.Started {
				started[p.Feed] = true
				continue
			}
			if !started[p.Feed] {
				t.Errorf("%s: result before Started", p.Feed)
			}
			if p.StoreErr != nil || p.Result.Err != nil {
				t.Fatalf("%s: %v / %v", p.Feed, p.StoreErr, p.Result.Err)
			}
			stored[p.Feed] = p.Stored.New
		case <-timeout:
			t.Fatalf("no results from the poller; got %v", stored)
		}
	}
	if stored["Blog"] != 2 || stored["Forum"] != 4 {
		t.Errorf("stored = %v, want Blog 2, Forum 4", stored)
	}
	if n, _ := st.QueueLen(testNow); n != 6 {
		t.Errorf("queue holds %d threads, want 6", n)
	}
}

// Every result handed to the writer is stored and reported once, also
// when many arrive together; after close, work is refused, not lost.
func TestWriterStoresAndReportsEveryResult(t *testing.T) {
	st := testStore(t)
	w := startWriter(st, func() time.Time { return testNow }, 200)
	const n = 120
	reports := make(chan error, n)
	for i := range n {
		name := "Feed " + string(rune('A'+i%26)) + string(rune('a'+i/26))
		w.submit(feeds.Result{Feed: name, Items: []feeds.Item{{ID: name + "-1", Feed: name, Author: "Writer " + name,
			Title: "Hello", Text: "A question", Published: testNow.Add(-time.Hour)}}},
			func(_ store.IngestResult, err error) { reports <- err })
	}
	w.close()
	close(reports)
	got := 0
	for err := range reports {
		if err != nil {
			t.Error(err)
		}
		got++
	}
	if got != n {
		t.Errorf("%d reports, want %d", got, n)
	}
	if q, _ := st.QueueLen(testNow); q != n {
		t.Errorf("queue holds %d, want %d", q, n)
	}
	// After close, work is refused rather than lost silently.
	var after error
	w.submit(feeds.Result{Feed: "Late"}, func(_ store.IngestResult, err error) { after = err })
	if !errors.Is(after, errClosed) {
		t.Errorf("submit after close: %v, want errClosed", after)
	}
}
