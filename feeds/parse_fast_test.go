package feeds

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// wordpressShape is a comment feed as WordPress (and the bench) writes it,
// with what parseRSSFast must handle: entities, CDATA, content:encoded.
const wordpressShape = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
<title>Blog &amp; comments</title>
<link>https://blog.example.com/</link>
<description>Comments</description>
<lastBuildDate>Mon, 01 Jun 2026 00:00:00 +0000</lastBuildDate>
<item>
<title>Comment on Sync &#8217;n&#x2019; stuff by Vera</title>
<link>https://blog.example.com/post-9/#comment-490</link>
<dc:creator>Vera Mehta</dc:creator>
<pubDate>Sun, 31 May 2026 09:37:43 +0000</pubDate>
<guid isPermaLink="false">https://blog.example.com/?p=9#comment-490</guid>
<description><![CDATA[<p>Broken on my <em>Pixel</em> &amp; more.</p>]]></description>
</item>
<item>
<title>Comment two</title>
<link>https://blog.example.com/post-9/#comment-491</link>
<pubDate>Sun, 31 May 2026 10:37:43 -0200</pubDate>
<guid>https://blog.example.com/?p=9#comment-491</guid>
<description>&lt;p&gt;Escaped &amp;eacute; HTML&lt;/p&gt;</description>
<content:encoded><![CDATA[<p>Full</p>]]> text &lt;b&gt;</content:encoded>
<category>x</category><category>y</category>
</item>
<item><title>No date, no guid</title><link>https://blog.example.com/3</link></item>
</channel>
</rss>
`

// atomShape is a threaded Atom comment feed (RFC 4685 thr:in-reply-to).
const atomShape = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="http://purl.org/syndication/thread/1.0" xml:lang="en">
  <title type="text">Comments &amp; replies</title>
  <id>tag:forum.example.net,2025:thread-7</id>
  <updated>2025-03-05T10:00:00Z</updated>
  <author><name>Forum</name></author>
  <link rel="self" href="https://forum.example.net/t/7.atom"/>
  <entry>
    <title>Release 2.0 is out</title>
    <id>tag:forum.example.net,2025:post-100</id>
    <link rel="alternate" type="text/html" href="https://forum.example.net/t/7#p100"/>
    <published>2025-03-05T08:00:00Z</published>
    <updated>2025-03-05T08:05:00Z</updated>
    <author><name>Carol</name><email>carol@example.net</email><uri>https://c.example/</uri></author>
    <content type="html">&lt;p&gt;Notes &amp;amp; more: &lt;a href="https://example.net/n"&gt;here&lt;/a&gt;&lt;/p&gt;</content>
  </entry>
  <entry>
    <title type="html"><![CDATA[Re: <b>Release</b>]]></title>
    <id>tag:forum.example.net,2025:post-101</id>
    <link rel="replies" href="https://forum.example.net/t/7/replies"/>
    <link href="https://forum.example.net/t/7#p101"/>
    <updated>2025-03-05T09:30:00+01:00</updated>
    <author><email>dave@example.net</email></author>
    <thr:in-reply-to ref="tag:forum.example.net,2025:post-100" href="https://forum.example.net/t/7#p100" type="text/html"/>
    <summary>Upgrade went fine here.</summary>
    <category term="release"/>
  </entry>
  <entry>
    <id>tag:forum.example.net,2025:post-102</id>
    <content><![CDATA[<p>No author: the feed's.</p>]]></content>
  </entry>
</feed>
`

// fastOK reports whether a fast path takes data.
func fastOK(data []byte) bool {
	data = fixEncoding(data)
	if _, _, ok := parseRSSFast(data); ok {
		return true
	}
	_, ok := parseAtomFast(data)
	return ok
}

// parseBoth parses data with and without parseRSSFast.
func parseBoth(t testing.TB, data []byte) (fast, slow []Item, fastErr, slowErr error) {
	t.Helper()
	defer func() { fastParseEnabled = true }()
	fastParseEnabled = true
	fast, fastErr = Parse("f", data)
	fastParseEnabled = false
	slow, slowErr = Parse("f", data)
	return
}

