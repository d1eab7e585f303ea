package feeds

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	ext "github.com/mmcdole/gofeed/extensions"
	gojson "github.com/mmcdole/gofeed/json"
	"github.com/mmcdole/gofeed/rss"
	"golang.org/x/net/html"
)

// Parse reads an RSS 2.0/1.0, Atom or JSON Feed document and returns its
// items, in feed order, normalized and sanitized. feedName fills Item.Feed.
//
// Errors describe the body for a person reading them ("empty body",
// "not a feed: looks like an HTML page", "malformed XML at line 12: ...")
// and do not name the feed: the caller adds that.
func Parse(feedName string, data []byte) ([]Item, error) {
	if len(bytes.TrimLeft(data, "\ufeff \t\r\n")) == 0 {
		return nil, errors.New("empty body")
	}
	p := gofeed.NewParser()
	// The original is needed to tell a JSON Feed's content_text (plain)
	// from content_html; gofeed merges both into Content.
	p.KeepOriginalFeed = true
	// Untrimmed, so error line numbers match the document.
	f, err := p.Parse(bytes.NewReader(data))
	if err != nil {
		return nil, describeParseError(data, err)
	}
	var jsonItems []*gojson.Item
	if jf, ok := f.OriginalFeed().(*gojson.Feed); ok {
		if !strings.Contains(jf.Version, "jsonfeed.org") {
			return nil, errors.New("not a feed: JSON without a jsonfeed.org version (an API error response?)")
		}
		jsonItems = jf.Items
	}

	items := make([]Item, 0, len(f.Items))
	seen := make(map[string]bool, len(f.Items))
	for i, gi := range f.Items {
		if gi == nil {
			continue
		}
		it := Item{
			Feed:      feedName,
			Title:     plainLine(gi.Title),
			Link:      cleanLink(gi.Link),
			Author:    cmp.Or(personName(gi.Authors, gi.Author), rawAuthor(f.OriginalFeed(), i)),
			InReplyTo: inReplyTo(gi),
		}
		if it.Link == "" && len(gi.Links) > 0 {
			it.Link = cleanLink(gi.Links[0])
		}
		if it.Author == "" {
			it.Author = personName(f.Authors, f.Author)
		}
		if it.Author == "" {
			it.Author = "unknown"
		}
		switch {
		case gi.PublishedParsed != nil:
			it.Published = gi.PublishedParsed.UTC()
		case gi.UpdatedParsed != nil:
			it.Published = gi.UpdatedParsed.UTC()
		}
		if i < len(jsonItems) && jsonItems[i] != nil && jsonItems[i].ContentHTML == "" && jsonItems[i].ContentText != "" {
			it.Text = Sanitize(jsonItems[i].ContentText) // declared plain: no markup to interpret
		} else if strings.TrimSpace(gi.Content) != "" {
			it.Text = HTMLToText(gi.Content)
		} else {
			it.Text = HTMLToText(gi.Description)
		}
		if guid := SanitizeLine(gi.GUID); guid != "" {
			it.ID = guid
		} else {
			it.ID = hashID(it.Link, it.Title, it.Published, "")
			if seen[it.ID] {
				// Same link, title and date within one document: the text is
				// all that tells them apart, and it is stable between polls.
				it.ID = hashID(it.Link, it.Title, it.Published, it.Text)
			}
		}
		seen[it.ID] = true
		items = append(items, it)
	}
	return items, nil
}

// hashID derives an ID for items without a GUID: "h:" and 32 hex digits of
// sha256(link \n title \n published-RFC3339 [\n text]).
func hashID(link, title string, published time.Time, text string) string {
	s := link + "\n" + title + "\n" + published.UTC().Format(time.RFC3339)
	if text != "" {
		s += "\n" + text
	}
	sum := sha256.Sum256([]byte(s))
	return "h:" + hex.EncodeToString(sum[:])[:32]
}

// plainLine is SanitizeLine for fields that should be plain text but often
// arrive with HTML entities still encoded (Atom type="html" titles,
// double-escaped RSS). Tags are left alone: a title may legitimately talk
// about "<div>".
func plainLine(s string) string {
	if htmlEntityRE.MatchString(s) {
		s = html.UnescapeString(s)
	}
	return SanitizeLine(s)
}

func cleanLink(s string) string {
	return strings.Join(strings.Fields(SanitizeLine(s)), "")
}

// personName is the first person's name, or email when there is no name.
func personName(people []*gofeed.Person, fallback *gofeed.Person) string {
	if len(people) == 0 && fallback != nil {
		people = []*gofeed.Person{fallback}
	}
	for _, p := range people {
		if p == nil {
			continue
		}
		if n := plainLine(p.Name); n != "" {
			return n
		}
		if e := SanitizeLine(p.Email); e != "" {
			return e
		}
	}
	return ""
}

