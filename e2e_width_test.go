package main

import (
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"golang.org/x/text/width"
)

// cellWidth is wcwidth(3) as glibc has it, which is how tmux 3.3a (and
// xterm, and the Linux console) advance the cursor: one code point at a
// time, knowing nothing of grapheme clusters. It is written out here,
// apart from the code under test, so the test measures what a terminal
// does, not what parley thinks it does.
func cellWidth(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case r < 0x20, r >= 0x7f && r < 0xa0:
		case r == 0xad:
			n++
		case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf), r >= 0x1160 && r <= 0x11ff, r == 0x200b:
		default:
			if k := width.LookupRune(r).Kind(); k == width.EastAsianWide || k == width.EastAsianFullwidth {
				n += 2
			} else {
				n++
			}
		}
	}
	return n
}

// cells returns the text of line between cells from and to, by cellWidth.
func cells(line string, from, to int) string {
	var b strings.Builder
	col := 0
	for _, r := range line {
		w := cellWidth(string(r))
		if col >= from && col+w <= to {
			b.WriteRune(r)
		}
		col += w
	}
	return b.String()
}

// Text that tmux 3.3a and lipgloss measure differently: a ZWJ emoji
// sequence with a skin tone, a lone ZWJ, a letter under 26 combining
// marks, and CJK in wide brackets.
const (
	zwjCoder = "👩🏽\u200d💻"
	zalgo    = "e̷̢̛͓̬̣̳͚̠͙͔̲̙̱̻̓̽͒̾́̋̓͌̎͗̿"
	cjk      = "「日本語」"
)

// Rows holding text that terminals and grapheme segmentation measure
// differently stay inside an 80-column tmux pane, and their columns stay
// where the header puts them, in the queue and in the thread view.
func TestE2EEmojiAndCombiningMarksKeepTheirRows(t *testing.T) {
	bin := buildParley(t)
	env := isolatedEnv(t)
	home := strings.TrimPrefix(env[0], "HOME=")

	items := []struct{ author, title, text string }{
		{"Ana " + zwjCoder + zwjCoder + " Dev", "Coder " + zwjCoder + " at work " + strings.Repeat(zwjCoder, 4) + " and the rest of a long title that goes on", "body " + strings.Repeat(zwjCoder, 30) + " end"},
		{"\u200dZed\u200d", "lone\u200djoiner \u200d\u200d\u200d and a title long enough to reach the edge of the pane", "joiner\u200d " + strings.Repeat("x\u200d", 60) + " end"},
		{zalgo + " Zal", "zalgo " + strings.Repeat(zalgo, 12) + " text", "marks " + strings.Repeat(zalgo, 40) + " end"},
		{cjk + "作者", strings.Repeat(cjk, 10), "wide " + strings.Repeat(cjk, 20) + " end"},
		{"Plain Person", "plain ascii row", "plain body"},
	}
	for i := range items[:len(items)-1] {
		// Long enough that every title is cut, with an ellipsis, at 80.
		items[i].title += " " + strings.Repeat("and so on ", 8)
	}
	at := time.Now().Add(-5 * 24 * time.Hour)
	var rss strings.Builder
	rss.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Z</title>`)
	for i, it := range items {
		// XML 1.0 can carry U+200D as a character reference.
		fmt.Fprintf(&rss, "<item><guid>w%d</guid><title>%s</title><dc:creator>%s</dc:creator><pubDate>%s</pubDate><description>%s</description></item>\n",
			i, html.EscapeString(it.title), html.EscapeString(it.author), at.Add(-time.Duration(i)*time.Hour).Format(time.RFC1123Z), html.EscapeString(it.text))
	}
	rss.WriteString("</channel></rss>")
	feedPath := filepath.Join(home, "wide.xml")
	if err := os.WriteFile(feedPath, []byte(rss.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(home, "config", "parley")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf("[[feed]]\nname = \"Zfeed\"\nurl = %q\nevery = \"1h\"\n", feedPath)
	if err := os.WriteFile(filepath.Join(dir, "config.toml"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}

	socket := filepath.Join(t.TempDir(), "tmux.sock")
	s := &tmuxSession{t: t, socket: socket, name: "parley"}
	s.tmux("new-session", "-d", "-s", s.name, "-x", "80", "-y", "30", "env "+strings.Join(env, " ")+" "+bin)
	t.Cleanup(func() { exec.Command("tmux", "-S", socket, "kill-server").Run() })

	const paneW = 80
	s.waitFor("Plain Person")
	checkWidths := func(what, scr string) {
		t.Helper()
		for i, l := range strings.Split(scr, "\n") {
			if w := cellWidth(l); w > paneW {
				t.Errorf("%s: line %d is %d cells wide in an %d-column pane:\n%s", what, i, w, paneW, scr)
			}
		}
	}
	for row := range items {
		scr := s.waitFor("WAITING FOR A REPLY")
		checkWidths(fmt.Sprintf("queue, cursor on row %d", row), scr)
		lines := strings.Split(scr, "\n")
		head := -1
		for i, l := range lines {
			if strings.Contains(l, "WAITING FOR A REPLY") {
				head = i
			}
		}
		if head < 0 || head+len(items) >= len(lines) {
			t.Fatalf("no queue on screen:\n%s", scr)
		}
		for i := head + 1; i <= head+len(items); i++ {
			l := lines[i]
			// Every row keeps its columns: the feed name at cell 4, the
			// author after it, the age and unread count at the right edge.
			if got := cells(l, 4, 9); got != "Zfeed" {
				t.Errorf("queue row %d: cells 4-9 are %q, want the FEED column %q (the row shifted):\n%s", i-head, got, "Zfeed", scr)
			}
			// (capture-pane drops trailing blanks, so a read row ends at AGE.)
			if got := cells(l, paneW-6, paneW-4); got != "5d" {
				t.Errorf("queue row %d: cells %d-%d are %q, want the AGE column %q (the row ends %q):\n%s", i-head, paneW-6, paneW-4, got, "5d", cells(l, paneW-8, paneW+40), scr)
			}
		}

		s.keys("Enter")
		scr = s.waitFor(threadOpen)
		checkWidths(fmt.Sprintf("thread %d", row), scr)
		lines = strings.Split(scr, "\n")
		title := strings.TrimRight(lines[1], " ")
		if !strings.HasSuffix(title, "…") && !strings.Contains(title, "plain ascii row") {
			t.Errorf("thread %d: the title line %q is cut without an ellipsis (it ran past the edge)", row, title)
		}
		if !strings.HasPrefix(lines[2], "Zfeed · ") {
			t.Errorf("thread %d: the meta line %q does not start where it should:\n%s", row, lines[2], scr)
		}
		if !strings.Contains(scr, "5d ago") || !strings.Contains(scr, "end") && !strings.Contains(scr, "plain body") {
			t.Errorf("thread %d: the message's header or the end of its text is missing:\n%s", row, scr)
		}
		s.keys("Escape")
		s.waitFor("WAITING FOR A REPLY")
		s.keys("j")
	}
	s.keys("q")
	s.waitGone()
}
