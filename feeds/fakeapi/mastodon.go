// Package fakeapi holds fake servers of the APIs parley talks to, for
// tests in any package. They speak the real JSON shapes, status codes and
// headers, so the real client code runs against them, and they can be told
// to fail in the ways real servers do.
package fakeapi

import (
	"cmp"
	"encoding/json"
	"fmt"
	"html"
	"maps"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// Account is Mastodon's Account entity.
type MastodonAccount struct {
	ID             string `json:"id"`
	Username       string `json:"username"`
	Acct           string `json:"acct"` // "alice" here, "bob@other.example" elsewhere
	DisplayName    string `json:"display_name"`
	URL            string `json:"url"`
	Locked         bool   `json:"locked"`
	Bot            bool   `json:"bot"`
	CreatedAt      string `json:"created_at"`
	Note           string `json:"note"`
	Avatar         string `json:"avatar"`
	FollowersCount int    `json:"followers_count"`
	FollowingCount int    `json:"following_count"`
	StatusesCount  int    `json:"statuses_count"`
	Emojis         []any  `json:"emojis"`
	Fields         []any  `json:"fields"`
}

// Mention is one account a status mentions.
type MastodonMention struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	URL      string `json:"url"`
	Acct     string `json:"acct"`
}

// Tag is one hashtag of a status.
type MastodonTag struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

// Status is Mastodon's Status entity.
type MastodonStatus struct {
	ID                 string            `json:"id"`
	URI                string            `json:"uri"`
	URL                *string           `json:"url"`
	CreatedAt          string            `json:"created_at"` // RFC 3339 UTC with milliseconds
	Account            MastodonAccount   `json:"account"`
	Content            string            `json:"content"` // HTML
	Visibility         string            `json:"visibility"`
	Sensitive          bool              `json:"sensitive"`
	SpoilerText        string            `json:"spoiler_text"`
	InReplyToID        *string           `json:"in_reply_to_id"`
	InReplyToAccountID *string           `json:"in_reply_to_account_id"`
	Reblog             *MastodonStatus   `json:"reblog"`
	Mentions           []MastodonMention `json:"mentions"`
	Tags               []MastodonTag     `json:"tags"`
	MediaAttachments   []any             `json:"media_attachments"`
	Emojis             []any             `json:"emojis"`
	RepliesCount       int               `json:"replies_count"`
	ReblogsCount       int               `json:"reblogs_count"`
	FavouritesCount    int               `json:"favourites_count"`
	Language           *string           `json:"language"`
	EditedAt           *string           `json:"edited_at"`
}

// Notification is Mastodon's Notification entity.
type MastodonNotification struct {
	ID        string          `json:"id"`
	Type      string          `json:"type"` // mention, reblog, favourite, follow, ...
	CreatedAt string          `json:"created_at"`
	Account   MastodonAccount `json:"account"`
	Status    *MastodonStatus `json:"status"`
}

// Post is one POST /api/v1/statuses that created a status, as it was
// requested, with the status the server made of it.
type MastodonPost struct {
	Status         MastodonStatus
	Text           string // the status parameter, raw
	InReplyToID    string
	Visibility     string // as sent; "" when the request had none
	IdempotencyKey string
	ContentType    string // of the request
}

// StatusSpec is a status that appears on the server as if written in some
// other app: a mention, a post with a hashtag, our own reply written on
// the web.
type MastodonStatusSpec struct {
	// From is the author's acct: "alice" (an account of this server) or
	// "bob@other.example"; "" or Me.Acct is our account. Unknown accounts
	// are created.
	From string
	// Text is plain text, formatted as Mastodon formats a post: paragraphs
	// and line breaks, and links for URLs, #hashtags and @mentions of
	// known accounts.
	Text string
	// HTML, when set, is the content as is instead of Text's formatting
	// (hostile markup, escape sequences).
	HTML        string
	SpoilerText string // content warning
	InReplyToID string
	Visibility  string    // public (the default), unlisted, private, direct
	Tags        []string  // hashtags besides those found in Text
	At          time.Time // created_at; default now
	// Notify also makes a mention notification for our account.
	Notify bool
	// ReblogOf makes this a reblog of that status (content is ignored).
	ReblogOf string
}

