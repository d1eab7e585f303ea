package ui

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"parley/feeds"
	"parley/store"
)

// Hostile pieces a feed can carry to drive the terminal of whoever reads it.
var (
	hostileOSC52 = "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte("rm -rf ~")) + "\x07" // write the clipboard
	hostileClear = "\x1b[2J\x1b[H"                                                               // clear the screen, cursor home
	hostileOSC8  = "\x1b]8;;https://evil.example/\x1b\\"                                         // start a hyperlink
	hostileOSC8e = "\x1b]8;;\x1b\\"                                                              // end it
	hostileTitle = "\x1b]0;pwned\x07"                                                            // set the window title
	hostileC1    = "\u009b31m"                                                                   // 8-bit CSI: red
	hostileBidi  = "\u202egnp.exe"                                                               // shows as "exe.png"
)

// The fields of the hostile message, with the harmless words a reader
// should still see between the sequences.
var (
	hostileTitleText = "Refund" + hostileClear + " request " + hostileOSC8 + "click" + hostileOSC8e + hostileC1 + " today" + hostileTitle
	hostileAuthor    = "Mal\x07lo\x08ry" + hostileOSC52
	hostileBody      = "Hello" + hostileOSC52 + " support" + hostileClear + "\n\nsafe\rEVIL\n\n" +
		"attached " + hostileBidi + " ding\x07 back\x08space " + hostileC1 + "red " + hostileOSC8 + "linked" + hostileOSC8e +
		" words" + hostileTitle + " end of message"
	hostileLink = "https://quill.example/p/1" + hostileOSC52
)

