package feeds

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Reddit, read-only: the public JSON listings of a subreddit (new posts
// and new comments) or of a search. Replies are copied to the clipboard by
// the UI, so there is no Replier.

// redditListing is the envelope of every Reddit listing.
type redditListing struct {
	Data struct {
		Children []struct {
			Kind string      `json:"kind"` // t3 post, t1 comment, t5 subreddit
			Data redditThing `json:"data"`
		} `json:"children"`
	} `json:"data"`
}

// redditThing holds the fields parley reads of a post (t3) or comment (t1).
type redditThing struct {
	Name       string  `json:"name"` // fullname: "t3_abc", "t1_xyz"
	ID         string  `json:"id"`
	Author     string  `json:"author"`
	CreatedUTC float64 `json:"created_utc"`
	Permalink  string  `json:"permalink"`
	Subreddit  string  `json:"subreddit"`

	// t3
	Title             string  `json:"title"`
	Selftext          string  `json:"selftext"`
	URL               string  `json:"url"`
	IsSelf            bool    `json:"is_self"`
	Over18            bool    `json:"over_18"`
	RemovedByCategory *string `json:"removed_by_category"`

	// t1
	Body      string `json:"body"`
	ParentID  string `json:"parent_id"` // what it answers: "t3_…" the post, "t1_…" a comment
	LinkID    string `json:"link_id"`   // the post it is under: "t3_…"
	LinkTitle string `json:"link_title"`
}

// errNoSubreddit: Reddit answers a subreddit that does not exist with a
// redirect to its subreddit search rather than a 404.
var errNoSubreddit = errors.New("no such subreddit")

func (f *Fetcher) fetchReddit(ctx context.Context, feed Feed) ([]Item, error) {
	base := redditBase(feed)
	if feed.Subreddit == "" {
		if feed.Query == "" {
			return nil, errors.New("reddit feed needs subreddit or query in the config")
		}
		u := base + "/search.json?q=" + pctEscape(feed.Query) + "&sort=new&limit=100&raw_json=1"
		var l redditListing
		if err := f.redditGet(ctx, u, &l); err != nil {
			return nil, redditError(feed, "search", err)
		}
		return redditItems(feed, base, l, nil), nil
	}
	sub := url.PathEscape(feed.Subreddit)
	var posts, comments redditListing
	if err := f.redditGet(ctx, base+"/r/"+sub+"/new.json?limit=100&raw_json=1", &posts); err != nil {
		return nil, redditError(feed, "new posts", err)
	}
	if err := f.redditGet(ctx, base+"/r/"+sub+"/comments.json?limit=100&raw_json=1", &comments); err != nil {
		return nil, redditError(feed, "new comments", err)
	}
	items := redditItems(feed, base, posts, nil)
	return redditItems(feed, base, comments, items), nil
}

// redditBase is the feed's base URL without a trailing slash.
func redditBase(feed Feed) string {
	return strings.TrimRight(cmp.Or(strings.TrimSpace(feed.URL), defaultRedditURL), "/")
}

// redditItems appends the posts and comments of l to items, skipping what
// was deleted or removed and anything else the listing holds.
func redditItems(feed Feed, base string, l redditListing, items []Item) []Item {
	for _, c := range l.Data.Children {
		d := c.Data
		if d.ID == "" && d.Name == "" || redditGone(d.Author) || d.Author == "" {
			continue
		}
		name := SanitizeLine(cmp.Or(d.Name, c.Kind+"_"+d.ID))
		it := Item{
			ID:     "reddit:" + name,
			Feed:   feed.Name,
			Author: "u/" + SanitizeLine(d.Author),
		}
		if d.CreatedUTC > 0 {
			sec, frac := math.Modf(d.CreatedUTC)
			it.Published = time.Unix(int64(sec), int64(frac*1e9)).UTC()
		}
		if p := strings.TrimSpace(d.Permalink); strings.HasPrefix(p, "/") {
			it.Link = cleanLink(base + p)
		}
		switch c.Kind {
		case "t3":
			if redditGone(d.Selftext) || d.RemovedByCategory != nil {
				continue
			}
			it.Title = SanitizeLine(d.Title)
			if d.Over18 {
				// Warn before someone opens it at work.
				it.Title = "[NSFW] " + it.Title
			}
			// raw_json=1: markdown with no &amp; escaping, plain enough as is.
			it.Text = Sanitize(d.Selftext)
			if it.Text == "" && !d.IsSelf {
				it.Text = cleanLink(d.URL) // a link post: the link is the content
			}
		case "t1":
			if redditGone(d.Body) {
				continue
			}
			if d.LinkTitle != "" {
				it.Title = "Re: " + SanitizeLine(d.LinkTitle)
			}
			it.Text = Sanitize(d.Body)
			if p := SanitizeLine(d.ParentID); p != "" {
				// t3_ (a post) or t1_ (a comment): either way the parent's ID.
				it.InReplyTo = "reddit:" + p
			}
			if l := SanitizeLine(d.LinkID); l != "" {
				it.Root = "reddit:" + l
			}
		default:
			continue
		}
		items = append(items, it)
	}
	return items
}

// redditGone reports a deleted or removed author or text.
func redditGone(s string) bool {
	s = strings.TrimSpace(s)
	return s == "[deleted]" || s == "[removed]"
}

// redditError words a failed listing request for the user, keeping the
// *HTTPStatusError reachable with errors.As (backoff reads RetryAfter).
func redditError(feed Feed, what string, err error) error {
	sub := "r/" + SanitizeLine(feed.Subreddit)
	if errors.Is(err, errNoSubreddit) {
		return fmt.Errorf("subreddit %s not found (Reddit offered a subreddit search instead; check the name)", sub)
	}
	var re *redditStatusError
	if !errors.As(err, &re) {
		return fmt.Errorf("%s: %w", what, err)
	}
	code := re.HTTPStatusError.StatusCode
	switch {
	case code == http.StatusTooManyRequests:
		return fmt.Errorf("rate-limited by Reddit (it allows few requests without an account); parley will try again later: %w", re.HTTPStatusError)
	case feed.Subreddit != "" && re.reason == "private":
		return fmt.Errorf("subreddit %s is private (only its approved members can read it): %w", sub, re.HTTPStatusError)
	case feed.Subreddit != "" && re.reason == "banned":
		return fmt.Errorf("subreddit %s is banned: %w", sub, re.HTTPStatusError)
	case feed.Subreddit != "" && (re.reason == "quarantined" || re.reason == "gated"):
		return fmt.Errorf("subreddit %s is %s (Reddit shows it only to logged-in users who opted in): %w", sub, re.reason, re.HTTPStatusError)
	case feed.Subreddit != "" && code == http.StatusNotFound:
		return fmt.Errorf("subreddit %s not found (check the name): %w", sub, re.HTTPStatusError)
	case code == http.StatusForbidden && !re.jsonBody:
		// Not Reddit's JSON error: its network filter, which refuses
		// some networks (VPNs, cloud hosts) and unidentified clients.
		return fmt.Errorf("refused by Reddit, which blocks some networks (VPNs, cloud hosts); try from another network: %w", re.HTTPStatusError)
	}
	return fmt.Errorf("%s: %w", what, re.HTTPStatusError)
}

// redditStatusError is an *HTTPStatusError with what Reddit's JSON error
// body said: {"reason": "private", "message": "Forbidden", "error": 403}.
type redditStatusError struct {
	*HTTPStatusError
	reason   string // "private", "banned", "quarantined", "gated" or ""
	jsonBody bool   // the body was Reddit's JSON error, not an HTML page
}

func (e *redditStatusError) Unwrap() error { return e.HTTPStatusError }

// redditGet is getJSON for Reddit, which differs in three ways: it
// throttles hard the user agents it cannot tell apart, a subreddit's error
// body says why it cannot be read, and a missing subreddit is a redirect
// to a search.
func (f *Fetcher) redditGet(ctx context.Context, rawURL string, v any) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("URL %q is not a valid http(s) URL", SanitizeLine(rawURL))
	}
	// Say what we are (and never pretend to be a browser).
	header := http.Header{"User-Agent": {f.opt.UserAgent + " (terminal community inbox; read-only)"}}
	data, final, err := f.apiDo(ctx, http.MethodGet, rawURL, header, nil)
	if se, ok := errors.AsType[*HTTPStatusError](err); ok {
		var body struct {
			Reason string `json:"reason"`
			Error  int    `json:"error"`
		}
		isJSON := decodeJSON(se.body, &body) == nil && body.Error != 0
		return &redditStatusError{HTTPStatusError: se, reason: SanitizeLine(body.Reason), jsonBody: isJSON}
	}
	if err != nil {
		return err
	}
	if strings.HasPrefix(final.Path, "/subreddits/search") && !strings.HasPrefix(u.Path, "/subreddits/") {
		return errNoSubreddit
	}
	return decodeJSON(data, v)
}

// pctEscape escapes a query value with %20 for spaces, which every API
// reads the same way ("+" is only a space to form decoders).
func pctEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}
