package feeds

import (
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"parley/feeds/fakeapi"
)

const (
	discourseTestKey  = "dk-5ecret-value"
	discourseTestUser = "parley_bot"
	discourseTestEnv  = "PARLEY_TEST_DISCOURSE_KEY"
)

type discourseEnv struct {
	fake *fakeapi.Discourse
	f    *Fetcher
	feed Feed
	host string // as item IDs spell it
}

// newDiscourseEnv starts a fake forum and a feed for it whose key is in
// discourseTestEnv.
func newDiscourseEnv(t *testing.T) discourseEnv {
	t.Helper()
	fake := fakeapi.NewDiscourse(discourseTestKey, discourseTestUser)
	t.Cleanup(fake.Close)
	t.Setenv(discourseTestEnv, discourseTestKey)
	u, err := url.Parse(fake.URL)
	if err != nil {
		t.Fatal(err)
	}
	return discourseEnv{
		fake: fake,
		f:    NewFetcher(Options{Client: fake.Client(), Timeout: 5 * time.Second}),
		feed: Feed{Name: "Forum", Kind: KindDiscourse, URL: fake.URL + "/", Secret: Secret{Env: discourseTestEnv}, APIUsername: discourseTestUser},
		host: u.Host,
	}
}

func (e discourseEnv) fetch(t *testing.T) []Item {
	t.Helper()
	res := e.f.Fetch(context.Background(), e.feed, ConditionalState{})
	if res.Err != nil {
		t.Fatalf("fetch: %v", res.Err)
	}
	return res.Items
}

func (e discourseEnv) replier(t *testing.T) Replier {
	t.Helper()
	r := e.f.Replier(e.feed)
	if r == nil {
		t.Fatal("Replier(discourse feed) = nil")
	}
	return r
}

func (e discourseEnv) topicID(topic int) string {
	return "discourse:" + e.host + ":t:" + strconv.Itoa(topic)
}

func (e discourseEnv) postID(post int) string {
	return "discourse:" + e.host + ":p:" + strconv.Itoa(post)
}

func discourseItem(t *testing.T, items []Item, id string) Item {
	t.Helper()
	i := slices.IndexFunc(items, func(it Item) bool { return it.ID == id })
	if i < 0 {
		var ids []string
		for _, it := range items {
			ids = append(ids, it.ID)
		}
		t.Fatalf("no item %s among %v", id, ids)
	}
	return items[i]
}

func discourseSendError(t *testing.T, err error) *SendError {
	t.Helper()
	var se *SendError
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T) is not a *SendError", err, err)
	}
	return se
}

