package feeds

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Source kinds (the config's kind key). Feeds are read-only; mastodon and
// discourse are two-way: a reply is posted through their API.
const (
	KindFeed      = "feed"      // RSS, Atom or JSON Feed
	KindMastodon  = "mastodon"  // mentions (and optionally a hashtag) of one account
	KindDiscourse = "discourse" // latest posts of a forum, threaded by topic
	KindReddit    = "reddit"    // new posts and comments of a subreddit, or a search
	KindHN        = "hn"        // Hacker News stories and comments matching a query (Algolia)
)

// Kinds lists every kind, in the order the docs present them.
var Kinds = []string{KindFeed, KindMastodon, KindDiscourse, KindReddit, KindHN}

// TwoWay reports whether replies to this feed's threads are posted by
// parley; false means copy to the clipboard and record.
func (f Feed) TwoWay() bool { return f.Kind == KindMastodon || f.Kind == KindDiscourse }

// KindLabel is the kind as a person reads it ("Mastodon", "RSS/Atom").
func KindLabel(kind string) string {
	switch kind {
	case KindMastodon:
		return "Mastodon"
	case KindDiscourse:
		return "Discourse"
	case KindReddit:
		return "Reddit"
	case KindHN:
		return "Hacker News"
	}
	return "feed"
}

// Target is what a two-way source needs to answer one item. Adapters fill
// it when they fetch; the store keeps it with the message and copies it
// into the outbox entry of a reply. Zero for read-only sources.
type Target struct {
	// ID is the remote ID of the status or post answered (Mastodon status
	// ID, Discourse post ID), as the source's API spells it.
	ID string
	// Topic is the Discourse topic ID; PostNumber the post's number in it
	// (reply_to_post_number).
	Topic      string
	PostNumber int
	// Visibility is the Mastodon visibility of the status answered
	// (public, unlisted, private, direct): a reply keeps it.
	Visibility string
	// Mention is the Mastodon acct of the author ("alice" on our server,
	// "alice@other.example" elsewhere): a reply starts with @Mention.
	Mention string
}

// IsZero reports whether t names nothing to answer.
func (t Target) IsZero() bool { return t.ID == "" && t.Topic == "" }

// Outgoing is one reply to post.
type Outgoing struct {
	// Key is the idempotency key, the same on every attempt of one reply.
	Key    string
	Text   string
	Target Target
	// Queued is when the reply was written: Find ignores older posts.
	Queued time.Time
}

// Posted is where a reply landed.
type Posted struct {
	// ItemID is the Item.ID a later fetch gives the posted reply, so the
	// store can recognise it as ours and as the confirmation of the send.
	ItemID string
	URL    string // a link to the reply for a person
}

// Replier posts replies to a two-way source.
type Replier interface {
	// Reply posts o once. A failure is a *SendError that says whether the
	// post may have been created.
	Reply(ctx context.Context, o Outgoing) (Posted, error)
	// Find looks at the remote thread for a reply already posted for o
	// (after an ambiguous failure, before trying again): found is true
	// only when it is certainly there.
	Find(ctx context.Context, o Outgoing) (p Posted, found bool, err error)
}

// Replier returns the Replier of a two-way feed, nil for a read-only one.
func (f *Fetcher) Replier(feed Feed) Replier {
	switch feed.Kind {
	case KindMastodon:
		return newMastodonReplier(f, feed)
	case KindDiscourse:
		return newDiscourseReplier(f, feed)
	}
	return nil
}

// Outcome says whether a failed send may have created the post.
type Outcome int

const (
	// NotPosted: the server certainly did not create it (the connection
	// never opened, or it answered 4xx/429); sending again is safe.
	NotPosted Outcome = iota
	// MaybePosted: the request may have been applied (timeout or
	// connection cut after sending, 5xx); look with Find before sending
	// again.
	MaybePosted
)

// SendError is a failed Reply or Find.
type SendError struct {
	Outcome Outcome
	// Permanent: the same request will fail again (a 4xx other than 408
	// and 429: bad token, topic closed, text rejected). The user must
	// change something.
	Permanent bool
	// RetryAfter is the wait the server asked for (429, 503), else zero.
	RetryAfter time.Duration
	Err        error
}

func (e *SendError) Error() string { return e.Err.Error() }
func (e *SendError) Unwrap() error { return e.Err }

// fetchSource fetches an API-backed feed kind; feeds go through Parse.
func (f *Fetcher) fetchSource(ctx context.Context, feed Feed) ([]Item, error) {
	switch feed.Kind {
	case KindMastodon:
		return f.fetchMastodon(ctx, feed)
	case KindDiscourse:
		return f.fetchDiscourse(ctx, feed)
	case KindReddit:
		return f.fetchReddit(ctx, feed)
	case KindHN:
		return f.fetchHN(ctx, feed)
	}
	return nil, fmt.Errorf("kind %q is not supported (expected one of: %s)", SanitizeLine(feed.Kind), strings.Join(Kinds, ", "))
}

// apiKind reports whether feed is fetched through an API adapter.
func apiKind(kind string) bool {
	return kind != "" && kind != KindFeed
}