// TestFastParseMatchesGofeed: on every fixture (hostile corpus included)
// Parse gives the same items and errors with the fast path as gofeed
// alone, and the common shape does take the fast path.
func TestFastParseMatchesGofeed(t *testing.T) {
	if _, _, ok := parseRSSFast(fixEncoding([]byte(wordpressShape))); !ok {
		t.Fatal("parseRSSFast refused the WordPress comment feed shape")
	}
	if _, ok := parseAtomFast(fixEncoding([]byte(atomShape))); !ok {
		t.Fatal("parseAtomFast refused the threaded Atom shape")
	}
	n, fastN := 0, 0
	check := func(name string, data []byte) {
		n++
		if fastOK(data) {
			fastN++
		}
		fast, slow, fastErr, slowErr := parseBoth(t, data)
		if (fastErr == nil) != (slowErr == nil) || (fastErr != nil && fastErr.Error() != slowErr.Error()) {
			t.Errorf("%s: error %v, gofeed alone %v", name, fastErr, slowErr)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Errorf("%s: items differ\nfast:   %+v\ngofeed: %+v", name, fast, slow)
		}
	}
	check("wordpressShape", []byte(wordpressShape))
	check("atomShape", []byte(atomShape))
	for _, variant := range []string{
		strings.Replace(wordpressShape, "Vera Mehta", "Maya (Quillstone)", 1),
		strings.Replace(wordpressShape, "+0000", "GMT", 1),
		strings.Replace(wordpressShape, "<item>", "<item>\r\n", 1),
		strings.Replace(wordpressShape, "<title>Comment two", "<!-- c --><title>Comment two", 1),
		strings.Replace(wordpressShape, `encoding="UTF-8"`, `encoding="ISO-8859-1"`, 1),
		strings.Replace(wordpressShape, "Escaped", "Escaped &nbsp;", 1),
		strings.Replace(wordpressShape, "<title>No date", "<TITLE>No date", 1),
	} {
		check("variant", []byte(variant))
	}
	err := filepath.WalkDir("testdata", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		check(path, data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d documents, %d on the fast path", n, fastN)
	if fastN < 2 {
		t.Errorf("only %d documents took the fast path", fastN)
	}
}

// FuzzFastParse holds parseRSSFast to gofeed: whenever it accepts a
// document, Parse must give what gofeed alone gives.
func FuzzFastParse(f *testing.F) {
	f.Add([]byte(wordpressShape))
	f.Add([]byte(atomShape))
	for _, name := range []string{"wordpress-comments.rss", "forum-thread.atom"} {
		if data, err := os.ReadFile(filepath.Join("testdata", name)); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`<rss version="2.0"><channel><item><title> a &amp;amp; <![CDATA[ b ]]> &#x41; </title><guid isPermaLink="true"> g </guid></item></channel></rss>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if !fastOK(data) {
			return
		}
		fast, slow, fastErr, slowErr := parseBoth(t, data)
		if fastErr != nil {
			t.Fatalf("fast path accepted the document but Parse failed: %v", fastErr)
		}
		if slowErr != nil {
			t.Fatalf("fast path accepted a document gofeed refuses: %v", slowErr)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("items differ\nfast:   %+v\ngofeed: %+v", fast, slow)
		}
	})
}

// BenchmarkParseCommentFeed: one 50-comment feed, RSS (WordPress) and
// threaded Atom, by Parse with the fast paths and by gofeed alone (the
// ratio is the fast path's gain).
func BenchmarkParseCommentFeed(b *testing.B) {
	for _, shape := range []struct{ name, doc, item, end string }{
		{"rss", wordpressShape, "item", "</channel>\n</rss>\n"},
		{"atom", atomShape, "entry", "</feed>\n"},
	} {
		head, rest, _ := strings.Cut(shape.doc, "<"+shape.item+">")
		item, _, _ := strings.Cut(rest, "</"+shape.item+">")
		var doc strings.Builder
		doc.WriteString(head)
		for i := range 50 {
			one := strings.NewReplacer("comment-490", fmt.Sprintf("comment-%d", i), "post-100", fmt.Sprintf("post-%d", i)).Replace(item)
			doc.WriteString("<" + shape.item + ">" + one + "</" + shape.item + ">\n")
		}
		doc.WriteString(shape.end)
		data := []byte(doc.String())
		for _, fast := range []bool{true, false} {
			name := shape.name + "/" + map[bool]string{true: "fast", false: "gofeed"}[fast]
			b.Run(name, func(b *testing.B) {
				defer func() { fastParseEnabled = true }()
				fastParseEnabled = fast
				b.SetBytes(int64(len(data)))
				for b.Loop() {
					if items, err := Parse("b", data); err != nil || len(items) != 50 {
						b.Fatal(len(items), err)
					}
				}
			})
		}
	}
}

// TestFastParseMutations is FuzzFastParse's check on a few thousand
// deterministic mutations of the WordPress shape and the RSS fixtures
// (go test -fuzz makes little progress on this machine): wherever the
// fast path accepts a mutant, Parse must equal gofeed alone.
func TestFastParseMutations(t *testing.T) {
	seeds := [][]byte{[]byte(wordpressShape), []byte(atomShape)}
	for _, name := range []string{"wordpress-comments.rss", "forum-thread.atom"} {
		if data, err := os.ReadFile(filepath.Join("testdata", name)); err == nil {
			seeds = append(seeds, data)
		}
	}
	pieces := []string{"<", ">", "&", "&amp;", "&#0;", "&#38;", "&#x41;", "&nbsp;", "&eacute", "]]>", "<![CDATA[",
		"\r", "\x00", "\x1b", " ", "\t", "\n", "@", "(", ")", "é", "\uFFFE", "\u00a0", "<x>", "</x>", `"`, "'", ":",
		"&#xD800;", "&#x10FFFF;", "<!-- c -->", "</item>", "<item>", "<guid>", "</title>", "/>", "\ufeff", "+0000", "GMT",
		` xml:base="http://a.example/"`, ` xmlns="http://x.example/"`, "<?pi x?>", "&lt;p&gt;", "<![CDATA[x]]>",
		` rel="alternate"`, ` type="xhtml"`, ` type="html"`, "<link href=\"x\"/>", "2025-03-05T09:30:00.5Z", "<author><name>A</name></author>",
		"<uri>x</uri>", "<email>e@x</email>", `<thr:in-reply-to ref="a"/>`, "<id>#a#b</id>", " href=\"%zz\""}
	rng := rand.New(rand.NewPCG(1, 2))
	n, accepted := 0, 0
	for range 20000 {
		doc := append([]byte(nil), seeds[rng.IntN(len(seeds))]...)
		for range 1 + rng.IntN(3) {
			at := rng.IntN(len(doc) + 1)
			switch rng.IntN(3) {
			case 0:
				doc = append(doc[:at:at], append([]byte(pieces[rng.IntN(len(pieces))]), doc[at:]...)...)
			case 1:
				end := min(len(doc), at+1+rng.IntN(8))
				doc = append(doc[:at:at], doc[end:]...)
			case 2:
				end := min(len(doc), at+1+rng.IntN(40))
				doc = append(doc[:end:end], append(append([]byte(nil), doc[at:end]...), doc[end:]...)...)
			}
		}
		n++
		if !fastOK(doc) {
			continue
		}
		accepted++
		fast, slow, fastErr, slowErr := parseBoth(t, doc)
		if fastErr != nil || slowErr != nil || !reflect.DeepEqual(fast, slow) {
			t.Fatalf("mutant %q:\nfast:   %+v %v\ngofeed: %+v %v", doc, fast, fastErr, slow, slowErr)
		}
	}
	t.Logf("%d mutants, %d on the fast path", n, accepted)
	if accepted < n/40 {
		t.Errorf("only %d of %d mutants took the fast path: the test checks little", accepted, n)
	}
}