// Mastodon is a fake Mastodon server (plain HTTP on 127.0.0.1) with one
// account of ours, Me, whose token is the one given to NewMastodon.
//
// It serves verify_credentials, notifications (types[] and exclude_types[],
// newest first), the hashtag timeline, an account's statuses
// (exclude_reblogs, exclude_replies), a status and its context, and
// POST /api/v1/statuses (JSON or form body) with Mastodon's validation and
// Idempotency-Key handling. Ids are decimal strings that increase. Every
// method is safe for concurrent use.
type Mastodon struct {
	URL string
	Me  MastodonAccount

	// IgnoreIdempotency makes POST /api/v1/statuses create a new status
	// even for an Idempotency-Key seen before, as a server without that
	// support would: it proves Find alone prevents a double post. Set it
	// before the requests it should affect.
	IgnoreIdempotency bool
	// IgnoreTypes makes notifications answer every type, as servers older
	// than Mastodon 3.5 do (they ignore types[]). Set it before use.
	IgnoreTypes bool

	srv       *httptest.Server
	token     string
	done      chan struct{} // closed by Close: ends stalls
	closeOnce sync.Once

	mu            sync.Mutex
	nextAccount   int64
	nextStatus    int64
	nextNote      int64
	accounts      map[string]*MastodonAccount // by lower-case acct
	statuses      []*MastodonStatus           // in id order
	byID          map[string]*MastodonStatus
	notifications []*MastodonNotification // oldest first
	posted        []MastodonPost
	keys          map[string]*MastodonStatus // Idempotency-Key -> status created
	requests      []string
	failPosts     fault
	failFetch     fault
	cutPosts      int
	stall         time.Duration
}

// NewMastodon starts a fake server; Close it when done.
func NewMastodon(token string) *Mastodon {
	m := &Mastodon{
		token:       token,
		done:        make(chan struct{}),
		nextAccount: 109_000_000_000_000_000,
		nextStatus:  111_000_000_000_000_000,
		nextNote:    34_975_000,
		accounts:    map[string]*MastodonAccount{},
		byID:        map[string]*MastodonStatus{},
		keys:        map[string]*MastodonStatus{},
	}
	mux := http.NewServeMux()
	route := func(pattern string, auth bool, h http.HandlerFunc) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			if !m.authorized(r, auth) {
				mastodonError(w, http.StatusUnauthorized, "The access token is invalid")
				return
			}
			h(w, r)
		})
	}
	route("GET /api/v1/accounts/verify_credentials", true, m.verifyCredentials)
	route("GET /api/v1/notifications", true, m.listNotifications)
	route("GET /api/v1/timelines/tag/{hashtag}", false, m.tagTimeline)
	route("GET /api/v1/accounts/{id}/statuses", false, m.accountStatuses)
	route("GET /api/v1/statuses/{id}", false, m.getStatus)
	route("GET /api/v1/statuses/{id}/context", false, m.statusContext)
	route("POST /api/v1/statuses", true, m.postStatus)
	m.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.mu.Lock()
		m.requests = append(m.requests, r.Method+" "+r.URL.RequestURI())
		m.mu.Unlock()
		// Mastodon's rate-limit headers are on every API answer.
		w.Header().Set("X-RateLimit-Limit", "300")
		w.Header().Set("X-RateLimit-Remaining", "299")
		w.Header().Set("X-RateLimit-Reset", mastodonRateReset(time.Now()))
		if _, pattern := mux.Handler(r); pattern == "" {
			mastodonError(w, http.StatusNotFound, "Record not found")
			return
		}
		mux.ServeHTTP(w, r)
	}))
	m.URL = m.srv.URL
	me := m.account("quillstone")
	me.DisplayName = "Quillstone"
	me.Note = "<p>Writing tools. Replies by the community team.</p>"
	m.Me = *me
	return m
}

// Close shuts the server down; closing again does nothing.
func (m *Mastodon) Close() {
	m.closeOnce.Do(func() { close(m.done) })
	m.srv.Close()
}

// Client is an *http.Client for the server.
func (m *Mastodon) Client() *http.Client { return m.srv.Client() }