func TestDiscourseFetchItems(t *testing.T) {
	e := newDiscourseEnv(t)
	topic := e.fake.AddTopic("alice", "Export is broken", "Exporting to CSV fails since 2.3", "")
	bob := e.fake.AddPost("bob", topic, "Same here on Linux.", 1)
	ours := e.fake.AddPost("Parley_Bot", topic, "Thanks, we are looking into it.", 2)
	first, _ := e.fake.Post(bob - 1)

	items := e.fetch(t)
	if len(items) != 3 {
		t.Fatalf("got %d items, want 3", len(items))
	}
	want := []Item{
		{
			ID: e.topicID(topic), Feed: "Forum", Author: "alice", Title: "Export is broken",
			Link:   e.fake.URL + "/t/export-is-broken/" + strconv.Itoa(topic) + "/1",
			Text:   "Exporting to CSV fails since 2.3",
			Target: Target{ID: strconv.Itoa(first.ID), Topic: strconv.Itoa(topic), PostNumber: 1},
		},
		{
			ID: e.postID(bob), Feed: "Forum", Author: "bob", Title: "Export is broken",
			Link: e.fake.URL + "/t/export-is-broken/" + strconv.Itoa(topic) + "/2",
			Text: "Same here on Linux.", InReplyTo: e.topicID(topic), Root: e.topicID(topic),
			Target: Target{ID: strconv.Itoa(bob), Topic: strconv.Itoa(topic), PostNumber: 2},
		},
		{
			ID: e.postID(ours), Feed: "Forum", Author: "Parley_Bot", Title: "Export is broken",
			Link: e.fake.URL + "/t/export-is-broken/" + strconv.Itoa(topic) + "/3",
			// Post 3 answers post 2: bob's.
			Text: "Thanks, we are looking into it.", InReplyTo: e.postID(bob), Root: e.topicID(topic), Ours: true,
			Target: Target{ID: strconv.Itoa(ours), Topic: strconv.Itoa(topic), PostNumber: 3},
		},
	}
	for _, w := range want {
		got := discourseItem(t, items, w.ID)
		post, _ := e.fake.Post(mustAtoi(t, got.Target.ID))
		if !got.Published.Equal(post.CreatedAt.Truncate(time.Millisecond)) {
			t.Errorf("%s: Published = %v, want created_at %v", w.ID, got.Published, post.CreatedAt)
		}
		got.Published = time.Time{}
		if !reflect.DeepEqual(got, w) {
			t.Errorf("item:\n got %+v\nwant %+v", got, w)
		}
	}
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Only the newest 50 posts are listed: a busy topic's replies arrive
// without its opening post and must still thread under it.
func TestDiscourseRepliesWithoutOpeningPostShareThread(t *testing.T) {
	e := newDiscourseEnv(t)
	topic := e.fake.AddTopic("alice", "Busy topic", "The opening post of a busy topic", "")
	for i := range 55 {
		e.fake.AddPost("bob", topic, "Reply number "+strconv.Itoa(i), 0)
	}
	items := e.fetch(t)
	if len(items) != 50 {
		t.Fatalf("got %d items, want the 50 listed", len(items))
	}
	for _, it := range items {
		if it.ID == e.topicID(topic) {
			t.Fatalf("opening post listed; the test needs it out of the window")
		}
		if it.InReplyTo != e.topicID(topic) {
			t.Errorf("%s: InReplyTo = %q, want the topic %q", it.ID, it.InReplyTo, e.topicID(topic))
		}
	}
}

func TestDiscourseCategoryFilter(t *testing.T) {
	e := newDiscourseEnv(t)
	e.fake.AddCategory("support", "Support")
	ideas := e.fake.AddCategory("ideas", "Ideas")
	tSupport := e.fake.AddTopic("alice", "Crash on start", "It crashes when I start it up", "support")
	tIdeas := e.fake.AddTopic("bob", "Dark mode", "Please add a dark mode to the app", "ideas")
	tOther := e.fake.AddTopic("carol", "Hello", "Hello everyone, glad to be here", "")
	e.fake.AddPost("dave", tSupport, "Same crash here on 2.3", 0)

	tests := []struct {
		name       string
		categories []string
		want       []int // topics of the items, sorted
	}{
		{"none", nil, []int{tSupport, tSupport, tIdeas, tOther}},
		{"slug", []string{"support"}, []int{tSupport, tSupport}},
		{"slug in another case", []string{"Ideas"}, []int{tIdeas}},
		{"id", []string{strconv.Itoa(ideas)}, []int{tIdeas}},
		{"slug and id", []string{"support", strconv.Itoa(ideas)}, []int{tSupport, tSupport, tIdeas}},
		{"id of a category with no posts", []string{"999"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			feed := e.feed
			feed.Name, feed.Categories = "Forum "+tt.name, tt.categories
			res := e.f.Fetch(context.Background(), feed, ConditionalState{})
			if res.Err != nil {
				t.Fatal(res.Err)
			}
			var got []int
			for _, it := range res.Items {
				got = append(got, mustAtoi(t, it.Target.Topic))
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("topics %v, want %v", got, tt.want)
			}
		})
	}
}

func TestDiscourseCategorySlugsResolvedOnce(t *testing.T) {
	e := newDiscourseEnv(t)
	e.fake.AddCategory("support", "Support")
	e.feed.Categories = []string{"support"}
	countCategories := func() int {
		n := 0
		for _, r := range e.fake.Requests() {
			if strings.HasPrefix(r, "GET /categories.json") {
				n++
			}
		}
		return n
	}
	e.fetch(t)
	e.fetch(t)
	if n := countCategories(); n != 1 {
		t.Errorf("categories.json read %d times over two fetches, want 1", n)
	}
	// A reloaded config with other categories resolves again.
	e.fake.AddCategory("ideas", "Ideas")
	e.feed.Categories = []string{"ideas"}
	e.fetch(t)
	if n := countCategories(); n != 2 {
		t.Errorf("categories.json read %d times after the categories changed, want 2", n)
	}
}

func TestDiscourseUnknownCategorySlug(t *testing.T) {
	e := newDiscourseEnv(t)
	e.fake.AddCategory("support", "Support")
	e.feed.Categories = []string{"suport"}
	res := e.f.Fetch(context.Background(), e.feed, ConditionalState{})
	if res.Err == nil {
		t.Fatal("fetch with an unknown category slug succeeded")
	}
	for _, want := range []string{`"suport"`, "support (2)", "uncategorized (1)", "categories in the config"} {
		if !strings.Contains(res.Err.Error(), want) {
			t.Errorf("error %q does not contain %q", res.Err, want)
		}
	}
	if slices.ContainsFunc(e.fake.Requests(), func(r string) bool { return strings.HasPrefix(r, "GET /posts.json") }) {
		t.Error("latest posts were read although the filter could not be resolved")
	}
}

func TestDiscourseSkipsPostsNotShown(t *testing.T) {
	e := newDiscourseEnv(t)
	topic := e.fake.AddTopic("alice", "Topic", "An ordinary opening post here", "")
	kept := e.fake.AddPost("bob", topic, "An ordinary reply that shows", 0)
	edits := map[string]func(p *fakeapi.DiscoursePost){
		"whisper":         func(p *fakeapi.DiscoursePost) { p.PostType = fakeapi.DiscourseWhisper },
		"small action":    func(p *fakeapi.DiscoursePost) { p.PostType = fakeapi.DiscourseSmallAction },
		"moderator":       func(p *fakeapi.DiscoursePost) { p.PostType = fakeapi.DiscourseModeratorAction },
		"hidden":          func(p *fakeapi.DiscoursePost) { p.Hidden = true },
		"deleted":         func(p *fakeapi.DiscoursePost) { p.DeletedAt = time.Now() },
		"deleted by user": func(p *fakeapi.DiscoursePost) { p.UserDeleted = true },
	}
	for name, edit := range edits {
		e.fake.EditPost(e.fake.AddPost("carol", topic, "This one is a "+name, 0), edit)
	}
	items := e.fetch(t)
	var got []string
	for _, it := range items {
		got = append(got, it.ID)
	}
	slices.Sort(got)
	want := []string{e.postID(kept), e.topicID(topic)}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("items %v, want only %v", got, want)
	}
}

