package fakeapi

// A fake Discourse forum on a loopback httptest server, answering the
// endpoints parley uses with the shapes the real API gives (see
// https://docs.discourse.org): GET /posts.json, GET /categories.json,
// GET /t/{id}.json, GET /t/{id}/posts.json?post_ids[]=…,
// GET /posts/by_number/{topic}/{number}.json, POST /posts.json.
//
// It answers as a staff API key would: whispers, small actions, hidden and
// deleted posts are listed (with post_type, hidden, deleted_at and
// user_deleted saying so), so a client's filtering can be tested.

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Discourse post types (post_type).
const (
	DiscourseRegular         = 1
	DiscourseModeratorAction = 2
	DiscourseSmallAction     = 3
	DiscourseWhisper         = 4
)

// DiscourseMinPostLength is Discourse's default min_post_length: POST
// /posts.json rejects a shorter raw (whitespace trimmed) with a 422.
const DiscourseMinPostLength = 20

// DiscoursePost is one post of the fake forum. EditPost changes it; the
// JSON answers are built from these fields.
type DiscoursePost struct {
	ID         int
	TopicID    int
	PostNumber int
	ReplyTo    int // reply_to_post_number; 0 is null
	Username   string
	Raw        string
	Cooked     string // not recomputed when Raw is edited
	CreatedAt  time.Time
	PostType   int
	Hidden     bool
	DeletedAt  time.Time // zero: not deleted
	// UserDeleted: the author deleted it (it stays, saying so).
	UserDeleted bool
}

// DiscourseCreated is one post created through POST /posts.json: what the
// request asked for, and its headers.
type DiscourseCreated struct {
	PostID            int
	TopicID           int // the request's topic_id (0 when it opened a topic)
	ReplyToPostNumber int // the request's reply_to_post_number, 0 if absent
	Raw               string
	Header            http.Header
}

type discourseTopic struct {
	id         int
	title      string
	slug       string
	categoryID int
	posts      []*DiscoursePost // by post_number
}

type discourseCategory struct {
	id         int
	slug, name string
}

// Discourse is a fake forum. All its methods are safe for concurrent use,
// including while requests are served.
type Discourse struct {
	URL string // base URL, http://127.0.0.1:PORT

	srv         *httptest.Server
	apiKey      string
	apiUsername string

	mu         sync.Mutex
	categories []discourseCategory
	topics     map[int]*discourseTopic
	posts      []*DiscoursePost // by ID
	created    []DiscourseCreated
	requests   []string
	failPosts  fault
	failFetch  fault
	cutCreate  int
	nextTopic  int
	nextPost   int
}

// NewDiscourse starts a fake forum that accepts requests carrying
// Api-Key: apiKey and Api-Username: apiUsername (compared
// case-insensitively, as Discourse looks users up). It has one category,
// "uncategorized" (ID 1). Close it when done.
func NewDiscourse(apiKey, apiUsername string) *Discourse {
	d := &Discourse{
		apiKey:      apiKey,
		apiUsername: apiUsername,
		categories:  []discourseCategory{{id: 1, slug: "uncategorized", name: "Uncategorized"}},
		topics:      map[int]*discourseTopic{},
		nextTopic:   10, // distinct from post IDs, so a mix-up shows
		nextPost:    100,
	}
	d.srv = httptest.NewServer(http.HandlerFunc(d.serve))
	d.URL = d.srv.URL
	return d
}

// Close shuts the server down.
func (d *Discourse) Close() { d.srv.Close() }

// Client is an HTTP client for the server.
func (d *Discourse) Client() *http.Client { return d.srv.Client() }

// AddCategory adds a category and returns its ID.
func (d *Discourse) AddCategory(slug, name string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	id := d.categories[len(d.categories)-1].id + 1
	d.categories = append(d.categories, discourseCategory{id: id, slug: slug, name: name})
	return id
}

// AddTopic opens a topic by user in the category with that slug ("" is
// uncategorized) and returns its ID. Its opening post is post_number 1.
// It panics on an unknown slug: that is a mistake in the test.
func (d *Discourse) AddTopic(user, title, raw, categorySlug string) (topicID int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	cat := 1
	if categorySlug != "" {
		i := slices.IndexFunc(d.categories, func(c discourseCategory) bool { return c.slug == categorySlug })
		if i < 0 {
			panic(fmt.Sprintf("fakeapi: no Discourse category %q (AddCategory first)", categorySlug))
		}
		cat = d.categories[i].id
	}
	t := d.openTopic(title, cat)
	d.addPost(t, user, raw, 0)
	return t.id
}

