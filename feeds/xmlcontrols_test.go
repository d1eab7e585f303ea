package feeds

import (
	"strings"
	"testing"
)

// TestOneHostileItemDoesNotHideTheFeed: a raw ESC (and other C0 controls
// XML forbids) in one comment used to fail the whole feed with "illegal
// character code U+001B"; now every item is read and none carries the
// sequence or its leftovers.
func TestOneHostileItemDoesNotHideTheFeed(t *testing.T) {
	for _, tc := range []struct{ name, doc string }{
		{"rss", `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Comments</title>
<item><title>By: Ann</title><link>https://blog.example/p/#comment-1</link><guid>c1</guid><dc:creator>Ann</dc:creator>
<description>fine words</description><pubDate>Mon, 02 Mar 2026 10:00:00 +0000</pubDate></item>
<item><title>By: Eve` + "\x1b[31m" + `red</title><link>https://blog.example/p/#comment-2</link><guid>c2</guid><dc:creator>Eve` + "\x1b]8;;https://evil.example/\x07" + `</dc:creator>
<description>hi` + "\x07\x00\x1b[2J" + ` there</description><pubDate>Mon, 02 Mar 2026 11:00:00 +0000</pubDate></item>
</channel></rss>`},
		{"atom", `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Forum</title><id>urn:f</id><updated>2026-03-02T10:00:00Z</updated>
<entry><id>urn:1</id><title>First</title><updated>2026-03-02T10:00:00Z</updated><author><name>Ann</name></author><content>fine words</content></entry>
<entry><id>urn:2</id><title>Eve` + "\x1b[31m" + `red</title><updated>2026-03-02T11:00:00Z</updated><author><name>Eve</name></author><content>hi` + "\x07\x00\x1b[2J" + ` there</content></entry>
</feed>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			items, err := Parse("blog", []byte(tc.doc))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if len(items) != 2 {
				t.Fatalf("got %d items, want 2", len(items))
			}
			eve := items[1]
			for _, s := range []string{eve.Title, eve.Author, eve.Text} {
				if strings.ContainsAny(s, "\x1b\x07\x00") || strings.Contains(s, "[31m") || strings.Contains(s, "[2J") || strings.Contains(s, "evil.example") {
					t.Errorf("control sequence left in %q", s)
				}
			}
			if !strings.Contains(eve.Text, "hi there") || !strings.Contains(eve.Title, "Evered") {
				t.Errorf("text around the sequences lost: title %q text %q", eve.Title, eve.Text)
			}
		})
	}
}
