package feeds

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func date(s string) time.Time {
	d, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestParseFixtures(t *testing.T) {
	tests := []struct {
		file string
		want []Item
	}{
		{"wordpress-comments.rss", []Item{
			{
				ID: "https://blog.example.com/?p=1#comment-42", Feed: "F",
				Author: "Alice Martin", Title: "Comment on Hello world! by Alice Martin",
				Link:      "https://blog.example.com/2025/03/hello-world/#comment-42",
				Published: date("2025-03-04T10:12:00Z"),
				Text:      "Great post! I’d love a follow-up on caching.\n\nSee my notes (https://example.org/cache).",
			},
			{
				ID: "https://blog.example.com/?p=1#comment-43", Feed: "F",
				Author: "Bob", Title: "Comment on Hello world! by Bob",
				Link:      "https://blog.example.com/2025/03/hello-world/#comment-43",
				Published: date("2025-03-04T11:00:00Z"),
				Text:      "In reply to Alice Martin (https://blog.example.com/2025/03/hello-world/#comment-42).\n\n> I’d love a follow-up\n\nSeconded — caching please.\nThanks!",
			},
			{
				// Hostile: entity-encoded escapes in the HTML and a bidi
				// override in the author name.
				ID: "https://blog.example.com/?p=1#comment-44", Feed: "F",
				Author: "Mallorygpj.exe", Title: "Comment on Hello world! by Mallory",
				Link:      "https://blog.example.com/2025/03/hello-world/#comment-44",
				Published: date("2025-03-04T11:30:00Z"),
				Text:      "Nice post!\n\nclick (https://evil.example/) ›31mred",
			},
		}},
		{"forum-thread.atom", []Item{
			{
				ID: "tag:forum.example.net,2025:post-100", Feed: "F",
				Author: "Carol", Title: "Release 2.0 is out",
				Link:      "https://forum.example.net/t/7#p100",
				Published: date("2025-03-05T08:00:00Z"),
				Text:      "Release notes: https://example.net/notes\n\n- faster\n- smaller",
			},
			{
				// No published: updated is used. Email-only author.
				ID: "tag:forum.example.net,2025:post-101", Feed: "F",
				Author: "dave@example.net", Title: "Re: Release 2.0 is out",
				Link:      "https://forum.example.net/t/7#p101",
				Published: date("2025-03-05T08:30:00Z"),
				Text:      "Upgrade went fine here.",
				InReplyTo: "tag:forum.example.net,2025:post-100",
			},
			{
				// No author: the feed's. type="html" title decoded.
				ID: "tag:forum.example.net,2025:post-102", Feed: "F",
				Author: "Forum", Title: "Re: Re: Release 2.0 & more",
				Link:      "https://forum.example.net/t/7#p102",
				Published: date("2025-03-05T10:00:00Z"),
				Text:      "Same here, thanks!\n\n日本語も大丈夫 👍",
				InReplyTo: "tag:forum.example.net,2025:post-101",
			},
		}},
		{"support.json", []Item{
			{
				// content_text is plain: "<3" and newlines survive.
				ID: "ticket-9001", Feed: "F",
				Author: "Émilie Dubois", Title: "Login fails on mobile",
				Link:      "https://support.example.com/t/9001",
				Published: date("2025-03-06T11:00:00Z"),
				Text:      "Hi,\n\nI can't log in from my phone.\nThanks <3 & regards",
			},
			{
				ID: "ticket-9002", Feed: "F",
				Author: "Support Team", Title: "Re: Login fails on mobile",
				Link:      "https://support.example.com/t/9002",
				Published: date("2025-03-06T13:30:00Z"),
				Text:      "Fixed by clearing the cache. 🎉\n\n- Step one\n- Step two",
			},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := Parse("F", readFixture(t, tt.file))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d items, want %d: %+v", len(got), len(tt.want), got)
			}
			for i := range got {
				if !reflect.DeepEqual(got[i], tt.want[i]) {
					t.Errorf("item %d:\n got %#v\nwant %#v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestParseIDs(t *testing.T) {
	// Two comments on one post, no GUIDs, same link: distinct, stable IDs.
	const feed = `<?xml version="1.0"?><rss version="2.0"><channel><title>c</title>
<item><title>First</title><link>https://x.example/post</link><pubDate>Tue, 04 Mar 2025 10:00:00 +0000</pubDate><description>a</description></item>
<item><title>Second</title><link>https://x.example/post</link><pubDate>Tue, 04 Mar 2025 10:00:00 +0000</pubDate><description>b</description></item>
<item><title>Second</title><link>https://x.example/post</link><pubDate>Tue, 04 Mar 2025 10:00:00 +0000</pubDate><description>c</description></item>
<item><title>Has guid</title><guid>urn:x:1</guid></item>
</channel></rss>`
	first, err := Parse("F", []byte(feed))
	if err != nil {
		t.Fatal(err)
	}
	again, err := Parse("F", []byte(feed))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte("https://x.example/post\nFirst\n2025-03-04T10:00:00Z"))
	wantFirst := "h:" + hex.EncodeToString(sum[:])[:32]
	if first[0].ID != wantFirst {
		t.Errorf("first ID = %q, want %q (sha256 of link, title, RFC3339 date)", first[0].ID, wantFirst)
	}
	if first[3].ID != "urn:x:1" {
		t.Errorf("GUID item ID = %q, want the GUID", first[3].ID)
	}
	seen := map[string]int{}
	for i, it := range first {
		if it.ID != again[i].ID {
			t.Errorf("item %d: ID changed between parses: %q then %q", i, it.ID, again[i].ID)
		}
		if j, dup := seen[it.ID]; dup {
			t.Errorf("items %d and %d share ID %q", j, i, it.ID)
		}
		seen[it.ID] = i
		if i < 3 && (len(it.ID) != 34 || !strings.HasPrefix(it.ID, "h:")) {
			t.Errorf("item %d: hash ID %q is not h: + 32 hex digits", i, it.ID)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "empty body"},
		{"only whitespace", " \n\t\n", "empty body"},
		{"HTML page", "<!DOCTYPE html>\n<html><head><title>Login</title></head><body>Please sign in</body></html>", "not a feed: looks like an HTML page"},
		{"HTML without doctype", "<html lang=en><body><p>hi</p></body></html>", "not a feed: looks like an HTML page"},
		{"truncated RSS", "<?xml version=\"1.0\"?>\n<rss version=\"2.0\">\n<channel>\n<title>x</title>\n<item><title>a</title></item>", "malformed XML at line 5"},
		{"XML cut before the root", "<?xml version=\"1.0\"?>\n\n<rss", "malformed XML at line 3"},
		{"other XML", "<?xml version=\"1.0\"?><svg></svg>", "not a feed: XML document with root <svg>"},
		{"JSON that is not a JSON Feed", `{"error": "rate limited"}`, "not a feed: JSON without a jsonfeed.org version"},
		{"broken JSON", "{\n\"version\": \"https://jsonfeed.org/version/1.1\",\n\"items\": [\n", "malformed JSON at line"},
		{"root after a long preamble", "<?xml version=\"1.0\"?><!--" + strings.Repeat(" ", 5000) + "--><rss version=\"2.0\"><channel></channel></rss>", "feed root <rss> starts too far into the document"},
		{"plain text", "Service temporarily down\n", `not a feed: unrecognized content starting "Service temporarily down"`},
		{"escape sequences in the snippet", "\x1b[2Jhello", `not a feed: unrecognized content starting "hello"`},
		{"nesting past the limit", "<rss version=\"2.0\"><channel><item>" + strings.Repeat("<x>", maxXMLDepth) + "</item></channel></rss>", "malformed feed: elements nested more than 512 deep"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, err := Parse("F", []byte(tt.in))
			if err == nil {
				t.Fatalf("Parse succeeded with %d items, want error containing %q", len(items), tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

func TestParseSanitizesEverything(t *testing.T) {
	// JSON can carry raw control characters that XML cannot.
	const feed = `{"version":"https://jsonfeed.org/version/1.1","title":"t",
"items":[{"id":"1\u001b[2J","url":"https://x.example/\u001b]8;;evil\u0007a",
"title":"Hi\u001b]52;c;aGVsbG8=\u0007 there\u202e","authors":[{"name":"Eve\u009b31m\nSmith"}],
"content_text":"line\u001b[H one\r\n\u0007line two\u0085"}]}`
	items, err := Parse("F", []byte(feed))
	if err != nil {
		t.Fatal(err)
	}
	want := Item{ID: "1", Feed: "F", Author: "Eve Smith", Title: "Hi there",
		Link: "https://x.example/a", Text: "line one\nline two"}
	if len(items) != 1 || !reflect.DeepEqual(items[0], want) {
		t.Fatalf("got %#v\nwant %#v", items, want)
	}
}

// gofeed reads "Name (Company)" as a name and an e-mail address and drops
// both; community feeds are full of such names.
func TestParseKeepsNameWithParentheses(t *testing.T) {
	rss := `<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>x</title>
<item><title>a</title><dc:creator>Maya (Quillstone)</dc:creator><guid>1</guid></item>
<item><title>b</title><author>Jo (Acme, Berlin)</author><guid>2</guid></item>
<item><title>c</title><author>maya@q.example (Maya K)</author><guid>3</guid></item></channel></rss>`
	json := `{"version":"https://jsonfeed.org/version/1.1","title":"x","items":[{"id":"1","content_text":"x","authors":[{"name":"Maya (Quillstone)"}]}]}`
	for _, tc := range []struct {
		doc  string
		want []string
	}{
		{rss, []string{"Maya (Quillstone)", "Jo (Acme, Berlin)", "Maya K"}},
		{json, []string{"Maya (Quillstone)"}},
	} {
		items, err := Parse("f", []byte(tc.doc))
		if err != nil {
			t.Fatal(err)
		}
		for i, want := range tc.want {
			if items[i].Author != want {
				t.Errorf("item %d author = %q, want %q", i, items[i].Author, want)
			}
		}
	}
}

// TestParseEncoding: legacy encodings that are declared correctly still
// work, and JSON, which has no declaration, gets the same repairs as XML
// (TestHostileFeeds has the XML cases).
func TestParseEncoding(t *testing.T) {
	rss := func(decl, title string) string {
		return decl + "<rss version=\"2.0\"><channel><title>t</title><item><guid>1</guid><title>" + title + "</title></item></channel></rss>"
	}
	json := func(title string) string {
		return `{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"1","title":"` + title + `"}]}`
	}
	tests := []struct {
		name, doc, want string
	}{
		{"Windows-1252 declared", rss(`<?xml version="1.0" encoding="windows-1252"?>`, "caf\xe9 \x93ok\x94"), "café “ok”"},
		{"KOI8-R declared", rss(`<?xml version="1.0" encoding="KOI8-R"?>`, "\xf0\xd2\xc9\xd7\xc5\xd4"), "Привет"},
		{"BOM and Latin-1 declared on ASCII", "\ufeff" + rss(`<?xml version="1.0" encoding="ISO-8859-1"?>`, "plain"), "plain"},
		{"UTF-16 declared on UTF-8 bytes", rss(`<?xml version='1.0' encoding='UTF-16'?>`, "café"), "café"},
		{"JSON in Windows-1252", json("caf\xe9 \x93ok\x94"), "café “ok”"},
		{"JSON with damaged UTF-8", json("naïve déjà \xff\xfe\xfd\xfc vu"), "naïve déjà \uFFFD vu"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, err := Parse("F", []byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			if len(items) != 1 || items[0].Title != tt.want {
				t.Fatalf("got %+v, want one item titled %q", items, tt.want)
			}
		})
	}
}