// AddPost adds a post by user to a topic, answering post number replyTo
// (0: the topic as a whole), and returns its ID. It panics on an unknown
// topic.
func (d *Discourse) AddPost(user string, topicID int, raw string, replyTo int) (postID int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	t := d.topics[topicID]
	if t == nil {
		panic(fmt.Sprintf("fakeapi: no Discourse topic %d", topicID))
	}
	return d.addPost(t, user, raw, replyTo).ID
}

// EditPost changes a post in place (hide it, delete it, make it a
// whisper, backdate it, replace its cooked HTML). It panics on an unknown
// post.
func (d *Discourse) EditPost(postID int, edit func(p *DiscoursePost)) {
	d.mu.Lock()
	defer d.mu.Unlock()
	p := d.post(postID)
	if p == nil {
		panic(fmt.Sprintf("fakeapi: no Discourse post %d", postID))
	}
	edit(p)
}

// Post returns a copy of a post.
func (d *Discourse) Post(postID int) (DiscoursePost, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if p := d.post(postID); p != nil {
		return *p, true
	}
	return DiscoursePost{}, false
}

// Created lists the posts created through the API, oldest first.
func (d *Discourse) Created() []DiscourseCreated {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := slices.Clone(d.created)
	for i := range out {
		out[i].Header = out[i].Header.Clone()
	}
	return out
}

// PostCount is how many posts the API created (seeded posts not counted),
// including those whose answer was cut.
func (d *Discourse) PostCount() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.created)
}

// Requests lists every request received, as "METHOD /path?query".
func (d *Discourse) Requests() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.requests)
}

// FailPosts makes the next n POST /posts.json with valid credentials
// answer status without creating anything. retryAfter, when not empty, is
// sent as Retry-After. A 429 has Discourse's rate-limit body, whose
// extras.wait_seconds (and message) say retryAfter's seconds, or 30 when
// retryAfter is empty or not a number.
func (d *Discourse) FailPosts(n, status int, retryAfter string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.failPosts = fault{n: n, status: status, retryAfter: retryAfter}
}

// FailFetch is FailPosts for the next n GET requests with valid
// credentials (any endpoint).
func (d *Discourse) FailFetch(n, status int, retryAfter string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.failFetch = fault{n: n, status: status, retryAfter: retryAfter}
}

// CutAfterCreate makes the next n successful POST /posts.json create the
// post and then close the connection without answering, as a proxy
// timing out or a crash would.
func (d *Discourse) CutAfterCreate(n int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.cutCreate = n
}

// openTopic and addPost need d.mu held.
func (d *Discourse) openTopic(title string, category int) *discourseTopic {
	d.nextTopic++
	t := &discourseTopic{id: d.nextTopic, title: title, slug: discourseSlug(title), categoryID: category}
	d.topics[t.id] = t
	return t
}

func (d *Discourse) addPost(t *discourseTopic, user, raw string, replyTo int) *DiscoursePost {
	d.nextPost++
	p := &DiscoursePost{
		ID:         d.nextPost,
		TopicID:    t.id,
		PostNumber: len(t.posts) + 1,
		ReplyTo:    replyTo,
		Username:   user,
		Raw:        raw,
		Cooked:     discourseCook(raw),
		CreatedAt:  time.Now().UTC(),
		PostType:   DiscourseRegular,
	}
	t.posts = append(t.posts, p)
	d.posts = append(d.posts, p)
	return p
}

func (d *Discourse) post(id int) *DiscoursePost {
	i, ok := slices.BinarySearchFunc(d.posts, id, func(p *DiscoursePost, id int) int { return p.ID - id })
	if !ok {
		return nil
	}
	return d.posts[i]
}

var discourseSlugRE = regexp.MustCompile(`[^a-z0-9]+`)

func discourseSlug(title string) string {
	s := strings.Trim(discourseSlugRE.ReplaceAllString(strings.ToLower(title), "-"), "-")
	if s == "" {
		return "topic"
	}
	return s
}

var discourseMentionRE = regexp.MustCompile(`(^|[\s(])@([A-Za-z0-9_][A-Za-z0-9_.-]*)`)

