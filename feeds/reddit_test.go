package feeds

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// loggedRequest is what a test server saw of one request.
type loggedRequest struct {
	Path  string
	Query url.Values
	Raw   string // RawQuery, for escaping checks
	UA    string
}

// requestLog records the requests a test server saw.
type requestLog struct {
	mu   sync.Mutex
	seen []loggedRequest
}

func (rc *requestLog) record(r *http.Request) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.seen = append(rc.seen, loggedRequest{Path: r.URL.Path, Query: r.URL.Query(), Raw: r.URL.RawQuery, UA: r.Header.Get("User-Agent")})
}

func (rc *requestLog) requests() []loggedRequest {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]loggedRequest(nil), rc.seen...)
}

// serveTestdata answers each path in routes with that testdata file as
// JSON, and 404 otherwise.
func serveTestdata(t *testing.T, rc *requestLog, routes map[string]string) string {
	t.Helper()
	bodies := map[string][]byte{}
	for path, name := range routes {
		bodies[path] = readFixture(t, name)
	}
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		rc.record(r)
		body, ok := bodies[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		w.Write(body)
	})
	return srv.URL
}

func redditListingQuery() url.Values {
	return url.Values{"limit": {"100"}, "raw_json": {"1"}}
}

func TestFetchRedditSubreddit(t *testing.T) {
	var rc requestLog
	base := serveTestdata(t, &rc, map[string]string{
		"/r/notetaking/new.json":      "reddit/new.json",
		"/r/notetaking/comments.json": "reddit/comments.json",
	})
	feed := Feed{Name: "r/notetaking", Kind: KindReddit, URL: base + "/", Subreddit: "notetaking"}
	items, err := NewFetcher(Options{}).fetchReddit(context.Background(), feed)
	if err != nil {
		t.Fatal(err)
	}

	reqs := rc.requests()
	wantPaths := []string{"/r/notetaking/new.json", "/r/notetaking/comments.json"}
	if len(reqs) != len(wantPaths) {
		t.Fatalf("requests = %+v, want %v", reqs, wantPaths)
	}
	for i, r := range reqs {
		if r.Path != wantPaths[i] || !reflect.DeepEqual(r.Query, redditListingQuery()) {
			t.Errorf("request %d = %s?%s, want %s?limit=100&raw_json=1", i, r.Path, r.Raw, wantPaths[i])
		}
		// Reddit throttles or refuses generic clients (Go-http-client).
		if !strings.HasPrefix(r.UA, "parley/") || !strings.Contains(r.UA, "(") {
			t.Errorf("User-Agent = %q, want parley's descriptive one", r.UA)
		}
	}

	link := base + "/r/notetaking/comments/"
	want := []Item{
		{
			ID: "reddit:t3_1j3abc1", Feed: "r/notetaking", Author: "u/maria_k",
			Title:     "Quillstone sync keeps duplicating notes & folders",
			Link:      link + "1j3abc1/quillstone_sync_keeps_duplicating_notes/",
			Published: time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC),
			Text:      "Every time I rename a folder, Quillstone sync creates a copy of each note in it.\n\nSteps:\n\n1. Rename `Work` to `Work & Life`\n2. Wait for sync\n3. Two of everything <3",
		},
		{
			// A link post: its text is the link.
			ID: "reddit:t3_1j3abc2", Feed: "r/notetaking", Author: "u/paperless_pete",
			Title:     "Review: Quillstone vs. Obsidian after 6 months",
			Link:      link + "1j3abc2/review_quillstone_vs_obsidian_after_6_months/",
			Published: time.Unix(1741079000, 0).UTC(),
			Text:      "https://blog.example/quillstone-vs-obsidian?utm_source=reddit&ref=1",
		},
		// t3_1j3abc3 (deleted by its author) and t3_1j3abc4 (removed) are skipped.
		{
			// Escape sequences gone whole; AutoModerator kept; NSFW marked.
			ID: "reddit:t3_1j3abc5", Feed: "r/notetaking", Author: "u/AutoModerator",
			Title:     "[NSFW] Export to PDF broken",
			Link:      link + "1j3abc5/export_to_pdf_broken/",
			Published: time.Unix(1741076000, 500_000_000).UTC(),
			Text:      "Totally normal post about exports.",
		},
		{
			// A comment on a post threads under the post.
			ID: "reddit:t1_mfx0001", Feed: "r/notetaking", Author: "u/dev_dan",
			Title:     "Re: Quillstone sync keeps duplicating notes & folders",
			Link:      link + "1j3abc1/quillstone_sync_keeps_duplicating_notes/mfx0001/",
			Published: time.Date(2025, 3, 4, 10, 10, 0, 0, time.UTC),
			Text:      "Same here! It happens when the folder name has an `&` in it.",
			InReplyTo: "reddit:t3_1j3abc1",
			Root:      "reddit:t3_1j3abc1",
		},
		{
			// A reply to a comment threads under that comment.
			ID: "reddit:t1_mfx0002", Feed: "r/notetaking", Author: "u/quillstone_team",
			Title:     "Re: Quillstone sync keeps duplicating notes & folders",
			Link:      link + "1j3abc1/quillstone_sync_keeps_duplicating_notes/mfx0002/",
			Published: time.Unix(1741083600, 0).UTC(),
			Text:      "Thanks both, we can reproduce it.\n\nA fix ships in 2.4.1 >= tomorrow.",
			InReplyTo: "reddit:t1_mfx0001",
			Root:      "reddit:t3_1j3abc1",
		},
		// t1_mfx0003 (deleted) and t1_mfx0004 (removed) are skipped.
		{
			ID: "reddit:t1_mfx0005", Feed: "r/notetaking", Author: "u/sneaky_sam",
			Title:     "Re: Export to PDF broken",
			Link:      link + "1j3abc5/export_to_pdf_broken/mfx0005/",
			Published: time.Unix(1741084200, 0).UTC(),
			Text:      "works for me on 2.4",
			InReplyTo: "reddit:t3_1j3abc5",
			Root:      "reddit:t3_1j3abc5",
		},
	}
	compareSourceItems(t, items, want)
}

