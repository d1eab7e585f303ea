package feeds

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"parley/feeds/fakeapi"
)

// A conversation with three people and us, as the status and context
// endpoints serve it: every item answers the status it names, reads as
// people see it, and is answered by mentioning its own author.
func TestMastodonConversationItems(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "mastodon", "context.json"))
	if err != nil {
		t.Fatal(err)
	}
	var payload struct {
		Status  mastodonStatus  `json:"status"`
		Context mastodonContext `json:"context"`
	}
	if err := json.Unmarshal(data, &payload); err != nil {
		t.Fatal(err)
	}
	statuses := append([]mastodonStatus{payload.Status}, payload.Context.Ancestors...)
	statuses = append(statuses, payload.Context.Descendants...)

	c := newMastodonClient(nil, Feed{Name: "fedi", URL: "https://social.example/"})
	me := mastodonAccount{ID: "109300001", Username: "quillstone", Acct: "quillstone"}
	id := func(n string) string { return "mastodon:social.example:11357000000000000" + n }
	want := map[string]Item{
		id("1"): {Author: "@maria", Text: "how much is the pro plan for a team of five? #pricing",
			Target: Target{ID: "113570000000000001", Visibility: "public", Mention: "maria"}},
		id("2"): {Author: "@quillstone", InReplyTo: id("1"), Ours: true,
			Text:   "Pro is $12 a seat; teams of five get 20% off yearly: https://quillstone.example/pricing/teams?utm_source=mastodon",
			Target: Target{ID: "113570000000000002", Visibility: "public"}},
		id("5"): {Author: "@maria", InReplyTo: id("2"), Text: "thanks! Sending the link to my boss.",
			Target: Target{ID: "113570000000000005", Visibility: "public", Mention: "maria"}},
		// Our mention is not the first: the text stays as written.
		id("3"): {Author: "@tandem@fosstodon.example", InReplyTo: id("1"),
			Text:   "@maria @quillstone we pay for 5 seats, worth it for the sync alone.\n\nThe yearly discount took a support ticket though.",
			Target: Target{ID: "113570000000000003", Visibility: "public", Mention: "tandem@fosstodon.example"}},
		id("4"): {Author: "@jo", InReplyTo: id("3"),
			Text:   "@tandem @maria @quillstone does the discount apply to monthly billing too?",
			Target: Target{ID: "113570000000000004", Visibility: "unlisted", Mention: "jo"}},
	}
	if len(statuses) != len(want) {
		t.Fatalf("%d statuses in the payload, want %d", len(statuses), len(want))
	}
	for _, s := range statuses {
		it := c.item(s, me)
		w, ok := want[it.ID]
		if !ok {
			t.Errorf("unexpected item ID %q (status %s)", it.ID, s.ID)
			continue
		}
		w.ID, w.Feed, w.Link, w.Published = it.ID, "fedi", *s.URL, parseMastodonTime(s.CreatedAt)
		if it != w {
			t.Errorf("status %s:\n got %+v\nwant %+v", s.ID, it, w)
		}
	}
}

// Replies in a conversation of several people go to the status answered
// and mention its author, whoever started the thread or wrote last.
func TestMastodonReplyAddressesThePerson(t *testing.T) {
	srv, f, feed := newMastodonTest(t)
	srv.Add(fakeapi.MastodonStatusSpec{From: "tandem@fosstodon.example", Text: "hello"}) // known, so mentions of it are linked
	srv.Add(fakeapi.MastodonStatusSpec{From: "jo", Text: "hi"})
	root := srv.AddMention("maria", "how much is the pro plan for a team of five?", "", "")
	srv.Add(fakeapi.MastodonStatusSpec{Text: "@maria Pro is $12 a seat.", InReplyToID: root})
	tandem := srv.Add(fakeapi.MastodonStatusSpec{From: "tandem@fosstodon.example", Text: "@maria @quillstone we pay for five seats, worth it", InReplyToID: root, Notify: true})
	jo := srv.Add(fakeapi.MastodonStatusSpec{From: "jo", Text: "@tandem@fosstodon.example @maria @quillstone monthly billing too?", InReplyToID: tandem, Visibility: "unlisted", Notify: true})

	items := fetchMastodonItems(t, f, feed)
	tandemItem, joItem := items[mastodonTestID(srv, tandem)], items[mastodonTestID(srv, jo)]
	if tandemItem.InReplyTo != mastodonTestID(srv, root) || joItem.InReplyTo != mastodonTestID(srv, tandem) {
		t.Fatalf("InReplyTo: tandem %q, jo %q; want maria's %q and tandem's", tandemItem.InReplyTo, joItem.InReplyTo, mastodonTestID(srv, root))
	}

	r := f.Replier(feed)
	for _, tt := range []struct {
		answered           Item
		text               string
		wantText, wantVis  string
		wantStatus, person string
	}{
		{tandemItem, "Glad the sync earns its keep!", "@tandem@fosstodon.example Glad the sync earns its keep!", "public", tandem, "tandem"},
		{joItem, "Yes, 20% off monthly too.", "@jo Yes, 20% off monthly too.", "unlisted", jo, "jo"},
	} {
		before := len(srv.Posted())
		p, err := r.Reply(context.Background(), Outgoing{Key: "k-" + tt.person, Text: tt.text, Target: tt.answered.Target, Queued: time.Now()})
		if err != nil {
			t.Fatalf("reply to %s: %v", tt.person, err)
		}
		posts := srv.Posted()
		if len(posts) != before+1 {
			t.Fatalf("reply to %s: %d posts, want %d", tt.person, len(posts), before+1)
		}
		got := posts[len(posts)-1]
		if got.InReplyToID != tt.wantStatus || got.Text != tt.wantText || got.Visibility != tt.wantVis {
			t.Errorf("reply to %s posted in_reply_to_id %s, %q, %s; want %s, %q, %s", tt.person, got.InReplyToID, got.Text, got.Visibility, tt.wantStatus, tt.wantText, tt.wantVis)
		}
		back := fetchMastodonItems(t, f, feed)[p.ItemID]
		if !back.Ours || back.InReplyTo != tt.answered.ID || back.Text != tt.text {
			t.Errorf("reply to %s fetched back: Ours %v InReplyTo %q Text %q; want true, %q, %q", tt.person, back.Ours, back.InReplyTo, back.Text, tt.answered.ID, tt.text)
		}
	}
}

