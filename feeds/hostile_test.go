package feeds

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// hostileTimeout is Options.Timeout for the corpus: servers that never
// answer or trickle fail after this. Not shorter, because the 10 MiB
// bodies must still arrive within it while the big feeds parse beside
// them; under -race on one CPU that took up to 1.8s.
const hostileTimeout = 5 * time.Second

// hostileCase is one row of the corpus: a feed served at /name (and
// /name/...) on a loopback server.
type hostileCase struct {
	name  string
	serve http.HandlerFunc
	// wantErr is how the user-facing error must start; "" means the fetch
	// must succeed, and check looks at the items.
	wantErr string
	check   func(t *testing.T, r Result, all map[string]Result)
}

// TestHostileFeeds fetches every case of the corpus in one FetchAll, next
// to a good feed, so "other feeds are unaffected" is checked in the same
// run: each gets its own clear error or sensible items, nothing panics,
// and FetchAll returns (the test's deadline catches a hang).
//
// Small inputs are files in testdata/hostile; large ones are generated
// here. Existing tests cover the boundaries these do not: exactly five
// redirects (TestFetchRedirects), result order around a timeout
// (TestFetchAllTimeoutDoesNotDelayOthers), HTTP statuses.
func TestHostileFeeds(t *testing.T) {
	const maxBytes = 10 << 20       // the default, spelled out for the generated bodies
	testDone := make(chan struct{}) // releases handlers that hold a request open
	cases := []hostileCase{
		{name: "good", serve: serveFixture(t, "good.rss"), check: func(t *testing.T, r Result, _ map[string]Result) {
			wantItems(t, r, "good-1", "good-2")
			if r.Items[1].Text != "More." || r.Items[1].Link != "https://good.example/2" {
				t.Errorf("second item = %+v", r.Items[1])
			}
		}},

		// Not a feed, or not a whole one.
		{name: "malformed-xml", serve: serveFixture(t, "malformed.xml"),
			wantErr: `parse: malformed XML at line 4: unescaped < inside quoted string`},
		{name: "html-page", serve: serveFixture(t, "page.html"),
			wantErr: `parse: not a feed: looks like an HTML page`},
		{name: "empty-body", serve: func(w http.ResponseWriter, r *http.Request) {},
			wantErr: `parse: empty body`},
		{name: "truncated-mid-item", serve: serveFixture(t, "truncated.rss"),
			wantErr: `parse: malformed XML at line 4: unexpected EOF`},
		{name: "deep-nesting", serve: serveBytes(deepNesting(maxBytes - 1024)),
			wantErr: `parse: malformed feed: elements nested more than 512 deep`},

		// Too big, however it is sent.
		{name: "over-size-cap", serve: serveBytes(overCap(maxBytes)),
			wantErr: `feed is larger than the 10 MiB limit ([fetch] max_bytes raises it)`},
		{name: "gzip-bomb", serve: serveGzipBomb(t, "gzip", true),
			wantErr: `feed is larger than the 10 MiB limit ([fetch] max_bytes raises it)`},
		{name: "gzip-bomb-unlabelled", serve: serveGzipBomb(t, "", true),
			wantErr: `feed is larger than the 10 MiB limit ([fetch] max_bytes raises it)`},
		{name: "x-gzip", serve: serveGzipped(t, "good.rss", "x-gzip"), check: func(t *testing.T, r Result, _ map[string]Result) {
			wantItems(t, r, "good-1", "good-2")
		}},
		{name: "brotli", serve: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "br")
			w.Write([]byte{0x0b, 0x02, 0x80, 'x'})
		}, wantErr: `server sent the feed compressed with "br", which parley cannot read (only gzip)`},

		// Slow: the deadline covers the whole exchange, not each read.
		{name: "never-answers", serve: serveNever(testDone),
			wantErr: `no complete answer within 5s (timeout)`},
		{name: "trickle", serve: serveTrickle(testDone),
			wantErr: `no complete answer within 5s (timeout)`},

		// Redirects.
		{name: "redirect-loop", serve: func(w http.ResponseWriter, r *http.Request) {
			next := "/redirect-loop/b" // and /b back to the start
			if r.URL.Path != "/redirect-loop" {
				next = "/redirect-loop"
			}
			http.Redirect(w, r, next, http.StatusFound)
		}, wantErr: `redirect loop: the server redirects back to an address it already sent parley to`},
		{name: "redirect-file", serve: redirectTo("file:///etc/passwd"),
			wantErr: `refused redirect to a file: URL (only http and https are followed)`},
		{name: "redirect-ftp", serve: redirectTo("ftp://ftp.example/feed.xml"),
			wantErr: `refused redirect to a ftp: URL`},
		{name: "redirect-javascript", serve: redirectTo("javascript:alert(1)"),
			wantErr: `refused redirect to a javascript: URL`},

		// Charsets: text comes out as the author wrote it, valid UTF-8.
		{name: "latin1-declared-utf8-bytes", serve: serveFixture(t, "charset-latin1-declared-utf8-bytes.rss"),
			check: wantText("Café “crème”", "Grüße aus Köln")},
		{name: "utf8-declared-cp1252-bytes", serve: serveFixture(t, "charset-utf8-declared-cp1252-bytes.rss"),
			check: wantText("Café “crème”", "Grüße aus Köln")},
		{name: "undeclared-cp1252", serve: serveFixture(t, "charset-missing-cp1252.rss"),
			check: wantText("Café “crème” – 5 €", "Grüße aus Köln")},
		{name: "unknown-charset", serve: serveFixture(t, "charset-unknown.rss"),
			check: wantText("Café", "ok")},
		// Runs of bad bytes (200 in the title) become one U+FFFD each; the
		// raw 8-bit CSI is neutralized, the good UTF-8 around it kept.
		{name: "invalid-utf8", serve: serveFixture(t, "invalid-utf8.rss"),
			check: wantText("Naïve café déjà vu \uFFFD", "before \uFFFD(\uFFFD after \uFFFD31mred — “smart quotes”, ünïcödé")},

		// IDs.
		{name: "no-guid-link-date", serve: serveFixture(t, "no-ids.rss"), check: func(t *testing.T, r Result, all map[string]Result) {
			if len(r.Items) != 4 {
				t.Fatalf("got %d items, want the 4 distinct ones", len(r.Items))
			}
			again := all["no-guid-link-date-again"]
			seen := map[string]bool{}
			for i, it := range r.Items {
				if !strings.HasPrefix(it.ID, "h:") || seen[it.ID] {
					t.Errorf("item %d ID %q: want a distinct hash ID", i, it.ID)
				}
				seen[it.ID] = true
				if i < len(again.Items) && again.Items[i].ID != it.ID {
					t.Errorf("item %d: ID %q on one poll, %q on the next", i, it.ID, again.Items[i].ID)
				}
			}
		}},
		{name: "no-guid-link-date-again", serve: serveFixture(t, "no-ids.rss"), check: func(t *testing.T, r Result, _ map[string]Result) {
			if len(r.Items) != 4 {
				t.Errorf("got %d items, want 4", len(r.Items))
			}
		}},
		{name: "duplicate-guids", serve: serveFixture(t, "dup-guid.rss"), check: func(t *testing.T, r Result, _ map[string]Result) {
			wantItems(t, r, "same", "other")
			if r.Items[0].Title != "first copy" {
				t.Errorf("kept %q, want the first copy in document order", r.Items[0].Title)
			}
		}},
		{name: "huge-guid", serve: serveBytes(hugeGUID()), check: func(t *testing.T, r Result, _ map[string]Result) {
			if len(r.Items) != 2 {
				t.Fatalf("got %d items, want 2", len(r.Items))
			}
			parent, reply := r.Items[0], r.Items[1]
			if len(parent.ID) != 34 || !strings.HasPrefix(parent.ID, "g:") {
				t.Errorf("a 40 KiB GUID became ID %.60q, want g: and a hash (store keys are at most 32 KiB)", parent.ID)
			}
			if reply.InReplyTo != parent.ID {
				t.Errorf("reply's InReplyTo %.60q does not match the parent's bounded ID %q", reply.InReplyTo, parent.ID)
			}
		}},

		// Dates and volume.
		{name: "dates", serve: serveDates, check: checkDates},
		{name: "10k-items", serve: serveBytes(manyItems(10000)), check: func(t *testing.T, r Result, _ map[string]Result) {
			if len(r.Items) != 2000 || r.Truncated != 8000 {
				t.Fatalf("got %d items, Truncated %d; want the default cap: 2000 kept, 8000 dropped", len(r.Items), r.Truncated)
			}
			// Oldest first in the document: the newest are its last 2000.
			if first, last := r.Items[0].ID, r.Items[1999].ID; first != "item-8000" || last != "item-9999" {
				t.Errorf("kept %s … %s, want the newest, item-8000 … item-9999 in document order", first, last)
			}
		}},
		{name: "5MiB-item", serve: serveBytes(bigItem(5 << 20)), check: func(t *testing.T, r Result, _ map[string]Result) {
			wantItems(t, r, "big")
			text := r.Items[0].Text
			if len(text) > maxTextBytes+len("\n"+truncatedMark) || !strings.HasSuffix(text, "\n"+truncatedMark) {
				t.Errorf("text is %d bytes ending %q; want at most %d and the truncation mark", len(text), text[max(0, len(text)-20):], maxTextBytes)
			}
			if !strings.HasPrefix(text, "lorem ipsum dolor sit amet lorem") {
				t.Errorf("text starts %.40q, want the item's own start", text)
			}
		}},

		// Entities never expand, and nothing outside the document is read.
		{name: "billion-laughs", serve: serveFixture(t, "billion-laughs.rss"),
			check: wantText("&lol9;", "&lol9;")},
		{name: "external-entity", serve: serveFixture(t, "xxe.rss"),
			check: wantText("&xxe;", "&xxe;")},

		// Terminal attacks and oversized fields.
		{name: "hostile-json", serve: serveFixture(t, "hostile.json"), check: func(t *testing.T, r Result, _ map[string]Result) {
			wantItems(t, r, "j1", "j2")
			want := Item{ID: "j1", Feed: "hostile-json", Author: "Eve gpj.exe", Title: "Pay now please", Text: "hellolink world"}
			if got := r.Items[0]; got != want { // Link: a javascript: URL is dropped
				t.Errorf("got  %#v\nwant %#v", got, want)
			}
			if l := r.Items[1].Link; l != "https://ok.example/2" {
				t.Errorf("link = %q, want the URL without its escape sequence", l)
			}
		}},
		{name: "atom-10k-author", serve: serveBytes(longAuthor(10000)), check: func(t *testing.T, r Result, _ map[string]Result) {
			wantItems(t, r, "long-author")
			a := r.Items[0].Author
			if n := utf8.RuneCountInString(a); n != maxLineRunes+1 || !strings.HasSuffix(a, "…") {
				t.Errorf("author is %d runes ending %q, want %d and an ellipsis", n, a[max(0, len(a)-10):], maxLineRunes+1)
			}
		}},
	}

	mux := http.NewServeMux()
	for _, c := range cases {
		mux.HandleFunc("/"+c.name, c.serve)
		mux.HandleFunc("/"+c.name+"/", c.serve)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(testDone) }) // runs before srv.Close, which waits for handlers

	f := NewFetcher(Options{Client: srv.Client(), Timeout: hostileTimeout, PerHost: len(cases), MaxConcurrent: len(cases)})
	var list []Feed
	for _, c := range cases {
		list = append(list, Feed{Name: c.name, URL: srv.URL + "/" + c.name})
	}
	old := ConditionalState{ETag: `"old"`}
	results := make(chan Result, len(list))
	go f.FetchAll(t.Context(), list, func(string) ConditionalState { return old }, func(r Result) { results <- r })

	// Generous: a hang, not slowness, is what this catches.
	deadline := time.After(2 * time.Minute)
	all := map[string]Result{}
	for range list {
		select {
		case r := <-results:
			all[r.Feed] = r
		case <-deadline:
			var missing []string
			for _, c := range cases {
				if _, ok := all[c.name]; !ok {
					missing = append(missing, c.name)
				}
			}
			t.Fatalf("FetchAll hung: no result for %v", missing)
		}
	}

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, ok := all[c.name]
			if !ok {
				t.Fatal("no result")
			}
			if c.wantErr != "" {
				if r.Err == nil {
					t.Fatalf("succeeded with %d items, want error %q", len(r.Items), c.wantErr)
				}
				if msg := r.Err.Error(); !strings.HasPrefix(msg, c.wantErr) || !terminalSafe(msg) {
					t.Errorf("error = %q, want it to start with %q", msg, c.wantErr)
				}
				if r.Items != nil || r.State != old || r.Truncated != 0 {
					t.Errorf("failed fetch returned items %d, state %+v, truncated %d; want none and the old state", len(r.Items), r.State, r.Truncated)
				}
				return
			}
			if r.Err != nil {
				t.Fatalf("error %v, want items", r.Err)
			}
			for i, it := range r.Items {
				checkItemBounds(t, i, it, c.name)
			}
			c.check(t, r, all)
		})
	}
}