// compareSourceItems reports each differing item by ID, and checks no control
// character survived.
func compareSourceItems(t *testing.T, got, want []Item) {
	t.Helper()
	for _, it := range got {
		for _, s := range []string{it.ID, it.Author, it.Title, it.Link, it.Text, it.InReplyTo} {
			if strings.ContainsAny(s, "\x1b\x07") || strings.Contains(s, "52;c;") || strings.Contains(s, "[2J") {
				t.Errorf("item %s keeps an escape sequence: %q", it.ID, s)
			}
		}
	}
	if len(got) != len(want) {
		var ids []string
		for _, it := range got {
			ids = append(ids, it.ID)
		}
		t.Fatalf("got %d items %v, want %d", len(got), ids, len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("item %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

func TestFetchRedditSearch(t *testing.T) {
	var rc requestLog
	base := serveTestdata(t, &rc, map[string]string{"/search.json": "reddit/search.json"})
	const query = `quillstone "sync server" & co/op`
	feed := Feed{Name: "Reddit: quillstone", Kind: KindReddit, URL: base, Query: query}
	items, err := NewFetcher(Options{}).fetchReddit(context.Background(), feed)
	if err != nil {
		t.Fatal(err)
	}
	reqs := rc.requests()
	if len(reqs) != 1 {
		t.Fatalf("requests = %+v, want one search (no comments listing)", reqs)
	}
	wantQuery := url.Values{"q": {query}, "sort": {"new"}, "limit": {"100"}, "raw_json": {"1"}}
	if r := reqs[0]; r.Path != "/search.json" || !reflect.DeepEqual(r.Query, wantQuery) {
		t.Errorf("request = %s?%s, want /search.json with %v", r.Path, r.Raw, wantQuery)
	}
	// Spaces as %20, and the & of the query escaped, not a new parameter.
	if !strings.HasPrefix(reqs[0].Raw, "q=quillstone%20%22sync%20server%22%20%26%20co%2Fop&") {
		t.Errorf("query not escaped as expected: %s", reqs[0].Raw)
	}
	want := []Item{
		{
			ID: "reddit:t3_1j4xyz1", Feed: "Reddit: quillstone", Author: "u/calendar_carla",
			Title:     "Quillstone for meeting notes?",
			Link:      base + "/r/productivity/comments/1j4xyz1/quillstone_for_meeting_notes/",
			Published: time.Unix(1741090000, 0).UTC(),
			Text:      "Has anyone tried Quillstone for meeting notes?",
		},
		{
			ID: "reddit:t3_1j4xyz2", Feed: "Reddit: quillstone", Author: "u/homelab_hank",
			Title:     "Quillstone 2.4 adds a self-hosted sync server",
			Link:      base + "/r/selfhosted/comments/1j4xyz2/quillstone_24_adds_a_selfhosted_sync_server/",
			Published: time.Unix(1741089000, 0).UTC(),
			Text:      "https://quillstone.example/blog/2.4",
		},
		// t3_1j4xyz3 was taken down by Reddit: skipped though its link is there.
	}
	compareSourceItems(t, items, want)
}

func TestFetchRedditErrors(t *testing.T) {
	posts := readFixture(t, "reddit/new.json")
	tests := []struct {
		name       string
		feed       Feed
		handler    http.HandlerFunc
		want       string // the error contains it
		status     int    // 0: no *HTTPStatusError expected
		retryAfter time.Duration
	}{
		{
			name: "429 with Retry-After",
			feed: Feed{Subreddit: "notetaking"},
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", "30")
				w.WriteHeader(http.StatusTooManyRequests)
			},
			want:   "rate-limited by Reddit (it allows few requests without an account); parley will try again later: server answered 429 Too Many Requests (asks to retry after 30s)",
			status: 429, retryAfter: 30 * time.Second,
		},
		{
			name: "429 with only Reddit's X-Ratelimit-Reset",
			feed: Feed{Query: "quillstone"},
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Ratelimit-Remaining", "0")
				w.Header().Set("X-Ratelimit-Reset", "90")
				w.WriteHeader(http.StatusTooManyRequests)
			},
			want:   "rate-limited by Reddit",
			status: 429, retryAfter: 90 * time.Second,
		},
		{
			name:    "private subreddit",
			feed:    Feed{Subreddit: "secretclub"},
			handler: fixtureStatus(t, "reddit/private.json", http.StatusForbidden),
			want:    "subreddit r/secretclub is private (only its approved members can read it): server answered 403 Forbidden",
			status:  403,
		},
		{
			name:    "banned subreddit",
			feed:    Feed{Subreddit: "gone"},
			handler: fixtureStatus(t, "reddit/banned.json", http.StatusNotFound),
			want:    "subreddit r/gone is banned: server answered 404 Not Found",
			status:  404,
		},
		{
			name: "404 without a reason",
			feed: Feed{Subreddit: "typo"},
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusNotFound)
				w.Write([]byte(`{"message": "Not Found", "error": 404}`))
			},
			want:   "subreddit r/typo not found (check the name): server answered 404 Not Found",
			status: 404,
		},
		{
			name: "missing subreddit redirects to a search",
			feed: Feed{Subreddit: "nosuchsub"},
			handler: func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/subreddits/search.json" {
					w.Write([]byte(`{"kind": "Listing", "data": {"after": null, "children": []}}`))
					return
				}
				http.Redirect(w, r, "/subreddits/search.json?q=nosuchsub", http.StatusFound)
			},
			want: "subreddit r/nosuchsub not found (Reddit offered a subreddit search instead; check the name)",
		},
		{
			name:    "network blocked: 403 HTML page",
			feed:    Feed{Subreddit: "notetaking"},
			handler: fixtureStatus(t, "reddit/blocked.html", http.StatusForbidden),
			want:    "refused by Reddit, which blocks some networks (VPNs, cloud hosts); try from another network: server answered 403 Forbidden",
			status:  403,
		},
		{
			name:    "HTML instead of JSON",
			feed:    Feed{Subreddit: "notetaking"},
			handler: fixtureStatus(t, "reddit/blocked.html", http.StatusOK),
			want:    "new posts: answer is HTML, not JSON",
		},
		{
			name: "comments listing fails after posts",
			feed: Feed{Subreddit: "notetaking"},
			handler: func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/r/notetaking/new.json" {
					w.Write(posts)
					return
				}
				w.WriteHeader(http.StatusBadGateway)
			},
			want:   "new comments: server answered 502 Bad Gateway",
			status: 502,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, tt.handler)
			feed := tt.feed
			feed.Name, feed.Kind, feed.URL = "reddit", KindReddit, srv.URL
			items, err := NewFetcher(Options{}).fetchReddit(context.Background(), feed)
			if err == nil {
				t.Fatalf("no error (items %v), want %q", items, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q, want it to contain %q", err, tt.want)
			}
			var se *HTTPStatusError
			switch {
			case tt.status == 0 && errors.As(err, &se):
				t.Errorf("error %v unwraps to an HTTPStatusError %d, want none", err, se.StatusCode)
			case tt.status != 0 && !errors.As(err, &se):
				t.Errorf("error %v does not unwrap to an HTTPStatusError", err)
			case tt.status != 0 && (se.StatusCode != tt.status || se.RetryAfter != tt.retryAfter):
				t.Errorf("HTTPStatusError = %d retry after %s, want %d retry after %s", se.StatusCode, se.RetryAfter, tt.status, tt.retryAfter)
			}
		})
	}
}

