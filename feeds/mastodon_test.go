package feeds

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"parley/feeds/fakeapi"
)

const mastodonTestToken = "tok-7c1e9a"

// newMastodonTest starts a fake server and a feed on it whose token is in
// PARLEY_MASTODON_TOKEN.
func newMastodonTest(t *testing.T) (*fakeapi.Mastodon, *Fetcher, Feed) {
	t.Helper()
	srv := fakeapi.NewMastodon(mastodonTestToken)
	t.Cleanup(srv.Close)
	t.Setenv("PARLEY_MASTODON_TOKEN", mastodonTestToken)
	feed := Feed{Name: "fedi", URL: srv.URL, Kind: KindMastodon, Secret: Secret{Env: "PARLEY_MASTODON_TOKEN"}}
	return srv, NewFetcher(Options{Client: srv.Client()}), feed
}

// mastodonTestID is the item ID a status of srv must get, spelled out
// independently of the code under test.
func mastodonTestID(srv *fakeapi.Mastodon, statusID string) string {
	return "mastodon:" + strings.TrimPrefix(srv.URL, "http://") + ":" + statusID
}

func fetchMastodonItems(t *testing.T, f *Fetcher, feed Feed) map[string]Item {
	t.Helper()
	res := f.Fetch(context.Background(), feed, ConditionalState{})
	if res.Err != nil {
		t.Fatalf("fetch: %v", res.Err)
	}
	items := map[string]Item{}
	for _, it := range res.Items {
		if _, dup := items[it.ID]; dup {
			t.Errorf("item %s fetched twice", it.ID)
		}
		items[it.ID] = it
	}
	return items
}

func TestMastodonFetch(t *testing.T) {
	for _, hashtag := range []string{"", "parley"} {
		t.Run("hashtag="+hashtag, func(t *testing.T) {
			srv, f, feed := newMastodonTest(t)
			feed.Hashtag = hashtag
			// Answer notifications of every type, as old servers do, so
			// the client's own filtering is what is tested.
			srv.IgnoreTypes = true

			root := srv.Add(fakeapi.MastodonStatusSpec{From: "alice", Text: "Which note apps do you all use?"})
			mention := srv.AddMention("bob@other.example", "we use it daily, see https://other.example/a/really/long/path/to/the/post", root, "unlisted")
			ourReply := srv.Add(fakeapi.MastodonStatusSpec{Text: "@bob@other.example thanks, glad it works!", InReplyToID: mention})
			release := srv.Add(fakeapi.MastodonStatusSpec{Text: "Release day!"}) // ours but not a reply
			srv.Add(fakeapi.MastodonStatusSpec{From: "carol", ReblogOf: release})
			srv.AddNotification("reblog", "carol", release)
			srv.AddNotification("favourite", "dave", release)
			srv.AddNotification("follow", "erin", "")
			tagged := srv.Add(fakeapi.MastodonStatusSpec{From: "dave", Text: "Trying #parley today"})
			both := srv.AddMention("erin", "does #parley sync?", "", "")
			hostile := srv.Add(fakeapi.MastodonStatusSpec{
				From:        "mallory",
				HTML:        "<p>hi <b>there</b>\x1b]52;c;ZXZpbA==\x07 done\x1b[2J</p><script>alert(1)</script>",
				SpoilerText: "spoilers\x1b[31m ahead",
				Notify:      true,
			})

			items := fetchMastodonItems(t, f, feed)
			want := []string{mention, ourReply, both, hostile}
			if hashtag != "" {
				want = append(want, tagged)
			}
			if len(items) != len(want) {
				t.Errorf("fetched %d items, want %d: %v", len(items), len(want), items)
			}
			for _, id := range want {
				if _, ok := items[mastodonTestID(srv, id)]; !ok {
					t.Errorf("status %s missing from the fetch", id)
				}
			}

			m := items[mastodonTestID(srv, mention)]
			st, _ := srv.Status(mention)
			published, _ := time.Parse(time.RFC3339, st.CreatedAt)
			wantMention := Item{
				ID:        mastodonTestID(srv, mention),
				Feed:      "fedi",
				Author:    "@bob@other.example",
				Link:      *st.URL,
				Published: published,
				Text:      "we use it daily, see https://other.example/a/really/long/path/to/the/post", // the leading mention of us is dropped, as Mastodon apps do
				InReplyTo: mastodonTestID(srv, root),
				Root:      mastodonTestID(srv, root), // alice's status, though it did not mention us
				Target:    Target{ID: mention, Visibility: "unlisted", Mention: "bob@other.example"},
			}
			if m != wantMention {
				t.Errorf("mention item:\n got %+v\nwant %+v", m, wantMention)
			}
			if !strings.HasPrefix(m.Link, "https://other.example/@bob/") || published.IsZero() {
				t.Errorf("link %q / published %v not taken from the status", m.Link, published)
			}

			r := items[mastodonTestID(srv, ourReply)]
			if !r.Ours || r.Author != "@quillstone" || r.InReplyTo != m.ID || r.Root != m.Root {
				t.Errorf("our reply: Ours=%v Author=%q InReplyTo=%q Root=%q, want true, @quillstone, %q, %q", r.Ours, r.Author, r.InReplyTo, r.Root, m.ID, m.Root)
			}
			if r.Target.Mention != "" {
				t.Errorf("answering our own status would mention %q, want no one", r.Target.Mention)
			}
			if r.Text != "thanks, glad it works!" {
				t.Errorf("our reply reads %q, want its leading mention dropped", r.Text)
			}
			if items[mastodonTestID(srv, both)].Ours || items[mastodonTestID(srv, both)].InReplyTo != "" {
				t.Errorf("a mention starting a thread: %+v", items[mastodonTestID(srv, both)])
			}

			h := items[mastodonTestID(srv, hostile)]
			if h.Text != "CW: spoilers ahead\n\nhi there done" {
				t.Errorf("hostile content became %q", h.Text)
			}
			if strings.ContainsAny(h.Text, "\x1b\x07") || strings.Contains(h.Text, "52;c") || strings.Contains(h.Text, "alert") {
				t.Errorf("escape sequence or script survived: %q", h.Text)
			}
		})
	}
}