// checkItemBounds asserts what Parse promises of every item: printable
// fields within their caps.
func checkItemBounds(t *testing.T, i int, it Item, feed string) {
	t.Helper()
	if it.Feed != feed || it.ID == "" || len(it.ID) > maxIDBytes {
		t.Errorf("item %d: Feed %q, ID %.60q; want %q and a non-empty bounded ID", i, it.Feed, it.ID, feed)
	}
	for _, f := range []struct{ name, v string }{{"ID", it.ID}, {"Author", it.Author}, {"Title", it.Title}, {"Link", it.Link}, {"Text", it.Text}, {"InReplyTo", it.InReplyTo}} {
		if !terminalSafe(f.v) {
			t.Errorf("item %d: %s is not safe to print: %.80q", i, f.name, f.v)
		}
	}
	if utf8.RuneCountInString(it.Title) > maxLineRunes+1 || utf8.RuneCountInString(it.Author) > maxLineRunes+1 ||
		len(it.Text) > maxTextBytes+len("\n"+truncatedMark) {
		t.Errorf("item %d: a field is over its cap (title %d, author %d runes, text %d bytes)", i,
			utf8.RuneCountInString(it.Title), utf8.RuneCountInString(it.Author), len(it.Text))
	}
}

// terminalSafe: valid UTF-8, no control character but newline, no bidi
// control.
func terminalSafe(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if (r < 0x20 && r != '\n') || (r >= 0x7f && r <= 0x9f) || isBidiControl(r) {
			return false
		}
	}
	return true
}