// Forum content is untrusted: escape sequences in cooked HTML, titles or
// usernames must not reach the terminal.
func TestDiscourseHostileContentIsHarmless(t *testing.T) {
	e := newDiscourseEnv(t)
	topic := e.fake.AddTopic("eve\x1b[2J", "Title \x1b]52;c;ZXZpbA==\x07here", "An opening post that will be replaced", "")
	reply := e.fake.AddPost("eve", topic, "A placeholder replaced below", 0)
	e.fake.EditPost(reply, func(p *fakeapi.DiscoursePost) {
		p.Cooked = "<p>hi \x1b]52;c;ZXZpbA==\x07there &#27;[2J<b>bold</b>\u009b31m</p>"
	})
	items := e.fetch(t)
	if len(items) != 2 {
		t.Fatalf("got %d items, want 2", len(items))
	}
	for _, it := range items {
		for field, s := range map[string]string{"Text": it.Text, "Title": it.Title, "Author": it.Author} {
			if strings.ContainsAny(s, "\x1b\x07\u009b") || strings.Contains(s, "52;c") || strings.Contains(s, "[2J") {
				t.Errorf("%s %s = %q still holds an escape sequence", it.ID, field, s)
			}
		}
	}
	if got := discourseItem(t, items, e.postID(reply)); got.Text != "hi there bold" {
		t.Errorf("Text = %q, want %q", got.Text, "hi there bold")
	}
	if got := discourseItem(t, items, e.topicID(topic)); got.Title != "Title here" || got.Author != "eve" {
		t.Errorf("Title, Author = %q, %q, want %q, %q", got.Title, got.Author, "Title here", "eve")
	}
}

