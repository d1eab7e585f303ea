package feeds

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// Mastodon, through its REST API: the mentions of the account the token
// belongs to (plus a hashtag timeline when configured) and that account's
// own replies, so a thread shows both sides; replies are posted with
// POST /api/v1/statuses.

// mastodonLimit is the most statuses a Mastodon list endpoint returns at once.
const mastodonLimit = "40"

// mastodonSkew is how much earlier than Outgoing.Queued a reply found by
// Find may be dated: the server's clock is not ours.
const mastodonSkew = 5 * time.Minute

// The parts of the API entities parley reads (docs.joinmastodon.org/entities).
type mastodonAccount struct {
	ID          string `json:"id"`
	Username    string `json:"username"`
	Acct        string `json:"acct"`
	DisplayName string `json:"display_name"`
	URL         string `json:"url"`
}

type mastodonStatus struct {
	ID          string          `json:"id"`
	URI         string          `json:"uri"`
	URL         *string         `json:"url"` // null for some remote statuses
	CreatedAt   string          `json:"created_at"`
	Account     mastodonAccount `json:"account"`
	Content     string          `json:"content"` // HTML
	SpoilerText string          `json:"spoiler_text"`
	Visibility  string          `json:"visibility"`
	InReplyToID *string         `json:"in_reply_to_id"`
	// Reblog is only tested for null: a reblog is someone else's status.
	Reblog *struct {
		ID string `json:"id"`
	} `json:"reblog"`
}

type mastodonNotification struct {
	ID     string          `json:"id"`
	Type   string          `json:"type"`
	Status *mastodonStatus `json:"status"` // null for follows, or when deleted
}

type mastodonContext struct {
	Ancestors   []mastodonStatus `json:"ancestors"`
	Descendants []mastodonStatus `json:"descendants"`
}

// mastodonClient is one feed's view of its server.
type mastodonClient struct {
	f    *Fetcher
	feed Feed
	base string // API base URL, no trailing slash
	host string // for item IDs
}

func newMastodonClient(f *Fetcher, feed Feed) *mastodonClient {
	base := strings.TrimRight(strings.TrimSpace(feed.URL), "/")
	host := SanitizeLine(base)
	if u, err := url.Parse(base); err == nil && u.Host != "" {
		host = hostKey(u)
	}
	return &mastodonClient{f: f, feed: feed, base: base, host: host}
}

// itemID is the Item.ID of a status: the same for a mention, our reply
// fetched back and the Posted of the reply parley sent.
func (c *mastodonClient) itemID(statusID string) string {
	return "mastodon:" + c.host + ":" + SanitizeLine(statusID)
}

func (c *mastodonClient) header(token string) http.Header {
	return http.Header{"Authorization": {"Bearer " + token}}
}

// get reads one API endpoint into v.
func (c *mastodonClient) get(ctx context.Context, token, path string, q url.Values, v any) error {
	u := c.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return c.explain(c.f.getJSON(ctx, u, c.header(token), v))
}

// explain adds to a refused token where it came from, so the user knows
// what to fix; never the token itself.
func (c *mastodonClient) explain(err error) error {
	var se *HTTPStatusError
	if errors.As(err, &se) && se.StatusCode == http.StatusUnauthorized {
		return fmt.Errorf("%w (check the token in %s)", err, secretPlace(c.feed.Secret))
	}
	return err
}

func secretPlace(s Secret) string {
	if s.Env != "" {
		return s.Env
	}
	if s.File != "" {
		return s.File
	}
	return "the feed's token_env or token_file"
}

// mastodonAccounts caches the account a token belongs to, per Fetcher and
// feed: it does not change while the token does not, and Fetch and Find
// both need it. The token is keyed by its hash, so a new token (perhaps
// another account) is looked up again.
var mastodonAccounts sync.Map // mastodonAccountKey -> mastodonAccount

type mastodonAccountKey struct {
	f          *Fetcher
	feed, base string
	token      [sha256.Size]byte
}

// me returns our account: the one the token belongs to.
func (c *mastodonClient) me(ctx context.Context, token string) (mastodonAccount, error) {
	key := mastodonAccountKey{f: c.f, feed: c.feed.Name, base: c.base, token: sha256.Sum256([]byte(token))}
	if a, ok := mastodonAccounts.Load(key); ok {
		return a.(mastodonAccount), nil
	}
	var a mastodonAccount
	if err := c.get(ctx, token, "/api/v1/accounts/verify_credentials", nil, &a); err != nil {
		return a, fmt.Errorf("reading the account of the token: %w", err)
	}
	if a.ID == "" {
		return a, errors.New("reading the account of the token: the server gave no account ID")
	}
	mastodonAccounts.Store(key, a)
	return a, nil
}