// fixtureStatus answers every request with status and a testdata file.
func fixtureStatus(t *testing.T, name string, status int) http.HandlerFunc {
	data := readFixture(t, name)
	return func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(status)
		w.Write(data)
	}
}

// TestFetchRedditThroughFetcher goes the public way: Fetch dispatches on
// the kind and hands back the items, or an error that still carries the
// server's Retry-After for the poller's backoff.
func TestFetchRedditThroughFetcher(t *testing.T) {
	var rc requestLog
	base := serveTestdata(t, &rc, map[string]string{
		"/r/notetaking/new.json":      "reddit/new.json",
		"/r/notetaking/comments.json": "reddit/comments.json",
	})
	res := NewFetcher(Options{}).Fetch(context.Background(), Feed{Name: "r/notetaking", Kind: KindReddit, URL: base, Subreddit: "notetaking"}, ConditionalState{})
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	var ids []string
	for _, it := range res.Items {
		ids = append(ids, it.ID)
	}
	wantIDs := []string{"reddit:t3_1j3abc1", "reddit:t3_1j3abc2", "reddit:t3_1j3abc5", "reddit:t1_mfx0001", "reddit:t1_mfx0002", "reddit:t1_mfx0005"}
	if !reflect.DeepEqual(ids, wantIDs) {
		t.Errorf("Result.Items IDs = %v, want %v", ids, wantIDs)
	}
	if res.Feed != "r/notetaking" {
		t.Errorf("Result.Feed = %q", res.Feed)
	}

	limited := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "120")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	res = NewFetcher(Options{Client: limited.Client()}).Fetch(context.Background(), Feed{Name: "r/notetaking", Kind: KindReddit, URL: limited.URL, Subreddit: "notetaking"}, ConditionalState{})
	var se *HTTPStatusError
	if !errors.As(res.Err, &se) || se.StatusCode != 429 || se.RetryAfter != 2*time.Minute {
		t.Fatalf("Fetch error = %v, want an HTTPStatusError 429 asking for 2m", res.Err)
	}
	if !strings.HasPrefix(res.Err.Error(), `rate-limited by Reddit`) || res.Items != nil {
		t.Errorf("Fetch error = %q (items %v)", res.Err, res.Items)
	}
}

func TestRedditBase(t *testing.T) {
	tests := []struct{ url, want string }{
		{"", "https://www.reddit.com"},
		{"  https://www.reddit.com/ ", "https://www.reddit.com"},
		{"https://old.reddit.com", "https://old.reddit.com"},
	}
	for _, tt := range tests {
		if got := redditBase(Feed{URL: tt.url}); got != tt.want {
			t.Errorf("redditBase(%q) = %q, want %q", tt.url, got, tt.want)
		}
	}
}