func TestDiscourseCookedText(t *testing.T) {
	tests := []struct {
		name, base, cooked, want string
	}{
		{"mention", "https://forum.example",
			`<p>Thanks <a class="mention" href="/u/bob">@bob</a> and <a class="mention-group" href="/groups/team">@team</a>!</p>`,
			"Thanks @bob and @team!"},
		{"quote", "https://forum.example",
			`<aside class="quote no-group" data-username="alice" data-post="1" data-topic="11"><div class="title"><div class="quote-controls"></div><img alt="" width="24" height="24" src="/user_avatar/forum.example/alice/48/1_2.png" class="avatar"> alice:</div><blockquote><p>It crashes</p></blockquote></aside><p>Fixed in 2.4</p>`,
			"alice:\n\n> It crashes\n\nFixed in 2.4"},
		{"onebox", "https://forum.example",
			`<aside class="onebox allowlistedgeneric" data-onebox-src="https://example.com/post"><header class="source"><img src="https://example.com/favicon.ico" class="site-icon" width="32" height="32"><a href="https://example.com/post" target="_blank" rel="noopener">example.com</a></header><article class="onebox-body"><div class="aspect-image"><img src="https://example.com/x.png" class="thumbnail"></div><h3><a href="https://example.com/post" target="_blank">A Post Title</a></h3><p>A long description of the page.</p></article><div class="onebox-metadata"></div><div style="clear: both"></div></aside>`,
			"A Post Title (https://example.com/post)"},
		{"emoji", "https://forum.example",
			`<p>Done <img src="/images/emoji/twitter/tada.png?v=12" title=":tada:" class="emoji" alt=":tada:" loading="lazy" width="20" height="20"></p>`,
			"Done :tada:"},
		{"relative link", "https://forum.example",
			`<p>See <a href="/t/other-topic/12">this topic</a></p>`,
			"See this topic (https://forum.example/t/other-topic/12)"},
		{"relative link in a subfolder forum", "https://example.com/forum",
			`<p>See <a href="/forum/t/other-topic/12">this topic</a></p>`,
			"See this topic (https://example.com/forum/t/other-topic/12)"},
		{"hashtag", "https://forum.example",
			`<p>Ask in <a class="hashtag-cooked" href="/c/support/5" data-type="category" data-slug="support" data-id="5"><span class="hashtag-icon-placeholder"><svg class="fa d-icon"><use href="#square-full"></use></svg></span><span>Support</span></a></p>`,
			"Ask in #support"},
		{"image", "https://forum.example",
			`<p><div class="lightbox-wrapper"><a class="lightbox" href="/uploads/default/original/1X/abc.png" title="screenshot"><img src="/uploads/default/optimized/1X/abc_2_690x388.png" alt="screenshot" width="690" height="388"><div class="meta"><svg class="fa d-icon d-icon-far-image svg-icon"><use href="#far-image"></use></svg><span class="filename">screenshot</span><span class="informations">1280×720 52.1 KB</span></div></a></div></p>`,
			"[image: screenshot] (https://forum.example/uploads/default/original/1X/abc.png)"},
		{"plain text", "https://forum.example", "no markup &amp; all", "no markup & all"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HTMLToText(discourseCooked(tt.cooked, tt.base)); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

// discourseThread seeds a topic by alice with a reply by bob (post 2) and
// returns the fetched item of bob's post, the one parley answers.
func discourseThread(t *testing.T, e discourseEnv) (topic int, bob Item) {
	t.Helper()
	topic = e.fake.AddTopic("alice", "Export is broken", "Exporting to CSV fails since 2.3", "")
	post := e.fake.AddPost("bob", topic, "Same here on Linux, any news?", 0)
	return topic, discourseItem(t, e.fetch(t), e.postID(post))
}

const discourseReplyText = "Thanks Bob — a fix ships in 2.4.\n\nSorry for the trouble!  "

func TestDiscourseReply(t *testing.T) {
	e := newDiscourseEnv(t)
	topic, bob := discourseThread(t, e)
	posted, err := e.replier(t).Reply(context.Background(), Outgoing{Key: "k1", Text: discourseReplyText, Target: bob.Target, Queued: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	created := e.fake.Created()
	if len(created) != 1 {
		t.Fatalf("%d posts created, want 1", len(created))
	}
	c := created[0]
	if c.TopicID != topic || c.ReplyToPostNumber != 2 || c.Raw != discourseReplyText {
		t.Errorf("request topic_id=%d reply_to_post_number=%d raw=%q, want %d, 2, %q", c.TopicID, c.ReplyToPostNumber, c.Raw, topic, discourseReplyText)
	}
	for k, want := range map[string]string{"Api-Key": discourseTestKey, "Api-Username": discourseTestUser, "Content-Type": "application/json"} {
		if got := c.Header.Get(k); got != want {
			t.Errorf("header %s = %q, want %q", k, got, want)
		}
	}

	// The store recognises the reply when a poll brings it back, as an
	// answer to bob's post.
	item := discourseItem(t, e.fetch(t), posted.ItemID)
	if posted.ItemID != e.postID(c.PostID) || !item.Ours || item.InReplyTo != bob.ID || item.Root != e.topicID(topic) || posted.URL != item.Link {
		t.Errorf("posted %+v; fetched back as %+v", posted, item)
	}
}

func TestDiscourseReplyRateLimited(t *testing.T) {
	tests := []struct {
		name, retryAfter string
		want             time.Duration
	}{
		{"Retry-After", "7", 7 * time.Second},
		{"wait in the body only", "", 30 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newDiscourseEnv(t)
			_, bob := discourseThread(t, e)
			e.fake.FailPosts(1, 429, tt.retryAfter)
			_, err := e.replier(t).Reply(context.Background(), Outgoing{Text: discourseReplyText, Target: bob.Target, Queued: time.Now()})
			se := discourseSendError(t, err)
			if se.Outcome != NotPosted || se.Permanent || se.RetryAfter != tt.want {
				t.Errorf("got outcome=%v permanent=%v retryAfter=%v, want NotPosted, temporary, %v (%v)", se.Outcome, se.Permanent, se.RetryAfter, tt.want, err)
			}
			if e.fake.PostCount() != 0 {
				t.Errorf("PostCount = %d, want 0", e.fake.PostCount())
			}

			// The poller backs off on the same answer to a fetch.
			e.fake.FailFetch(1, 429, tt.retryAfter)
			res := e.f.Fetch(context.Background(), e.feed, ConditionalState{})
			var hse *HTTPStatusError
			if !errors.As(res.Err, &hse) || hse.StatusCode != 429 || hse.RetryAfter != tt.want {
				t.Errorf("fetch error %v: want an *HTTPStatusError 429 asking for %v", res.Err, tt.want)
			}
		})
	}
}

func TestDiscourseReplyServerErrorThenSuccess(t *testing.T) {
	for _, status := range []int{500, 502, 503} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			e := newDiscourseEnv(t)
			_, bob := discourseThread(t, e)
			r := e.replier(t)
			o := Outgoing{Key: "k", Text: discourseReplyText, Target: bob.Target, Queued: time.Now()}
			e.fake.FailPosts(1, status, "")
			_, err := r.Reply(context.Background(), o)
			if se := discourseSendError(t, err); se.Outcome != MaybePosted {
				t.Fatalf("after %d: outcome %v, want MaybePosted (%v)", status, se.Outcome, err)
			}
			if _, found, err := r.Find(context.Background(), o); err != nil || found {
				t.Fatalf("Find after a failed post: found=%v err=%v, want not found", found, err)
			}
			if _, err := r.Reply(context.Background(), o); err != nil {
				t.Fatal(err)
			}
			if n := e.fake.PostCount(); n != 1 {
				t.Errorf("PostCount = %d, want 1", n)
			}
		})
	}
}

func TestDiscourseReplyCutConnectionFoundByFind(t *testing.T) {
	e := newDiscourseEnv(t)
	_, bob := discourseThread(t, e)
	r := e.replier(t)
	o := Outgoing{Key: "k", Text: discourseReplyText, Target: bob.Target, Queued: time.Now()}
	e.fake.CutAfterCreate(1)
	_, err := r.Reply(context.Background(), o)
	if se := discourseSendError(t, err); se.Outcome != MaybePosted {
		t.Fatalf("cut connection: outcome %v, want MaybePosted (%v)", se.Outcome, err)
	}
	posted, found, err := r.Find(context.Background(), o)
	if err != nil || !found {
		t.Fatalf("Find: found=%v err=%v, want found", found, err)
	}
	if created := e.fake.Created(); len(created) != 1 || posted.ItemID != e.postID(created[0].PostID) {
		t.Errorf("Find gave %+v; created %+v", posted, created)
	}
	discourseItem(t, e.fetch(t), posted.ItemID)
}

func TestDiscourseFindBeyondFirstPage(t *testing.T) {
	e := newDiscourseEnv(t)
	topic, bob := discourseThread(t, e)
	for i := range 24 {
		e.fake.AddPost("carol", topic, "Filler post number "+strconv.Itoa(i), 0)
	}
	r := e.replier(t)
	o := Outgoing{Key: "k", Text: discourseReplyText, Target: bob.Target, Queued: time.Now()}
	want, err := r.Reply(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		e.fake.AddPost("carol", topic, "A later post by someone else", 0)
	}
	got, found, err := r.Find(context.Background(), o)
	if err != nil || !found || got != want {
		t.Fatalf("Find = %+v found=%v err=%v, want %+v", got, found, err, want)
	}
	if !slices.ContainsFunc(e.fake.Requests(), func(r string) bool {
		return strings.HasPrefix(r, "GET /t/"+strconv.Itoa(topic)+"/posts.json?")
	}) {
		t.Error("Find never asked for the posts beyond the first page")
	}
}

func TestDiscourseFindMatching(t *testing.T) {
	long := strings.Repeat("A long answer that keeps going. ", 10) // 320 characters
	tests := []struct {
		name    string
		user    string
		number  int // the candidate's post_number (bob's post is 2)
		replyTo int // 0: null
		raw     string
		age     time.Duration // created this long before the reply was queued
		text    string        // the outgoing text; discourseReplyText if empty
		found   bool
	}{
		{"same text", discourseTestUser, 3, 2, discourseReplyText, 0, "", true},
		{"user in another case", "Parley_Bot", 3, 2, discourseReplyText, 0, "", true},
		{"whitespace differs", discourseTestUser, 3, 2, "Thanks  Bob — a fix\nships in 2.4. Sorry for the\ttrouble!", 0, "", true},
		{"null reply_to, directly after", discourseTestUser, 3, 0, discourseReplyText, 0, "", true},
		{"null reply_to, further down", discourseTestUser, 5, 0, discourseReplyText, 0, "", false},
		{"answers another post", discourseTestUser, 4, 3, discourseReplyText, 0, "", false},
		{"another user", "carol", 3, 2, discourseReplyText, 0, "", false},
		{"other text", discourseTestUser, 3, 2, "Thanks Bob, fixed in 2.5 instead.", 0, "", false},
		{"within clock slack", discourseTestUser, 3, 2, discourseReplyText, 4 * time.Minute, "", true},
		{"older than the reply", discourseTestUser, 3, 2, discourseReplyText, 10 * time.Minute, "", false},
		{"long text edited at the end", discourseTestUser, 3, 2, long[:250] + " (edited)", 0, long, true},
		{"long text differing early", discourseTestUser, 3, 2, "Edit: " + long, 0, long, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newDiscourseEnv(t)
			topic, bob := discourseThread(t, e)
			for n := 3; n < tt.number; n++ {
				e.fake.AddPost("carol", topic, "Someone else's post in between", 0)
			}
			queued := time.Now()
			id := e.fake.AddPost(tt.user, topic, tt.raw, tt.replyTo)
			e.fake.EditPost(id, func(p *fakeapi.DiscoursePost) { p.CreatedAt = queued.Add(-tt.age) })
			text := tt.text
			if text == "" {
				text = discourseReplyText
			}
			posted, found, err := e.replier(t).Find(context.Background(), Outgoing{Text: text, Target: bob.Target, Queued: queued})
			if err != nil {
				t.Fatal(err)
			}
			if found != tt.found {
				t.Fatalf("found = %v, want %v", found, tt.found)
			}
			if found && posted.ItemID != e.postID(id) {
				t.Errorf("found %s, want %s", posted.ItemID, e.postID(id))
			}
		})
	}
}