// Add puts a status on the server and returns its id.
func (m *Mastodon) Add(s MastodonStatusSpec) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	from := m.account(s.From)
	at := s.At
	if at.IsZero() {
		at = time.Now()
	}
	st := m.newStatus(from, at)
	switch {
	case s.ReblogOf != "":
		orig := m.byID[s.ReblogOf]
		if orig == nil {
			panic("fakeapi: reblog of unknown status " + s.ReblogOf)
		}
		cp := *orig
		st.Reblog = &cp
		st.Visibility = "public"
		orig.ReblogsCount++
	default:
		if s.HTML != "" {
			st.Content = s.HTML
		} else {
			st.Content, st.Mentions, st.Tags = m.format(s.Text)
		}
		for _, t := range s.Tags {
			st.Tags = append(st.Tags, m.tag(t))
		}
		st.SpoilerText = s.SpoilerText
		st.Sensitive = s.SpoilerText != ""
		st.Visibility = cmp.Or(s.Visibility, "public")
		if s.InReplyToID != "" {
			parent := m.byID[s.InReplyToID]
			if parent == nil {
				panic("fakeapi: reply to unknown status " + s.InReplyToID)
			}
			m.setParent(st, parent)
		}
	}
	m.insert(st)
	if s.Notify {
		m.notify("mention", *from, st)
	}
	return st.ID
}

// AddMention adds a status by from (an acct) that starts by mentioning Me,
// answering inReplyToID when set, with the given visibility ("" is
// public), and the mention notification for it; it returns the status id.
// The content is HTML the way Mastodon writes it: <p>, and the mention as
// <span class="h-card"><a href=… class="u-url mention">@<span>quillstone</span></a></span>.
func (m *Mastodon) AddMention(from, text, inReplyToID, visibility string) string {
	return m.Add(MastodonStatusSpec{From: from, Text: "@" + m.Me.Acct + " " + text, InReplyToID: inReplyToID, Visibility: visibility, Notify: true})
}

// AddNotification adds a notification of typ ("favourite", "reblog",
// "follow", ...) from an acct about a status ("" for none) and returns its id.
func (m *Mastodon) AddNotification(typ, from, statusID string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var st *MastodonStatus
	if statusID != "" {
		if st = m.byID[statusID]; st == nil {
			panic("fakeapi: notification about unknown status " + statusID)
		}
	}
	return m.notify(typ, *m.account(from), st).ID
}

// Status returns the status with id, as the API would show it.
func (m *Mastodon) Status(id string) (MastodonStatus, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	st := m.byID[id]
	if st == nil {
		return MastodonStatus{}, false
	}
	return *st, true
}

// Statuses returns every status on the server, oldest first.
func (m *Mastodon) Statuses() []MastodonStatus {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]MastodonStatus, len(m.statuses))
	for i, st := range m.statuses {
		out[i] = *st
	}
	return out
}

// Posted returns the requests that created a status, in order; a request
// answered from its Idempotency-Key is not one of them.
func (m *Mastodon) Posted() []MastodonPost {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.posted)
}

// PostCount is len(Posted()).
func (m *Mastodon) PostCount() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.posted)
}

// Requests lists every request received, refused ones included, as
// "METHOD /path?query".
func (m *Mastodon) Requests() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.requests)
}

// FailPosts makes the next n POST /api/v1/statuses answer status without
// creating anything, as Mastodon does: 429 with X-RateLimit-Reset (plus
// Retry-After when retryAfter is set; a number of seconds also moves the
// reset), 422 "Validation failed: …", 5xx {"error": …} (a crash before
// the status was saved). retryAfter is also sent with a 503.
func (m *Mastodon) FailPosts(n, status int, retryAfter string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.failPosts = fault{n: n, status: status, retryAfter: retryAfter}
}

// FailFetch makes the next n GET /api/v1/notifications answer status,
// like FailPosts.
func (m *Mastodon) FailFetch(n, status int, retryAfter string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.failFetch = fault{n: n, status: status, retryAfter: retryAfter}
}

// CutAfterCreate makes the next n POST /api/v1/statuses create the status
// and then drop the connection in the middle of the answer: the client
// cannot know the post exists. (Part of the answer is sent on purpose:
// closing before the first byte lets Go's transport replay a request that
// carries an Idempotency-Key on a reused connection, which would hide the
// cut.)
func (m *Mastodon) CutAfterCreate(n int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.cutPosts = n
}

