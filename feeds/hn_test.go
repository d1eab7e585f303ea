package feeds

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestFetchHN(t *testing.T) {
	var rc requestLog
	base := serveTestdata(t, &rc, map[string]string{"/api/v1/search_by_date": "hn/search.json"})
	const query = `quillstone "local-first" & sync`
	feed := Feed{Name: "HN: quillstone", Kind: KindHN, URL: base + "/", Query: query}
	items, err := NewFetcher(Options{UserAgent: "parley/9.9"}).fetchHN(context.Background(), feed)
	if err != nil {
		t.Fatal(err)
	}

	reqs := rc.requests()
	if len(reqs) != 1 {
		t.Fatalf("requests = %+v, want one search", reqs)
	}
	r := reqs[0]
	wantQuery := url.Values{"query": {query}, "tags": {"(story,comment)"}, "hitsPerPage": {"100"}}
	if r.Path != "/api/v1/search_by_date" || !reflect.DeepEqual(r.Query, wantQuery) {
		t.Errorf("request = %s?%s, want /api/v1/search_by_date with %v", r.Path, r.Raw, wantQuery)
	}
	// Spaces as %20, and the query's & escaped rather than starting a
	// parameter.
	if !strings.HasPrefix(r.Raw, "query=quillstone%20%22local-first%22%20%26%20sync&") {
		t.Errorf("query not escaped as expected: %s", r.Raw)
	}
	if r.UA != "parley/9.9" {
		t.Errorf("User-Agent = %q, want the Fetcher's", r.UA)
	}

	story := "Show HN: Quillstone – local-first notes with sync"
	want := []Item{
		{
			// A reply to a comment threads under that comment; HTML,
			// entities and escape sequences rendered away.
			ID: "hn:43200004", Feed: "HN: quillstone", Author: "sam_k",
			Title:     "Re: " + story,
			Link:      "https://news.ycombinator.com/item?id=43200004",
			Published: time.Date(2025, 3, 4, 11, 20, 0, 0, time.UTC),
			Text:      "Replying to the parent: the sync bug is fixed in 2.4.1.\n\nAlso see https://quillstone.example/changelog",
			InReplyTo: "hn:43200003",
			Root:      "hn:43200001",
		},
		// 43200005 has no author (deleted): skipped.
		{
			// A comment on the story threads under the story.
			ID: "hn:43200003", Feed: "HN: quillstone", Author: "tptacek_fan",
			Title:     "Re: " + story,
			Link:      "https://news.ycombinator.com/item?id=43200003",
			Published: time.Unix(1741085100, 0).UTC(),
			Text:      "I've used it for a month. The search is \"instant\", but sync & conflicts need work.\n\nWould pay for it.",
			InReplyTo: "hn:43200001",
			Root:      "hn:43200001",
		},
		{
			ID: "hn:43200002", Feed: "HN: quillstone", Author: "ask_alice",
			Title:     "Ask HN: Local-first note apps for small teams?",
			Link:      "https://news.ycombinator.com/item?id=43200002",
			Published: time.Unix(1741084200, 0).UTC(),
			Text:      "Looking at Quillstone & Obsidian for a team of 5.\n\nWhat's your experience?",
		},
		{
			// A link story: its text is the link.
			ID: "hn:43200001", Feed: "HN: quillstone", Author: "qs_dev",
			Title:     story,
			Link:      "https://news.ycombinator.com/item?id=43200001",
			Published: time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC),
			Text:      "https://quillstone.example/?ref=hn&utm=1",
		},
	}
	compareSourceItems(t, items, want)
}

