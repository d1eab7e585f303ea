// Package feeds turns configured sources into normalized, sanitized Items:
// it fetches (HTTP with conditional GET, timeouts and size caps, or a local
// file), parses (RSS, Atom, JSON Feed via gofeed), normalizes and schedules
// polls. It never touches the database: results flow to the store through
// the caller.
package feeds

import "time"

// Feed is one configured source.
type Feed struct {
	Name string // unique, shown in the UI; the store keys feed state by it
	// URL is the feed's http(s) URL, file:// URL or local path; for an API
	// kind it is the server's base URL (Mastodon server, Discourse forum,
	// Reddit or Algolia, defaulted for the last two).
	URL   string
	Every time.Duration // poll interval
	Kind  string        // one of Kinds; "" is KindFeed

	// Secret is where the API token comes from (mastodon, discourse).
	Secret Secret
	// APIUsername is the Discourse user parley posts as (Api-Username).
	APIUsername string
	// Categories limits a Discourse feed to these category slugs or IDs.
	Categories []string
	// Hashtag adds a Mastodon hashtag timeline (without the #) to the
	// mentions.
	Hashtag string
	// Subreddit (without r/) or Query (a search) selects a Reddit feed;
	// Query is also the Hacker News search.
	Subreddit string
	Query     string
}

// Item is one message from any source, normalized. Every string field has
// already been through Sanitize: it is safe to render.
//
// Item IDs, by source. Each is stable across polls, and the same for a
// message however it was fetched (a mention, our reply fetched back, the
// Posted.ItemID of a reply parley sent), so InReplyTo and Root can name
// any message by it:
//
//   - feed (RSS, Atom, JSON Feed): the entry's GUID (RSS guid, atom:id,
//     JSON Feed id) as given, or "g:" + 32 hex digits of its sha256 when
//     over 512 bytes; without one, "h:" + 32 hex digits of a hash of link,
//     title and date (and text, when those collide in one document).
//   - mastodon: "mastodon:HOST:STATUS" — HOST is the feed URL's host (and
//     port, unless the scheme's default), STATUS the status ID on that
//     server.
//   - discourse: a topic's opening post "discourse:HOST:t:TOPIC", any
//     other post "discourse:HOST:p:POST" (POST is the post ID, not its
//     number in the topic).
//   - reddit: "reddit:" + the fullname: "reddit:t3_ID" a post,
//     "reddit:t1_ID" a comment.
//   - hn: "hn:" + the Hacker News item ID (story or comment).
type Item struct {
	// ID is stable across polls: the source GUID (hashed if over 512
	// bytes), else a hash of link + title + date so items sharing a link
	// stay distinct; API sources use the formats above. Parse keeps one
	// item per ID.
	ID        string
	Feed      string // Feed.Name it came from
	Author    string
	Title     string
	Link      string
	Published time.Time // zero if the source gave none; Fetch clamps far-future dates
	Text      string    // plain text; paragraphs separated by blank lines; at most 64 KiB from Parse
	// InReplyTo is the ID of the item this one answers, when the source
	// says so: Atom (or RSS) thr:in-reply-to ref; Mastodon in_reply_to_id;
	// Discourse reply_to_post_number (the topic's opening post when the
	// post names none, or one parley cannot resolve); Reddit parent_id;
	// Hacker News parent. Empty for a message that starts a thread, and
	// where the source does not say: RSS comment feeds (WordPress) name no
	// parent, and their comments share a thread by their link's fragment.
	InReplyTo string
	// Root is the ID of the message that opens this one's thread, when the
	// source says so and it is not this item: the Discourse topic's
	// opening post, the Reddit post, the Hacker News story, the first
	// status of a Mastodon conversation (when known: see
	// mastodon_thread.go). The message answered (InReplyTo) may never be
	// fetched; Root still names the thread. Empty otherwise (feeds).
	Root string
	// Ours: the source says we wrote it (the account parley posts as).
	Ours bool
	// Target is how to answer this item on a two-way source.
	Target Target
}

// ConditionalState is what a feed remembers between polls for conditional GET.
type ConditionalState struct {
	ETag         string
	LastModified string
}

// Result is the outcome of one poll of one feed.
type Result struct {
	Feed        string
	Items       []Item
	NotModified bool // 304: Items is empty, state unchanged
	// Truncated counts the items dropped to keep within Options.MaxItems
	// (the oldest); worth telling the user, as they never reach the store.
	Truncated int
	State     ConditionalState
	Err       error // nil on success; a clear, user-facing message otherwise
	Started   time.Time
	Duration  time.Duration
}