func TestDiscourseReplyTooShortIsPermanent(t *testing.T) {
	e := newDiscourseEnv(t)
	_, bob := discourseThread(t, e)
	_, err := e.replier(t).Reply(context.Background(), Outgoing{Text: "Thanks!", Target: bob.Target})
	se := discourseSendError(t, err)
	if se.Outcome != NotPosted || !se.Permanent || !strings.Contains(err.Error(), "Body is too short (minimum is 20 characters)") {
		t.Errorf("got outcome=%v permanent=%v %q, want NotPosted, permanent, with the forum's reason", se.Outcome, se.Permanent, err)
	}
	if e.fake.PostCount() != 0 {
		t.Errorf("PostCount = %d, want 0", e.fake.PostCount())
	}
}

func TestDiscourseForbiddenNamesKeySource(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "discourse.key")
	if err := os.WriteFile(keyFile, []byte("wrong-file-key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		secret Secret
		names  string
		key    string
	}{
		{"env", Secret{Env: "PARLEY_TEST_DISCOURSE_WRONG"}, "environment variable PARLEY_TEST_DISCOURSE_WRONG", "wrong-env-key"},
		{"file", Secret{File: keyFile}, "file " + keyFile, "wrong-file-key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newDiscourseEnv(t)
			_, bob := discourseThread(t, e)
			t.Setenv("PARLEY_TEST_DISCOURSE_WRONG", "wrong-env-key")
			e.feed.Secret = tt.secret
			check := func(what string, err error) {
				t.Helper()
				msg := err.Error()
				for _, want := range []string{"403", tt.names, `"` + discourseTestUser + `"`, "API username or key is invalid"} {
					if !strings.Contains(msg, want) {
						t.Errorf("%s error %q does not name %q", what, msg, want)
					}
				}
				if strings.Contains(msg, tt.key) {
					t.Errorf("%s error %q shows the key", what, msg)
				}
				var hse *HTTPStatusError
				if !errors.As(err, &hse) || hse.StatusCode != 403 {
					t.Errorf("%s error %v does not wrap the 403", what, err)
				}
			}
			res := e.f.Fetch(context.Background(), e.feed, ConditionalState{})
			if res.Err == nil {
				t.Fatal("fetch with a wrong key succeeded")
			}
			check("fetch", res.Err)
			_, err := e.replier(t).Reply(context.Background(), Outgoing{Text: discourseReplyText, Target: bob.Target})
			if se := discourseSendError(t, err); se.Outcome != NotPosted || !se.Permanent {
				t.Errorf("reply: outcome=%v permanent=%v, want NotPosted, permanent", se.Outcome, se.Permanent)
			}
			check("reply", err)
		})
	}
}