func TestMastodonFetchCachesAccount(t *testing.T) {
	srv, f, feed := newMastodonTest(t)
	fetchMastodonItems(t, f, feed)
	fetchMastodonItems(t, f, feed)
	var n int
	for _, r := range srv.Requests() {
		if strings.HasPrefix(r, "GET /api/v1/accounts/verify_credentials") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("verify_credentials asked %d times over two fetches, want 1", n)
	}
}

func TestMastodonFetchErrors(t *testing.T) {
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte("revoked-token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		setup  func(srv *fakeapi.Mastodon, feed *Feed)
		want   []string // substrings of the error
		status int      // of the *HTTPStatusError inside, 0 for none
		retry  func(time.Duration) bool
	}{
		{
			name:   "401 names the env var",
			setup:  func(_ *fakeapi.Mastodon, _ *Feed) { os.Setenv("PARLEY_MASTODON_TOKEN", "revoked-token") },
			want:   []string{"401 Unauthorized: The access token is invalid (check the token in PARLEY_MASTODON_TOKEN)"},
			status: 401,
		},
		{
			name:   "401 names the token file",
			setup:  func(_ *fakeapi.Mastodon, feed *Feed) { feed.Secret = Secret{File: tokenFile} },
			want:   []string{"401 Unauthorized", "check the token in " + tokenFile},
			status: 401,
		},
		{
			name:   "429 with Retry-After",
			setup:  func(srv *fakeapi.Mastodon, _ *Feed) { srv.FailFetch(1, 429, "120") },
			want:   []string{"reading mentions", "429 Too Many Requests"},
			status: 429,
			retry:  func(d time.Duration) bool { return d == 120*time.Second },
		},
		{
			name:   "429 with only X-RateLimit-Reset",
			setup:  func(srv *fakeapi.Mastodon, _ *Feed) { srv.FailFetch(1, 429, "") },
			want:   []string{"429 Too Many Requests"},
			status: 429,
			retry:  func(d time.Duration) bool { return d > 0 && d <= 5*time.Minute },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, f, feed := newMastodonTest(t)
			tt.setup(srv, &feed)
			res := f.Fetch(context.Background(), feed, ConditionalState{})
			if res.Err == nil {
				t.Fatalf("fetch succeeded with %d items, want an error", len(res.Items))
			}
			for _, w := range tt.want {
				if !strings.Contains(res.Err.Error(), w) {
					t.Errorf("error %q does not say %q", res.Err, w)
				}
			}
			if strings.Contains(res.Err.Error(), "revoked-token") {
				t.Errorf("error %q shows the token", res.Err)
			}
			var se *HTTPStatusError
			if !errors.As(res.Err, &se) || se.StatusCode != tt.status {
				t.Fatalf("error %v does not unwrap to an HTTPStatusError %d", res.Err, tt.status)
			}
			if tt.retry != nil && !tt.retry(se.RetryAfter) {
				t.Errorf("RetryAfter = %v", se.RetryAfter)
			}
		})
	}
}