func wantItems(t *testing.T, r Result, ids ...string) {
	t.Helper()
	var got []string
	for _, it := range r.Items {
		got = append(got, it.ID)
	}
	if !slices.Equal(got, ids) {
		t.Fatalf("item IDs = %q, want %q", got, ids)
	}
}

// wantText checks a one-item feed's title and text.
func wantText(title, text string) func(*testing.T, Result, map[string]Result) {
	return func(t *testing.T, r Result, _ map[string]Result) {
		t.Helper()
		if len(r.Items) != 1 {
			t.Fatalf("got %d items, want 1", len(r.Items))
		}
		if it := r.Items[0]; it.Title != title || it.Text != text {
			t.Errorf("title, text = %q, %q\nwant          %q, %q", it.Title, it.Text, title, text)
		}
	}
}

func serveFixture(t *testing.T, name string) http.HandlerFunc {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "hostile", name))
	if err != nil {
		t.Fatal(err)
	}
	return serveBytes(b)
}

func serveBytes(b []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { w.Write(b) }
}

func serveGzipped(t *testing.T, fixture, encoding string) http.HandlerFunc {
	t.Helper()
	plain, err := os.ReadFile(filepath.Join("testdata", "hostile", fixture))
	if err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(plain)
	zw.Close()
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", encoding)
		w.Write(gz.Bytes())
	}
}