// StallPosts makes every later POST /api/v1/statuses create the status
// and then wait d (or until the client gives up, or Close) before
// answering: a slow server whose client times out. 0 ends it.
func (m *Mastodon) StallPosts(d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.stall = d
}

func (m *Mastodon) authorized(r *http.Request, required bool) bool {
	h := r.Header.Get("Authorization")
	if h == "" {
		return !required
	}
	tok, ok := strings.CutPrefix(h, "Bearer ")
	return ok && tok == m.token
}

func (m *Mastodon) verifyCredentials(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	me := *m.accounts[strings.ToLower(m.Me.Acct)]
	m.mu.Unlock()
	mastodonJSON(w, http.StatusOK, struct {
		MastodonAccount
		Source map[string]any `json:"source"`
	}{me, map[string]any{"privacy": "public", "sensitive": false, "language": "", "note": "", "fields": []any{}}})
}

func (m *Mastodon) listNotifications(w http.ResponseWriter, r *http.Request) {
	if m.fail(w, &m.failFetch) {
		return
	}
	q := r.URL.Query()
	types, exclude := q["types[]"], q["exclude_types[]"]
	limit := mastodonLimit(q, 40, 80)
	m.mu.Lock()
	defer m.mu.Unlock()
	out := []MastodonNotification{}
	for i := len(m.notifications) - 1; i >= 0 && len(out) < limit; i-- {
		n := m.notifications[i]
		if !m.IgnoreTypes && (len(types) > 0 && !slices.Contains(types, n.Type) || slices.Contains(exclude, n.Type)) {
			continue
		}
		out = append(out, m.render(n))
	}
	mastodonJSON(w, http.StatusOK, out)
}

func (m *Mastodon) tagTimeline(w http.ResponseWriter, r *http.Request) {
	tag := strings.ToLower(r.PathValue("hashtag"))
	limit := mastodonLimit(r.URL.Query(), 20, 40)
	m.mu.Lock()
	defer m.mu.Unlock()
	out := []MastodonStatus{}
	for i := len(m.statuses) - 1; i >= 0 && len(out) < limit; i-- {
		st := m.statuses[i]
		if st.Reblog != nil || st.Visibility != "public" {
			continue
		}
		if slices.ContainsFunc(st.Tags, func(t MastodonTag) bool { return t.Name == tag }) {
			out = append(out, *st)
		}
	}
	mastodonJSON(w, http.StatusOK, out)
}

func (m *Mastodon) accountStatuses(w http.ResponseWriter, r *http.Request) {
	id, q := r.PathValue("id"), r.URL.Query()
	limit := mastodonLimit(q, 20, 40)
	noReblogs, noReplies := q.Get("exclude_reblogs") == "true", q.Get("exclude_replies") == "true"
	m.mu.Lock()
	defer m.mu.Unlock()
	if !slices.ContainsFunc(slices.Collect(maps.Values(m.accounts)), func(a *MastodonAccount) bool { return a.ID == id }) {
		mastodonError(w, http.StatusNotFound, "Record not found")
		return
	}
	out := []MastodonStatus{}
	for i := len(m.statuses) - 1; i >= 0 && len(out) < limit; i-- {
		st := m.statuses[i]
		switch {
		case st.Account.ID != id,
			noReblogs && st.Reblog != nil,
			noReplies && st.InReplyToID != nil,
			// Others' private posts are hidden (we follow no one).
			id != m.Me.ID && (st.Visibility == "private" || st.Visibility == "direct"):
			continue
		}
		out = append(out, *st)
	}
	mastodonJSON(w, http.StatusOK, out)
}

func (m *Mastodon) getStatus(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	defer m.mu.Unlock()
	st := m.byID[r.PathValue("id")]
	if st == nil {
		mastodonError(w, http.StatusNotFound, "Record not found")
		return
	}
	mastodonJSON(w, http.StatusOK, *st)
}