func TestDiscourseMissingKeySendsNothing(t *testing.T) {
	e := newDiscourseEnv(t)
	_, bob := discourseThread(t, e)
	before := len(e.fake.Requests())
	t.Setenv(discourseTestEnv, "")
	o := Outgoing{Text: discourseReplyText, Target: bob.Target}

	res := e.f.Fetch(context.Background(), e.feed, ConditionalState{})
	if res.Err == nil || !errors.Is(res.Err, ErrNoSecret) || !strings.Contains(res.Err.Error(), discourseTestEnv) {
		t.Errorf("fetch error %v: want ErrNoSecret naming %s", res.Err, discourseTestEnv)
	}
	_, err := e.replier(t).Reply(context.Background(), o)
	if se := discourseSendError(t, err); se.Outcome != NotPosted || !se.Permanent || !strings.Contains(err.Error(), discourseTestEnv) {
		t.Errorf("reply: outcome=%v permanent=%v %q, want NotPosted, permanent, naming %s", se.Outcome, se.Permanent, err, discourseTestEnv)
	}
	if _, _, err := e.replier(t).Find(context.Background(), o); err == nil || !errors.Is(err, ErrNoSecret) {
		t.Errorf("Find error %v: want ErrNoSecret", err)
	}
	if after := e.fake.Requests(); len(after) != before {
		t.Errorf("requests made without a key: %v", after[before:])
	}
}