func (f *Fetcher) fetchMastodon(ctx context.Context, feed Feed) ([]Item, error) {
	c := newMastodonClient(f, feed)
	// Loaded on every fetch, so fixing the variable or file needs no restart.
	token, err := feed.Secret.Load()
	if err != nil {
		return nil, err
	}
	me, err := c.me(ctx, token)
	if err != nil {
		return nil, err
	}

	var statuses []mastodonStatus
	var notes []mastodonNotification
	q := url.Values{"types[]": {"mention"}, "limit": {mastodonLimit}}
	if err := c.get(ctx, token, "/api/v1/notifications", q, &notes); err != nil {
		return nil, fmt.Errorf("reading mentions: %w", err)
	}
	for _, n := range notes {
		// Servers older than Mastodon 3.5 ignore types[].
		if n.Type == "mention" && n.Status != nil {
			statuses = append(statuses, *n.Status)
		}
	}

	if tag := strings.TrimPrefix(strings.TrimSpace(feed.Hashtag), "#"); tag != "" {
		var list []mastodonStatus
		if err := c.get(ctx, token, "/api/v1/timelines/tag/"+url.PathEscape(tag), url.Values{"limit": {mastodonLimit}}, &list); err != nil {
			return nil, fmt.Errorf("reading #%s: %w", SanitizeLine(tag), err)
		}
		statuses = append(statuses, list...)
	}

	// Our replies, wherever they were written (parley's come back here
	// too): the other side of each conversation.
	var ours []mastodonStatus
	q = url.Values{"limit": {mastodonLimit}, "exclude_reblogs": {"true"}}
	if err := c.get(ctx, token, "/api/v1/accounts/"+url.PathEscape(me.ID)+"/statuses", q, &ours); err != nil {
		return nil, fmt.Errorf("reading our replies: %w", err)
	}
	for _, s := range ours {
		if s.InReplyToID != nil {
			statuses = append(statuses, s)
		}
	}

	items := make([]Item, 0, len(statuses))
	kept := make([]mastodonStatus, 0, len(statuses))
	seen := make(map[string]bool, len(statuses))
	for _, s := range statuses {
		if s.ID == "" || s.Reblog != nil || seen[s.ID] {
			continue
		}
		seen[s.ID] = true
		kept = append(kept, s)
		items = append(items, c.item(s, me))
	}
	c.setRoots(ctx, token, kept, items)
	return items, nil
}

// item turns a status into an Item; every remote string is sanitized.
func (c *mastodonClient) item(s mastodonStatus, me mastodonAccount) Item {
	// HTMLToText reads the h-card mention and hashtag links as "@alice"
	// and "#tag".
	text := HTMLToText(s.Content)
	if s.Account.ID != me.ID {
		text = dropLeadingMention(text, me)
	} else {
		text = dropLeadingMentions(text)
	}
	if cw := SanitizeLine(s.SpoilerText); cw != "" { // plain text, not HTML
		text = strings.TrimSpace("CW: " + cw + "\n\n" + text)
	}
	link := s.URI
	if s.URL != nil && *s.URL != "" {
		link = *s.URL
	}
	ours := s.Account.ID == me.ID
	acct := SanitizeLine(s.Account.Acct)
	it := Item{
		ID:        c.itemID(s.ID),
		Feed:      c.feed.Name,
		Author:    "@" + acct,
		Link:      SanitizeLine(link),
		Published: parseMastodonTime(s.CreatedAt),
		Text:      text,
		Ours:      ours,
		Target: Target{
			ID:         SanitizeLine(s.ID),
			Visibility: SanitizeLine(s.Visibility),
			Mention:    acct,
		},
	}
	if ours {
		// Continuing our own thread: Mastodon does not mention oneself.
		it.Target.Mention = ""
	}
	if s.InReplyToID != nil && *s.InReplyToID != "" {
		it.InReplyTo = c.itemID(*s.InReplyToID)
	}
	return it
}