func TestMastodonMissingTokenMakesNoRequest(t *testing.T) {
	srv, f, feed := newMastodonTest(t)
	feed.Secret = Secret{Env: "PARLEY_TEST_MASTODON_UNSET"}

	res := f.Fetch(context.Background(), feed, ConditionalState{})
	if !errors.Is(res.Err, ErrNoSecret) || !strings.Contains(res.Err.Error(), "PARLEY_TEST_MASTODON_UNSET is not set") {
		t.Errorf("fetch error = %v, want one naming the unset variable", res.Err)
	}
	_, err := f.Replier(feed).Reply(context.Background(), Outgoing{Key: "k", Text: "hi", Target: Target{ID: "1"}})
	var se *SendError
	if !errors.As(err, &se) || se.Outcome != NotPosted || !se.Permanent || !errors.Is(err, ErrNoSecret) {
		t.Errorf("reply error = %#v, want a permanent NotPosted ErrNoSecret", err)
	}
	if reqs := srv.Requests(); len(reqs) != 0 {
		t.Errorf("requests made without a token: %v", reqs)
	}
}

func TestMastodonReply(t *testing.T) {
	tests := []struct {
		name, from, visibility string
		target                 func(*Target)
		text                   string
		wantText, wantVis      string
	}{
		{name: "unlisted, mention added", from: "bob@other.example", visibility: "unlisted",
			text: "Thanks for trying it!", wantText: "@bob@other.example Thanks for trying it!", wantVis: "unlisted"},
		{name: "direct stays direct", from: "alice", visibility: "direct",
			text: "Sent you the invite.", wantText: "@alice Sent you the invite.", wantVis: "direct"},
		{name: "mention already there, other case", from: "alice", visibility: "public",
			text: "Hi @Alice, fixed in 1.2", wantText: "Hi @Alice, fixed in 1.2", wantVis: "public"},
		{name: "a shorter acct is another account", from: "bob@other.example", visibility: "public",
			text: "@bob see above", wantText: "@bob@other.example @bob see above", wantVis: "public"},
		{name: "no visibility known: public", from: "alice", visibility: "private",
			target: func(tg *Target) { tg.Visibility = "" },
			text:   "ok", wantText: "@alice ok", wantVis: "public"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, f, feed := newMastodonTest(t)
			mention := srv.AddMention(tt.from, "how do I export?", "", tt.visibility)
			asked := fetchMastodonItems(t, f, feed)[mastodonTestID(srv, mention)]
			target := asked.Target
			if tt.target != nil {
				tt.target(&target)
			}
			o := Outgoing{Key: "reply-" + tt.name, Text: tt.text, Target: target, Queued: time.Now()}

			p, err := f.Replier(feed).Reply(context.Background(), o)
			if err != nil {
				t.Fatalf("reply: %v", err)
			}
			posts := srv.Posted()
			if len(posts) != 1 {
				t.Fatalf("%d posts created, want 1", len(posts))
			}
			got := posts[0]
			if got.Text != tt.wantText || got.InReplyToID != mention || got.Visibility != tt.wantVis ||
				got.IdempotencyKey != o.Key || got.ContentType != "application/json" {
				t.Errorf("posted %+v\nwant text %q, in_reply_to_id %s, visibility %q, key %q, JSON", got, tt.wantText, mention, tt.wantVis, o.Key)
			}
			if p.URL != *got.Status.URL {
				t.Errorf("Posted.URL = %q, want the status URL %q", p.URL, *got.Status.URL)
			}

			// The reply comes back with the ID Reply gave, as ours, in the thread.
			back, ok := fetchMastodonItems(t, f, feed)[p.ItemID]
			if !ok {
				t.Fatalf("Posted.ItemID %q not among the fetched items", p.ItemID)
			}
			if !back.Ours || back.InReplyTo != asked.ID || back.Target.Visibility != tt.wantVis {
				t.Errorf("fetched reply: Ours=%v InReplyTo=%q Visibility=%q, want true, %q, %q", back.Ours, back.InReplyTo, back.Target.Visibility, asked.ID, tt.wantVis)
			}
		})
	}
}

