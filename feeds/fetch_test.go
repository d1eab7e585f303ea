package feeds

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const tinyFeed = `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>hello</title><guid>g1</guid><description>world</description></item>
</channel></rss>`

// newServer starts a loopback test server closed at the end of the test.
func newServer(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func TestFetchConditionalGET(t *testing.T) {
	var gotIMS atomic.Value
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		gotIMS.Store(r.Header.Get("If-Modified-Since"))
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Last-Modified", "Tue, 04 Mar 2025 10:00:00 GMT")
		fmt.Fprint(w, tinyFeed)
	})
	f := NewFetcher(Options{Client: srv.Client()})
	feed := Feed{Name: "Blog", URL: srv.URL}

	first := f.Fetch(context.Background(), feed, ConditionalState{})
	if first.Err != nil || first.NotModified || len(first.Items) != 1 {
		t.Fatalf("first fetch: err=%v notModified=%v items=%d, want 1 item", first.Err, first.NotModified, len(first.Items))
	}
	want := ConditionalState{ETag: `"v1"`, LastModified: "Tue, 04 Mar 2025 10:00:00 GMT"}
	if first.State != want {
		t.Fatalf("state after 200 = %+v, want %+v", first.State, want)
	}
	if first.Feed != "Blog" || first.Started.IsZero() || first.Duration <= 0 {
		t.Errorf("result bookkeeping: Feed=%q Started=%v Duration=%v", first.Feed, first.Started, first.Duration)
	}

	second := f.Fetch(context.Background(), feed, first.State)
	if second.Err != nil || !second.NotModified || len(second.Items) != 0 {
		t.Fatalf("second fetch: err=%v notModified=%v items=%d, want 304 with no items", second.Err, second.NotModified, len(second.Items))
	}
	if second.State != want {
		t.Errorf("state after 304 = %+v, want it unchanged %+v", second.State, want)
	}
	if ims, _ := gotIMS.Load().(string); ims != want.LastModified {
		t.Errorf("If-Modified-Since sent = %q, want %q", ims, want.LastModified)
	}
}

// Bodies that are not feeds, or too big, are rows of TestHostileFeeds.
func TestFetchHTTPErrors(t *testing.T) {
	retryDate := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    string
		status  int
	}{
		{"503 with Retry-After seconds", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "120")
			w.WriteHeader(http.StatusServiceUnavailable)
		}, `server answered 503 Service Unavailable (asks to retry after 2m0s)`, 503},
		{"429 with Retry-After date", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", retryDate)
			w.WriteHeader(http.StatusTooManyRequests)
		}, `server answered 429 Too Many Requests (asks to retry after 1m`, 429},
		{"404", func(w http.ResponseWriter, r *http.Request) {
			http.NotFound(w, r)
		}, `server answered 404 Not Found`, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, tt.handler)
			old := ConditionalState{ETag: "old"}
			res := NewFetcher(Options{Client: srv.Client()}).Fetch(context.Background(), Feed{Name: "Blog comments", URL: srv.URL}, old)
			if res.Err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			if !strings.HasPrefix(res.Err.Error(), tt.want) {
				t.Errorf("error = %q, want it to start with %q", res.Err, tt.want)
			}
			if res.State != old || res.Items != nil {
				t.Errorf("failed fetch changed state to %+v or returned items %v", res.State, res.Items)
			}
			var se *HTTPStatusError
			if tt.status != 0 && (!errors.As(res.Err, &se) || se.StatusCode != tt.status) {
				t.Errorf("error %v does not unwrap to HTTPStatusError %d", res.Err, tt.status)
			}
		})
	}
}