// dropLeadingMention removes the "@us" a mention starts with, as
// Mastodon apps do in a conversation: every mention has it, so in the
// queue it would only push the words off the row.
func dropLeadingMention(text string, me mastodonAccount) string {
	rest := strings.TrimLeft(text, " ")
	for _, name := range []string{"@" + me.Acct, "@" + me.Username} {
		if len(name) > 1 && len(rest) > len(name) && strings.EqualFold(rest[:len(name)], name) {
			after := rest[len(name):]
			// Only a whole mention: "@quillstone" and "@quillstone@host", not "@quillstones".
			if at, ok := strings.CutPrefix(after, "@"); ok {
				if i := strings.IndexAny(at, " \n"); i > 0 {
					after = at[i:]
				} else {
					continue
				}
			}
			// "@quillstone: how much…" and "@quillstone, how much…" too.
			if len(after) > 1 && (after[0] == ',' || after[0] == ':') {
				after = after[1:]
			}
			if after == "" || (after[0] != ' ' && after[0] != '\n') {
				continue
			}
			if trimmed := strings.TrimLeft(after, " \n"); trimmed != "" {
				return trimmed
			}
		}
	}
	return text
}

// dropLeadingMentions removes the @mentions our own post starts with (the
// ones a reply adds for the people it answers), as the store does when it
// matches a fetched-back post with the reply parley sent: any leading word
// starting with "@". A post of nothing but mentions is kept whole.
func dropLeadingMentions(text string) string {
	rest := strings.TrimLeft(text, " \n")
	for strings.HasPrefix(rest, "@") {
		i := strings.IndexAny(rest, " \n")
		if i < 0 {
			return text // nothing but mentions
		}
		if i == 1 {
			break // a lone "@" is not a mention
		}
		rest = strings.TrimLeft(rest[i:], " \n")
	}
	return rest
}

func parseMastodonTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}
	}
	return t
}

// mastodonReplier posts replies as the token's account.
type mastodonReplier struct{ c *mastodonClient }

func newMastodonReplier(f *Fetcher, feed Feed) Replier {
	return &mastodonReplier{c: newMastodonClient(f, feed)}
}

// Reply posts o as an answer to o.Target, keeping its visibility and
// mentioning its author. The Idempotency-Key makes Mastodon answer a
// repeated request (for an hour) with the status already created instead
// of a second one; Go's transport relies on it too, replaying such a POST
// by itself when a reused connection closes before any answer.
func (r *mastodonReplier) Reply(ctx context.Context, o Outgoing) (Posted, error) {
	c := r.c
	token, err := c.feed.Secret.Load()
	if err != nil {
		return Posted{}, &SendError{Outcome: NotPosted, Permanent: true, Err: err}
	}
	if o.Target.ID == "" {
		return Posted{}, &SendError{Outcome: NotPosted, Permanent: true, Err: errors.New("no Mastodon status to answer (the message has no reply target)")}
	}
	vis := o.Target.Visibility
	if vis == "" {
		vis = "public"
	}
	body, err := json.Marshal(struct {
		Status      string `json:"status"`
		InReplyToID string `json:"in_reply_to_id"`
		Visibility  string `json:"visibility"`
	}{withMention(o.Text, o.Target.Mention), o.Target.ID, vis})
	if err != nil {
		return Posted{}, &SendError{Outcome: NotPosted, Permanent: true, Err: err}
	}
	h := c.header(token)
	h.Set("Content-Type", "application/json")
	if o.Key != "" {
		h.Set("Idempotency-Key", o.Key)
	}
	data, err := c.f.send(ctx, http.MethodPost, c.base+"/api/v1/statuses", h, body)
	if err != nil {
		var se *SendError
		if errors.As(err, &se) {
			se.Err = c.explain(se.Err)
			return Posted{}, se
		}
		return Posted{}, classifySend(err)
	}
	var s mastodonStatus
	if err := decodeJSON(data, &s); err != nil || s.ID == "" {
		if err == nil {
			err = errors.New("the answer has no status ID")
		}
		// Accepted, but where it landed is unknown: Find will tell.
		return Posted{}, &SendError{Outcome: MaybePosted, Err: fmt.Errorf("posted, but the answer could not be read: %w", err)}
	}
	return c.posted(s), nil
}

func (c *mastodonClient) posted(s mastodonStatus) Posted {
	link := s.URI
	if s.URL != nil && *s.URL != "" {
		link = *s.URL
	}
	return Posted{ItemID: c.itemID(s.ID), URL: SanitizeLine(link)}
}