func TestMastodonReplyIdempotencyKey(t *testing.T) {
	srv, f, feed := newMastodonTest(t)
	mention := srv.AddMention("alice", "hello?", "", "")
	o := Outgoing{Key: "k-1", Text: "hello!", Target: Target{ID: mention, Mention: "alice"}}
	r := f.Replier(feed)
	first, err := r.Reply(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	second, err := r.Reply(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if first != second || srv.PostCount() != 1 {
		t.Errorf("same key twice: %+v then %+v, %d posts; want the same status, 1 post", first, second, srv.PostCount())
	}
}

func TestMastodonReplyErrors(t *testing.T) {
	tests := []struct {
		name      string
		setup     func(*fakeapi.Mastodon)
		text      string
		outcome   Outcome
		permanent bool
		retry     func(time.Duration) bool
		want      string
	}{
		{name: "429 Retry-After", setup: func(s *fakeapi.Mastodon) { s.FailPosts(1, 429, "30") },
			outcome: NotPosted, retry: func(d time.Duration) bool { return d == 30*time.Second }, want: "Too many requests"},
		{name: "429 X-RateLimit-Reset", setup: func(s *fakeapi.Mastodon) { s.FailPosts(1, 429, "") },
			outcome: NotPosted, retry: func(d time.Duration) bool { return d > 0 && d <= 5*time.Minute }},
		{name: "422 from the server", setup: func(s *fakeapi.Mastodon) { s.FailPosts(1, 422, "") },
			outcome: NotPosted, permanent: true, want: "Validation failed: Text can't be blank"},
		{name: "422 text too long", text: strings.Repeat("long ", 101),
			outcome: NotPosted, permanent: true, want: "character limit of 500 exceeded"},
		{name: "401", setup: func(s *fakeapi.Mastodon) { os.Setenv("PARLEY_MASTODON_TOKEN", "revoked") },
			outcome: NotPosted, permanent: true, want: "check the token in PARLEY_MASTODON_TOKEN"},
		{name: "500", setup: func(s *fakeapi.Mastodon) { s.FailPosts(1, 500, "") },
			outcome: MaybePosted, want: "500 Internal Server Error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, f, feed := newMastodonTest(t)
			mention := srv.AddMention("alice", "hello?", "", "")
			if tt.setup != nil {
				tt.setup(srv)
			}
			text := tt.text
			if text == "" {
				text = "hello!"
			}
			_, err := f.Replier(feed).Reply(context.Background(), Outgoing{Key: "k", Text: text, Target: Target{ID: mention, Mention: "alice"}})
			var se *SendError
			if !errors.As(err, &se) {
				t.Fatalf("reply error = %v, want a *SendError", err)
			}
			if se.Outcome != tt.outcome || se.Permanent != tt.permanent {
				t.Errorf("outcome %v permanent %v, want %v %v (%v)", se.Outcome, se.Permanent, tt.outcome, tt.permanent, err)
			}
			if tt.retry != nil && !tt.retry(se.RetryAfter) {
				t.Errorf("RetryAfter = %v", se.RetryAfter)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
			if n := srv.PostCount(); n != 0 {
				t.Errorf("%d posts created, want none", n)
			}
		})
	}
}

func TestMastodonServerErrorThenFindThenRetry(t *testing.T) {
	srv, f, feed := newMastodonTest(t)
	mention := srv.AddMention("alice", "hello?", "", "")
	r := f.Replier(feed)
	o := Outgoing{Key: "k-500", Text: "hello!", Target: Target{ID: mention, Mention: "alice", Visibility: "public"}, Queued: time.Now()}

	srv.FailPosts(1, 500, "")
	_, err := r.Reply(context.Background(), o)
	var se *SendError
	if !errors.As(err, &se) || se.Outcome != MaybePosted {
		t.Fatalf("reply error = %v, want MaybePosted", err)
	}
	if _, found, err := r.Find(context.Background(), o); err != nil || found {
		t.Fatalf("Find = found %v, err %v; want nothing found", found, err)
	}
	p, err := r.Reply(context.Background(), o)
	if err != nil {
		t.Fatalf("retry: %v", err)
	}
	if n := srv.PostCount(); n != 1 || p.ItemID != mastodonTestID(srv, srv.Posted()[0].Status.ID) {
		t.Errorf("%d posts, Posted %+v; want exactly one, the one posted", n, p)
	}
}

func TestMastodonCutAnswerFoundByFind(t *testing.T) {
	for _, ignoreKey := range []bool{false, true} {
		name := "idempotent server"
		if ignoreKey {
			name = "server ignoring Idempotency-Key"
		}
		t.Run(name, func(t *testing.T) {
			srv, f, feed := newMastodonTest(t)
			srv.IgnoreIdempotency = ignoreKey
			srv.Add(fakeapi.MastodonStatusSpec{From: "bob@other.example", Text: "hi"}) // known, so the fake links the mention
			mention := srv.AddMention("alice", "sync conflicts again", "", "unlisted")
			fetchMastodonItems(t, f, feed) // warm the connection, as a real session would
			r := f.Replier(feed)
			o := Outgoing{
				Key:    "k-cut",
				Text:   "Sorry! cc @bob@other.example\n\nSee https://docs.example.org/guides/sync/troubleshooting#conflicts <- and #Parley 2.1",
				Target: Target{ID: mention, Mention: "alice", Visibility: "unlisted"},
				Queued: time.Now(),
			}

			srv.CutAfterCreate(1)
			_, err := r.Reply(context.Background(), o)
			var se *SendError
			if !errors.As(err, &se) || se.Outcome != MaybePosted || se.Permanent {
				t.Fatalf("reply error = %#v, want MaybePosted", err)
			}
			if n := srv.PostCount(); n != 1 {
				t.Fatalf("%d posts after the cut, want 1", n)
			}
			p, found, err := r.Find(context.Background(), o)
			if err != nil || !found {
				t.Fatalf("Find = found %v, err %v; want the cut reply found", found, err)
			}
			posted := srv.Posted()[0].Status
			if p.ItemID != mastodonTestID(srv, posted.ID) || p.URL != *posted.URL {
				t.Errorf("Find = %+v, want the status %s at %s", p, posted.ID, *posted.URL)
			}
			if n := srv.PostCount(); n != 1 {
				t.Errorf("%d posts, want 1", n)
			}
		})
	}
}

func TestMastodonStalledPostTimesOutThenFound(t *testing.T) {
	srv, _, feed := newMastodonTest(t)
	f := NewFetcher(Options{Client: srv.Client(), Timeout: 300 * time.Millisecond})
	mention := srv.AddMention("alice", "hello?", "", "")
	r := f.Replier(feed)
	o := Outgoing{Key: "k-slow", Text: "hello!", Target: Target{ID: mention, Mention: "alice"}, Queued: time.Now()}

	srv.StallPosts(time.Minute) // ends when the client gives up
	_, err := r.Reply(context.Background(), o)
	var se *SendError
	if !errors.As(err, &se) || se.Outcome != MaybePosted {
		t.Fatalf("reply error = %v, want MaybePosted after a timeout", err)
	}
	srv.StallPosts(0)
	if _, found, err := r.Find(context.Background(), o); err != nil || !found {
		t.Errorf("Find = found %v, err %v; want found", found, err)
	}
}

func TestMastodonFindIgnoresOtherReplies(t *testing.T) {
	queued := time.Now()
	const text = "Fixed in 1.2, thanks!"
	tests := []struct {
		name  string
		add   func(srv *fakeapi.Mastodon, target string)
		found bool
	}{
		{"ours, within clock skew", func(srv *fakeapi.Mastodon, target string) {
			srv.Add(fakeapi.MastodonStatusSpec{Text: "@alice " + text, InReplyToID: target, At: queued.Add(-2 * time.Minute)})
		}, true},
		{"ours, before it was written", func(srv *fakeapi.Mastodon, target string) {
			srv.Add(fakeapi.MastodonStatusSpec{Text: "@alice " + text, InReplyToID: target, At: queued.Add(-time.Hour)})
		}, false},
		{"someone else's", func(srv *fakeapi.Mastodon, target string) {
			srv.Add(fakeapi.MastodonStatusSpec{From: "carol", Text: text, InReplyToID: target})
		}, false},
		{"ours, other text", func(srv *fakeapi.Mastodon, target string) {
			srv.Add(fakeapi.MastodonStatusSpec{Text: "@alice Fixed in 1.3, thanks!", InReplyToID: target})
		}, false},
		{"ours, deeper in the thread", func(srv *fakeapi.Mastodon, target string) {
			child := srv.Add(fakeapi.MastodonStatusSpec{From: "carol", Text: "me too", InReplyToID: target})
			srv.Add(fakeapi.MastodonStatusSpec{Text: text, InReplyToID: child})
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, f, feed := newMastodonTest(t)
			target := srv.AddMention("alice", "bug in export", "", "")
			tt.add(srv, target)
			_, found, err := f.Replier(feed).Find(context.Background(), Outgoing{Key: "k", Text: text, Target: Target{ID: target, Mention: "alice"}, Queued: queued})
			if err != nil || found != tt.found {
				t.Errorf("Find = found %v, err %v; want found %v", found, err, tt.found)
			}
		})
	}
}

func TestMastodonFindError(t *testing.T) {
	srv, f, feed := newMastodonTest(t)
	_, found, err := f.Replier(feed).Find(context.Background(), Outgoing{Key: "k", Text: "x", Target: Target{ID: "999"}})
	var se *SendError
	if found || !errors.As(err, &se) || !strings.Contains(err.Error(), "404") {
		t.Errorf("Find of a missing status = found %v, err %v; want a *SendError saying 404", found, err)
	}
	srv.Close()
	if _, found, err := f.Replier(feed).Find(context.Background(), Outgoing{Key: "k", Text: "x", Target: Target{ID: "999"}}); found || !errors.As(err, &se) {
		t.Errorf("Find with the server down = found %v, err %v; want a *SendError", found, err)
	}
}

func TestHasMention(t *testing.T) {
	tests := []struct {
		text, acct string
		want       bool
	}{
		{"@alice hi", "alice", true},
		{"hi @Alice.", "alice", true},
		{"(@alice)", "alice", true},
		{"cc @alice@other.example", "alice@other.example", true},
		{"cc @Alice@Other.Example!", "alice@other.example", true},
		{"@alice@other.example hi", "alice", false},
		{"@alicebob hi", "alice", false},
		{"@alice_b hi", "alice", false},
		{"@alice.example hi", "alice", false},
		{"see https://x.example/@alice", "alice", false},
		{"mail alice@alice.example", "alice", false},
		{"@bob hi", "bob@other.example", false},
		{"", "alice", false},
	}
	for _, tt := range tests {
		if got := hasMention(tt.text, tt.acct); got != tt.want {
			t.Errorf("hasMention(%q, %q) = %v, want %v", tt.text, tt.acct, got, tt.want)
		}
	}
}

func TestDropLeadingMention(t *testing.T) {
	me := mastodonAccount{Acct: "quillstone", Username: "quillstone"}
	for in, want := range map[string]string{
		"@quillstone does it export?":                  "does it export?",
		"@Quillstone\ndoes it export?":                 "does it export?",
		"@quillstone@mastodon.example does it export?": "does it export?",
		"@quillstones fan club":                        "@quillstones fan club",
		"@alice @quillstone both of you":               "@alice @quillstone both of you",
		"@quillstone":                                  "@quillstone",
		"thanks @quillstone":                           "thanks @quillstone",
		"@quillstone, how much is pro?":                "how much is pro?",
		"@Quillstone: how much is pro?":                "how much is pro?",
		"@quillstone,how much":                         "@quillstone,how much",
		"@quillstone:":                                 "@quillstone:",
	} {
		if got := dropLeadingMention(in, me); got != want {
			t.Errorf("dropLeadingMention(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMastodonItemText(t *testing.T) {
	c := newMastodonClient(nil, Feed{Name: "fedi", URL: "https://mastodon.social"})
	me := mastodonAccount{ID: "14715", Username: "trwnh", Acct: "trwnh"}
	zsc := mastodonAccount{ID: "971724", Username: "zsc", Acct: "zsc"}
	hcard := func(user string) string {
		return `<span class="h-card" translate="no"><a href="https://mastodon.social/@` + user + `" class="u-url mention">@<span>` + user + `</span></a></span>`
	}
	docs := mastodonDocsCases(t)[0] // a mention of trwnh by zsc, from the docs
	if !strings.Contains(docs.Content, "@trwnh") {
		t.Fatalf("first docs case is not the mention of trwnh: %s", docs.Source)
	}
	tests := []struct {
		name    string
		from    mastodonAccount
		content string
		want    string
	}{
		{"docs: our leading mention dropped", zsc, docs.Content, "sup!"},
		{"their mentions of others stay", zsc, "<p>" + hcard("trwnh") + " " + hcard("alice") + " me too, #<span>pricing</span> is odd</p>", "@alice me too, #pricing is odd"},
		{"a mention of us later stays", zsc, "<p>thanks " + hcard("trwnh") + "!</p>", "thanks @trwnh!"},
		{"our post: the mentions it starts with dropped", me, "<p>" + hcard("zsc") + " " + hcard("alice") + " fixed in 1.2, see <a href=\"https://mastodon.social/tags/release\" class=\"mention hashtag\" rel=\"tag\">#<span>release</span></a></p>", "fixed in 1.2, see #release"},
		{"our post of mentions only stays", me, "<p>" + hcard("zsc") + "</p>", "@zsc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it := c.item(mastodonStatus{ID: "1", Account: tt.from, Content: tt.content, Visibility: "public"}, me)
			if it.Text != tt.want {
				t.Errorf("text %q, want %q", it.Text, tt.want)
			}
		})
	}
}

func TestDropLeadingMentions(t *testing.T) {
	for in, want := range map[string]string{
		"@alice thanks!":                    "thanks!",
		"@alice @bob@other.example\nthanks": "thanks",
		"@alice, see above":                 "see above", // as the store's normaliseReply reads it
		"@ not a mention":                   "@ not a mention",
		"@alice":                            "@alice",
		"thanks @alice":                     "thanks @alice",
	} {
		if got := dropLeadingMentions(in); got != want {
			t.Errorf("dropLeadingMentions(%q) = %q, want %q", in, got, want)
		}
	}
}