func TestHNItemsEdgeCases(t *testing.T) {
	res := hnSearch{Hits: []hnHit{
		// No created_at_i: created_at is used. No parent_id: the story.
		{ObjectID: "7", Author: "a", CreatedAt: "2025-03-04T10:00:00.000Z", CommentText: "hi", StoryID: 5, Tags: []string{"comment"}},
		// Tagged a comment with empty text (a comment of only a link that
		// got stripped, say): still a comment.
		{ObjectID: "8", Author: "b", ParentID: 7, Tags: []string{"comment", "author_b"}},
		{ObjectID: "", Author: "c", Title: "no id"},
		{ObjectID: "9", Author: "\x1b]52;c;ZXZpbA==\x07dave\x1b[2J", Title: "t\u202eitle"},
	}}
	got := hnItems(Feed{Name: "hn"}, res)
	want := []Item{
		{ID: "hn:7", Feed: "hn", Author: "a", Link: "https://news.ycombinator.com/item?id=7", Published: time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC), Text: "hi", InReplyTo: "hn:5", Root: "hn:5"},
		{ID: "hn:8", Feed: "hn", Author: "b", Link: "https://news.ycombinator.com/item?id=8", InReplyTo: "hn:7"},
		{ID: "hn:9", Feed: "hn", Author: "dave", Title: "title", Link: "https://news.ycombinator.com/item?id=9"},
	}
	compareSourceItems(t, got, want)
}

func TestFetchHNErrors(t *testing.T) {
	tests := []struct {
		name       string
		handler    http.HandlerFunc
		want       string
		status     int
		retryAfter time.Duration
	}{
		{
			name: "429 with Retry-After",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", "60")
				w.WriteHeader(http.StatusTooManyRequests)
			},
			want:   `search: server answered 429 Too Many Requests (asks to retry after 1m0s)`,
			status: 429, retryAfter: time.Minute,
		},
		{
			name:    "Algolia rejects the request",
			handler: fixtureStatus(t, "hn/error.json", http.StatusBadRequest),
			want:    `search: server answered 400 Bad Request`,
			status:  400,
		},
		{
			name:    "HTML instead of JSON",
			handler: fixtureStatus(t, "reddit/blocked.html", http.StatusOK),
			want:    `search: answer is HTML, not JSON`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, tt.handler)
			feed := Feed{Name: "HN: quillstone", Kind: KindHN, URL: srv.URL, Query: "quillstone"}
			res := NewFetcher(Options{Client: srv.Client()}).Fetch(context.Background(), feed, ConditionalState{})
			if res.Err == nil {
				t.Fatalf("no error (items %v), want %q", res.Items, tt.want)
			}
			if !strings.HasPrefix(res.Err.Error(), tt.want) {
				t.Errorf("error = %q, want it to start with %q", res.Err, tt.want)
			}
			var se *HTTPStatusError
			switch {
			case tt.status == 0 && errors.As(res.Err, &se):
				t.Errorf("error %v unwraps to an HTTPStatusError %d, want none", res.Err, se.StatusCode)
			case tt.status != 0 && !errors.As(res.Err, &se):
				t.Errorf("error %v does not unwrap to an HTTPStatusError", res.Err)
			case tt.status != 0 && (se.StatusCode != tt.status || se.RetryAfter != tt.retryAfter):
				t.Errorf("HTTPStatusError = %d retry after %s, want %d retry after %s", se.StatusCode, se.RetryAfter, tt.status, tt.retryAfter)
			}
		})
	}
}

// TestFetchHNThroughFetcher goes the public way: Fetch dispatches on the
// kind and returns the items in the Result.
func TestFetchHNThroughFetcher(t *testing.T) {
	var rc requestLog
	base := serveTestdata(t, &rc, map[string]string{"/api/v1/search_by_date": "hn/search.json"})
	res := NewFetcher(Options{}).Fetch(context.Background(), Feed{Name: "HN: quillstone", Kind: KindHN, URL: base, Query: "quillstone"}, ConditionalState{})
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	var ids []string
	for _, it := range res.Items {
		ids = append(ids, it.ID)
	}
	if want := []string{"hn:43200004", "hn:43200003", "hn:43200002", "hn:43200001"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("Result.Items IDs = %v, want %v", ids, want)
	}
}