func (m *Mastodon) statusContext(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	defer m.mu.Unlock()
	st := m.byID[r.PathValue("id")]
	if st == nil {
		mastodonError(w, http.StatusNotFound, "Record not found")
		return
	}
	ctx := struct {
		Ancestors   []MastodonStatus `json:"ancestors"`
		Descendants []MastodonStatus `json:"descendants"`
	}{Ancestors: []MastodonStatus{}, Descendants: []MastodonStatus{}}
	for p := st; p.InReplyToID != nil; {
		if p = m.byID[*p.InReplyToID]; p == nil {
			break
		}
		ctx.Ancestors = append(ctx.Ancestors, *p)
	}
	slices.Reverse(ctx.Ancestors)
	// Depth first, each level in id order, as Mastodon lists a thread.
	var walk func(id string)
	walk = func(id string) {
		for _, c := range m.statuses {
			if c.InReplyToID != nil && *c.InReplyToID == id {
				ctx.Descendants = append(ctx.Descendants, *c)
				walk(c.ID)
			}
		}
	}
	walk(st.ID)
	mastodonJSON(w, http.StatusOK, ctx)
}

// postStatus is POST /api/v1/statuses, in Mastodon's order: rate limit,
// idempotency, validation, creation.
func (m *Mastodon) postStatus(w http.ResponseWriter, r *http.Request) {
	if m.fail(w, &m.failPosts) {
		return
	}
	var p struct {
		Status      string `json:"status"`
		InReplyToID string `json:"in_reply_to_id"`
		Visibility  string `json:"visibility"`
		SpoilerText string `json:"spoiler_text"`
	}
	ctype, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ctype == "application/json" {
		if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
			mastodonError(w, http.StatusBadRequest, "Error occurred while parsing request parameters")
			return
		}
	} else {
		p.Status, p.InReplyToID = r.FormValue("status"), r.FormValue("in_reply_to_id")
		p.Visibility, p.SpoilerText = r.FormValue("visibility"), r.FormValue("spoiler_text")
	}
	key := r.Header.Get("Idempotency-Key")

	m.mu.Lock()
	if prev := m.keys[key]; key != "" && prev != nil && !m.IgnoreIdempotency {
		st := *prev
		m.mu.Unlock()
		mastodonJSON(w, http.StatusOK, st)
		return
	}
	var parent *MastodonStatus
	var msg string
	switch {
	case strings.TrimSpace(p.Status) == "":
		msg = "Validation failed: Text can't be blank"
	case utf8.RuneCountInString(p.Status) > 500:
		msg = "Validation failed: Text character limit of 500 exceeded"
	case p.Visibility != "" && !slices.Contains([]string{"public", "unlisted", "private", "direct"}, p.Visibility):
		msg = "Validation failed: Visibility is not included in the list"
	case p.InReplyToID != "":
		if parent = m.byID[p.InReplyToID]; parent == nil {
			m.mu.Unlock()
			mastodonError(w, http.StatusNotFound, "Record not found")
			return
		}
	}
	if msg != "" {
		m.mu.Unlock()
		mastodonError(w, http.StatusUnprocessableEntity, msg)
		return
	}
	me := m.accounts[strings.ToLower(m.Me.Acct)]
	st := m.newStatus(me, time.Now())
	st.Content, st.Mentions, st.Tags = m.format(p.Status)
	st.Visibility = cmp.Or(p.Visibility, "public")
	st.SpoilerText, st.Sensitive = p.SpoilerText, p.SpoilerText != ""
	if parent != nil {
		m.setParent(st, parent)
	}
	m.insert(st)
	if key != "" {
		m.keys[key] = st
	}
	m.posted = append(m.posted, MastodonPost{
		Status: *st, Text: p.Status, InReplyToID: p.InReplyToID, Visibility: p.Visibility,
		IdempotencyKey: key, ContentType: r.Header.Get("Content-Type"),
	})
	answer, _ := json.Marshal(st)
	cut := m.cutPosts > 0
	if cut {
		m.cutPosts--
	}
	stall := m.stall
	m.mu.Unlock()

	if stall > 0 {
		t := time.NewTimer(stall)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
		case <-m.done:
		}
	}
	if cut {
		mastodonCut(w, answer)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	w.Write(answer)
}

// mastodonCut sends the head of a 200 and half its body, then closes the
// connection.
func mastodonCut(w http.ResponseWriter, body []byte) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic("fakeapi: cannot hijack: " + err.Error())
	}
	defer conn.Close()
	fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: %d\r\n\r\n", len(body))
	buf.Write(body[:len(body)/2])
	buf.Flush()
}

