package feeds

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Discourse: the forum's latest posts (GET /posts.json), one thread per
// topic, and replies posted as the API user (POST /posts.json).
//
// Item IDs: a topic's opening post is "discourse:HOST:t:TOPIC", any other
// post "discourse:HOST:p:POST". Every other post has Root the topic's ID,
// so a topic is one thread whatever order (or subset) of its posts a poll
// sees, and InReplyTo the post it answers (see discourse_thread.go).

const (
	// discourseRegularPost is post_type 1; 2-4 are moderator actions,
	// small actions ("closed this topic") and whispers, which are not
	// conversation.
	discourseRegularPost = 1
	// discourseFindLast is how many of a topic's newest posts Find reads
	// beyond the first page: a reply being confirmed was posted minutes ago.
	discourseFindLast = 50
	// discourseChunk is how many posts one /t/ID/posts.json asks for,
	// as Discourse's own client does.
	discourseChunk = 20
	// discourseFindSlack allows for clock skew between us and the forum
	// when Find compares created_at with Outgoing.Queued.
	discourseFindSlack = 5 * time.Minute
)

// discoursePost is a post as /posts.json, /t/ID.json and POST /posts.json
// give it. Fields a given endpoint lacks stay zero.
type discoursePost struct {
	ID                int     `json:"id"`
	Username          string  `json:"username"`
	CreatedAt         string  `json:"created_at"`
	Cooked            string  `json:"cooked"`
	Raw               string  `json:"raw"` // only with include_raw (always in latest posts)
	PostNumber        int     `json:"post_number"`
	PostType          int     `json:"post_type"`
	ReplyToPostNumber *int    `json:"reply_to_post_number"` // null when answering the topic
	TopicID           int     `json:"topic_id"`
	TopicSlug         string  `json:"topic_slug"`
	TopicTitle        string  `json:"topic_title"`
	CategoryID        int     `json:"category_id"`
	Hidden            bool    `json:"hidden"`
	DeletedAt         *string `json:"deleted_at"`
	UserDeleted       bool    `json:"user_deleted"`
}

// shown reports whether p is conversation people can read: not a whisper
// or an automatic action, not hidden by flags, not deleted.
func (p discoursePost) shown() bool {
	return p.ID > 0 && p.TopicID > 0 && p.PostType == discourseRegularPost &&
		!p.Hidden && p.DeletedAt == nil && !p.UserDeleted
}

type discourseCategory struct {
	ID            int                 `json:"id"`
	Slug          string              `json:"slug"`
	Subcategories []discourseCategory `json:"subcategory_list"`
}

// discourseAPI is one Discourse feed's view of the forum.
type discourseAPI struct {
	f    *Fetcher
	feed Feed
	base string // feed.URL without a trailing slash (may include a subfolder)
	host string // names the forum in item IDs
}

func newDiscourseAPI(f *Fetcher, feed Feed) (*discourseAPI, error) {
	base := strings.TrimRight(strings.TrimSpace(feed.URL), "/")
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("url %q is not the forum's http(s) base URL", SanitizeLine(feed.URL))
	}
	return &discourseAPI{f: f, feed: feed, base: base, host: hostKey(u)}, nil
}

// header loads the API key now, so a key rotated in its file or variable
// is picked up by the next request.
func (d *discourseAPI) header() (http.Header, error) {
	key, err := d.feed.Secret.Load()
	if err != nil {
		return nil, fmt.Errorf("Discourse API key: %w", err)
	}
	if d.feed.APIUsername == "" {
		return nil, errors.New("no api_username configured (the forum user parley acts as)")
	}
	h := http.Header{}
	h.Set("Api-Key", key)
	h.Set("Api-Username", d.feed.APIUsername)
	return h, nil
}

func (d *discourseAPI) get(ctx context.Context, path string, h http.Header, v any) error {
	return d.explain(d.f.getJSON(ctx, d.base+path, h, v))
}

// explain adds what the user can do to an API error, keeping the
// *HTTPStatusError reachable with errors.As for the poller's backoff.
func (d *discourseAPI) explain(err error) error {
	var se *HTTPStatusError
	if !errors.As(err, &se) {
		return err
	}
	if se.StatusCode == http.StatusTooManyRequests && se.RetryAfter == 0 {
		se.RetryAfter = discourseWait(se.body)
	}
	switch se.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden:
		return fmt.Errorf("%w (check the API key in %s and that it may act as api_username %q)",
			err, discourseKeySource(d.feed.Secret), SanitizeLine(d.feed.APIUsername))
	}
	return err
}