func redirectTo(target string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", target) // http.Redirect would make it relative
		w.WriteHeader(http.StatusFound)
	}
}

// serveNever sends nothing at all until the client gives up.
func serveNever(done <-chan struct{}) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-done:
		}
	}
}

// serveTrickle sends headers, then one byte every 100ms, forever: every
// read succeeds, only a deadline on the whole body stops it.
func serveTrickle(done <-chan struct{}) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel>`))
		w.(http.Flusher).Flush()
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				if _, err := w.Write([]byte(" ")); err != nil {
					return
				}
				w.(http.Flusher).Flush()
			case <-r.Context().Done():
				return
			case <-done:
				return
			}
		}
	}
}

// gzipBombSize is how much the bomb decompresses to.
const gzipBombSize = 1 << 30

// serveGzipBomb streams 1 GiB of feed (an item whose description is all
// spaces, so it would parse if read whole) as about 1 MB of gzip: the
// same 1 MiB member over and over, which is one valid gzip stream.
// encoding is the Content-Encoding sent ("" for none); askedFor says
// whether the client must have offered gzip.
func serveGzipBomb(t *testing.T, encoding string, askedFor bool) http.HandlerFunc {
	t.Helper()
	member := func(s string) []byte {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		zw.Write([]byte(s))
		zw.Close()
		return b.Bytes()
	}
	head := member(`<?xml version="1.0"?><rss version="2.0"><channel><title>bomb</title><item><guid>b</guid><description>`)
	spaces := member(strings.Repeat(" ", 1<<20))
	return func(w http.ResponseWriter, r *http.Request) {
		if offered := strings.Contains(r.Header.Get("Accept-Encoding"), "gzip"); offered != askedFor {
			t.Errorf("client offered gzip: %v, want %v", offered, askedFor)
		}
		if encoding != "" {
			w.Header().Set("Content-Encoding", encoding)
		}
		if _, err := w.Write(head); err != nil {
			return
		}
		for range gzipBombSize >> 20 {
			if _, err := w.Write(spaces); err != nil {
				return // the client stopped reading
			}
		}
	}
}

// TestFetchGzipBombMemory: a gzip bomb is stopped by its decompressed size
// with memory bounded by the cap, whether the server was asked for gzip,
// sent it unasked, or did not label it.
func TestFetchGzipBombMemory(t *testing.T) {
	tests := []struct {
		name     string
		encoding string
		ask      bool // false: a client that does not offer gzip
	}{
		{"asked for", "gzip", true},
		{"not asked for", "gzip", false},
		{"unlabelled", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(serveGzipBomb(t, tt.encoding, tt.ask))
			t.Cleanup(srv.Close)
			client := srv.Client()
			if !tt.ask {
				client = &http.Client{Transport: &http.Transport{DisableCompression: true}}
				t.Cleanup(client.CloseIdleConnections)
			}
			f := NewFetcher(Options{Client: client, Timeout: time.Minute})

			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			res := f.Fetch(t.Context(), Feed{Name: "bomb", URL: srv.URL}, ConditionalState{})
			runtime.ReadMemStats(&after)

			if res.Err == nil || res.Err.Error() != `feed is larger than the 10 MiB limit ([fetch] max_bytes raises it)` {
				t.Fatalf("error = %v, want the size limit", res.Err)
			}
			// TotalAlloc counts every byte allocated during the fetch,
			// freed or not, so it also bounds the peak; HeapAlloc after the
			// fact would miss a huge buffer already collected.
			const bound = 64 << 20
			t.Logf("%s: %d MiB allocated while fetching a %d MiB bomb", tt.name, (after.TotalAlloc-before.TotalAlloc)>>20, gzipBombSize>>20)
			if grew := after.TotalAlloc - before.TotalAlloc; grew > bound {
				t.Errorf("fetch allocated %d MiB for a %d MiB bomb; want under %d MiB (the cap is 10 MiB)", grew>>20, gzipBombSize>>20, bound>>20)
			}
			if after.HeapAlloc > before.HeapAlloc && after.HeapAlloc-before.HeapAlloc > bound {
				t.Errorf("heap grew by %d MiB", (after.HeapAlloc-before.HeapAlloc)>>20)
			}
		})
	}
}

// deepNesting is an RSS item holding size bytes of nested extension
// elements, never closed: gofeed would recurse once per level.
func deepNesting(size int) []byte {
	head := `<rss version="2.0" xmlns:a="urn:x"><channel><item><guid>1</guid>`
	return []byte(head + strings.Repeat("<a:b>", (size-len(head))/5))
}

// overCap is a valid feed padded to one byte over limit.
func overCap(limit int) []byte {
	b := []byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><guid>1</guid></item></channel></rss>`)
	return append(b, bytes.Repeat([]byte(" "), limit+1-len(b))...)
}

