package demo

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// message is the part of an item the checks need, whatever its format.
type message struct {
	feed, id, link, replyTo, author, title, date, content string
}

type rssDoc struct {
	Channel struct {
		Title string `xml:"title"`
		Items []struct {
			Title   string `xml:"title"`
			Link    string `xml:"link"`
			Creator string `xml:"http://purl.org/dc/elements/1.1/ creator"`
			PubDate string `xml:"pubDate"`
			GUID    string `xml:"guid"`
			Content string `xml:"http://purl.org/rss/1.0/modules/content/ encoded"`
		} `xml:"item"`
	} `xml:"channel"`
}

type atomDoc struct {
	Entries []struct {
		ID    string `xml:"http://www.w3.org/2005/Atom id"`
		Title string `xml:"http://www.w3.org/2005/Atom title"`
		Links []struct {
			Href string `xml:"href,attr"`
			Rel  string `xml:"rel,attr"`
		} `xml:"http://www.w3.org/2005/Atom link"`
		Published string `xml:"http://www.w3.org/2005/Atom published"`
		Author    struct {
			Name string `xml:"http://www.w3.org/2005/Atom name"`
		} `xml:"http://www.w3.org/2005/Atom author"`
		Content struct {
			Type string `xml:"type,attr"`
			Text string `xml:",chardata"`
		} `xml:"http://www.w3.org/2005/Atom content"`
		InReplyTo []struct {
			Ref string `xml:"ref,attr"`
		} `xml:"http://purl.org/syndication/thread/1.0 in-reply-to"`
	} `xml:"http://www.w3.org/2005/Atom entry"`
}

type jsonDoc struct {
	Version string `json:"version"`
	Title   string `json:"title"`
	Items   []struct {
		ID            string `json:"id"`
		URL           string `json:"url"`
		Title         string `json:"title"`
		ContentHTML   string `json:"content_html"`
		DatePublished string `json:"date_published"`
		Authors       []struct {
			Name string `json:"name"`
		} `json:"authors"`
	} `json:"items"`
}

// wellFormedXML reads every token to EOF: encoding/xml checks tag nesting
// and rejects characters that are not allowed in XML 1.0.
func wellFormedXML(t *testing.T, name string, data []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("%s is not well-formed XML: %v", name, err)
		}
	}
}

// load parses the three rendered files into messages, failing on any
// malformed file.
func load(t *testing.T, dir string) []message {
	t.Helper()
	read := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	var msgs []message

	data := read("blog-comments.xml")
	wellFormedXML(t, "blog-comments.xml", data)
	var rss rssDoc
	if err := xml.Unmarshal(data, &rss); err != nil {
		t.Fatalf("blog-comments.xml: %v", err)
	}
	if rss.Channel.Title != "Comments for Quillstone Blog" {
		t.Errorf("RSS channel title = %q", rss.Channel.Title)
	}
	for _, it := range rss.Channel.Items {
		msgs = append(msgs, message{feed: "rss", id: it.GUID, link: it.Link, author: it.Creator,
			title: it.Title, date: it.PubDate, content: it.Content})
	}

	data = read("reviews.atom")
	wellFormedXML(t, "reviews.atom", data)
	var atom atomDoc
	if err := xml.Unmarshal(data, &atom); err != nil {
		t.Fatalf("reviews.atom: %v", err)
	}
	for _, e := range atom.Entries {
		m := message{feed: "atom", id: e.ID, author: e.Author.Name, title: e.Title,
			date: e.Published, content: e.Content.Text}
		for _, l := range e.Links {
			if l.Rel == "" || l.Rel == "alternate" {
				m.link = l.Href
			}
		}
		if len(e.InReplyTo) > 0 {
			m.replyTo = e.InReplyTo[0].Ref
		}
		if e.Content.Type != "html" {
			t.Errorf("atom entry %s: content type %q, want html", e.ID, e.Content.Type)
		}
		msgs = append(msgs, m)
	}

	data = read("forum.json")
	var jf jsonDoc
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&jf); err != nil {
		t.Fatalf("forum.json is not valid JSON: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		t.Fatalf("forum.json: trailing data after the feed object (%v)", err)
	}
	if jf.Version != "https://jsonfeed.org/version/1.1" || jf.Title != "Quillstone Community" {
		t.Errorf("JSON feed version/title = %q / %q", jf.Version, jf.Title)
	}
	for _, it := range jf.Items {
		m := message{feed: "json", id: it.ID, link: it.URL, title: it.Title,
			date: it.DatePublished, content: it.ContentHTML}
		if len(it.Authors) > 0 {
			m.author = it.Authors[0].Name
		}
		msgs = append(msgs, m)
	}
	return msgs
}

// threads groups messages the way the demo expects a threader to: an
// explicit in-reply-to (followed to its root) wins; else a link with a
// #fragment groups by the link without it; else the message is its own
// thread. (Reviews all share one plain product-page link and must not be
// grouped by it.)
func threads(msgs []message) map[string]map[string]int {
	byID := map[string]message{}
	for _, m := range msgs {
		byID[m.id] = m
	}
	out := map[string]map[string]int{} // feed -> thread key -> messages
	for _, m := range msgs {
		key := "id:" + m.id
		root := m
		for seen := 0; root.replyTo != "" && seen < len(msgs); seen++ {
			p, ok := byID[root.replyTo]
			if !ok {
				break
			}
			root = p
		}
		switch {
		case root.id != m.id:
			key = "id:" + root.id
		case strings.Contains(m.link, "#"):
			key = "link:" + m.link[:strings.IndexByte(m.link, '#')]
		}
		if out[m.feed] == nil {
			out[m.feed] = map[string]int{}
		}
		out[m.feed][key]++
	}
	return out
}

func TestWrite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	now := time.Date(2026, 3, 14, 15, 9, 26, 0, time.Local)
	fs, err := Write(dir, now)
	if err != nil {
		t.Fatal(err)
	}

	// The returned feeds point at the written files.
	if len(fs) != 3 {
		t.Fatalf("Write returned %d feeds, want 3", len(fs))
	}
	names := map[string]bool{}
	for _, f := range fs {
		if names[f.Name] || f.Name == "" {
			t.Errorf("feed name %q empty or duplicated", f.Name)
		}
		names[f.Name] = true
		if !filepath.IsAbs(f.URL) || filepath.Dir(f.URL) != dir {
			t.Errorf("feed %s: URL %q is not an absolute path in %s", f.Name, f.URL, dir)
		}
		if f.Every != 10*time.Minute {
			t.Errorf("feed %s: Every = %v, want 10m", f.Name, f.Every)
		}
	}
	wantFiles := []string{"blog-comments.xml", "reviews.atom", "forum.json"}
	for i, f := range fs {
		if filepath.Base(f.URL) != wantFiles[i] {
			t.Errorf("feed %d file = %s, want %s", i, filepath.Base(f.URL), wantFiles[i])
		}
	}

	// Permissions: the directory 0700, the files 0600, no leftovers.
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(dir)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o700 {
			t.Errorf("dir mode = %v, want 0700", fi.Mode().Perm())
		}
		for _, f := range fs {
			fi, err := os.Stat(f.URL)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("%s mode = %v, want 0600", f.URL, fi.Mode().Perm())
			}
		}
	}
	more := filepath.Join(dir, MoreConversionsFile)
	if fi, err := os.Stat(more); err != nil {
		t.Errorf("Write did not write %s: %v", MoreConversionsFile, err)
	} else if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("%s mode = %v, want 0600", MoreConversionsFile, fi.Mode().Perm())
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(wantFiles)+1 {
		t.Errorf("dir holds %d entries, want %d (temporary files left?)", len(entries), len(wantFiles)+1)
	}

	msgs := load(t, dir)

	// Counts.
	perFeed := map[string]int{}
	for _, m := range msgs {
		perFeed[m.feed]++
	}
	if len(msgs) < 40 {
		t.Errorf("%d items in total, want >= 40", len(msgs))
	}
	th := threads(msgs)
	total := 0
	for _, feed := range []string{"rss", "atom", "json"} {
		n := len(th[feed])
		total += n
		t.Logf("%s: %d items, %d threads", feed, perFeed[feed], n)
		if n < 4 {
			t.Errorf("%s: %d threads, want >= 4", feed, n)
		}
	}
	if total < 20 {
		t.Errorf("%d threads in total, want comfortably over 15 (>= 20)", total)
	}

	// Every item is complete, IDs are unique, replies point at real items.
	ids := map[string]bool{}
	for _, m := range msgs {
		if m.id == "" || m.link == "" || m.author == "" || m.title == "" || strings.TrimSpace(m.content) == "" {
			t.Errorf("incomplete %s item: %+v", m.feed, m)
		}
		if ids[m.id] {
			t.Errorf("duplicate id %q", m.id)
		}
		ids[m.id] = true
	}
	for _, m := range msgs {
		if m.replyTo != "" && !ids[m.replyTo] {
			t.Errorf("%s replies to unknown %s", m.id, m.replyTo)
		}
	}

	// Reviews all link to the same product page; the forum threads by
	// #post-N fragments; blog comments by #comment-N fragments.
	for _, m := range msgs {
		switch m.feed {
		case "atom":
			if m.link != "https://quillstone.example/reviews" {
				t.Errorf("review %s links to %q", m.id, m.link)
			}
		case "json":
			if !strings.HasPrefix(m.link, "https://community.quillstone.example/t/") || !strings.Contains(m.link, "#post-") {
				t.Errorf("forum post %s url %q", m.id, m.link)
			}
		case "rss":
			if !strings.HasPrefix(m.link, "https://quillstone.example/blog/") || !strings.Contains(m.link, "/#comment-") ||
				!strings.HasPrefix(m.title, "Comment on ") || !strings.HasSuffix(m.title, " by "+m.author) {
				t.Errorf("blog comment %s: link %q title %q", m.id, m.link, m.title)
			}
		}
	}
	if replies := len(msgs) - countWhere(msgs, func(m message) bool { return m.replyTo == "" }); replies < 4 {
		t.Errorf("%d Atom thr:in-reply-to entries, want >= 4", replies)
	}

	// Dates: in the right format, before now, within 14 days.
	for _, m := range msgs {
		layout := time.RFC3339
		if m.feed == "rss" {
			layout = time.RFC1123Z
		}
		d, err := time.Parse(layout, m.date)
		if err != nil {
			t.Errorf("%s: date %q: %v", m.id, m.date, err)
			continue
		}
		if !d.Before(now) || d.Before(now.Add(-14*24*time.Hour)) {
			t.Errorf("%s: date %v not within the 14 days before %v", m.id, d, now)
		}
	}

	// gofeed parses RSS and JSON Feed author names as "name (email)" and
	// returns an empty name for anything else with parentheses or '@'.
	for _, m := range msgs {
		if strings.ContainsAny(m.author, "()@") {
			t.Errorf("%s: author %q would be blanked by gofeed", m.id, m.author)
		}
	}

	// The company answers in every feed, under the names in Ours.
	for _, feed := range []string{"rss", "atom", "json"} {
		n := countWhere(msgs, func(m message) bool { return m.feed == feed && slices.Contains(Ours, m.author) })
		if n < 3 {
			t.Errorf("%s: %d messages by us, want >= 3", feed, n)
		}
	}
	for _, name := range Ours {
		if countWhere(msgs, func(m message) bool { return m.author == name }) == 0 {
			t.Errorf("Ours name %q never appears as an author", name)
		}
	}

	// Hostile payloads: present (the sanitizer has something to show), few,
	// and only in the JSON feed.
	hostile := countWhere(msgs, func(m message) bool {
		return strings.ContainsRune(m.author+m.content, 0x1b)
	})
	if hostile < 2 || hostile > 3 {
		t.Errorf("%d items carry escape sequences, want 2 or 3", hostile)
	}
	for _, m := range msgs {
		if m.feed != "json" && strings.ContainsFunc(m.author+m.title+m.content, func(r rune) bool {
			return r < 0x20 && r != '\n' && r != '\t' && r != '\r'
		}) {
			t.Errorf("%s item %s carries control characters", m.feed, m.id)
		}
	}
}

