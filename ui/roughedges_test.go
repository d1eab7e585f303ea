package ui

import (
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"

	"parley/engine"
	"parley/events"
	"parley/feeds"
)

// After R the status line says what the fetch did, once every feed has
// reported, instead of "Fetching all feeds…" until the next key.
func TestFetchAllEndsWithWhatHappened(t *testing.T) {
	st := testStore(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "live.xml")
	write := func(items ...string) {
		if err := os.WriteFile(path, []byte(fmt.Sprintf(liveFeed, strings.Join(items, "\n"))), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	first := rssItem("l1", "Dana Live", "First live question", testNow.Add(-30*time.Minute))
	write(first)
	list := []feeds.Feed{{Name: "Live", URL: path, Every: time.Hour}, {Name: "Gone blog", URL: filepath.Join(dir, "missing.xml"), Every: time.Hour}}
	app := New(Deps{Backend: startedBackend(t, engine.Config{Store: st, Feeds: list}), Feeds: list, Now: func() time.Time { return testNow }})
	tm := startApp(t, app, 120, 24)
	waitFor(t, tm, "First live question")
	write(first, rssItem("l2", "Eli Live", "Second live question", testNow.Add(-5*time.Minute)),
		rssItem("l3", "Fay Live", "Third live question", testNow.Add(-4*time.Minute)))
	tm.Send(press('R'))
	// The renderer redraws only what changed: "Fetch" may stay from
	// "Fetching all feeds…".
	waitFor(t, tm, "2 new in 1 feed, 1 failed (Gone blog; 4 shows why).")
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*App)
	if want := "Fetched 2 feeds: 2 new in 1 feed, 1 failed (Gone blog; 4 shows why)."; final.status != want {
		t.Errorf("status %q, want %q", final.status, want)
	}
	if final.round != nil {
		t.Error("the round is still open after every feed reported")
	}
}

func TestFetchRoundSummary(t *testing.T) {
	asked := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	r := newFetchRound([]feeds.Feed{{Name: "A"}, {Name: "B"}, {Name: "C"}}, asked)
	ok := &feeds.Result{Started: asked.Add(time.Second), Duration: time.Second}
	// Started before R and still running when it was pressed: it answers R.
	bad := &feeds.Result{Err: errors.New("boom"), Started: asked.Add(-time.Second), Duration: 2 * time.Second}
	// Ended before R, shown after it: earlier news, not counted.
	earlier := &feeds.Result{Started: asked.Add(-2 * time.Second), Duration: time.Second}
	for _, ev := range []struct {
		name string
		res  *feeds.Result
		new  int
		done bool
	}{{"A", ok, 0, false}, {"Z", ok, 9, false}, {"C", earlier, 5, false}, {"B", bad, 0, false}, {"C", ok, 0, true}} {
		pe := pollEvent(ev.name, ev.res, ev.new)
		if got := r.add(pe); got != ev.done {
			t.Errorf("%s: done = %v", ev.name, got)
		}
	}
	if got, want := r.summary("4"), "Fetched 3 feeds: nothing new, 1 failed (B; 4 shows why)."; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
}

func TestClipboardNote(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(name string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == name {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	tmux := func(v string, err error) func() (string, error) { return func() (string, error) { return v, err } }
	for _, c := range []struct {
		name string
		env  func(string) string
		opt  func() (string, error)
		want string
	}{
		{"plain terminal", env("TERM", "xterm-kitty"), nil, ""},
		{"tmux default", env("TMUX", "/tmp/tmux-1000/default,1,0"), tmux("external\n", nil), tmuxClipNote},
		{"tmux on", env("TMUX", "/tmp/tmux-1000/default,1,0"), tmux("on\n", nil), ""},
		{"tmux, cannot ask (over SSH)", env("TMUX", "x"), nil, tmuxClipNote},
		{"tmux not answering", env("TMUX", "x"), tmux("", errors.New("no server")), tmuxClipNote},
		{"Terminal.app", env("TERM_PROGRAM", "Apple_Terminal"), nil, noOSC52Note},
		{"GNOME Terminal", env("VTE_VERSION", "7600"), nil, noOSC52Note},
		{"VTE inside another program", env("VTE_VERSION", "7600", "TERM_PROGRAM", "WezTerm"), nil, ""},
	} {
		if got := clipboardNote(c.env, c.opt); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

// In tmux, ctrl+s on a read-only source says how to let the copy
// through, and y in the thread copies the recorded reply again.
func TestRecordedReplyCopiesAgainWithY(t *testing.T) {
	st := testStore(t)
	app := New(Deps{Backend: backendOf(st, ""), Feeds: []feeds.Feed{{Name: "Blog comments"}}, ConfigPath: "/tmp/config.toml",
		Now: func() time.Time { return testNow }, Getenv: func(name string) string {
			if name == "TMUX" {
				return "/tmp/tmux-1000/default,4242,0"
			}
			return ""
		}})
	tm := startApp(t, app, 200, 24)
	waitFor(t, tm, "Alice Chen")
	tm.Send(enter)
	waitFor(t, tm, "Three days of meeting notes")
	tm.Send(press('y')) // nothing recorded yet: the link
	waitFor(t, tm, "Link copied: https://quillstone.example/blog/sync/#comment-1")
	tm.Send(press('r'))
	waitFor(t, tm, "ctrl+s copy + record")
	const reply = "Sorry Alice, restoring from the server backup now."
	tm.Type(reply)
	tm.Send(ctrlS)
	osc52 := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(reply))
	waitFor(t, tm, osc52, "Reply recorded and copied (if tmux drops it: tmux set -g set-clipboard on, then y). Paste it at")
	tm.Send(press('y'))
	waitFor(t, tm, osc52, "Your reply of")
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*App)
	if !strings.HasPrefix(final.status, "Your reply of ") || !strings.Contains(final.status, tmuxClipNote) {
		t.Errorf("status after y: %q", final.status)
	}
}

func pollEvent(feed string, res *feeds.Result, newItems int) *events.PollEvent {
	pe := &events.PollEvent{}
	pe.Feed, pe.Result = feed, res
	pe.Stored.New = newItems
	return pe
}
