package feeds

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Options tunes a Fetcher. Zero fields take the defaults shown.
type Options struct {
	Timeout       time.Duration // per request incl. body (and per local file read), default 15s
	MaxBytes      int64         // decompressed body cap, default 10 MiB
	PerHost       int           // concurrent requests per host, default 6
	MaxConcurrent int           // concurrent fetches overall, default 16
	// MaxItems caps the items one poll of one feed returns, default 2000.
	// The newest by date are kept (undated ones rank below dated ones, in
	// document order), in their original order, and Result.Truncated
	// says how many were dropped.
	MaxItems  int
	UserAgent string       // default "parley/0.1"
	Client    *http.Client // optional, for tests
}

// maxRedirects bounds redirect chains; a feed that moves more than this is
// misconfigured or looping.
const maxRedirects = 5

// maxFuture is how far past the fetch a date may lie before Fetch takes
// it for a broken clock or a typo: a day covers any time-zone mistake.
const maxFuture = 24 * time.Hour

// Fetcher fetches and parses feeds with bounded concurrency. It is safe for
// concurrent use.
type Fetcher struct {
	opt    Options
	client *http.Client
	all    chan struct{} // overall semaphore

	mu    sync.Mutex
	hosts map[string]chan struct{} // per-host semaphores
	// stuck holds the local paths whose read was abandoned at the timeout
	// and has not returned yet, with when it started (see loadFile).
	stuck map[string]time.Time

	openLocal func(path string) (io.ReadCloser, error) // openLocal, or a stalled read in tests
}

// NewFetcher returns a Fetcher; zero fields of o take their defaults.
func NewFetcher(o Options) *Fetcher {
	if o.Timeout <= 0 {
		o.Timeout = 15 * time.Second
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = 10 << 20
	}
	if o.PerHost <= 0 {
		o.PerHost = 6
	}
	if o.MaxConcurrent <= 0 {
		o.MaxConcurrent = 16
	}
	if o.MaxItems <= 0 {
		o.MaxItems = 2000
	}
	if o.UserAgent == "" {
		o.UserAgent = "parley/0.1"
	}
	var c http.Client
	if o.Client != nil {
		c = *o.Client // a copy, so our redirect policy does not leak into the caller's client
	} else {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = o.PerHost // keep connections we are allowed to use warm
		c.Transport = t
	}
	c.CheckRedirect = checkRedirect
	return &Fetcher{
		opt:    o,
		client: &c,
		all:    make(chan struct{}, o.MaxConcurrent),
		hosts:  map[string]chan struct{}{},
		stuck:  map[string]time.Time{},

		openLocal: openLocal,
	}
}

func checkRedirect(req *http.Request, via []*http.Request) error {
	for _, v := range via {
		if v.URL.String() == req.URL.String() {
			return errors.New("redirect loop: the server redirects back to an address it already sent parley to")
		}
	}
	if len(via) > maxRedirects {
		return fmt.Errorf("stopped after %d redirects", maxRedirects)
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return fmt.Errorf("refused redirect to a %s: URL (only http and https are followed)", SanitizeLine(req.URL.Scheme))
	}
	return nil
}

// HTTPStatusError is a fetch answered with a status other than 200 or 304.
// RetryAfter is the server's Retry-After, zero when absent; backoff can
// honour it.
type HTTPStatusError struct {
	StatusCode int
	Status     string // e.g. "503 Service Unavailable"
	RetryAfter time.Duration
	// Detail is the API's own error message, when it gave one.
	Detail string
	// body is the start of an API's error body, for adapters that read
	// more out of it than Detail (Reddit's reason).
	body []byte
}

func (e *HTTPStatusError) Error() string {
	msg := "server answered " + e.Status
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	if e.RetryAfter > 0 {
		msg += fmt.Sprintf(" (asks to retry after %s)", e.RetryAfter.Round(time.Second))
	}
	return msg
}