// manyItems is an RSS feed of n dated items, oldest first.
func manyItems(n int) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>many</title>`)
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		fmt.Fprintf(&b, "<item><guid>item-%d</guid><title>Item %d</title><pubDate>%s</pubDate><description>text %d</description></item>\n",
			i, i, start.Add(time.Duration(i)*time.Minute).Format(time.RFC1123Z), i)
	}
	b.WriteString(`</channel></rss>`)
	return []byte(b.String())
}

// bigItem is a feed of one item whose HTML description is size bytes.
func bigItem(size int) []byte {
	const chunk = "lorem ipsum &lt;b&gt;dolor&lt;/b&gt; sit amet "
	return []byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>big</title><item><guid>big</guid><description>` +
		strings.Repeat(chunk, size/len(chunk)) + `</description></item></channel></rss>`)
}

func longAuthor(n int) []byte {
	return []byte(`<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>a</title>
<entry><id>long-author</id><title>hi</title><updated>2025-03-04T10:00:00Z</updated><author><name>` +
		strings.Repeat("é", n) + `</name></author><content>x</content></entry></feed>`)
}

// hugeGUID is an Atom feed whose entry ID is 40 KiB, with a reply to it.
func hugeGUID() []byte {
	id := "tag:x," + strings.Repeat("a", 40<<10)
	return []byte(`<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="http://purl.org/syndication/thread/1.0"><title>g</title>
<entry><id>` + id + `</id><title>parent</title><updated>2025-03-04T10:00:00Z</updated><content>p</content></entry>
<entry><id>reply</id><title>reply</title><updated>2025-03-04T11:00:00Z</updated><thr:in-reply-to ref="` + id + `"/><content>r</content></entry>
</feed>`)
}