func TestFetchAllTimeoutDoesNotDelayOthers(t *testing.T) {
	testDone := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			w.WriteHeader(http.StatusOK)
			fmt.Fprint(w, "<?xml version=\"1.0\"?><rss") // headers and part of the body, then nothing
			w.(http.Flusher).Flush()
			select {
			case <-testDone:
			case <-r.Context().Done():
			}
			return
		}
		fmt.Fprint(w, tinyFeed)
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(testDone) }) // runs before srv.Close

	const timeout = time.Second
	f := NewFetcher(Options{Client: srv.Client(), Timeout: timeout})
	list := []Feed{{Name: "slow", URL: srv.URL + "/slow"}, {Name: "fast", URL: srv.URL + "/fast"}}
	var order []string // no lock: FetchAll promises serial calls (-race checks)
	results := map[string]Result{}
	f.FetchAll(context.Background(), list, func(string) ConditionalState { return ConditionalState{} }, func(r Result) {
		order = append(order, r.Feed)
		results[r.Feed] = r
	})

	if strings.Join(order, ",") != "fast,slow" {
		t.Errorf("results arrived in order %v, want the fast feed first", order)
	}
	fast, slow := results["fast"], results["slow"]
	if fast.Err != nil || len(fast.Items) != 1 {
		t.Errorf("fast feed: err=%v items=%d", fast.Err, len(fast.Items))
	}
	if fast.Duration >= timeout {
		t.Errorf("fast feed took %v, as long as the slow one's timeout", fast.Duration)
	}
	if slow.Err == nil || !strings.Contains(slow.Err.Error(), "timeout") {
		t.Fatalf("slow feed error = %v, want a timeout", slow.Err)
	}
	if slow.Feed != "slow" || strings.Contains(slow.Err.Error(), `"slow"`) {
		t.Errorf("slow feed %q: error %q; the result names the feed, its error does not repeat the name", slow.Feed, slow.Err)
	}
	if slow.Duration < timeout {
		t.Errorf("slow feed gave up after %v, before its %v timeout", slow.Duration, timeout)
	}
}

func TestFetchPerHostLimit(t *testing.T) {
	const perHost, total = 2, 8
	var (
		mu             sync.Mutex
		inFlight, peak int
		arrived        = make(chan struct{}, total)
		release        = make(chan struct{})
	)
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		inFlight++
		peak = max(peak, inFlight)
		mu.Unlock()
		arrived <- struct{}{}
		select { // held until the test has looked for excess requests
		case <-release:
		case <-r.Context().Done():
		}
		mu.Lock()
		inFlight--
		mu.Unlock()
		fmt.Fprint(w, tinyFeed)
	})

	var list []Feed
	for i := range total {
		list = append(list, Feed{Name: fmt.Sprint("f", i), URL: fmt.Sprintf("%s/%d", srv.URL, i)})
	}
	f := NewFetcher(Options{Client: srv.Client(), PerHost: perHost})
	done := make(chan int)
	go func() {
		n := 0
		f.FetchAll(context.Background(), list, nil, func(r Result) {
			n++
			if r.Err != nil {
				t.Errorf("%s: %v", r.Feed, r.Err)
			}
		})
		done <- n
	}()

	for range perHost {
		select {
		case <-arrived:
		case <-time.After(10 * time.Second):
			t.Fatal("the allowed concurrent requests never arrived")
		}
	}
	// Nothing can signal that a request will never come, so give excess
	// ones a moment: without the limit the other six arrive at once.
	select {
	case <-arrived:
		t.Error("a request beyond the per-host limit reached the server")
	case <-time.After(200 * time.Millisecond):
	}
	close(release)
	if n := <-done; n != total {
		t.Errorf("each called %d times, want %d", n, total)
	}
	mu.Lock()
	defer mu.Unlock()
	if peak != perHost {
		t.Errorf("peak concurrent requests to one host = %d, want exactly %d", peak, perHost)
	}
}

func TestFetchLocal(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "feed.xml")
	if err := os.WriteFile(path, []byte(tinyFeed), 0o644); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.xml")
	if err := os.WriteFile(big, []byte(tinyFeed+strings.Repeat(" ", 2048)), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, url, wantErr string
	}{
		{"plain path", path, ""},
		{"file URL", "file://" + filepath.ToSlash(path), ""},
		{"missing file", filepath.Join(dir, "nope.xml"), "no such file"},
		{"over the cap", big, "feed is larger than the 1 KiB limit ([fetch] max_bytes raises it)"},
		{"unsupported scheme", "ftp://example.com/feed.xml", `URL scheme "ftp" is not supported`},
	}
	f := NewFetcher(Options{MaxBytes: 1024})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := f.Fetch(context.Background(), Feed{Name: "Local", URL: tt.url}, ConditionalState{})
			if tt.wantErr == "" {
				if res.Err != nil || len(res.Items) != 1 || res.Items[0].Title != "hello" {
					t.Fatalf("err=%v items=%+v, want the one item", res.Err, res.Items)
				}
				return
			}
			if res.Err == nil || !strings.Contains(res.Err.Error(), tt.wantErr) || strings.Contains(res.Err.Error(), `"Local"`) {
				t.Fatalf("error = %v, want one about %q", res.Err, tt.wantErr)
			}
		})
	}
}