// discourseCook renders raw the simple way: a paragraph per blank-line
// separated block, escaped, line breaks as <br>, @mentions as Discourse
// links them.
func discourseCook(raw string) string {
	raw = strings.ReplaceAll(raw, "\r\n", "\n")
	var out []string
	for _, para := range strings.Split(raw, "\n\n") {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		s := html.EscapeString(para)
		s = discourseMentionRE.ReplaceAllStringFunc(s, func(m string) string {
			sub := discourseMentionRE.FindStringSubmatch(m)
			return sub[1] + `<a class="mention" href="/u/` + strings.ToLower(sub[2]) + `">@` + sub[2] + `</a>`
		})
		out = append(out, "<p>"+strings.ReplaceAll(s, "\n", "<br>\n")+"</p>")
	}
	return strings.Join(out, "\n")
}

func (d *Discourse) serve(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	d.requests = append(d.requests, r.Method+" "+r.URL.RequestURI())
	d.mu.Unlock()

	if r.Header.Get("Api-Key") != d.apiKey || !strings.EqualFold(r.Header.Get("Api-Username"), d.apiUsername) {
		discourseJSON(w, http.StatusForbidden, map[string]any{
			"errors":     []string{"You are not permitted to view the requested resource. The API username or key is invalid."},
			"error_type": "invalid_access",
		})
		return
	}
	switch r.Method {
	case http.MethodGet:
		if d.fault(w, &d.failFetch) {
			return
		}
		d.serveGet(w, r)
	case http.MethodPost:
		if r.URL.Path != "/posts.json" {
			discourseNotFound(w)
			return
		}
		d.create(w, r)
	default:
		discourseNotFound(w)
	}
}

func (d *Discourse) serveGet(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	withRaw := r.URL.Query().Get("include_raw") != ""
	switch {
	case path == "/posts.json":
		d.latest(w, r)
	case path == "/categories.json":
		d.mu.Lock()
		var cats []map[string]any
		for _, c := range d.categories {
			cats = append(cats, map[string]any{"id": c.id, "name": c.name, "slug": c.slug, "color": "0088CC", "text_color": "FFFFFF"})
		}
		d.mu.Unlock()
		discourseJSON(w, http.StatusOK, map[string]any{"category_list": map[string]any{"can_create_category": false, "categories": cats}})
	case strings.HasPrefix(path, "/posts/by_number/"):
		d.byNumber(w, strings.TrimSuffix(strings.TrimPrefix(path, "/posts/by_number/"), ".json"))
	case strings.HasPrefix(path, "/t/") && strings.HasSuffix(path, "/posts.json"):
		id, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(path, "/t/"), "/posts.json"))
		if err != nil {
			discourseNotFound(w)
			return
		}
		d.topicPosts(w, r, id, withRaw)
	case strings.HasPrefix(path, "/t/") && strings.HasSuffix(path, ".json"):
		id, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(path, "/t/"), ".json"))
		if err != nil {
			discourseNotFound(w)
			return
		}
		d.topic(w, id, withRaw)
	default:
		discourseNotFound(w)
	}
}

// latest answers GET /posts.json: the newest 50 posts, newest first, or
// those with an ID below ?before=.
func (d *Discourse) latest(w http.ResponseWriter, r *http.Request) {
	before, _ := strconv.Atoi(r.URL.Query().Get("before"))
	d.mu.Lock()
	list := []map[string]any{}
	for _, p := range slices.Backward(d.posts) {
		if before > 0 && p.ID >= before {
			continue
		}
		t := d.topics[p.TopicID]
		j := discoursePostJSON(p, t, true)
		j["topic_title"] = t.title
		j["topic_html_title"] = html.EscapeString(t.title)
		j["category_id"] = t.categoryID
		list = append(list, j)
		if len(list) == 50 {
			break
		}
	}
	d.mu.Unlock()
	discourseJSON(w, http.StatusOK, map[string]any{"latest_posts": list})
}

// byNumber answers GET /posts/by_number/{topic}/{number}.json (arg is
// "{topic}/{number}"): the post with that number, as a staff key sees it.
func (d *Discourse) byNumber(w http.ResponseWriter, arg string) {
	topicS, numberS, _ := strings.Cut(arg, "/")
	topic, err1 := strconv.Atoi(topicS)
	number, err2 := strconv.Atoi(numberS)
	d.mu.Lock()
	t := d.topics[topic]
	if err1 != nil || err2 != nil || t == nil || number < 1 || number > len(t.posts) {
		d.mu.Unlock()
		discourseNotFound(w)
		return
	}
	body := discoursePostJSON(t.posts[number-1], t, false)
	d.mu.Unlock()
	discourseJSON(w, http.StatusOK, body)
}