// fail answers from a pending fault, if any.
func (m *Mastodon) fail(w http.ResponseWriter, f *fault) bool {
	status, retryAfter, ok := f.take(&m.mu)
	if !ok {
		return false
	}

	now := time.Now()
	switch status {
	case http.StatusTooManyRequests:
		reset := mastodonRateReset(now)
		if secs, err := strconv.Atoi(retryAfter); err == nil {
			reset = now.Add(time.Duration(secs) * time.Second).UTC().Format("2006-01-02T15:04:05.000000Z")
		}
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Reset", reset)
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		mastodonError(w, status, "Too many requests")
	case http.StatusServiceUnavailable:
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		mastodonError(w, status, "Service Unavailable")
	default:
		mastodonError(w, status, mastodonErrorText(status))
	}
	return true
}

func mastodonErrorText(status int) string {
	switch status {
	case http.StatusUnauthorized:
		return "The access token is invalid"
	case http.StatusForbidden:
		return "This action is outside the authorized scopes"
	case http.StatusNotFound:
		return "Record not found"
	case http.StatusUnprocessableEntity:
		return "Validation failed: Text can't be blank"
	}
	if status >= 500 {
		return "We're sorry, but something went wrong on our end."
	}
	return http.StatusText(status)
}

// mastodonRateReset is the end of Mastodon's current 5-minute rate-limit
// window, as X-RateLimit-Reset writes it.
func mastodonRateReset(now time.Time) string {
	end := now.Truncate(5 * time.Minute).Add(5 * time.Minute)
	return end.UTC().Format("2006-01-02T15:04:05.000000Z")
}

// account returns the account of acct, creating it; "" is Me. Call with
// m.mu held (or before the server is shared).
func (m *Mastodon) account(acct string) *MastodonAccount {
	acct = strings.TrimPrefix(strings.TrimSpace(acct), "@")
	if acct == "" {
		acct = m.Me.Acct
	}
	if a := m.accounts[strings.ToLower(acct)]; a != nil {
		return a
	}
	user, domain, remote := strings.Cut(acct, "@")
	m.nextAccount++
	a := &MastodonAccount{
		ID:          strconv.FormatInt(m.nextAccount, 10),
		Username:    user,
		Acct:        acct,
		DisplayName: strings.ToUpper(user[:1]) + user[1:],
		URL:         m.URL + "/@" + user,
		CreatedAt:   "2023-01-15T00:00:00.000Z",
		Avatar:      m.URL + "/avatars/original/missing.png",
		Emojis:      []any{},
		Fields:      []any{},
	}
	if remote {
		a.URL = "https://" + domain + "/@" + user
	}
	m.accounts[strings.ToLower(acct)] = a
	return a
}

func (m *Mastodon) newStatus(from *MastodonAccount, at time.Time) *MastodonStatus {
	m.nextStatus++
	id := strconv.FormatInt(m.nextStatus, 10)
	from.StatusesCount++
	base := m.URL
	if _, domain, remote := strings.Cut(from.Acct, "@"); remote {
		base = "https://" + domain
	}
	link := base + "/@" + from.Username + "/" + id
	return &MastodonStatus{
		ID:               id,
		URI:              base + "/users/" + from.Username + "/statuses/" + id,
		URL:              &link,
		CreatedAt:        at.UTC().Format("2006-01-02T15:04:05.000Z"),
		Account:          *from,
		Mentions:         []MastodonMention{},
		Tags:             []MastodonTag{},
		MediaAttachments: []any{},
		Emojis:           []any{},
	}
}

func (m *Mastodon) setParent(st, parent *MastodonStatus) {
	id, acc := parent.ID, parent.Account.ID
	st.InReplyToID, st.InReplyToAccountID = &id, &acc
	parent.RepliesCount++
}

func (m *Mastodon) insert(st *MastodonStatus) {
	m.statuses = append(m.statuses, st)
	m.byID[st.ID] = st
}

func (m *Mastodon) notify(typ string, from MastodonAccount, st *MastodonStatus) *MastodonNotification {
	m.nextNote++
	n := &MastodonNotification{ID: strconv.FormatInt(m.nextNote, 10), Type: typ, CreatedAt: time.Now().UTC().Format("2006-01-02T15:04:05.000Z"), Account: from, Status: st}
	m.notifications = append(m.notifications, n)
	return n
}

