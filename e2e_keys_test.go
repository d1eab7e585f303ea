package main

import (
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sendMouse writes an SGR mouse report (as a terminal does in cell-motion
// mode) to the console's input: button 0 is a left press, 64/65 the wheel;
// x and y count from 0.
func (s *tmuxSession) sendMouse(button, x, y int) {
	seq := fmt.Sprintf("\x1b[<%d;%d;%dM", button, x+1, y+1)
	args := []string{"send-keys", "-t", s.name, "-H"}
	for _, b := range []byte(seq) {
		args = append(args, hex.EncodeToString([]byte{b}))
	}
	s.tmux(args...)
}

// In a real terminal (tmux): [keys] rebinds what the keys do and what help
// and the status line name, the mouse selects a row, and a copy in tmux
// says how to let OSC 52 through (this tmux has the default set-clipboard).
func TestE2EKeysMouseAndClipboardInTmux(t *testing.T) {
	bin := buildParley(t)
	env := isolatedEnv(t)
	dir := t.TempDir()
	feed := filepath.Join(dir, "feed.rss")
	var items strings.Builder
	for i, who := range []string{"Alice Martin", "Bob Stone", "Cleo Park"} {
		fmt.Fprintf(&items, `<item><title>Question %d</title><link>https://blog.example/p/%d</link><guid>q%d</guid>
<author>%s</author><pubDate>Tue, 0%d Mar 2025 10:00:00 +0000</pubDate><description>Question %d from %s</description></item>
`, i+1, i+1, i+1, who, i+2, i+1, who)
	}
	os.WriteFile(feed, []byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>Blog</title>`+items.String()+`</channel></rss>`), 0o600)
	cfg := filepath.Join(dir, "config.toml")
	os.WriteFile(cfg, []byte(fmt.Sprintf(`[[feed]]
name = "Blog"
url  = %q

[keys]
"queue.done"  = "x"
"queue.undo"  = "z"
"global.quit" = "Q"
`, feed)), 0o600)
	s := startTmux(t, filepath.Join(t.TempDir(), "tmux.sock"), env, bin, "--config", cfg)
	s.waitFor("Cleo Park")
	s.keys("?")
	scr := s.waitFor("closes")
	words := strings.Join(strings.Fields(strings.ReplaceAll(scr, "\u00a0", " ")), " ")
	for _, want := range []string{"x done (archive)", "Q quit", "Marks", "trust trusting", "shift+drag"} {
		if !strings.Contains(words, want) {
			t.Errorf("help lacks %q:\n%s", want, scr)
		}
	}
	s.keys("Escape")
	s.waitFor("WAITING FOR A REPLY")

	// Rows: screen line 0 the tabs, 1 the column titles, then threads.
	scr = s.screen()
	lines := strings.Split(scr, "\n")
	row := -1
	for i, l := range lines {
		if strings.Contains(l, "Bob Stone") {
			row = i
		}
	}
	if row < 0 {
		t.Fatalf("no row for Bob:\n%s", scr)
	}
	if strings.HasPrefix(lines[row], "›") {
		t.Fatalf("Bob's row is selected before the click:\n%s", scr)
	}
	s.sendMouse(0, 30, row)
	s.keys("Enter")
	s.waitFor("Question 2 from Bob Stone")
	s.keys("r")
	s.waitFor("ctrl+s copy + record")
	s.keys("-l", "Caching is next month.")
	s.keys("C-s")
	s.waitFor("set-clipboard on")
	s.keys("Escape")
	s.waitFor("WAITING FOR A REPLY")
	s.keys("x")
	s.waitFor("(z to undo)") // the status names the key bound now
	s.keys("Q")
	s.waitGone()
}
