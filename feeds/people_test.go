package feeds

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Multi-person threads from read-only feeds: which message each item
// answers, as the source says it.

const peoplePost = "https://blog.quillstone.example/2026/11/pro-price-changes/"

func parsePeopleFixture(t *testing.T, name string) map[string]Item {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "people", name))
	if err != nil {
		t.Fatal(err)
	}
	items, err := Parse("Blog", data)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]Item{}
	for _, it := range items {
		byID[it.ID] = it
	}
	if len(byID) != 6 {
		t.Fatalf("%s: %d items, want 6", name, len(byID))
	}
	return byID
}

func peopleComment(n string) string { return "https://blog.quillstone.example/?p=412#comment-" + n }

// WordPress's Atom comment feed (wp-includes/feed-atom-comments.php) says
// with thr:in-reply-to what each comment answers: the post's GUID for a
// top-level comment, the parent comment's GUID (its atom:id) otherwise.
func TestParseAtomReplyChains(t *testing.T) {
	items := parsePeopleFixture(t, "wordpress-comments.atom")
	want := []struct{ id, author, inReplyTo, text string }{
		{"101", "Will Harper", "https://blog.quillstone.example/?p=412", "Not worth the price anymore. Dropping to free next month."},
		{"102", "Grace Liu", peopleComment("101"), "You should try Pro for a month with the new sync, it changed my mind."},
		{"103", "Priya Raman", "https://blog.quillstone.example/?p=412", "You saved my week with the offline mode — happy to pay for that."},
		{"104", "Hannah Becker", peopleComment("103"), "Glad it works for you. The export just ate all my tags. Never again."},
		{"105", "Maya from Quillstone", peopleComment("104"), "Hannah, I am sorry the export ate your tags."},
		{"106", "Will Harper", peopleComment("102"), "Tried it last year. The sync was fine, the price is the problem."},
	}
	for _, w := range want {
		it, ok := items[peopleComment(w.id)]
		if !ok {
			t.Errorf("comment %s missing", w.id)
			continue
		}
		if it.Author != w.author || it.InReplyTo != w.inReplyTo || it.Root != "" || it.Link != peoplePost+"#comment-"+w.id {
			t.Errorf("comment %s: author %q InReplyTo %q Root %q Link %q; want %q, %q, no root, the comment's permalink",
				w.id, it.Author, it.InReplyTo, it.Root, it.Link, w.author, w.inReplyTo)
		}
		if !strings.Contains(it.Text, w.text) {
			t.Errorf("comment %s reads %q, want it to contain %q", w.id, it.Text, w.text)
		}
		// Every parent named is in the feed, or is the post itself.
		if _, ok := items[it.InReplyTo]; !ok && it.InReplyTo != "https://blog.quillstone.example/?p=412" {
			t.Errorf("comment %s answers %q, which is no item of the feed", w.id, it.InReplyTo)
		}
	}
}

// WordPress's RSS comment feed names no parent: InReplyTo stays empty, and
// the comments of one post share a thread by their link's fragment (the
// store's rule), so each link must be the post's URL plus #comment-N.
func TestParseWordPressCommentsFourPeople(t *testing.T) {
	items := parsePeopleFixture(t, "wordpress-comments.rss")
	people := map[string]bool{}
	for id, it := range items {
		if it.InReplyTo != "" || it.Root != "" {
			t.Errorf("%s: InReplyTo %q Root %q, want both empty (RSS says nothing)", id, it.InReplyTo, it.Root)
		}
		base, frag, ok := strings.Cut(it.Link, "#")
		if !ok || base != peoplePost || !strings.HasPrefix(frag, "comment-") || !strings.HasSuffix(id, "#"+frag) {
			t.Errorf("%s: link %q is not the post's URL with the comment's fragment", id, it.Link)
		}
		people[it.Author] = true
	}
	for _, p := range []string{"Will Harper", "Grace Liu", "Priya Raman", "Hannah Becker", "Maya from Quillstone"} {
		if !people[p] {
			t.Errorf("no comment by %s (authors: %v)", p, people)
		}
	}
	hannah := items[peopleComment("104")]
	if want := "In reply to Priya Raman (" + peoplePost + "#comment-103).\n\nGlad it works for you. The export just ate all my tags. Never again."; hannah.Text != want {
		t.Errorf("Hannah's comment reads %q, want %q", hannah.Text, want)
	}
}

// The issue's own example: a Mastodon hashtag feed read as RSS shows the
// mention as people read it, with no profile URL.
func TestParseMastodonRSSMention(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "mastodon", "tag-pricing.rss"))
	if err != nil {
		t.Fatal(err)
	}
	items, err := Parse("#pricing", data)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 {
		t.Fatalf("%d items, want 1", len(items))
	}
	if want := "@tandem how much is the pro plan for a team of five? #pricing"; items[0].Text != want {
		t.Errorf("text %q, want %q", items[0].Text, want)
	}
}
