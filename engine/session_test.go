package engine

import (
	"context"
	"errors"
	"testing"
	"time"

	"parley/feeds"
	"parley/store"
)

// A session's change feed carries every committed write, the engine's
// and another writer's, and ends with its context or with the engine.
func TestSessionChangesEndWithContextAndEngine(t *testing.T) {
	st := testStore(t)
	e := New(Config{Store: st, Feeds: []feeds.Feed{rssFeed(t, "Forum", 2)}})
	ctx, cancel := context.WithCancel(context.Background())
	src := e.Session("maya").Changes(ctx)
	other := e.Session("maya").Changes(context.Background())

	var stored store.IngestResult
	e.FetchOnce(context.Background(), func(_ feeds.Result, res store.IngestResult, err error) {
		if err != nil {
			t.Error(err)
		}
		stored = res
	})
	wait, stop := context.WithTimeout(context.Background(), time.Second)
	defer stop()
	c, err := src.Next(wait)
	if err != nil || c.Kind != store.ChangeIngest || c.Feed != "Forum" || len(c.Threads) != 2 || stored.New != 2 {
		t.Fatalf("first change = %+v, %v; want the ingest of Forum's 2 threads", c, err)
	}

	if c, err := other.Next(wait); err != nil || c.Kind != store.ChangeIngest {
		t.Fatalf("the other session's first change = %+v, %v; want the same ingest", c, err)
	}

	cancel()
	if _, err := src.Next(wait); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Next after the context ended: %v, want ErrClosed", err)
	}
	e.Close()
	if _, err := other.Next(wait); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Next after the engine closed: %v, want ErrClosed", err)
	}
}