// topic answers GET /t/{id}.json: the first 20 posts and the IDs of all.
func (d *Discourse) topic(w http.ResponseWriter, id int, withRaw bool) {
	d.mu.Lock()
	t := d.topics[id]
	if t == nil {
		d.mu.Unlock()
		discourseNotFound(w)
		return
	}
	posts := []map[string]any{}
	stream := []int{}
	for i, p := range t.posts {
		if i < 20 {
			posts = append(posts, discoursePostJSON(p, t, withRaw))
		}
		stream = append(stream, p.ID)
	}
	body := map[string]any{
		"id":          t.id,
		"title":       t.title,
		"fancy_title": html.EscapeString(t.title),
		"slug":        t.slug,
		"category_id": t.categoryID,
		"posts_count": len(t.posts),
		"post_stream": map[string]any{"posts": posts, "stream": stream},
	}
	d.mu.Unlock()
	discourseJSON(w, http.StatusOK, body)
}

// topicPosts answers GET /t/{id}/posts.json?post_ids[]=…: those posts of
// the topic, in topic order.
func (d *Discourse) topicPosts(w http.ResponseWriter, r *http.Request, id int, withRaw bool) {
	want := map[int]bool{}
	for _, s := range r.URL.Query()["post_ids[]"] {
		if n, err := strconv.Atoi(s); err == nil {
			want[n] = true
		}
	}
	d.mu.Lock()
	t := d.topics[id]
	if t == nil {
		d.mu.Unlock()
		discourseNotFound(w)
		return
	}
	posts := []map[string]any{}
	for _, p := range t.posts {
		if want[p.ID] {
			posts = append(posts, discoursePostJSON(p, t, withRaw))
		}
	}
	d.mu.Unlock()
	discourseJSON(w, http.StatusOK, map[string]any{"id": id, "post_stream": map[string]any{"posts": posts}})
}

// create answers POST /posts.json (JSON or form body): a reply when
// topic_id is set, else a new topic (title, category).
func (d *Discourse) create(w http.ResponseWriter, r *http.Request) {
	data, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return
	}
	req, err := discourseCreateRequest(r.Header.Get("Content-Type"), data)
	if err != nil {
		discourseJSON(w, http.StatusBadRequest, map[string]any{"errors": []string{err.Error()}, "error_type": "invalid_parameters"})
		return
	}
	if d.fault(w, &d.failPosts) {
		return
	}
	if n := len([]rune(strings.TrimSpace(req.raw))); n < DiscourseMinPostLength {
		discourseJSON(w, http.StatusUnprocessableEntity, map[string]any{
			"action": "create_post",
			"errors": []string{fmt.Sprintf("Body is too short (minimum is %d characters)", DiscourseMinPostLength)},
		})
		return
	}

	d.mu.Lock()
	var t *discourseTopic
	switch {
	case req.topicID > 0:
		t = d.topics[req.topicID]
		if t == nil {
			d.mu.Unlock()
			discourseNotFound(w)
			return
		}
	case strings.TrimSpace(req.title) == "":
		d.mu.Unlock()
		discourseJSON(w, http.StatusUnprocessableEntity, map[string]any{"action": "create_post", "errors": []string{"Title can't be blank"}})
		return
	default:
		cat := req.category
		if !slices.ContainsFunc(d.categories, func(c discourseCategory) bool { return c.id == cat }) {
			cat = 1
		}
		t = d.openTopic(req.title, cat)
	}
	p := d.addPost(t, r.Header.Get("Api-Username"), req.raw, req.replyTo)
	d.created = append(d.created, DiscourseCreated{
		PostID: p.ID, TopicID: req.topicID, ReplyToPostNumber: req.replyTo, Raw: req.raw, Header: r.Header.Clone(),
	})
	cut := d.cutCreate > 0
	if cut {
		d.cutCreate--
	}
	body := discoursePostJSON(p, t, true)
	d.mu.Unlock()

	if cut {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler) // closes the connection without an answer
	}
	discourseJSON(w, http.StatusOK, body)
}

type discourseNewPost struct {
	raw, title       string
	topicID, replyTo int
	category         int
}