func TestWriteTwice(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	now := time.Now()
	if _, err := Write(dir, now); err != nil {
		t.Fatal(err)
	}
	first := load(t, dir)
	later := now.Add(90 * time.Minute)
	if _, err := Write(dir, later); err != nil {
		t.Fatal(err)
	}
	second := load(t, dir)
	if len(first) != len(second) {
		t.Fatalf("item count changed: %d then %d", len(first), len(second))
	}
	for i := range first {
		a, b := first[i], second[i]
		if a.id != b.id || a.replyTo != b.replyTo || a.link != b.link || a.content != b.content {
			t.Errorf("item %d changed between renderings: %q -> %q", i, a.id, b.id)
		}
		layout := time.RFC3339
		if a.feed == "rss" {
			layout = time.RFC1123Z
		}
		da, errA := time.Parse(layout, a.date)
		db, errB := time.Parse(layout, b.date)
		if errA != nil || errB != nil || db.Sub(da) != 90*time.Minute {
			t.Errorf("%s: dates %q then %q, want 90m later", a.id, a.date, b.date)
		}
	}
	if runtime.GOOS != "windows" {
		for _, name := range []string{"blog-comments.xml", "reviews.atom", "forum.json"} {
			fi, err := os.Stat(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("%s mode after rewrite = %v, want 0600", name, fi.Mode().Perm())
			}
		}
	}
}

func TestWriteIntoFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(path, time.Now()); err == nil {
		t.Error("Write into a regular file succeeded")
	}
}

func TestParseAgo(t *testing.T) {
	for spec, want := range map[string]time.Duration{
		"20m":     20 * time.Minute,
		"26h":     26 * time.Hour,
		"9d4h30m": 9*24*time.Hour + 4*time.Hour + 30*time.Minute,
		"2d":      48 * time.Hour,
	} {
		got, err := parseAgo(spec)
		if err != nil || got != want {
			t.Errorf("parseAgo(%q) = %v, %v; want %v", spec, got, err, want)
		}
	}
	for _, bad := range []string{"", "0s", "-5m", "xd", "3d-1h", "1w", "500ms"} {
		if _, err := parseAgo(bad); err == nil {
			t.Errorf("parseAgo(%q) succeeded", bad)
		}
	}
}

func countWhere(msgs []message, f func(message) bool) int {
	n := 0
	for _, m := range msgs {
		if f(m) {
			n++
		}
	}
	return n
}