func discourseKeySource(s Secret) string {
	if s.Env != "" {
		return "environment variable " + s.Env
	}
	return "file " + s.File
}

// discourseWait is the wait a 429 body asks for when the answer came
// without Retry-After: {"extras": {"wait_seconds": 12}}.
func discourseWait(body []byte) time.Duration {
	var b struct {
		Extras struct {
			WaitSeconds float64 `json:"wait_seconds"`
		} `json:"extras"`
	}
	if json.Unmarshal(body, &b) != nil || b.Extras.WaitSeconds <= 0 {
		return 0
	}
	return min(time.Duration(b.Extras.WaitSeconds*float64(time.Second)), 24*time.Hour)
}

func (d *discourseAPI) topicItemID(topic int) string {
	return "discourse:" + d.host + ":t:" + strconv.Itoa(topic)
}

// itemID is the Item.ID of a post: the topic's own for its opening post.
func (d *discourseAPI) itemID(post, topic, number int) string {
	if number == 1 {
		return d.topicItemID(topic)
	}
	return "discourse:" + d.host + ":p:" + strconv.Itoa(post)
}

func (d *discourseAPI) postURL(slug string, topic, number int) string {
	u := d.base + "/t/"
	if slug != "" {
		u += url.PathEscape(slug) + "/"
	}
	return SanitizeLine(u + strconv.Itoa(topic) + "/" + strconv.Itoa(number))
}

func (d *discourseAPI) item(p discoursePost) Item {
	it := Item{
		ID:     d.itemID(p.ID, p.TopicID, p.PostNumber),
		Feed:   d.feed.Name,
		Author: SanitizeLine(p.Username),
		Title:  SanitizeLine(p.TopicTitle),
		Link:   d.postURL(p.TopicSlug, p.TopicID, p.PostNumber),
		Text:   HTMLToText(discourseCooked(p.Cooked, d.base)),
		Ours:   d.feed.APIUsername != "" && strings.EqualFold(p.Username, d.feed.APIUsername),
		Target: Target{ID: strconv.Itoa(p.ID), Topic: strconv.Itoa(p.TopicID), PostNumber: p.PostNumber},
	}
	if it.Text == "" {
		it.Text = Sanitize(p.Raw)
	}
	if t, err := time.Parse(time.RFC3339, p.CreatedAt); err == nil {
		it.Published = t
	}
	if p.PostNumber != 1 {
		it.Root = d.topicItemID(p.TopicID)
		it.InReplyTo = it.Root // until setReplies knows better
	}
	return it
}

func (f *Fetcher) fetchDiscourse(ctx context.Context, feed Feed) ([]Item, error) {
	d, err := newDiscourseAPI(f, feed)
	if err != nil {
		return nil, err
	}
	h, err := d.header()
	if err != nil {
		return nil, err
	}
	var only map[int]bool
	if len(feed.Categories) > 0 {
		if only, err = d.categories(ctx, h); err != nil {
			return nil, err
		}
	}
	var latest struct {
		Posts []discoursePost `json:"latest_posts"`
	}
	if err := d.get(ctx, "/posts.json", h, &latest); err != nil {
		return nil, fmt.Errorf("latest posts: %w", err)
	}
	d.rememberNumbers(latest.Posts...)
	posts := make([]discoursePost, 0, len(latest.Posts))
	items := make([]Item, 0, len(latest.Posts))
	for _, p := range latest.Posts {
		if !p.shown() || (only != nil && !only[p.CategoryID]) {
			continue
		}
		posts = append(posts, p)
		items = append(items, d.item(p))
	}
	d.setReplies(ctx, h, posts, items)
	return items, nil
}

// Resolved category filters, per Fetcher and feed name: slugs change
// rarely and /categories.json is large. An entry whose URL or category
// list differs from the feed's (the config was reloaded) is resolved
// again; a failed resolution is not kept.
var discourseCategoryCache = struct {
	sync.Mutex
	m map[discourseCategoryKey]discourseCategorySet
}{m: map[discourseCategoryKey]discourseCategorySet{}}

type discourseCategoryKey struct {
	f    *Fetcher
	feed string
}

type discourseCategorySet struct {
	sig string
	ids map[int]bool
}