// Find looks among the replies to o.Target for one by us, no older than
// o.Queued (less clock skew), with o's text.
func (r *mastodonReplier) Find(ctx context.Context, o Outgoing) (Posted, bool, error) {
	c := r.c
	token, err := c.feed.Secret.Load()
	if err != nil {
		// Whether the reply exists is still unknown.
		return Posted{}, false, &SendError{Outcome: MaybePosted, Permanent: true, Err: err}
	}
	if o.Target.ID == "" {
		return Posted{}, false, &SendError{Outcome: NotPosted, Permanent: true, Err: errors.New("no Mastodon status to look under (the message has no reply target)")}
	}
	me, err := c.me(ctx, token)
	if err != nil {
		return Posted{}, false, classifySend(err)
	}
	var thread mastodonContext
	if err := c.get(ctx, token, "/api/v1/statuses/"+url.PathEscape(o.Target.ID)+"/context", nil, &thread); err != nil {
		return Posted{}, false, classifySend(fmt.Errorf("reading the thread: %w", err))
	}
	want := mastodonComparable(Sanitize(o.Text))
	for _, s := range thread.Descendants {
		if s.Account.ID != me.ID || s.InReplyToID == nil || *s.InReplyToID != o.Target.ID {
			continue
		}
		if !o.Queued.IsZero() {
			t := parseMastodonTime(s.CreatedAt)
			if t.IsZero() || t.Before(o.Queued.Add(-mastodonSkew)) {
				continue
			}
		}
		if sameReplyText(mastodonComparable(mastodonTypedText(s.Content)), want) {
			return c.posted(s), true, nil
		}
	}
	return Posted{}, false, nil
}

// sameReplyText compares normalised texts; a long text also matches by its
// first 200 characters, in case the server altered the rest.
func sameReplyText(got, want string) bool {
	if got == want {
		return true
	}
	const prefix = 200
	if utf8.RuneCountInString(want) < prefix {
		return false
	}
	return strings.HasPrefix(got, string([]rune(want)[:prefix]))
}

// mastodonTypedText recovers from a status's HTML the text its author
// typed: text nodes only. Mastodon wraps what it links in spans (a URL's
// hidden scheme and tail, a mention's or hashtag's name) whose text joins
// back to what was typed, whereas HTMLToText would add each link's URL.
func mastodonTypedText(content string) string {
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(content))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return Sanitize(b.String())
		case html.TextToken:
			b.Write(z.Text())
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			if name, _ := z.TagName(); string(name) == "br" || string(name) == "p" {
				b.WriteByte(' ')
			}
		}
	}
}

// mastodonComparable normalises a reply's text for Find: whitespace
// collapsed and every @mention dropped. Mastodon displays a remote
// mention as @user, and a reply starts with the mentions parley adds.
func mastodonComparable(s string) string {
	words := strings.Fields(s)
	kept := words[:0]
	for _, w := range words {
		if !strings.HasPrefix(w, "@") {
			kept = append(kept, w)
		}
	}
	return strings.Join(kept, " ")
}

// withMention starts text with @acct unless it already mentions acct, so
// the author is notified (and can see a direct reply at all).
func withMention(text, acct string) string {
	acct = strings.TrimPrefix(strings.TrimSpace(acct), "@")
	if acct == "" || hasMention(text, acct) {
		return text
	}
	return "@" + acct + " " + text
}

// hasMention reports whether text mentions @acct as a whole word, ignoring
// case: "@Alice," counts for alice, "@alice@other.example" and
// "https://x/@alice" do not.
func hasMention(text, acct string) bool {
	lt, want := strings.ToLower(text), "@"+strings.ToLower(acct)
	for i := 0; i < len(lt); {
		j := strings.Index(lt[i:], want)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(want)
		if mentionStart(lt[:start]) && mentionEnd(lt[end:]) {
			return true
		}
		i = start + 1
	}
	return false
}

func mentionStart(before string) bool {
	r, _ := utf8.DecodeLastRuneInString(before)
	return before == "" || !(acctRune(r) || r == '@' || r == '/' || r == '.')
}

func mentionEnd(after string) bool {
	r, n := utf8.DecodeRuneInString(after)
	switch {
	case after == "":
		return true
	case r == '.':
		// End of a sentence, not more domain.
		next, _ := utf8.DecodeRuneInString(after[n:])
		return after[n:] == "" || !acctRune(next)
	}
	return !(acctRune(r) || r == '@' || r == '-')
}

func acctRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }
