package feeds

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The HTTP plumbing the API adapters share: the Fetcher's client,
// concurrency slots, timeout and size cap, and errors worded for a person.

// getJSON GETs rawURL and decodes a JSON answer into v. header adds
// request headers (tokens). A non-2xx answer is an *HTTPStatusError whose
// RetryAfter also reads Mastodon's X-RateLimit-Reset.
func (f *Fetcher) getJSON(ctx context.Context, rawURL string, header http.Header, v any) error {
	body, _, err := f.apiDo(ctx, http.MethodGet, rawURL, header, nil)
	if err != nil {
		return err
	}
	return decodeJSON(body, v)
}

// apiDo runs one API request while holding the Fetcher's slots and returns
// the body of a 2xx answer, capped at MaxBytes, and the URL that answered
// (after redirects). header values replace the defaults (User-Agent,
// Accept). Errors are for reading (fetch); send wraps them for writing.
func (f *Fetcher) apiDo(ctx context.Context, method, rawURL string, header http.Header, body []byte) ([]byte, *url.URL, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, nil, fmt.Errorf("URL %q is not a valid http(s) URL", SanitizeLine(rawURL))
	}
	release, err := f.acquire(ctx, hostKey(u))
	if err != nil {
		return nil, nil, errors.New("cancelled")
	}
	defer release()
	rctx, cancel := context.WithTimeout(ctx, f.opt.Timeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(rctx, method, u.String(), rd)
	if err != nil {
		return nil, nil, fmt.Errorf("bad request: %w", err)
	}
	req.Header.Set("User-Agent", f.opt.UserAgent)
	req.Header.Set("Accept", "application/json")
	for k, vs := range header {
		req.Header.Del(k)
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, nil, &transportError{err: f.netError(ctx, rctx, err), dial: isDialError(err)}
	}
	defer resp.Body.Close()
	data, err := f.readCapped(resp.Body, 0)
	if err != nil {
		return nil, nil, &transportError{err: f.netError(ctx, rctx, err)}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		se := statusError(resp).(*HTTPStatusError)
		if se.RetryAfter == 0 && resp.StatusCode == http.StatusTooManyRequests {
			se.RetryAfter = rateLimitReset(resp.Header.Get("X-RateLimit-Reset"), time.Now())
		}
		se.Detail = apiErrorText(data)
		se.body = data[:min(len(data), 4096)]
		return nil, nil, se
	}
	return data, resp.Request.URL, nil
}

// transportError is a request that got no HTTP answer. dial is true when
// the connection never opened, so nothing reached the server.
type transportError struct {
	err  error
	dial bool
}

func (e *transportError) Error() string { return e.err.Error() }
func (e *transportError) Unwrap() error { return e.err }

func isDialError(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr)
}

// send runs a request that creates something (a post) and classifies a
// failure as a *SendError: whether the post may exist, whether trying
// again can help, and how long the server asked us to wait.
func (f *Fetcher) send(ctx context.Context, method, rawURL string, header http.Header, body []byte) ([]byte, error) {
	data, _, err := f.apiDo(ctx, method, rawURL, header, body)
	if err == nil {
		return data, nil
	}
	return nil, classifySend(err)
}

func classifySend(err error) *SendError {
	var se *HTTPStatusError
	if errors.As(err, &se) {
		switch {
		case se.StatusCode == http.StatusTooManyRequests, se.StatusCode == http.StatusRequestTimeout:
			return &SendError{Outcome: NotPosted, RetryAfter: se.RetryAfter, Err: err}
		case se.StatusCode >= 500:
			// The server may have stored the post before failing.
			return &SendError{Outcome: MaybePosted, RetryAfter: se.RetryAfter, Err: err}
		}
		return &SendError{Outcome: NotPosted, Permanent: true, Err: err}
	}
	var te *transportError
	if errors.As(err, &te) && te.dial {
		return &SendError{Outcome: NotPosted, Err: err}
	}
	// A timeout or a cut connection after the request went out.
	return &SendError{Outcome: MaybePosted, Err: err}
}

// decodeJSON decodes an API answer, saying what came instead when it is
// not JSON (a login page, a proxy error).
func decodeJSON(body []byte, v any) error {
	if err := json.Unmarshal(body, v); err != nil {
		trimmed := bytes.TrimSpace(body)
		switch {
		case len(trimmed) == 0:
			return errors.New("empty answer (expected JSON)")
		case trimmed[0] == '<':
			return errors.New("answer is HTML, not JSON (is the URL the API's base URL?)")
		}
		return fmt.Errorf("answer is not the JSON expected: %s", SanitizeLine(err.Error()))
	}
	return nil
}

// apiErrorText pulls the message out of an API error body: Mastodon's
// {"error": "..."}, Discourse's {"errors": ["..."]}. Empty if none.
func apiErrorText(body []byte) string {
	var e struct {
		Error  any      `json:"error"`
		Errors []string `json:"errors"`
	}
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	if len(e.Errors) > 0 {
		return capRunesLine(SanitizeLine(strings.Join(e.Errors, "; ")), 200)
	}
	if s, ok := e.Error.(string); ok {
		return capRunesLine(SanitizeLine(s), 200)
	}
	return ""
}

// rateLimitReset reads X-RateLimit-Reset as a wait from now: Mastodon
// sends an ISO 8601 time, Reddit seconds.
func rateLimitReset(v string, now time.Time) time.Duration {
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(v))
	if err != nil {
		return parseRetryAfter(strings.TrimSuffix(strings.TrimSpace(v), ".0"), now)
	}
	if !t.After(now) {
		return 0
	}
	return min(t.Sub(now), 24*time.Hour)
}

func capRunesLine(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