// categories returns the IDs of feed.Categories: numbers are taken as
// category IDs, anything else as a slug looked up on the forum (a
// subcategory by its own slug; a parent does not include its children).
func (d *discourseAPI) categories(ctx context.Context, h http.Header) (map[int]bool, error) {
	key := discourseCategoryKey{d.f, d.feed.Name}
	sig := d.base + "\x00" + strings.Join(d.feed.Categories, "\x00")
	discourseCategoryCache.Lock()
	c, ok := discourseCategoryCache.m[key]
	discourseCategoryCache.Unlock()
	if ok && c.sig == sig {
		return c.ids, nil
	}

	ids := map[int]bool{}
	var slugs []string
	for _, c := range d.feed.Categories {
		if n, err := strconv.Atoi(c); err == nil && n > 0 {
			ids[n] = true
		} else {
			slugs = append(slugs, c)
		}
	}
	if len(slugs) > 0 {
		var list struct {
			CategoryList struct {
				Categories []discourseCategory `json:"categories"`
			} `json:"category_list"`
		}
		if err := d.get(ctx, "/categories.json?include_subcategories=true", h, &list); err != nil {
			return nil, fmt.Errorf("categories: %w", err)
		}
		bySlug := map[string]int{}
		var walk func([]discourseCategory)
		walk = func(cs []discourseCategory) {
			for _, c := range cs {
				bySlug[strings.ToLower(c.Slug)] = c.ID
				walk(c.Subcategories)
			}
		}
		walk(list.CategoryList.Categories)
		for _, s := range slugs {
			id, ok := bySlug[strings.ToLower(s)]
			if !ok {
				return nil, fmt.Errorf("no category %q on %s (categories there: %s); fix categories in the config",
					SanitizeLine(s), d.base, discourseSlugList(bySlug))
			}
			ids[id] = true
		}
	}
	discourseCategoryCache.Lock()
	discourseCategoryCache.m[key] = discourseCategorySet{sig: sig, ids: ids}
	discourseCategoryCache.Unlock()
	return ids, nil
}

func discourseSlugList(bySlug map[string]int) string {
	const most = 30
	var slugs []string
	for s, id := range bySlug {
		slugs = append(slugs, SanitizeLine(s)+" ("+strconv.Itoa(id)+")")
	}
	if len(slugs) == 0 {
		return "none visible to this API user"
	}
	slices.Sort(slugs)
	if len(slugs) > most {
		slugs = append(slugs[:most], fmt.Sprintf("and %d more", len(slugs)-most))
	}
	return strings.Join(slugs, ", ")
}

// discourseCooked rewrites the parts of Discourse's cooked HTML that read
// badly as plain text: mention and hashtag links lose their URL ("@bob",
// not "@bob (/u/bob)"), emoji images become their ":code:", a link
// preview (onebox) becomes its title and URL, an image's size and
// filename caption goes, and relative links become absolute.
func discourseCooked(cooked, base string) string {
	if !strings.Contains(cooked, "<") {
		return cooked
	}
	baseURL, err := url.Parse(base + "/")
	if err != nil {
		return cooked
	}
	nodes, err := html.ParseFragment(strings.NewReader(cooked), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		return cooked
	}
	root := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	for _, n := range nodes {
		root.AppendChild(n)
	}
	discourseRewrite(root, baseURL) // top-level elements are children of root, so they can be replaced too
	var b strings.Builder
	for n := range root.ChildNodes() {
		if html.Render(&b, n) != nil {
			return cooked
		}
	}
	return b.String()
}

func discourseRewrite(n *html.Node, base *url.URL) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == html.ElementNode {
			if r := discourseReplacement(c, base); r != nil {
				n.InsertBefore(r, c)
				n.RemoveChild(c)
				c = next
				continue
			}
			if c.DataAtom == atom.Div && discourseHasClass(c, "meta") && discourseHasClass(n, "lightbox") {
				n.RemoveChild(c) // "image.png 1024×768 120 KB" under an image
				c = next
				continue
			}
			discourseRewrite(c, base)
		}
		c = next
	}
}

// discourseReplacement is what replaces element n, or nil to keep it
// (its href made absolute).
func discourseReplacement(n *html.Node, base *url.URL) *html.Node {
	switch n.DataAtom {
	case atom.A:
		switch {
		case discourseHasClass(n, "mention"), discourseHasClass(n, "mention-group"), discourseHasClass(n, "hashtag"):
			discourseDelAttr(n, "href")
		case discourseHasClass(n, "hashtag-cooked"):
			if slug := discourseAttr(n, "data-slug"); slug != "" {
				return &html.Node{Type: html.TextNode, Data: "#" + slug}
			}
			discourseDelAttr(n, "href")
		default:
			for i, a := range n.Attr {
				if a.Key == "href" && !strings.HasPrefix(a.Val, "#") {
					if u, err := base.Parse(strings.TrimSpace(a.Val)); err == nil {
						n.Attr[i].Val = u.String()
					}
				}
			}
		}
	case atom.Img:
		if discourseHasClass(n, "emoji") {
			return &html.Node{Type: html.TextNode, Data: discourseAttr(n, "alt")}
		}
	case atom.Aside:
		if discourseHasClass(n, "onebox") {
			return discourseOnebox(n, base)
		}
	}
	return nil
}

