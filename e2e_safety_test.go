package main

import (
	"encoding/base64"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// hostileE2EBody is a comment that tries to set tmux's window title (OSC 0
// and OSC 2), write the clipboard (OSC 52), clear the screen, overwrite a
// word with CR and reverse a file name with a bidi override.
var hostileE2EBody = "Hello\x1b]0;PWNED-TITLE\x07 support\x1b[2J\x1b[H team\x1b]2;PWNED-TITLE\x07\n\n" +
	"\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte("rm -rf ~")) + "\x07" +
	"safe\rEVIL attached \u202egnp.exe end of message"

// hostileE2ERSS carries the hostile text the way a blog's comment feed
// can: XML cannot hold ESC, so the HTML in the description holds "&#27;",
// which is ESC once that HTML is read.
func hostileE2ERSS() []byte {
	var refs strings.Builder
	for _, r := range hostileE2EBody {
		if r < 0x20 && r != '\n' || r == 0x202e {
			fmt.Fprintf(&refs, "&#%d;", r)
			continue
		}
		refs.WriteRune(r)
	}
	body := "<p>" + strings.ReplaceAll(refs.String(), "\n\n", "</p><p>") + "</p>"
	title := html.EscapeString("Refund&#27;]2;PWNED-TITLE&#7; please")
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Hostile</title>
<item><guid>hostile-1</guid><title>` + title + `</title><dc:creator>Mallory</dc:creator>
<link>https://quill.example/p/1</link><pubDate>Sat, 01 Jun 2024 10:00:00 GMT</pubDate>
<description>` + html.EscapeString(body) + `</description></item>
</channel></rss>`)
}

// A feed that tries to drive the terminal changes neither tmux's pane
// title, nor its clipboard (set-clipboard is on, so a real OSC 52 would
// land in a paste buffer), nor the screen; its words still show.
func TestE2EHostileFeedCannotDriveTheTerminal(t *testing.T) {
	bin := buildParley(t)
	env := isolatedEnv(t)

	// The feed is held back until tmux accepts OSC 52, so a leak could
	// not slip through before the trap is set.
	release := make(chan struct{})
	doc := hostileE2ERSS()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(doc)
	}))
	t.Cleanup(srv.Close)
	var once sync.Once
	open := func() { once.Do(func() { close(release) }) }
	t.Cleanup(open) // runs before srv.Close, which waits for handlers

	home := strings.TrimPrefix(env[0], "HOME=")
	dir := filepath.Join(home, "config", "parley")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	cfg := "[[feed]]\nname  = \"Blog comments\"\nurl   = \"" + srv.URL + "/comments.rss\"\nevery = \"1m\"\n"
	if err := os.WriteFile(filepath.Join(dir, "config.toml"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}

	s := startTmux(t, filepath.Join(t.TempDir(), "tmux.sock"), env, bin)
	s.tmux("set-option", "-g", "set-clipboard", "on")
	s.waitFor("1 queue")
	if bufs := s.tmux("list-buffers"); bufs != "" {
		t.Fatalf("tmux has paste buffers before the feed arrived: %q", bufs)
	}
	open()

	s.waitFor("Mallory")
	s.keys("Enter")
	scr := s.waitFor("end of message")
	// (a) The screen was not cleared or overwritten: the header drawn
	// before the item is still there, and the words around the sequences.
	for _, want := range []string{"1 queue", "Refund please", "Hello support team", "safe", "EVIL", "gnp.exe", "end of message"} {
		if !strings.Contains(scr, want) {
			t.Errorf("screen lacks %q:\n%s", want, scr)
		}
	}
	for _, bad := range []string{"PWNED", "52;c;", "[2J", "\u202e"} {
		if strings.Contains(scr, bad) {
			t.Errorf("screen shows %q:\n%s", bad, scr)
		}
	}
	// (a) The pane title is parley's own, not the feed's.
	if title := strings.TrimSpace(s.tmux("display-message", "-p", "-t", s.name, "#{pane_title}")); title != "parley" {
		t.Errorf("pane title = %q, want parley's own %q", title, "parley")
	}
	// (b) Nothing reached the clipboard: tmux made no paste buffer.
	if bufs := s.tmux("list-buffers"); bufs != "" {
		t.Errorf("the feed wrote tmux's clipboard: %q", bufs)
	}
	if out, err := exec.Command("tmux", "-S", s.socket, "show-buffer").CombinedOutput(); err == nil {
		t.Errorf("tmux show-buffer has a buffer after rendering the feed: %q", out)
	}

	// The control: a real OSC 52 in this tmux does make a buffer, so the
	// empty clipboard above means something (a tmux that ignored OSC 52
	// would make this test pass without checking anything).
	s.tmux("new-window", "-d", "printf '\\033]52;c;Y29udHJvbA==\\a'; sleep 5")
	deadline := time.Now().Add(5 * time.Second)
	for s.tmux("list-buffers") == "" {
		if time.Now().After(deadline) {
			t.Fatal("control failed: tmux made no buffer from a real OSC 52, so the clipboard check proves nothing")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