// Fetch fetches and parses one feed. It never panics on bad input and always
// returns a Result for feed: on failure Err says what went wrong in words
// meant for the user and State is st unchanged. Err does not name the
// feed: it is always shown beside the feed's name (Result.Feed).
//
// On success, dates more than maxFuture after the fetch become the fetch
// time (the queue is ordered by date, and a feed dated 2999 would sit on
// top of it forever; IDs were already derived from the date as written,
// so they stay stable), and at most Options.MaxItems items are returned.
func (f *Fetcher) Fetch(ctx context.Context, feed Feed, st ConditionalState) (res Result) {
	res = Result{Feed: feed.Name, State: st, Started: time.Now()}
	defer func() { res.Duration = time.Since(res.Started) }() // named result: the defer sets what is returned
	defer func() {
		if res.Err == nil {
			clampFuture(res.Items, res.Started)
			res.Items, res.Truncated = newest(res.Items, f.opt.MaxItems)
		}
	}()
	// A bug in a parser or an adapter, met on one hostile feed, fails that
	// feed alone: a panic here would take down the console with its
	// terminal still in raw mode, and every other feed with it.
	defer func() {
		if p := recover(); p != nil {
			slog.Error("fetch panicked", "feed", feed.Name, "panic", p, "stack", string(debug.Stack()))
			res.Items, res.State = nil, st
			res.Err = fmt.Errorf("internal error while reading this feed (%v); details in the log", p)
		}
	}()

	if apiKind(feed.Kind) {
		items, err := f.fetchSource(ctx, feed)
		if err != nil {
			res.Err = err
			return res
		}
		res.Items = items
		return res
	}

	body, state, notModified, err := f.load(ctx, feed, st)
	if err != nil {
		res.Err = err
		return res
	}
	if notModified {
		res.NotModified = true
		return res
	}
	// Parsing runs here, after load released its network slots.
	items, err := Parse(feed.Name, body)
	if err != nil {
		if path, ok := localPath(feed.URL); ok {
			// Parse's words may quote the body; a local file that is not
			// a feed may be anything (a token, a key), and the error is
			// printed, logged and stored.
			err = notAFeedFile(path, body, err)
		}
		res.Err = fmt.Errorf("parse: %w", err)
		return res
	}
	res.Items, res.State = items, state
	return res
}

// FetchAll fetches every feed concurrently (within the Fetcher's limits) and
// calls each with every Result as it arrives. each is called from FetchAll's
// own goroutine, one call at a time, exactly once per feed, so it needs no
// locking; state is called the same way before the fetches start. FetchAll
// returns after the last call to each. Cancelling ctx makes the remaining
// fetches end promptly with an error.
func (f *Fetcher) FetchAll(ctx context.Context, list []Feed, state func(name string) ConditionalState, each func(Result)) {
	results := make(chan Result, len(list)) // never blocks a fetch on a slow each
	for _, feed := range list {
		var st ConditionalState
		if state != nil {
			st = state(feed.Name)
		}
		go func() { results <- f.Fetch(ctx, feed, st) }()
	}
	for range list {
		r := <-results
		if each != nil {
			each(r)
		}
	}
}

// load returns the raw body of feed, read while holding the concurrency
// slots, which it releases before returning.
func (f *Fetcher) load(ctx context.Context, feed Feed, st ConditionalState) (body []byte, state ConditionalState, notModified bool, err error) {
	raw := strings.TrimSpace(feed.URL)
	if raw == "" {
		return nil, st, false, errors.New("no URL configured")
	}
	if path, ok := localPath(raw); ok {
		return f.loadFile(ctx, path)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, st, false, fmt.Errorf("URL %q is not valid", SanitizeLine(raw))
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" {
			return nil, st, false, fmt.Errorf("URL %q has no host", SanitizeLine(raw))
		}
		return f.loadHTTP(ctx, u, st)
	case "file":
		return nil, st, false, fmt.Errorf("file URL %q names another host (expected file:///path)", SanitizeLine(raw))
	}
	return nil, st, false, fmt.Errorf("URL scheme %q is not supported (expected http, https, file or a local path)", SanitizeLine(u.Scheme))
}

// localPath returns the path a feed URL names when it names a local file:
// a path, or a file:// URL of this host.
func localPath(raw string) (string, bool) {
	raw = strings.TrimSpace(raw)
	// Like the config check: without "://" it is a local path, which also
	// covers Windows drive letters ("C:\feeds\x.xml").
	if !strings.Contains(raw, "://") {
		return raw, raw != ""
	}
	u, err := url.Parse(raw)
	if err != nil || !strings.EqualFold(u.Scheme, "file") || (u.Host != "" && u.Host != "localhost") {
		return "", false
	}
	return filepath.FromSlash(u.Path), true
}

