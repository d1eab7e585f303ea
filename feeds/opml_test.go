package feeds

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseOPMLFlattensFoldersAndCleansTitles(t *testing.T) {
	f, err := os.Open("testdata/feedly.opml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	list, skipped, err := ParseOPML(f)
	if err != nil {
		t.Fatal(err)
	}
	want := []OPMLFeed{
		{"Quillstone Blog — Comments", "https://quillstone.example/comments/feed/", "Product"},
		{"Quillstone Community: Latest", "https://community.quillstone.example/latest.rss", "Product"},
		{"Notewell & Friends", "https://notewell.example/feed.atom", "Product / Competitors"},
		{`"Quoted" \ back`, "https://odd.example/rss", "Product / Competitors"},
		{"Hacker News: Newest", "https://hnrss.org/newest?q=quillstone", "Tech"},
		{"Quillstone Blog — Comments", "HTTPS://Quillstone.example/comments/feed", "Tech"},
		{"Evilred", "https://evil.example/feed.xml", ""}, // C1 and bidi controls gone
		{"untitled.example", "https://untitled.example/rss", ""},
	}
	if !slices.Equal(list, want) {
		t.Errorf("feeds:\n got %q\nwant %q", list, want)
	}
	if len(skipped) != 1 || skipped[0].URL != "gopher://old.example/feed" {
		t.Errorf("skipped = %+v, want the gopher feed", skipped)
	}
}

func TestParseOPMLRefusesOtherFiles(t *testing.T) {
	for _, text := range []string{"<rss><channel/></rss>", "not xml at all", `[[feed]]\nname = "x"`} {
		if _, _, err := ParseOPML(strings.NewReader(text)); err == nil || !strings.Contains(err.Error(), "not an OPML file") {
			t.Errorf("%q: err %v", text, err)
		}
	}
}

func TestSameFeedURL(t *testing.T) {
	for _, c := range []struct {
		a, b string
		same bool
	}{
		{"https://a.example/feed/", "HTTPS://A.example/feed", true},
		{"https://a.example/feed", "https://a.example/feed#x", true},
		{"https://a.example/feed", "https://a.example/Feed", false},
		{"https://a.example/feed?q=1", "https://a.example/feed?q=2", false},
	} {
		if got := SameFeedURL(c.a, c.b); got != c.same {
			t.Errorf("SameFeedURL(%q, %q) = %v", c.a, c.b, got)
		}
	}
}

func TestWriteOPMLRoundTrips(t *testing.T) {
	list := []Feed{
		{Name: "Blog <comments> & more", URL: "https://quillstone.example/comments/feed/", Kind: KindFeed},
		{Name: "Mastodon", URL: "https://mastodon.example", Kind: KindMastodon},
		{Name: "Local", URL: "/home/sam/feed.xml"},
		{Name: "HN RSS", URL: "https://hnrss.org/newest?q=a&points=5"},
	}
	var buf bytes.Buffer
	skipped, err := WriteOPML(&buf, "parley feeds", list, time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if len(skipped) != 2 || skipped[0].Name != "Mastodon" || skipped[1].Name != "Local" {
		t.Errorf("skipped = %+v, want Mastodon and Local", skipped)
	}
	out := buf.String()
	for _, want := range []string{`<?xml version="1.0" encoding="UTF-8"?>`, `<opml version="2.0">`, `<dateCreated>Wed, 02 Dec 2026 10:00:00 +0000</dateCreated>`,
		`text="Blog &lt;comments&gt; &amp; more"`, `type="rss"`, `xmlUrl="https://hnrss.org/newest?q=a&amp;points=5"`} {
		if !strings.Contains(out, want) {
			t.Errorf("OPML lacks %s:\n%s", want, out)
		}
	}
	back, _, err := ParseOPML(&buf)
	if err != nil {
		t.Fatal(err)
	}
	want := []OPMLFeed{{Title: "Blog <comments> & more", URL: list[0].URL}, {Title: "HN RSS", URL: list[3].URL}}
	if !slices.Equal(back, want) {
		t.Errorf("read back %q, want %q", back, want)
	}
}

// An OPML title with a zero-width space (or word joiner, BOM) becomes a
// name the config accepts: the invisible characters are dropped.
func TestParseOPMLDropsInvisibleCharacters(t *testing.T) {
	doc := `<?xml version="1.0"?><opml version="2.0"><body>` +
		`<outline type="rss" title="Blog` + "\u200b\u2060\ufeff" + `" xmlUrl="https://blog.example/feed"/>` +
		`</body></opml>`
	list, _, err := ParseOPML(strings.NewReader(doc))
	if err != nil || len(list) != 1 {
		t.Fatalf("ParseOPML: %v, %d feeds", err, len(list))
	}
	if list[0].Title != "Blog" {
		t.Errorf("title %q, want \"Blog\"", list[0].Title)
	}
	if err := checkPlain("name", list[0].Title); err != nil {
		t.Errorf("the imported name is refused by the config: %v", err)
	}
}
