package feeds

import (
	"net/url"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	ext "github.com/mmcdole/gofeed/extensions"
)

const (
	nsAtom   = "http://www.w3.org/2005/Atom"
	nsThread = "http://purl.org/syndication/thread/1.0"
)

// parseAtomFast is parseRSSFast for Atom 1.0 as comment feeds write it
// (entries with RFC 4685 thr:in-reply-to): the gofeed feed Parse reads
// (items and feed authors), or ok=false for anything it was not written
// for.
func parseAtomFast(data []byte) (f *gofeed.Feed, ok bool) {
	s := &fastScanner{b: data}
	if !s.prolog() {
		return nil, false
	}
	s.space()
	name, attrs, empty, ok := s.tag()
	if !ok || name != "feed" || empty {
		return nil, false
	}
	thr := ""
	for _, a := range attrs {
		switch {
		case a.name == "xmlns" && a.value == nsAtom:
		case strings.HasPrefix(a.name, "xmlns:") && a.value == nsThread && thr == "":
			thr = strings.TrimPrefix(a.name, "xmlns:")
		case a.name == "xml:lang":
		default:
			return nil, false
		}
	}
	if !hasAttr(attrs, "xmlns") {
		return nil, false
	}
	f = &gofeed.Feed{}
	for {
		s.space()
		if s.take("</feed>") {
			break
		}
		name, attrs, empty, ok := s.tag()
		if !ok {
			return nil, false
		}
		switch {
		case name == "entry" && len(attrs) == 0 && !empty:
			it, ok := s.atomEntry(thr)
			if !ok {
				return nil, false
			}
			f.Items = append(f.Items, it)
		case name == "author" && len(attrs) == 0 && !empty:
			p, ok := s.atomPerson()
			if !ok {
				return nil, false
			}
			f.Authors = append(f.Authors, p)
		case name == "link" && empty && linkAttrsOK(attrs):
		case (name == "title" || name == "subtitle") && !empty && textAttrsOK(attrs),
			(name == "id" || name == "updated" || name == "generator") && !empty && len(attrs) == 0:
			if _, ok := s.leafText(name); !ok {
				return nil, false
			}
		default:
			return nil, false
		}
	}
	if len(f.Authors) > 0 {
		f.Author = f.Authors[0]
	}
	s.space()
	if s.i != len(s.b) {
		return nil, false
	}
	return f, true
}

// atomEntry reads an entry's children up to </entry>.
func (s *fastScanner) atomEntry(thr string) (*gofeed.Item, bool) {
	it := &gofeed.Item{}
	seen := map[string]bool{}
	alternate := false // gofeed's Link is the first alternate link's, even ""
	for {
		s.space()
		if s.take("</entry>") {
			if it.PublishedParsed == nil {
				it.PublishedParsed = it.UpdatedParsed
			}
			return it, true
		}
		name, attrs, empty, ok := s.tag()
		if !ok || (seen[name] && name != "link" && name != "author" && name != "category") {
			return nil, false
		}
		seen[name] = true
		switch {
		case name == "link" && empty && linkAttrsOK(attrs):
			rel := cmpOr(attrValue(attrs, "rel"), "alternate")
			href := gofeedURIAttr(attrValue(attrs, "href"))
			if rel == "alternate" && !alternate {
				it.Link, alternate = href, true
			}
			if rel == "alternate" || rel == "self" {
				it.Links = append(it.Links, href)
			}
		case name == "author" && len(attrs) == 0 && !empty:
			p, ok := s.atomPerson()
			if !ok {
				return nil, false
			}
			it.Authors = append(it.Authors, p)
			it.Author = it.Authors[0]
		case name == "category" && empty && categoryAttrsOK(attrs):
		case thr != "" && name == thr+":in-reply-to" && empty && replyAttrsOK(attrs):
			ref := attrValue(attrs, "ref")
			e := ext.Extension{Name: "in-reply-to", Attrs: map[string]string{}, Children: map[string][]ext.Extension{}}
			for _, a := range attrs {
				e.Attrs[a.name] = a.value
			}
			if ref == "" {
				return nil, false
			}
			it.Extensions = ext.Extensions{thr: {"in-reply-to": {e}}}
		case empty:
			return nil, false
		case name == "id" && len(attrs) == 0,
			(name == "title" || name == "summary" || name == "content") && textAttrsOK(attrs):
			raw, ok := s.leafText(name)
			if !ok {
				return nil, false
			}
			switch name {
			case "id": // a URI element: gofeed passes it through net/url
				it.GUID = gofeedURIAttr(gofeedText(raw))
			case "title":
				it.Title = gofeedText(raw)
			case "summary":
				it.Description = gofeedText(raw)
			case "content":
				it.Content = gofeedText(raw)
			}
		case (name == "published" || name == "updated") && len(attrs) == 0:
			raw, ok := s.leafText(name)
			if !ok {
				return nil, false
			}
			t, ok := atomDate(gofeedText(raw))
			if !ok {
				return nil, false
			}
			if name == "published" {
				it.PublishedParsed = t
			} else {
				it.UpdatedParsed = t
			}
		default:
			return nil, false
		}
	}
}