// acquire takes a per-host slot (when host != "") and then an overall one.
// Host first: a fetch queued behind its own busy host must not sit on an
// overall slot that fetches for other hosts could use.
func (f *Fetcher) acquire(ctx context.Context, host string) (release func(), err error) {
	var hs chan struct{}
	if host != "" {
		f.mu.Lock()
		hs = f.hosts[host]
		if hs == nil {
			hs = make(chan struct{}, f.opt.PerHost)
			f.hosts[host] = hs
		}
		f.mu.Unlock()
		select {
		case hs <- struct{}{}:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	select {
	case f.all <- struct{}{}:
	case <-ctx.Done():
		if hs != nil {
			<-hs
		}
		return nil, ctx.Err()
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			<-f.all
			if hs != nil {
				<-hs
			}
		})
	}, nil
}

func (f *Fetcher) loadHTTP(ctx context.Context, u *url.URL, st ConditionalState) ([]byte, ConditionalState, bool, error) {
	release, err := f.acquire(ctx, hostKey(u))
	if err != nil {
		return nil, st, false, errors.New("cancelled")
	}
	defer release()

	// The timeout starts once we hold the slots: waiting in line is not
	// the server's fault.
	rctx, cancel := context.WithTimeout(ctx, f.opt.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, st, false, fmt.Errorf("bad URL: %w", err)
	}
	req.Header.Set("User-Agent", f.opt.UserAgent)
	req.Header.Set("Accept", "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, application/json;q=0.9, text/xml;q=0.8, */*;q=0.5")
	// No Accept-Encoding: the transport then asks for gzip itself and
	// decompresses transparently, so the cap below applies to real size.
	// Gzip it did not undo (unasked, unlabelled, "x-gzip", twice) is
	// caught by readCapped.
	if st.ETag != "" {
		req.Header.Set("If-None-Match", st.ETag)
	}
	if st.LastModified != "" {
		req.Header.Set("If-Modified-Since", st.LastModified)
	}

	resp, err := f.client.Do(req)
	if err != nil {
		return nil, st, false, f.netError(ctx, rctx, err)
	}
	defer resp.Body.Close()

	switch {
	case resp.StatusCode == http.StatusNotModified:
		return nil, st, true, nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return nil, st, false, statusError(resp)
	}
	switch ce := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding"))); ce {
	case "br", "deflate", "compress", "zstd":
		// Compression we never asked for and cannot undo. Other odd values
		// ("utf-8", seen in the wild) are ignored: the body is plain.
		return nil, st, false, fmt.Errorf("server sent the feed compressed with %q, which parley cannot read (only gzip)", ce)
	}
	body, err := f.readCapped(resp.Body, 0)
	if err != nil {
		return nil, st, false, f.netError(ctx, rctx, err)
	}
	return body, ConditionalState{
		ETag:         SanitizeLine(resp.Header.Get("ETag")),
		LastModified: SanitizeLine(resp.Header.Get("Last-Modified")),
	}, false, nil
}

// gzipMagic starts every gzip stream; no feed document starts with it.
var gzipMagic = []byte{0x1f, 0x8b}

// readCapped reads all of r, failing once it passes MaxBytes rather than
// handing a truncated document to the parser. A gzip stream (told by its
// first bytes, whatever the headers said) is decompressed first, and the
// cap counts decompressed bytes, so a gzip bomb stops at MaxBytes and
// never occupies more memory than that.
//
// sizeHint is the body's size when it is known for sure (a local file's
// fstat), else 0: reading into a buffer of that size at once, instead of
// growing one, keeps a large feed from costing several times its size in
// memory. A server's Content-Length is no such promise and is not used.
func (f *Fetcher) readCapped(r io.Reader, sizeHint int64) ([]byte, error) {
	br := bufio.NewReader(r)
	if magic, _ := br.Peek(len(gzipMagic)); bytes.Equal(magic, gzipMagic) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("the feed is gzip-compressed but corrupt: %w", err)
		}
		defer zr.Close()
		r = zr
		sizeHint = 0 // the compressed size says little about the body's
	} else {
		r = br
	}
	limited := io.LimitReader(r, f.opt.MaxBytes+1)
	var body []byte
	var err error
	if sizeHint > 0 {
		body, err = readSized(limited, min(sizeHint, f.opt.MaxBytes+1))
	} else {
		body, err = io.ReadAll(limited)
	}
	if err != nil {
		if errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) {
			return nil, fmt.Errorf("the feed is gzip-compressed but corrupt: %w", err)
		}
		return nil, err
	}
	if int64(len(body)) > f.opt.MaxBytes {
		return nil, &tooLargeError{limit: f.opt.MaxBytes}
	}
	return body, nil
}

