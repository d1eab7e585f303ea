package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

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
	app := New(Deps{Store: st, Feeds: list, Now: func() time.Time { return testNow }})
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