// gofeedURIAttr is an href (or atom:id) as gofeed hands it on: resolved against the
// xml:base in scope (none here) by net/url, which also normalizes it.
func gofeedURIAttr(v string) string {
	if u, err := url.Parse(strings.TrimLeft(v, " ")); err == nil {
		return u.String()
	}
	return v
}

// atomDate reads an RFC 3339 date written plainly (no fraction, "Z" or a
// numeric offset), which every layout gofeed tries reads as one instant.
func atomDate(d string) (*time.Time, bool) {
	d = strings.TrimSpace(d)
	if len(d) != len("2006-01-02T15:04:05Z") && len(d) != len("2006-01-02T15:04:05+07:00") {
		return nil, false
	}
	t, err := time.Parse(time.RFC3339, d)
	if err != nil {
		return nil, false
	}
	t = t.UTC()
	return &t, true
}

// atomPerson reads an author's name, email and uri up to </author>.
func (s *fastScanner) atomPerson() (*gofeed.Person, bool) {
	p := &gofeed.Person{}
	seen := map[string]bool{}
	for {
		s.space()
		if s.take("</author>") {
			return p, true
		}
		name, attrs, empty, ok := s.tag()
		if !ok || empty || len(attrs) > 0 || seen[name] || (name != "name" && name != "email" && name != "uri") {
			return nil, false
		}
		seen[name] = true
		raw, ok := s.leafText(name)
		if !ok {
			return nil, false
		}
		switch name {
		case "name":
			p.Name = gofeedText(raw)
		case "email":
			p.Email = gofeedText(raw)
		}
	}
}

type fastAttr struct{ name, value string }

// tag reads a start tag: its name, attributes (plain values, see attr),
// and whether it closes itself.
func (s *fastScanner) tag() (name string, attrs []fastAttr, empty, ok bool) {
	if s.i >= len(s.b) || s.b[s.i] != '<' {
		return "", nil, false, false
	}
	j := s.i + 1
	for j < len(s.b) && isFastNameByte(s.b[j]) {
		j++
	}
	if j == s.i+1 {
		return "", nil, false, false
	}
	name = string(s.b[s.i+1 : j])
	s.i = j
	for {
		n := s.i
		s.space()
		if s.take("/>") {
			return name, attrs, true, true
		}
		if s.take(">") {
			return name, attrs, false, true
		}
		if s.i == n {
			return "", nil, false, false
		}
		a, v, ok := s.attr()
		if !ok || hasAttr(attrs, a) {
			return "", nil, false, false
		}
		attrs = append(attrs, fastAttr{a, v})
	}
}

func hasAttr(attrs []fastAttr, name string) bool {
	for _, a := range attrs {
		if a.name == name {
			return true
		}
	}
	return false
}

func attrValue(attrs []fastAttr, name string) string {
	for _, a := range attrs {
		if a.name == name {
			return a.value
		}
	}
	return ""
}

// attrsIn reports whether every attribute is one of names.
func attrsIn(attrs []fastAttr, names ...string) bool {
	for _, a := range attrs {
		found := false
		for _, n := range names {
			found = found || a.name == n
		}
		if !found {
			return false
		}
	}
	return true
}

func linkAttrsOK(attrs []fastAttr) bool {
	return hasAttr(attrs, "href") && attrsIn(attrs, "rel", "href", "type", "hreflang", "title", "length")
}

func categoryAttrsOK(attrs []fastAttr) bool {
	return attrsIn(attrs, "term", "scheme", "label")
}

func replyAttrsOK(attrs []fastAttr) bool {
	return attrsIn(attrs, "ref", "href", "type", "source")
}

// textAttrsOK: an Atom text construct gofeed reads as gofeedText does.
// For type="html" it first looks for a wrapping <div>, which text with
// no '<' outside CDATA (all leafText accepts) cannot have.
func textAttrsOK(attrs []fastAttr) bool {
	if !attrsIn(attrs, "type") {
		return false
	}
	switch attrValue(attrs, "type") {
	case "", "text", "html":
		return true
	}
	return false
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