func TestDiscourseReplyWithoutTopicSendsNothing(t *testing.T) {
	e := newDiscourseEnv(t)
	_, err := e.replier(t).Reply(context.Background(), Outgoing{Text: discourseReplyText, Target: Target{ID: "5"}})
	if se := discourseSendError(t, err); se.Outcome != NotPosted || !se.Permanent {
		t.Errorf("outcome=%v permanent=%v, want NotPosted, permanent (%v)", se.Outcome, se.Permanent, err)
	}
	if reqs := e.fake.Requests(); len(reqs) != 0 {
		t.Errorf("requests made: %v", reqs)
	}
}

func TestDiscourseWait(t *testing.T) {
	tests := []struct {
		body string
		want time.Duration
	}{
		{`{"errors":["Please wait 12 seconds before trying again."],"error_type":"rate_limit","extras":{"wait_seconds":12}}`, 12 * time.Second},
		{`{"extras":{"wait_seconds":0.5}}`, 500 * time.Millisecond},
		{`{"errors":["Please wait 12 seconds before trying again."]}`, 0},
		{`<html>`, 0},
		{``, 0},
	}
	for _, tt := range tests {
		if got := discourseWait([]byte(tt.body)); got != tt.want {
			t.Errorf("discourseWait(%s) = %v, want %v", tt.body, got, tt.want)
		}
	}
}