// rawAuthor is the author as the document wrote it. gofeed reads
// "Name (Company)" as name plus e-mail address and, finding no address,
// drops both, so a community's "Maya (Quillstone)" would become nobody.
func rawAuthor(orig any, i int) string {
	switch f := orig.(type) {
	case *rss.Feed:
		if i < len(f.Items) && f.Items[i] != nil {
			ri := f.Items[i]
			if ri.DublinCoreExt != nil && len(ri.DublinCoreExt.Creator) > 0 {
				return plainLine(ri.DublinCoreExt.Creator[0])
			}
			return plainLine(ri.Author)
		}
	case *gojson.Feed:
		if i < len(f.Items) && f.Items[i] != nil {
			ji := f.Items[i]
			for _, a := range ji.Authors {
				if a != nil && a.Name != "" {
					return plainLine(a.Name)
				}
			}
			if ji.Author != nil {
				return plainLine(ji.Author.Name)
			}
		}
	}
	return ""
}

// inReplyTo finds the RFC 4685 <thr:in-reply-to ref="..."/> of an entry.
// gofeed keys extensions by the prefix the document declared (thr is not
// one of its canonical namespaces), so other prefixes are searched too.
func inReplyTo(gi *gofeed.Item) string {
	find := func(exts []ext.Extension) string {
		for _, e := range exts {
			if ref := SanitizeLine(e.Attrs["ref"]); ref != "" {
				return ref
			}
		}
		return ""
	}
	if ref := find(gi.Extensions["thr"]["in-reply-to"]); ref != "" {
		return ref
	}
	for prefix, m := range gi.Extensions {
		if prefix == "thr" {
			continue
		}
		if ref := find(m["in-reply-to"]); ref != "" {
			return ref
		}
	}
	return ""
}

// describeParseError turns a parser failure into a message about the body.
func describeParseError(body []byte, err error) error {
	var synErr *xml.SyntaxError
	var jsonSyn *json.SyntaxError
	var jsonType *json.UnmarshalTypeError
	switch {
	case errors.As(err, &synErr):
		return fmt.Errorf("malformed XML at line %d: %s", synErr.Line, synErr.Msg)
	case errors.As(err, &jsonSyn):
		return fmt.Errorf("malformed JSON at line %d: %s", lineAt(body, jsonSyn.Offset), jsonSyn.Error())
	case errors.As(err, &jsonType):
		return fmt.Errorf("malformed JSON Feed: field %q should be %s, not %s", jsonType.Field, jsonType.Type, jsonType.Value)
	case errors.Is(err, gofeed.ErrFeedTypeNotDetected):
		return describeUnknown(body)
	}
	return fmt.Errorf("malformed feed: %s", SanitizeLine(err.Error()))
}

// describeUnknown says what a body that is not a feed looks like.
func describeUnknown(data []byte) error {
	body := bytes.TrimLeft(data, "\ufeff \t\r\n")
	head := strings.ToLower(string(body[:min(len(body), 1024)]))
	if strings.HasPrefix(head, "<!doctype html") || strings.Contains(head, "<html") {
		return errors.New("not a feed: looks like an HTML page")
	}
	if body[0] == '<' {
		d := xml.NewDecoder(bytes.NewReader(data))
		d.Strict = false
		d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
		for {
			tok, err := d.Token()
			var synErr *xml.SyntaxError
			if errors.As(err, &synErr) {
				return fmt.Errorf("malformed XML at line %d: %s", synErr.Line, synErr.Msg)
			}
			if err != nil {
				return errors.New("malformed XML: no root element")
			}
			if se, ok := tok.(xml.StartElement); ok {
				switch strings.ToLower(se.Name.Local) {
				case "html":
					return errors.New("not a feed: looks like an HTML page")
				case "rss", "feed", "rdf":
					// gofeed only looks at the first 4 KiB for the root.
					return fmt.Errorf("feed root <%s> starts too far into the document to be recognized", se.Name.Local)
				}
				return fmt.Errorf("not a feed: XML document with root <%s> (expected <rss>, <feed> or <rdf:RDF>)", SanitizeLine(se.Name.Local))
			}
		}
	}
	snippet := []rune(SanitizeLine(string(body[:min(len(body), 200)])))
	if len(snippet) > 40 {
		snippet = append(snippet[:40], '…')
	}
	return fmt.Errorf("not a feed: unrecognized content starting %q", string(snippet))
}

func lineAt(b []byte, offset int64) int {
	offset = min(max(offset, 0), int64(len(b)))
	return 1 + bytes.Count(b[:offset], []byte{'\n'})
}