func discourseCreateRequest(contentType string, data []byte) (discourseNewPost, error) {
	var out discourseNewPost
	num := func(v any) int {
		switch v := v.(type) {
		case float64:
			return int(v)
		case string:
			n, _ := strconv.Atoi(v)
			return n
		}
		return 0
	}
	if strings.HasPrefix(contentType, "application/json") {
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			return out, fmt.Errorf("invalid JSON body: %v", err)
		}
		out.raw, _ = m["raw"].(string)
		out.title, _ = m["title"].(string)
		out.topicID, out.replyTo, out.category = num(m["topic_id"]), num(m["reply_to_post_number"]), num(m["category"])
		return out, nil
	}
	q, err := url.ParseQuery(string(data))
	if err != nil {
		return out, fmt.Errorf("invalid form body: %v", err)
	}
	out.raw, out.title = q.Get("raw"), q.Get("title")
	out.topicID, out.replyTo, out.category = num(q.Get("topic_id")), num(q.Get("reply_to_post_number")), num(q.Get("category"))
	return out, nil
}

// fault answers the request with the pending fault f, if any.
func (d *Discourse) fault(w http.ResponseWriter, f *fault) bool {
	status, retryAfter, ok := f.take(&d.mu)
	if !ok {
		return false
	}

	if retryAfter != "" {
		w.Header().Set("Retry-After", retryAfter)
	}
	switch {
	case status == http.StatusTooManyRequests:
		wait, err := strconv.Atoi(retryAfter)
		if err != nil || wait <= 0 {
			wait = 30
		}
		left := discourseTimeLeft(wait)
		discourseJSON(w, status, map[string]any{
			"errors":     []string{"You’ve performed this action too many times. Please wait " + left + " before trying again."},
			"error_type": "rate_limit",
			"extras":     map[string]any{"wait_seconds": wait, "time_left": left},
		})
	case status == http.StatusForbidden:
		discourseJSON(w, status, map[string]any{
			"errors":     []string{"You are not permitted to view the requested resource."},
			"error_type": "invalid_access",
		})
	case status == http.StatusInternalServerError:
		discourseJSON(w, status, map[string]any{"status": 500, "error": "Internal Server Error"})
	case status >= 500:
		// What the proxy in front of the app says.
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(status)
		fmt.Fprintf(w, "<html><body><h1>%d %s</h1></body></html>\n", status, http.StatusText(status))
	default:
		discourseJSON(w, status, map[string]any{"errors": []string{http.StatusText(status)}})
	}
	return true
}

// discourseTimeLeft words a wait as Discourse's rate limiter does.
func discourseTimeLeft(secs int) string {
	plural := func(n int, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return strconv.Itoa(n) + " " + unit + "s"
	}
	switch {
	case secs < 60:
		return plural(secs, "second")
	case secs < 3600:
		return plural(secs/60, "minute")
	}
	return plural(secs/3600, "hour")
}

func discourseNotFound(w http.ResponseWriter) {
	discourseJSON(w, http.StatusNotFound, map[string]any{
		"errors":     []string{"The requested URL or resource could not be found."},
		"error_type": "not_found",
	})
}

func discourseJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

const discourseTimeFormat = "2006-01-02T15:04:05.000Z"

// discoursePostJSON is a post as the API serializes it; d.mu held.
func discoursePostJSON(p *DiscoursePost, t *discourseTopic, withRaw bool) map[string]any {
	var replyTo, deletedAt any
	if p.ReplyTo > 0 {
		replyTo = p.ReplyTo
	}
	if !p.DeletedAt.IsZero() {
		deletedAt = p.DeletedAt.UTC().Format(discourseTimeFormat)
	}
	created := p.CreatedAt.UTC().Format(discourseTimeFormat)
	j := map[string]any{
		"id":                   p.ID,
		"name":                 "",
		"username":             p.Username,
		"avatar_template":      "/user_avatar/127.0.0.1/" + strings.ToLower(p.Username) + "/{size}/1_2.png",
		"created_at":           created,
		"updated_at":           created,
		"cooked":               p.Cooked,
		"post_number":          p.PostNumber,
		"post_type":            p.PostType,
		"reply_count":          0,
		"reply_to_post_number": replyTo,
		"quote_count":          0,
		"reads":                1,
		"score":                0,
		"yours":                false,
		"topic_id":             p.TopicID,
		"topic_slug":           t.slug,
		"display_username":     p.Username,
		"version":              1,
		"hidden":               p.Hidden,
		"deleted_at":           deletedAt,
		"user_deleted":         p.UserDeleted,
		"wiki":                 false,
	}
	if withRaw {
		j["raw"] = p.Raw
	}
	return j
}