// readSized is io.ReadAll into a buffer made for size bytes (and the read
// that finds the end), so a body of the expected size is allocated once.
// It still grows, as ReadAll does, if more comes.
func readSized(r io.Reader, size int64) ([]byte, error) {
	b := make([]byte, 0, size+1)
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}

// clampFuture sets dates more than maxFuture after now to now.
func clampFuture(items []Item, now time.Time) {
	limit := now.Add(maxFuture)
	for i := range items {
		if items[i].Published.After(limit) {
			items[i].Published = now.UTC()
		}
	}
}

// newest returns at most limit of items: the newest by Published, undated
// ones ranking below dated ones in document order, in their original
// order; and how many it dropped.
func newest(items []Item, limit int) ([]Item, int) {
	if len(items) <= limit {
		return items, 0
	}
	rank := make([]int, len(items))
	for i := range rank {
		rank[i] = i
	}
	slices.SortStableFunc(rank, func(a, b int) int {
		pa, pb := items[a].Published, items[b].Published
		if pa.IsZero() != pb.IsZero() {
			if pa.IsZero() {
				return 1
			}
			return -1
		}
		return pb.Compare(pa) // newest first; equal (or both undated) keeps document order
	})
	keep := rank[:limit]
	slices.Sort(keep)
	out := make([]Item, len(keep))
	for i, k := range keep {
		out[i] = items[k]
	}
	return out, len(items) - limit
}

type tooLargeError struct{ limit int64 }

func (e *tooLargeError) Error() string {
	return "feed is larger than the " + formatSize(e.limit) + " limit ([fetch] max_bytes raises it)"
}

// netError words a transport or body-read failure for the user.
func (f *Fetcher) netError(ctx, rctx context.Context, err error) error {
	var tl *tooLargeError
	if errors.As(err, &tl) {
		return err
	}
	switch {
	case ctx.Err() != nil:
		return errors.New("cancelled")
	case errors.Is(rctx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("no complete answer within %s (timeout)", f.opt.Timeout)
	}
	// Drop url.Error's `Get "https://…":` prefix: the feed is named by the
	// caller, and the URL may be long.
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &dnsErr):
		if dnsErr.IsNotFound {
			return fmt.Errorf("host %q not found", dnsErr.Name)
		}
		return fmt.Errorf("cannot look up host %q: %s", dnsErr.Name, dnsErr.Err)
	case errors.Is(err, syscall.ECONNREFUSED):
		return errors.New("connection refused (is the server up?)")
	case errors.Is(err, syscall.ECONNRESET):
		return errors.New("connection reset by the server")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("connection closed before the whole feed arrived")
	case errors.Is(err, io.EOF):
		return errors.New("connection closed by the server before it answered")
	}
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return fmt.Errorf("network timeout: %w", err)
	}
	return err
}

func statusError(resp *http.Response) error {
	status := strconv.Itoa(resp.StatusCode) + " " + http.StatusText(resp.StatusCode)
	if http.StatusText(resp.StatusCode) == "" {
		status = SanitizeLine(resp.Status) // a code Go does not know: use the server's words
	}
	return &HTTPStatusError{
		StatusCode: resp.StatusCode,
		Status:     status,
		RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()),
	}
}

// parseRetryAfter reads either form of Retry-After: seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		return time.Duration(min(secs, 7*24*3600)) * time.Second // absurd values capped at a week
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// hostKey identifies a host for the per-host limit: lower-cased, default
// port dropped, so example.com and EXAMPLE.com:443 share one budget.
func hostKey(u *url.URL) string {
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if port == "" || (port == "80" && u.Scheme == "http") || (port == "443" && u.Scheme == "https") {
		return host
	}
	return net.JoinHostPort(host, port)
}

func formatSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