func TestFetchRedirects(t *testing.T) {
	var srv *httptest.Server
	srv = newServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/feed":
			fmt.Fprint(w, tinyFeed)
		default: // /hop/N redirects N times before reaching /feed
			var n int
			if _, err := fmt.Sscanf(r.URL.Path, "/hop/%d", &n); err != nil {
				http.NotFound(w, r)
				return
			}
			next := srv.URL + "/feed"
			if n > 1 {
				next = fmt.Sprintf("%s/hop/%d", srv.URL, n-1)
			}
			http.Redirect(w, r, next, http.StatusMovedPermanently)
		}
	})
	tests := []struct {
		name, path, wantErr string
	}{
		{"five redirects are followed", "/hop/5", ""},
		{"six are too many", "/hop/6", `stopped after 5 redirects`},
	}
	f := NewFetcher(Options{Client: srv.Client()})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := f.Fetch(context.Background(), Feed{Name: "R", URL: srv.URL + tt.path}, ConditionalState{})
			if tt.wantErr == "" {
				if res.Err != nil || len(res.Items) != 1 {
					t.Fatalf("err=%v items=%d, want the feed", res.Err, len(res.Items))
				}
				return
			}
			if res.Err == nil || !strings.HasPrefix(res.Err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want %q", res.Err, tt.wantErr)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"30", 30 * time.Second},
		{"-5", 0},
		{"Tue, 04 Mar 2025 10:05:00 GMT", 5 * time.Minute},
		{"Tue, 04 Mar 2025 09:00:00 GMT", 0},
		{"soon", 0},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestFetchUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there any more
	res := NewFetcher(Options{}).Fetch(context.Background(), Feed{Name: "Down", URL: url}, ConditionalState{})
	want := `connection refused (is the server up?)`
	if res.Err == nil || res.Err.Error() != want {
		t.Fatalf("error = %v, want %q", res.Err, want)
	}
}

func TestFetchAllCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	list := []Feed{{Name: "a", URL: "http://127.0.0.1:1/a"}, {Name: "b", URL: "http://127.0.0.1:1/b"}}
	got := map[string]string{}
	NewFetcher(Options{}).FetchAll(ctx, list, nil, func(r Result) {
		if r.Err != nil {
			got[r.Feed] = r.Err.Error()
		}
	})
	want := map[string]string{"a": `cancelled`, "b": `cancelled`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("errors = %v, want %v", got, want)
	}
}

// TestNewest: the MaxItems cap keeps the newest items, dated before
// undated, in document order.
func TestNewest(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2025, 3, d, 0, 0, 0, 0, time.UTC) }
	items := []Item{{ID: "undated-1"}, {ID: "old", Published: day(1)}, {ID: "new", Published: day(9)},
		{ID: "undated-2"}, {ID: "mid", Published: day(5)}}
	tests := []struct {
		limit int
		want  []string
	}{
		{5, []string{"undated-1", "old", "new", "undated-2", "mid"}},
		{2, []string{"new", "mid"}},
		{3, []string{"old", "new", "mid"}},
		{4, []string{"undated-1", "old", "new", "mid"}},
	}
	for _, tt := range tests {
		got, dropped := newest(slices.Clone(items), tt.limit)
		var ids []string
		for _, it := range got {
			ids = append(ids, it.ID)
		}
		if !slices.Equal(ids, tt.want) || dropped != len(items)-len(tt.want) {
			t.Errorf("newest(limit %d) = %v, dropped %d; want %v, dropped %d", tt.limit, ids, dropped, tt.want, len(items)-len(tt.want))
		}
	}
}