// render copies a notification with its status as it is now.
func (m *Mastodon) render(n *MastodonNotification) MastodonNotification {
	out := *n
	if n.Status != nil {
		st := *m.byID[n.Status.ID]
		out.Status = &st
	}
	return out
}

func (m *Mastodon) tag(name string) MastodonTag {
	name = strings.ToLower(strings.TrimPrefix(name, "#"))
	return MastodonTag{Name: name, URL: m.URL + "/tags/" + name}
}

// Mastodon's plain-text formatting picks out URLs, mentions and hashtags.
var (
	mastodonTokenRE = regexp.MustCompile(`https?://[^\s<>"]+|@[A-Za-z0-9_]+(?:@[A-Za-z0-9.-]*[A-Za-z0-9])?|#[\p{L}\p{N}_]+`)
	mastodonParaRE  = regexp.MustCompile(`\n\s*\n`)
)

// format renders plain text as Mastodon stores a post's content.
func (m *Mastodon) format(text string) (content string, mentions []MastodonMention, tags []MastodonTag) {
	mentions, tags = []MastodonMention{}, []MastodonTag{}
	var b strings.Builder
	paras := mastodonParaRE.Split(strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n")), -1)
	for _, para := range paras {
		b.WriteString("<p>")
		last := 0
		for _, loc := range mastodonTokenRE.FindAllStringIndex(para, -1) {
			tok := para[loc[0]:loc[1]]
			before, _ := utf8.DecodeLastRuneInString(para[:loc[0]])
			if loc[0] > 0 && (before == '_' || before == '/' || before == '@' || unicode.IsLetter(before) || unicode.IsDigit(before)) {
				continue
			}
			var out string
			switch tok[0] {
			case 'h':
				tok = strings.TrimRight(tok, ".,;:!?)'")
				out = mastodonLinkHTML(tok)
			case '@':
				a := m.accounts[strings.ToLower(tok[1:])]
				if a == nil {
					continue // unknown accounts stay text
				}
				mentions = append(mentions, MastodonMention{ID: a.ID, Username: a.Username, URL: a.URL, Acct: a.Acct})
				out = `<span class="h-card" translate="no"><a href="` + html.EscapeString(a.URL) + `" class="u-url mention">@<span>` + html.EscapeString(a.Username) + `</span></a></span>`
			case '#':
				t := m.tag(tok[1:])
				tags = append(tags, t)
				out = `<a href="` + html.EscapeString(t.URL) + `" class="mention hashtag" rel="tag">#<span>` + html.EscapeString(tok[1:]) + `</span></a>`
			}
			b.WriteString(mastodonTextHTML(para[last:loc[0]]))
			b.WriteString(out)
			last = loc[0] + len(tok)
		}
		b.WriteString(mastodonTextHTML(para[last:]))
		b.WriteString("</p>")
	}
	return b.String(), mentions, tags
}

func mastodonTextHTML(s string) string {
	return strings.ReplaceAll(html.EscapeString(s), "\n", "<br />")
}

// mastodonLinkHTML shortens a URL's display the way Mastodon does: the scheme and
// anything past 30 characters are in invisible spans.
func mastodonLinkHTML(u string) string {
	scheme, rest, _ := strings.Cut(u, "://")
	shown, hidden := rest, ""
	class := ""
	if len(rest) > 30 {
		shown, hidden, class = rest[:30], rest[30:], "ellipsis"
	}
	return `<a href="` + html.EscapeString(u) + `" target="_blank" rel="nofollow noopener" translate="no">` +
		`<span class="invisible">` + scheme + `://</span><span class="` + class + `">` + html.EscapeString(shown) +
		`</span><span class="invisible">` + html.EscapeString(hidden) + `</span></a>`
}

func mastodonJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func mastodonError(w http.ResponseWriter, status int, msg string) {
	mastodonJSON(w, status, map[string]string{"error": msg})
}

func mastodonLimit(q url.Values, def, max int) int {
	n, err := strconv.Atoi(q.Get("limit"))
	if err != nil || n <= 0 {
		return def
	}
	return min(n, max)
}
