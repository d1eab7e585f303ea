package ui

import (
	"fmt"
	"strings"
	"time"

	"parley/events"
	"parley/feeds"
)

// fetchRound tallies the results of R (fetch all now) so the status line
// ends with what happened instead of "Fetching all feeds…" for ever.
// Every configured feed reports once: the poller starts the idle ones
// and the busy ones finish anyway.
type fetchRound struct {
	// asked is when R was pressed (wall clock, as the fetcher's): a
	// result of a fetch that ended before it is news from earlier that
	// was still on its way to the screen, not an answer to R.
	asked    time.Time
	pending  map[string]bool
	feeds    int
	newItems int
	withNew  int
	failed   []string
}

func newFetchRound(list []feeds.Feed, asked time.Time) *fetchRound {
	r := &fetchRound{pending: map[string]bool{}, asked: asked}
	for _, f := range list {
		r.pending[f.Name] = true
	}
	r.feeds = len(r.pending)
	return r
}

// add counts one feed's result; done when every feed has reported.
func (r *fetchRound) add(ev *events.PollEvent) (done bool) {
	if !r.pending[ev.Feed] {
		return false
	}
	if res := ev.Result; !res.Started.IsZero() && res.Started.Add(res.Duration).Before(r.asked) {
		return false
	}
	delete(r.pending, ev.Feed)
	switch {
	case ev.Result.Err != nil || ev.StoreErr != nil:
		r.failed = append(r.failed, ev.Feed)
	case ev.Stored.New > 0:
		r.newItems += ev.Stored.New
		r.withNew++
	}
	return len(r.pending) == 0
}

// summary is "Fetched 5 feeds: 12 new in 3 feeds, 1 failed (Old blog; 4
// shows why)"; feedsKey is the key of the feeds view.
func (r *fetchRound) summary(feedsKey string) string {
	var parts []string
	if r.newItems > 0 {
		parts = append(parts, fmt.Sprintf("%d new in %s", r.newItems, countNoun(r.withNew, "feed", "feeds")))
	} else {
		parts = append(parts, "nothing new")
	}
	if n := len(r.failed); n > 0 {
		names := strings.Join(r.failed, ", ")
		if n > 2 {
			names = strings.Join(r.failed[:2], ", ") + ", …"
		}
		parts = append(parts, fmt.Sprintf("%d failed (%s; %s shows why)", n, termText(names), feedsKey))
	}
	return fmt.Sprintf("Fetched %s: %s.", countNoun(r.feeds, "feed", "feeds"), strings.Join(parts, ", "))
}

func countNoun(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// countFetch adds a poll result to the round R started, and says how it
// went once every feed has reported.
func (a *App) countFetch(ev *events.PollEvent) {
	if a.round == nil || !a.round.add(ev) {
		return
	}
	a.setStatus(a.round.summary(a.c.Keys.Global.Feeds.Help().Key), len(a.round.failed) == a.round.feeds)
	a.round = nil
}
