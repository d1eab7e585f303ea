package engine

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"testing"
	"time"

	"parley/feeds"
	"parley/store"
)

// The engine owns the control socket: Start serves it, Close removes it,
// and a fetch on it is stored by this engine.
func TestEngineServesTheControlSocketFromStartToClose(t *testing.T) {
	st := testStore(t)
	e := New(Config{Store: st, Feeds: []feeds.Feed{rssFeed(t, "Forum", 3)}, ConfigPath: "/home/maya/parley.toml",
		Control: &Control{}})
	e.Start(context.Background())
	if _, err := store.ControlHello(st.Path(), 2*time.Second); err != nil {
		e.Close()
		t.Fatalf("hello while the engine runs: %v", err)
	}
	var got []store.FeedResult
	err := store.RequestFetch(st.Path(), "/home/maya/parley.toml", func([]string) {}, func(r store.FeedResult) { got = append(got, r) })
	if err != nil || len(got) != 1 || got[0].Feed != "Forum" || got[0].Items != 3 {
		t.Errorf("fetch through the engine: %v, %+v", err, got)
	}
	err = store.RequestFetch(st.Path(), "/home/maya/other.toml", func([]string) {}, func(store.FeedResult) {})
	if !errors.Is(err, store.ErrOtherConfig) {
		t.Errorf("fetch naming another config: %v, want ErrOtherConfig", err)
	}

	e.Close()
	if _, err := os.Lstat(store.ControlSocket(st.Path())); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the socket is still there after Close: %v", err)
	}
	if _, err := store.ControlHello(st.Path(), time.Second); !errors.Is(err, store.ErrNoControl) {
		t.Errorf("hello after Close: %v, want ErrNoControl", err)
	}
}

// Without Control the engine serves nothing (a cron fetch of its own).
func TestEngineWithoutControlServesNothing(t *testing.T) {
	st := testStore(t)
	e := New(Config{Store: st})
	e.Start(context.Background())
	defer e.Close()
	if _, err := store.ControlHello(st.Path(), time.Second); !errors.Is(err, store.ErrNoControl) {
		t.Errorf("hello: %v, want ErrNoControl", err)
	}
}