// serveDates sends dates around the time of the request: a slightly fast
// clock is believed, a far-off one is not.
func serveDates(w http.ResponseWriter, r *http.Request) {
	now := time.Now().UTC()
	item := func(guid string, d time.Time) string {
		g := ""
		if guid != "" {
			g = "<guid>" + guid + "</guid>"
		}
		return fmt.Sprintf("<item>%s<title>%s</title><pubDate>%s</pubDate></item>", g, cmp.Or(guid, "no guid"), d.Format(time.RFC1123Z))
	}
	fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>d</title>`+
		item("recent", now.Add(-time.Hour))+
		item("in-2h", now.Add(2*time.Hour))+
		item("in-2-days", now.Add(48*time.Hour))+
		item("year-2999", time.Date(2999, 1, 1, 0, 0, 0, 0, time.UTC))+
		item("", time.Date(2999, 1, 1, 0, 0, 0, 0, time.UTC))+
		item("epoch", time.Unix(0, 0))+
		`</channel></rss>`)
}

func checkDates(t *testing.T, r Result, _ map[string]Result) {
	if len(r.Items) != 6 {
		t.Fatalf("got %d items, want 6", len(r.Items))
	}
	at := map[string]time.Time{}
	for _, it := range r.Items {
		at[it.Title] = it.Published
	}
	fetched := r.Started.UTC()
	for _, far := range []string{"in-2-days", "year-2999", "no guid"} {
		if !at[far].Equal(fetched) {
			t.Errorf("%s: Published %v, want it clamped to the fetch time %v", far, at[far], fetched)
		}
	}
	if !at["in-2h"].After(fetched) {
		t.Errorf("in-2h: Published %v, want the date as given (within a day of the fetch)", at["in-2h"])
	}
	if !at["epoch"].Equal(time.Unix(0, 0)) {
		t.Errorf("epoch: Published %v, want 1970 kept (the store reads it as no date)", at["epoch"])
	}
	// The ID of an item without GUID comes from the date as written, so it
	// does not change from poll to poll with the fetch time.
	want := hashID("", "no guid", time.Date(2999, 1, 1, 0, 0, 0, 0, time.UTC), "")
	if id := r.Items[4].ID; id != want {
		t.Errorf("ID of the undated-by-GUID 2999 item = %q, want %q (from the original date)", id, want)
	}
}
