package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"parley/engine"
	"parley/feeds"
	"parley/store"
)

// A feed that keeps failing says so, with its last error and when it
// will be tried again; a two-way source says what it is.
func TestFeedsViewShowsBackoffAndKinds(t *testing.T) {
	st := testStore(t)
	list := []feeds.Feed{
		{Name: "Blog comments", URL: "https://quillstone.example/comments/feed/"},
		{Name: "Mastodon", URL: "https://mastodon.example", Kind: feeds.KindMastodon},
	}
	app := New(Deps{Backend: backendOf(st, ""), Feeds: list, Now: func() time.Time { return testNow }})
	f := app.feedsV
	f.SetSize(100, 20)
	f.setStates([]store.FeedState{
		{Name: "Blog comments", LastFetch: testNow.Add(-time.Minute), LastError: "server answered 503 Service Unavailable"},
		{Name: "Mastodon", LastFetch: testNow.Add(-time.Minute), LastSuccess: testNow.Add(-time.Minute), LastNew: 2},
	})
	f.failures["Blog comments"] = 3
	f.next["Blog comments"] = testNow.Add(40 * time.Minute)
	out := ansi.Strip(f.View())
	for _, want := range []string{
		"failed 3 times in a row, backing off: server answered 503",
		"in 40m",
		"Mastodon · https://mastodon.example · two-way",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("feeds view lacks %q:\n%s", want, out)
		}
	}
	// One failure is just an error, not yet a backoff.
	f.failures["Blog comments"] = 1
	if out := ansi.Strip(f.View()); strings.Contains(out, "backing off") {
		t.Errorf("a single failure reads as a backoff:\n%s", out)
	}
}

// Hundreds of feeds arriving at start-up must not each re-read a big
// queue: reads in flight coalesce into one more.
func TestQueueReloadsCoalesce(t *testing.T) {
	app := newTestApp(testStore(t))
	if app.reloadQueue() == nil {
		t.Fatal("the first reload read nothing")
	}
	for range 100 {
		if app.reloadQueue() != nil {
			t.Fatal("a reload started while one is in flight")
		}
	}
	// The read in flight lands: exactly one more follows, then none.
	if app.handleResult(queueWindowMsg{reload: true}) == nil {
		t.Fatal("the queue changed during the read, but no read followed")
	}
	if cmd := app.handleResult(queueWindowMsg{reload: true}); cmd != nil {
		t.Error("a second extra read followed with nothing changed")
	}
}

// feedRow returns the two lines of view 4 about feed.
func feedRow(t *testing.T, f *feedsScreen, feed string) string {
	t.Helper()
	lines := strings.Split(ansi.Strip(f.View()), "\n")
	for i, l := range lines {
		if strings.Contains(l, feed) && i+1 < len(lines) {
			return l + "\n" + lines[i+1]
		}
	}
	t.Fatalf("no row for %q in view 4:\n%s", feed, strings.Join(lines, "\n"))
	return ""
}

// A poll whose results could not be stored left no feed state behind, and
// view 4 said "never" as if the feed had not been fetched. It shows the
// storage error until a later result is stored.
func TestFeedsViewShowsAStoreFailure(t *testing.T) {
	st := testStore(t)
	app := New(Deps{Backend: backendOf(st, ""), Feeds: []feeds.Feed{{Name: "Status page", URL: "https://status.example/feed"}},
		Now: func() time.Time { return testNow }})
	app.feedsV.SetSize(120, 20)
	item := feeds.Item{ID: "s1", Feed: "Status page", Author: "Dana", Title: "Down?", Text: "Is it down?", Published: testNow.Add(-time.Hour)}
	bad := item
	bad.ID = strings.Repeat("x", 40<<10) // over bbolt's 32 KiB key limit: the write fails
	store := func(r feeds.Result) {
		t.Helper()
		// As the engine reports a polled result once its writer is done.
		res, err := st.IngestBatch([]feeds.Result{r}, testNow)
		app.handlePoll(&engine.PollEvent{Event: feeds.Event{Feed: r.Feed, Result: &r}, Stored: res[0], StoreErr: err[0]})
		app.handleResult(loadFeedStates(app.c.B)())
	}

	store(feeds.Result{Feed: "Status page", Items: []feeds.Item{bad}})
	row := feedRow(t, app.feedsV, "Status page")
	if strings.Contains(row, "never") || !strings.Contains(row, "✗") || !strings.Contains(row, "could not store the results of the last fetch: ") ||
		!strings.Contains(row, "save message") {
		t.Errorf("after a failed store, view 4 shows:\n%s\nwant the storage error, not \"never\"", row)
	}

	store(feeds.Result{Feed: "Status page", Items: []feeds.Item{item}})
	row = feedRow(t, app.feedsV, "Status page")
	if strings.Contains(row, "could not store") || !strings.Contains(row, "✓") || !strings.Contains(row, "1 new in the last fetch") {
		t.Errorf("after a stored result, view 4 shows:\n%s\nwant the feed healthy again", row)
	}
}