// Root names a conversation's first status even when the chain passes
// statuses that never mentioned us; what was learnt is not asked again.
func TestMastodonConversationRoot(t *testing.T) {
	srv, f, feed := newMastodonTest(t)
	srv.Add(fakeapi.MastodonStatusSpec{From: "tandem@fosstodon.example", Text: "hello"})
	srv.Add(fakeapi.MastodonStatusSpec{From: "jo", Text: "hi"})
	// maria asks her followers, without mentioning us; tandem answers her
	// (no mention of us either); jo brings us in; tandem and we answer jo.
	root := srv.Add(fakeapi.MastodonStatusSpec{From: "maria", Text: "Anyone on Quillstone Pro? Is it worth it for five people?"})
	quiet := srv.Add(fakeapi.MastodonStatusSpec{From: "tandem@fosstodon.example", Text: "@maria we are, ask them about the yearly discount", InReplyToID: root})
	jo := srv.Add(fakeapi.MastodonStatusSpec{From: "jo", Text: "@tandem@fosstodon.example @maria @quillstone is there a yearly discount?", InReplyToID: quiet, Notify: true})
	tandem := srv.Add(fakeapi.MastodonStatusSpec{From: "tandem@fosstodon.example", Text: "@jo @quillstone there was one last year", InReplyToID: jo, Notify: true})
	ours := srv.Add(fakeapi.MastodonStatusSpec{Text: "@jo yes, 20% off for teams", InReplyToID: jo})
	other := srv.AddMention("priya", "unrelated: does export keep tags?", "", "")

	contexts := func() int {
		n := 0
		for _, r := range srv.Requests() {
			if strings.HasSuffix(strings.SplitN(r, "?", 2)[0], "/context") {
				n++
			}
		}
		return n
	}
	wantRoot := mastodonTestID(srv, root)
	for round := range 2 {
		items := fetchMastodonItems(t, f, feed)
		for _, id := range []string{jo, tandem, ours} {
			if got := items[mastodonTestID(srv, id)].Root; got != wantRoot {
				t.Errorf("round %d: status %s has Root %q, want maria's first status %q", round, id, got, wantRoot)
			}
		}
		if got := items[mastodonTestID(srv, other)].Root; got != "" {
			t.Errorf("round %d: a status starting its conversation has Root %q", round, got)
		}
	}
	// One lookup (for ours, first) teaches the chain: jo's and tandem's
	// roots follow without asking, and the second fetch asks nothing.
	if n := contexts(); n != 1 {
		t.Errorf("%d context requests over two fetches, want 1", n)
	}
}

// Context lookups are bounded per fetch, ours first.
func TestMastodonRootLookupsBounded(t *testing.T) {
	srv, f, feed := newMastodonTest(t)
	var answers []string
	for i := range mastodonRootLookups + 2 {
		from := "asker" + strconv.Itoa(i)
		root := srv.Add(fakeapi.MastodonStatusSpec{From: from, Text: "question " + strconv.Itoa(i) + " for my followers"})
		answers = append(answers, srv.Add(fakeapi.MastodonStatusSpec{From: "helper" + strconv.Itoa(i), Text: "@quillstone can you answer " + from + "?", InReplyToID: root, Notify: true}))
	}
	lateRoot := srv.Add(fakeapi.MastodonStatusSpec{From: "late", Text: "one more question"})
	ours := srv.Add(fakeapi.MastodonStatusSpec{Text: "@late here is the answer", InReplyToID: lateRoot})

	items := fetchMastodonItems(t, f, feed)
	if items[mastodonTestID(srv, ours)].Root != mastodonTestID(srv, lateRoot) {
		t.Errorf("our reply has Root %q, want %q: ours are looked up first", items[mastodonTestID(srv, ours)].Root, mastodonTestID(srv, lateRoot))
	}
	known := 0
	for _, id := range answers {
		if items[mastodonTestID(srv, id)].Root != "" {
			known++
		}
	}
	if known != mastodonRootLookups-1 {
		t.Errorf("%d of %d answers got a Root, want %d (the lookups left after ours)", known, len(answers), mastodonRootLookups-1)
	}
}
