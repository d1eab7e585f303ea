package engine

import (
	"log/slog"

	"parley/feeds"
)

// logFetchFailure puts a failed poll in the log, for both the console's
// polls and parley fetch (a cron job's output is often thrown away; the
// log is where a user looks for why a feed went quiet). The feed's name
// is an attribute: the error itself does not repeat it.
func logFetchFailure(r feeds.Result) {
	if r.Err != nil {
		slog.Warn("fetch failed", "feed", r.Feed, "err", r.Err)
	}
}

// logStoreFailure logs a poll whose result could not be stored.
func logStoreFailure(feed string, err error) {
	if err != nil {
		slog.Error("could not store a poll's result", "feed", feed, "err", err)
	}
}