// hostileJSONFeed carries the hostile strings as they are (JSON can
// encode any control character).
func hostileJSONFeed(t *testing.T) []byte {
	t.Helper()
	doc := map[string]any{
		"version": "https://jsonfeed.org/version/1.1",
		"title":   "Support" + hostileTitle,
		"items": []map[string]any{{
			"id": "json-1", "url": hostileLink, "title": hostileTitleText,
			"authors":        []map[string]string{{"name": hostileAuthor}},
			"content_text":   hostileBody,
			"date_published": "2024-06-01T09:00:00Z",
		}},
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// charRefs writes every rune that XML cannot carry (and the bidi
// override) as an HTML character reference, which is how a blog's HTML
// comment smuggles them: XML unescapes "&amp;#27;" to "&#27;", and the
// HTML in the description (or an entity-encoded title) turns that into ESC.
func charRefs(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) || r == 0x202e {
			fmt.Fprintf(&b, "&#%d;", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// hostileRSS is a blog-comments feed with the same strings as HTML.
func hostileRSS() []byte {
	x := func(s string) string { return html.EscapeString(charRefs(s)) }
	body := "<p>" + strings.ReplaceAll(charRefs(hostileBody), "\n\n", "</p><p>") + "</p>"
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Blog comments</title>
<item><guid>rss-1</guid><title>` + x(hostileTitleText) + `</title>
<dc:creator>` + x(hostileAuthor) + `</dc:creator>
<link>https://quill.example/p/2</link>
<pubDate>Sat, 01 Jun 2024 10:00:00 GMT</pubDate>
<description>` + html.EscapeString(body) + `</description></item>
</channel></rss>`)
}

// hostileStore fetches the hostile feeds from a loopback server through
// the real fetcher and ingests them, the path feed text takes in parley.
func hostileStore(t *testing.T) (*store.Store, []feeds.Feed) {
	t.Helper()
	jsonDoc, rssDoc := hostileJSONFeed(t), hostileRSS()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/support.json":
			w.Header().Set("Content-Type", "application/feed+json")
			w.Write(jsonDoc)
		case "/comments.rss":
			w.Header().Set("Content-Type", "application/rss+xml")
			w.Write(rssDoc)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)

	st, err := store.Open(filepath.Join(t.TempDir(), "parley.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	list := []feeds.Feed{
		{Name: "Support", URL: srv.URL + "/support.json", Kind: feeds.KindFeed},
		{Name: "Blog comments", URL: srv.URL + "/comments.rss", Kind: feeds.KindFeed},
	}
	f := feeds.NewFetcher(feeds.Options{Client: srv.Client()})
	for _, feed := range list {
		res := f.Fetch(context.Background(), feed, feeds.ConditionalState{})
		if res.Err != nil {
			t.Fatalf("fetch %s: %v", feed.Name, res.Err)
		}
		if len(res.Items) != 1 {
			t.Fatalf("fetch %s: %d items, want 1", feed.Name, len(res.Items))
		}
		if _, err := st.Ingest(res, testNow); err != nil {
			t.Fatal(err)
		}
	}
	return st, list
}

// sgrRE matches the SGR sequences (colours, bold) lipgloss styles with:
// the only escapes a screen's View may contain.
var sgrRE = regexp.MustCompile("\x1b\\[[0-9;:]*m")

// ourLinkRE is an OSC 8 hyperlink as links.go draws one: an id and a
// target of printable ASCII (safeLink), ended by BEL or ST. The header
// links the thread's own link on purpose; anything else is the feed's.
var ourLinkRE = regexp.MustCompile("\x1b\\]8;(id=[0-9a-f]+)?;[!-~]*(\x07|\x1b\\\\)")

// checkViewSafe fails t if a rendered view holds anything but text,
// newlines and SGR styling.
func checkViewSafe(t *testing.T, what, view string) {
	t.Helper()
	plain := sgrRE.ReplaceAllString(ourLinkRE.ReplaceAllString(view, ""), "")
	if !utf8.ValidString(plain) {
		t.Errorf("%s: invalid UTF-8 in the view", what)
	}
	for i, r := range plain {
		if (r < 0x20 && r != '\n') || (r >= 0x7f && r <= 0x9f) || r == 0x202e || (r >= 0x202a && r <= 0x202d) ||
			(r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f || r == 0x061c {
			t.Errorf("%s: %U at byte %d reaches the terminal: ...%q...\n%s", what, r, i,
				plain[max(0, i-20):min(len(plain), i+20)], plain)
			return
		}
	}
}

// checkStreamSafe looks at everything the program wrote to the terminal:
// the framework's own sequences (cursor moves, mode switches, its window
// title and queries) are allowed, but nothing the feed sent may be there.
func checkStreamSafe(t *testing.T, out []byte) {
	t.Helper()
	for _, bad := range []struct{ seq, what string }{
		{"\x1b]52", "OSC 52 clipboard write"},
		{"\x1b]0;pwned", "OSC 0 window title from the feed"},
		{"pwned", "window title text from the feed"},
		{"\u202e", "right-to-left override"},
		{"\u009b", "C1 CSI (UTF-8)"},
		{"\x08", "backspace"},
		{"cm0gLXJmIH4=", "the OSC 52 payload"},
		{"evil.example", "the OSC 8 target"},
	} {
		if i := bytes.Index(out, []byte(bad.seq)); i >= 0 {
			t.Errorf("the terminal received %s at byte %d: ...%q...", bad.what, i, out[max(0, i-30):min(len(out), i+30)])
		}
	}
	// The thread's own link is an OSC 8 hyperlink (links.go); any other
	// OSC 8 came from the feed.
	if i := bytes.Index(ourLinkRE.ReplaceAll(out, nil), []byte("\x1b]8;")); i >= 0 {
		t.Errorf("the terminal received an OSC 8 hyperlink that is not the thread's link")
	}
	for i := 0; i < len(out); {
		r, n := utf8.DecodeRune(out[i:])
		if r == utf8.RuneError && n == 1 && out[i] >= 0x80 && out[i] <= 0x9f {
			t.Errorf("the terminal received the raw C1 byte %#x at %d", out[i], i)
		}
		i += n
	}
	// The renderer repaints with "cursor home, clear" (ESC[H ESC[2J); the
	// feed's clear is the other way round, and any clear not preceded by a
	// home is not the renderer's.
	for i := 0; ; i++ {
		j := bytes.Index(out[i:], []byte("\x1b[2J"))
		if j < 0 {
			break
		}
		i += j
		if !bytes.HasSuffix(out[:i], []byte("\x1b[H")) {
			t.Errorf("the terminal received a clear screen that is not the renderer's: ...%q...", out[max(0, i-30):min(len(out), i+30)])
			break
		}
	}
	// BEL and CR: the renderer uses neither for drawing, but bubbletea
	// ends OSC sequences of its own (window title, colour queries) with
	// BEL. Drop those, then nothing is left to excuse one.
	own := regexp.MustCompile("\x1b\\][0-9]+;[^\x07\x1b]*\x07")
	rest := own.ReplaceAll(out, nil)
	if i := bytes.IndexByte(rest, 0x07); i >= 0 {
		t.Errorf("the terminal received a BEL outside the program's own OSC sequences: ...%q...", rest[max(0, i-30):min(len(rest), i+30)])
	}
	if i := bytes.Index(rest, []byte("safe\r")); i >= 0 {
		t.Errorf("the terminal received the CR overwrite: ...%q...", rest[max(0, i-30):min(len(rest), i+30)])
	}
}

// Feed text that tries to drive the terminal (clipboard, screen, links,
// title, bidi) comes through fetch, store and every view as plain words.
func TestHostileFeedTextNeverReachesTheTerminal(t *testing.T) {
	st, list := hostileStore(t)
	newApp := func() *App {
		return New(Deps{Backend: backendOf(st, ""), Feeds: list, ConfigPath: "/tmp/config.toml", Now: func() time.Time { return testNow }})
	}

	t.Run("queue", func(t *testing.T) {
		rec := record(startApp(t, newApp(), 120, 30))
		rec.waitFor(t, "Mallory", "Hello support")
		final := finalApp(t, rec.tm)
		view := final.render()
		checkViewSafe(t, "queue", view)
		checkStreamSafe(t, rec.rest(t))
		text := ansi.Strip(view)
		for _, want := range []string{"1 queue", "Mallory", "Hello support"} {
			if !strings.Contains(text, want) {
				t.Errorf("queue lost the harmless %q:\n%s", want, view)
			}
		}
	})

	// Open each thread: title, author, link and body all render.
	for i, feed := range []string{"Support", "Blog comments"} {
		t.Run("thread from "+feed, func(t *testing.T) {
			rec := record(startApp(t, newApp(), 120, 40))
			rec.waitFor(t, "Mallory")
			for range i {
				rec.tm.Send(press('j'))
			}
			rec.tm.Send(enter)
			rec.waitFor(t, "end of message")
			final := finalApp(t, rec.tm)
			if final.thread == nil || final.thread.thread.Feed != feed {
				t.Fatalf("did not open the %s thread: %+v", feed, final.thread)
			}
			view := final.render()
			checkViewSafe(t, "thread", view)
			checkStreamSafe(t, rec.rest(t))
			// (In the RSS the C1 CSI is the HTML reference &#155;, which
			// HTML reads as windows-1252 "›", a printable character.)
			for _, want := range []string{"Refund request click", " today", "Mallory", "Hello support", "safe", "EVIL",
				"gnp.exe", "ding", "backspace", "red linked words end of message", "https://quill.example/p/"} {
				if !strings.Contains(ansi.Strip(view), want) {
					t.Errorf("thread lost the harmless %q:\n%s", want, view)
				}
			}
		})
	}
}

// recorder keeps every byte the program writes, including what waitFor
// reads (teatest's reader hands each byte out once).
type recorder struct {
	tm  *teatest.TestModel
	all bytes.Buffer
}

func record(tm *teatest.TestModel) *recorder { return &recorder{tm: tm} }

func (r *recorder) waitFor(t *testing.T, want ...string) {
	t.Helper()
	teatest.WaitFor(t, io.TeeReader(r.tm.Output(), &r.all), func(b []byte) bool {
		for _, w := range want {
			if !bytes.Contains(b, []byte(w)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(5*time.Second))
}

// rest returns the whole output once the program has quit.
func (r *recorder) rest(t *testing.T) []byte {
	t.Helper()
	if _, err := io.Copy(&r.all, r.tm.FinalOutput(t, teatest.WithFinalTimeout(5*time.Second))); err != nil {
		t.Fatal(err)
	}
	return r.all.Bytes()
}