// discourseOnebox turns a link preview into one paragraph: its title
// linking to its source.
func discourseOnebox(n *html.Node, base *url.URL) *html.Node {
	src := discourseAttr(n, "data-onebox-src")
	var title string
	var find func(*html.Node)
	find = func(m *html.Node) {
		for c := m.FirstChild; c != nil && (src == "" || title == ""); c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if src == "" && c.DataAtom == atom.A {
				src = discourseAttr(c, "href")
			}
			if title == "" && (c.DataAtom == atom.H3 || c.DataAtom == atom.H4) {
				title = strings.TrimSpace(discourseText(c))
			}
			find(c)
		}
	}
	find(n)
	p := &html.Node{Type: html.ElementNode, Data: "p", DataAtom: atom.P}
	if src == "" {
		return p
	}
	if u, err := base.Parse(strings.TrimSpace(src)); err == nil {
		src = u.String()
	}
	a := &html.Node{Type: html.ElementNode, Data: "a", DataAtom: atom.A, Attr: []html.Attribute{{Key: "href", Val: src}}}
	a.AppendChild(&html.Node{Type: html.TextNode, Data: cmp.Or(title, src)})
	p.AppendChild(a)
	return p
}

func discourseText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(m *html.Node) {
		if m.Type == html.TextNode {
			b.WriteString(m.Data)
		}
		for c := m.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func discourseAttr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func discourseDelAttr(n *html.Node, key string) {
	n.Attr = slices.DeleteFunc(n.Attr, func(a html.Attribute) bool { return a.Key == key })
}

func discourseHasClass(n *html.Node, class string) bool {
	return slices.Contains(strings.Fields(discourseAttr(n, "class")), class)
}

// discourseReplier posts replies as feed.APIUsername. Discourse has no
// idempotency key: Find is the only guard against a double post after an
// ambiguous failure.
type discourseReplier struct {
	f    *Fetcher
	feed Feed
}

func newDiscourseReplier(f *Fetcher, feed Feed) Replier {
	return &discourseReplier{f: f, feed: feed}
}

// target checks what a reply needs before anything is sent.
func (r *discourseReplier) target(o Outgoing) (*discourseAPI, http.Header, int, error) {
	d, err := newDiscourseAPI(r.f, r.feed)
	if err != nil {
		return nil, nil, 0, err
	}
	topic, err := strconv.Atoi(o.Target.Topic)
	if err != nil || topic <= 0 {
		return nil, nil, 0, fmt.Errorf("no Discourse topic to reply to (target topic %q)", SanitizeLine(o.Target.Topic))
	}
	h, err := d.header()
	if err != nil {
		return nil, nil, 0, err
	}
	return d, h, topic, nil
}

func (r *discourseReplier) Reply(ctx context.Context, o Outgoing) (Posted, error) {
	d, h, topic, err := r.target(o)
	if err != nil {
		return Posted{}, &SendError{Outcome: NotPosted, Permanent: true, Err: err}
	}
	if strings.TrimSpace(o.Text) == "" {
		return Posted{}, &SendError{Outcome: NotPosted, Permanent: true, Err: errors.New("the reply is empty")}
	}
	body, err := json.Marshal(struct {
		Raw     string `json:"raw"`
		TopicID int    `json:"topic_id"`
		ReplyTo int    `json:"reply_to_post_number,omitempty"`
	}{o.Text, topic, o.Target.PostNumber})
	if err != nil {
		return Posted{}, &SendError{Outcome: NotPosted, Permanent: true, Err: err}
	}
	h.Set("Content-Type", "application/json")
	data, err := r.f.send(ctx, http.MethodPost, d.base+"/posts.json", h, body)
	if err != nil {
		var se *SendError
		if !errors.As(err, &se) {
			se = &SendError{Outcome: MaybePosted, Err: err}
		}
		if se.Outcome == MaybePosted {
			se.Err = fmt.Errorf("post to topic %d: %w (the forum may have posted it)", topic, d.explain(se.Err))
		} else {
			se.Err = fmt.Errorf("post to topic %d: %w", topic, d.explain(se.Err))
		}
		var hse *HTTPStatusError
		if se.RetryAfter == 0 && errors.As(se.Err, &hse) {
			se.RetryAfter = hse.RetryAfter // explain may have read it from the message
		}
		return Posted{}, se
	}
	var p discoursePost
	if err := decodeJSON(data, &p); err != nil || p.ID <= 0 {
		// A 2xx means the forum took it; Find can tell where it is.
		if err == nil {
			err = errors.New("no post id")
		}
		return Posted{}, &SendError{Outcome: MaybePosted, Err: fmt.Errorf("post to topic %d: the forum accepted the reply but its answer is unreadable: %w", topic, err)}
	}
	return d.posted(p, topic), nil
}

func (d *discourseAPI) posted(p discoursePost, topic int) Posted {
	if p.TopicID > 0 {
		topic = p.TopicID
	}
	return Posted{ItemID: d.itemID(p.ID, topic, p.PostNumber), URL: d.postURL(p.TopicSlug, topic, p.PostNumber)}
}

// Find reads the topic for a post by our user that answers the same post
// (see discourseAnswers), was created no earlier than five minutes before
// the reply was queued, and has the reply's text (whitespace collapsed;
// the raw Markdown when the forum gives it, or equal in its first 200
// characters). It reads the topic's first page and its last
// discourseFindLast posts.
func (r *discourseReplier) Find(ctx context.Context, o Outgoing) (Posted, bool, error) {
	d, h, topic, err := r.target(o)
	if err != nil {
		return Posted{}, false, err
	}
	var t struct {
		Slug       string `json:"slug"`
		PostStream struct {
			Posts  []discoursePost `json:"posts"`
			Stream []int           `json:"stream"`
		} `json:"post_stream"`
	}
	if err := d.get(ctx, "/t/"+strconv.Itoa(topic)+".json?include_raw=true", h, &t); err != nil {
		return Posted{}, false, fmt.Errorf("read topic %d: %w", topic, err)
	}
	posts := t.PostStream.Posts
	have := map[int]bool{}
	for _, p := range posts {
		have[p.ID] = true
	}
	var missing []int
	for _, id := range t.PostStream.Stream {
		if !have[id] {
			missing = append(missing, id)
		}
	}
	missing = missing[max(0, len(missing)-discourseFindLast):]
	for chunk := range slices.Chunk(missing, discourseChunk) {
		q := url.Values{"include_raw": {"true"}}
		for _, id := range chunk {
			q.Add("post_ids[]", strconv.Itoa(id))
		}
		var more struct {
			PostStream struct {
				Posts []discoursePost `json:"posts"`
			} `json:"post_stream"`
		}
		if err := d.get(ctx, "/t/"+strconv.Itoa(topic)+"/posts.json?"+q.Encode(), h, &more); err != nil {
			return Posted{}, false, fmt.Errorf("read topic %d: %w", topic, err)
		}
		posts = append(posts, more.PostStream.Posts...)
	}
	want := discourseNormal(o.Text)
	for _, p := range slices.Backward(posts) {
		if !strings.EqualFold(p.Username, r.feed.APIUsername) || !discourseAnswers(p, o.Target.PostNumber) {
			continue
		}
		if !o.Queued.IsZero() {
			created, err := time.Parse(time.RFC3339, p.CreatedAt)
			if err != nil || created.Before(o.Queued.Add(-discourseFindSlack)) {
				continue
			}
		}
		text := p.Raw
		if text == "" {
			text = HTMLToText(p.Cooked)
		}
		if discourseSameText(discourseNormal(text), want) {
			if p.TopicSlug == "" {
				p.TopicSlug = t.Slug
			}
			return d.posted(p, topic), true, nil
		}
	}
	return Posted{}, false, nil
}

// discourseAnswers reports whether p replies to post number target.
// Discourse leaves reply_to_post_number null for a reply to the topic as a
// whole, and the web client sends none when answering the post just
// above; so null counts for target 1 (or unknown) and for the post that
// directly follows target.
func discourseAnswers(p discoursePost, target int) bool {
	if p.ReplyToPostNumber != nil {
		return *p.ReplyToPostNumber == target
	}
	return target <= 1 || p.PostNumber == target+1
}

func discourseNormal(s string) string { return strings.Join(strings.Fields(s), " ") }

// discourseSameText: equal, or the post starts with the reply's first 200
// characters (the forum may have appended or altered the rest).
func discourseSameText(got, want string) bool {
	if got == want {
		return true
	}
	r := []rune(want)
	if len(r) > 200 {
		r = r[:200]
	}
	return len(r) > 0 && strings.HasPrefix(got, string(r))
}
