package feeds

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
)

// Which post a Discourse post answers. The API says it by number
// (reply_to_post_number) while item IDs name posts by ID, so a number is
// resolved from the posts of the same fetch, then from those this Fetcher
// saw before, then by asking the forum (GET /posts/by_number), a few per
// fetch. A post whose parent stays unknown answers the topic's opening
// post, as one without reply_to_post_number does; except ours without
// one, which answers nobody the source names (see setReplies).

const (
	// discourseLookups bounds the by_number requests of one fetch: a
	// first poll of a busy forum may list dozens of answers to older
	// posts, and API keys are rate-limited (60 a minute by default).
	discourseLookups = 10
	// discourseNumbersMax bounds the remembered numbers; past it the
	// memory starts afresh (a lookup costs one request).
	discourseNumbersMax = 100_000
)

type discoursePostKey struct {
	f           *Fetcher
	base        string
	topic, post int // post is the post number
}

// discourseNumbers remembers post numbers → post IDs, 0 for a post that is
// not conversation (whisper, hidden, deleted); they never change.
var discourseNumbers = struct {
	sync.Mutex
	m map[discoursePostKey]int
}{m: map[discoursePostKey]int{}}

func (d *discourseAPI) rememberNumbers(posts ...discoursePost) {
	discourseNumbers.Lock()
	defer discourseNumbers.Unlock()
	for _, p := range posts {
		if p.TopicID <= 0 || p.PostNumber <= 0 {
			continue
		}
		if len(discourseNumbers.m) >= discourseNumbersMax {
			clear(discourseNumbers.m)
		}
		id := 0
		if p.shown() {
			id = p.ID
		}
		discourseNumbers.m[discoursePostKey{d.f, d.base, p.TopicID, p.PostNumber}] = id
	}
}

func (d *discourseAPI) knownNumber(topic, number int) (int, bool) {
	discourseNumbers.Lock()
	defer discourseNumbers.Unlock()
	id, ok := discourseNumbers.m[discoursePostKey{d.f, d.base, topic, number}]
	return id, ok
}

// parentNumber is the number of the post p answers, or 0 for the topic's
// opening post (none given, or nonsense).
func parentNumber(p discoursePost) int {
	if p.ReplyToPostNumber == nil || *p.ReplyToPostNumber <= 1 || *p.ReplyToPostNumber >= p.PostNumber {
		return 0
	}
	return *p.ReplyToPostNumber
}

// setReplies fills InReplyTo of items (made from posts, in the same
// order): the item ID of the post each answers. The numbers of the
// fetch's posts must be remembered first.
func (d *discourseAPI) setReplies(ctx context.Context, h http.Header, posts []discoursePost, items []Item) {
	// Ours first: which post our reply answers says whose conversation
	// it belongs to.
	order := oursFirst(items)
	lookups := discourseLookups
	for _, i := range order {
		p := posts[i]
		if p.PostNumber == 1 {
			continue // the opening post answers nothing
		}
		items[i].InReplyTo = d.topicItemID(p.TopicID)
		if items[i].Ours && p.ReplyToPostNumber == nil {
			// Our answer to the topic as a whole (its Reply button on the
			// web) names nobody: the store's rule for replies written
			// elsewhere says whose it is (an @name, else who waited
			// longest), not the opening post's author. Root keeps it in
			// the topic's thread.
			items[i].InReplyTo = ""
			continue
		}
		n := parentNumber(p)
		if n == 0 {
			continue
		}
		id, ok := d.knownNumber(p.TopicID, n)
		if !ok && lookups > 0 {
			lookups--
			var err error
			id, ok, err = d.lookupNumber(ctx, h, p.TopicID, n)
			if se, isStatus := errors.AsType[*HTTPStatusError](err); isStatus && se.StatusCode == http.StatusTooManyRequests {
				lookups = 0 // the rest can wait for a later poll's cache
			}
		}
		if ok && id > 0 {
			items[i].InReplyTo = d.itemID(id, p.TopicID, n)
		}
	}
}

// lookupNumber asks the forum for post number n of topic. ok is false
// when the post is not conversation (hidden, deleted, a whisper) or the
// request failed: the reply then counts as answering the topic.
func (d *discourseAPI) lookupNumber(ctx context.Context, h http.Header, topic, n int) (id int, ok bool, err error) {
	var p discoursePost
	if err := d.get(ctx, "/posts/by_number/"+strconv.Itoa(topic)+"/"+strconv.Itoa(n)+".json", h, &p); err != nil {
		return 0, false, err
	}
	if p.TopicID == 0 {
		p.TopicID = topic
	}
	if p.TopicID != topic || p.PostNumber != n {
		return 0, false, nil
	}
	d.rememberNumbers(p)
	return p.ID, p.shown(), nil
}
