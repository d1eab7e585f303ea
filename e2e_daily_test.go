package main

import (
	"bytes"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// dailyRSS writes a local RSS feed of items (author, text, link,
// published).
func dailyRSS(t *testing.T, path string, items [][4]string) {
	t.Helper()
	var rss strings.Builder
	rss.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Blog</title>`)
	for i, it := range items {
		fmt.Fprintf(&rss, "<item><guid>d%d</guid><title>%s</title><link>%s</link><dc:creator>%s</dc:creator><pubDate>%s</pubDate><description>%s</description></item>\n",
			i, html.EscapeString("Post "+it[0]), html.EscapeString(it[2]), html.EscapeString(it[0]), it[3], html.EscapeString(it[1]))
	}
	rss.WriteString("</channel></rss>")
	if err := os.WriteFile(path, []byte(rss.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}

// In tmux, a new unhappy message fetched while the console runs reaches
// the terminal as the bell and an OSC 9 notification wrapped in tmux's
// passthrough (what the program wrote, captured with pipe-pane), and the
// thread's link as an OSC 8 hyperlink; the backlog at start-up notifies
// nothing.
func TestE2ENotificationAndHyperlinkBytes(t *testing.T) {
	bin := buildParley(t)
	// A VTE terminal (GNOME Terminal) speaks OSC 777 instead of OSC 9.
	for _, tc := range []struct {
		name, env, seq string
	}{
		{"osc9", "", "\x1b\x1b]9;New: Zed Angry (unhappy) in Blog: This is terrible"},
		{"osc777", "VTE_VERSION=7600", "\x1b\x1b]777;notify;parley;New: Zed Angry (unhappy) in Blog: This is terrible"},
	} {
		t.Run(tc.name, func(t *testing.T) { e2eNotify(t, bin, tc.env, tc.seq) })
	}
}

func e2eNotify(t *testing.T, bin, extraEnv, seq string) {
	env := isolatedEnv(t)
	if extraEnv != "" {
		env = append(env, extraEnv)
	}
	home := strings.TrimPrefix(env[0], "HOME=")
	feedPath := filepath.Join(home, "blog.xml")
	old := [4]string{"Olga Old", "This is terrible, I hate it, awful.", "https://blog.example/p/old#c1", time.Now().Add(-48 * time.Hour).Format(time.RFC1123Z)}
	dailyRSS(t, feedPath, [][4]string{old})
	dir := filepath.Join(home, "config", "parley")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf("[[feed]]\nname = \"Blog\"\nurl = %q\nevery = \"1h\"\n", feedPath)
	if err := os.WriteFile(filepath.Join(dir, "config.toml"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startTmux(t, filepath.Join(t.TempDir(), "tmux.sock"), env, bin)
	s.waitFor("Olga Old")
	pipe := filepath.Join(t.TempDir(), "pane.bytes")
	s.tmux("pipe-pane", "-O", "-t", s.name, "cat > "+pipe)

	link := "https://blog.example/p/new#comment-7"
	dailyRSS(t, feedPath, [][4]string{old, {"Zed Angry", "This is terrible, I hate it, the worst update ever.", link, time.Now().Add(time.Minute).Format(time.RFC1123Z)}})
	s.keys("R")
	s.waitFor("New: Zed Angry (unhappy) in Blog")
	s.keys("j") // Olga waits longer: Zed is second
	s.keys("Enter")
	s.waitFor("Post Zed Angry")
	var out []byte
	want := []string{"\a\x1bPtmux;" + seq, "\x1b]8;id="}
	deadline := time.Now().Add(10 * time.Second)
	for {
		out, _ = os.ReadFile(pipe)
		ok := true
		for _, w := range want {
			ok = ok && bytes.Contains(out, []byte(w))
		}
		if ok || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, w := range want {
		if !bytes.Contains(out, []byte(w)) {
			t.Errorf("the pane never received %q; it got %q", w, out)
		}
	}
	if !bytes.Contains(out, []byte(";"+link+"\x07")) && !bytes.Contains(out, []byte(";"+link+"\x1b\\")) {
		t.Errorf("no OSC 8 hyperlink to %s in %q", link, out)
	}
	if bytes.Contains(out, []byte("Olga Old (unhappy)")) {
		t.Error("the backlog at start-up was notified")
	}
}
