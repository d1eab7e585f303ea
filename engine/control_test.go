package engine

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
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

// A fetch of another config is refused with what to do; the same config,
// or a request naming none (an older client), is this engine's.
func TestCheckConfigSaysWhatToRun(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.toml"), filepath.Join(dir, "b.toml")
	for _, p := range []string{a, b} {
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	link := filepath.Join(dir, "link.toml")
	if err := os.Symlink(a, link); err != nil {
		t.Fatal(err)
	}
	e := &Engine{cfg: Config{ConfigPath: a}}
	for _, same := range []string{a, link, ""} {
		if err := e.checkConfig(same); err != nil {
			t.Errorf("checkConfig(%q) = %v, want nil", same, err)
		}
	}
	err := e.checkConfig(b)
	if !errors.Is(err, store.ErrOtherConfig) || !strings.Contains(err.Error(), "uses "+a+"; this fetch names "+b+": to poll the console's feeds run parley fetch --config "+a+";") {
		t.Errorf("checkConfig(other) = %v", err)
	}
	demo := &Engine{cfg: Config{ConfigPath: "(demo)"}}
	if err := demo.checkConfig(a); !errors.Is(err, store.ErrOtherConfig) || !strings.Contains(err.Error(), "run parley fetch --demo;") {
		t.Errorf("checkConfig on the demo = %v", err)
	}
}
