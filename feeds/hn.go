package feeds

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Hacker News, read-only: stories and comments matching a query, newest
// first, from Algolia's HN Search API. Replies are copied to the
// clipboard by the UI, so there is no Replier.

// hnSearch is the part of an Algolia search_by_date answer parley reads.
type hnSearch struct {
	Hits []hnHit `json:"hits"`
}

// hnHit is one story or comment. Algolia sends null for the fields a kind
// does not have; they decode as zero.
type hnHit struct {
	ObjectID    string   `json:"objectID"`
	CreatedAt   string   `json:"created_at"`
	CreatedAtI  int64    `json:"created_at_i"`
	Author      string   `json:"author"`
	Title       string   `json:"title"`
	URL         string   `json:"url"`
	StoryText   string   `json:"story_text"`
	CommentText string   `json:"comment_text"`
	StoryID     int64    `json:"story_id"`
	StoryTitle  string   `json:"story_title"`
	ParentID    int64    `json:"parent_id"`
	Tags        []string `json:"_tags"`
}

func (f *Fetcher) fetchHN(ctx context.Context, feed Feed) ([]Item, error) {
	if feed.Query == "" {
		return nil, fmt.Errorf("hn feed needs query in the config")
	}
	base := strings.TrimRight(cmp.Or(strings.TrimSpace(feed.URL), defaultHNURL), "/")
	// tags=(story,comment) is an OR: both kinds, not polls or jobs.
	u := base + "/api/v1/search_by_date?query=" + pctEscape(feed.Query) + "&tags=(story,comment)&hitsPerPage=100"
	var res hnSearch
	if err := f.getJSON(ctx, u, nil, &res); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return hnItems(feed, res), nil
}

func hnItems(feed Feed, res hnSearch) []Item {
	var items []Item
	for _, h := range res.Hits {
		id := SanitizeLine(h.ObjectID)
		author := SanitizeLine(h.Author)
		if id == "" || author == "" {
			continue // no author: deleted
		}
		it := Item{
			ID:     "hn:" + id,
			Feed:   feed.Name,
			Author: author,
			Link:   "https://news.ycombinator.com/item?id=" + url.QueryEscape(id),
		}
		switch {
		case h.CreatedAtI > 0:
			it.Published = time.Unix(h.CreatedAtI, 0).UTC()
		case h.CreatedAt != "":
			if t, err := time.Parse(time.RFC3339, h.CreatedAt); err == nil {
				it.Published = t.UTC()
			}
		}
		if slices.Contains(h.Tags, "comment") || h.CommentText != "" {
			if title := SanitizeLine(h.StoryTitle); title != "" {
				it.Title = "Re: " + title
			}
			it.Text = HTMLToText(h.CommentText) // HN comments are HTML
			// A top-level comment's parent is the story itself.
			if parent := cmp.Or(h.ParentID, h.StoryID); parent > 0 {
				it.InReplyTo = "hn:" + strconv.FormatInt(parent, 10)
			}
			if h.StoryID > 0 {
				it.Root = "hn:" + strconv.FormatInt(h.StoryID, 10)
			}
		} else {
			it.Title = SanitizeLine(h.Title)
			it.Text = HTMLToText(h.StoryText)
			if it.Text == "" {
				it.Text = cleanLink(h.URL) // a link story: the link is the content
			}
		}
		items = append(items, it)
	}
	return items
}
