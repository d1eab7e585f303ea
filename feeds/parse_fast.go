package feeds

import (
	"bytes"
	"html"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
)

// parseRSSFast reads the plain RSS 2.0 most blogs and comment feeds
// (WordPress) write, several times faster than gofeed, whose XML decoding
// was a third of a cold `parley fetch`. It produces the gofeed.Items gofeed
// would for the fields Parse reads, and the raw dc:creator of each (what
// rawAuthor reads), so Parse turns both into identical Items
// (TestFastParseMatchesGofeed, FuzzFastParse hold it to that).
//
// It is deliberately narrow: a document it does not fully recognize (any
// element, attribute, namespace, comment, doctype, entity, date format or
// byte it was not written for) returns ok=false and Parse uses gofeed.
// Everything it accepts nests 4 deep, so the depth limit holds too.
func parseRSSFast(data []byte) (items []*gofeed.Item, creators []string, ok bool) {
	s := &fastScanner{b: data}
	if !s.prolog() || !s.rootStart() {
		return nil, nil, false
	}
	s.space()
	if !s.take("<channel>") {
		return nil, nil, false
	}
	for {
		s.space()
		if s.take("</channel>") {
			break
		}
		name, ok := s.startTag()
		if !ok {
			return nil, nil, false
		}
		switch name {
		case "item":
			it, creator, ok := s.item()
			if !ok {
				return nil, nil, false
			}
			items = append(items, it)
			creators = append(creators, creator)
		case "title", "link", "description", "lastBuildDate", "language", "generator",
			"pubDate", "ttl", "docs", "copyright", "category":
			// Channel fields Parse does not read (feed author fields are
			// not in this list: an item without one would use them).
			if _, ok := s.leafText(name); !ok {
				return nil, nil, false
			}
		default:
			return nil, nil, false
		}
	}
	s.space()
	if !s.take("</rss>") {
		return nil, nil, false
	}
	s.space()
	if s.i != len(s.b) {
		return nil, nil, false
	}
	return items, creators, true
}

// fastScanner walks a document byte by byte; i is the read position.
type fastScanner struct {
	b      []byte
	i      int
	nsDC   bool // xmlns:dc is Dublin Core, so dc:creator is an author
	nsCont bool // xmlns:content is the content module
}

const (
	nsDublinCore = "http://purl.org/dc/elements/1.1/"
	nsContent    = "http://purl.org/rss/1.0/modules/content/"
)

// prolog checks the bytes gofeed's decoder would read differently (control
// characters it filters out, carriage returns encoding/xml rewrites,
// characters XML forbids, invalid UTF-8) and skips an XML declaration that
// names UTF-8 or nothing.
func (s *fastScanner) prolog() bool {
	if !utf8.Valid(s.b) || !fastPlainBytes(s.b) {
		return false
	}
	m := fastXMLDeclRE.FindSubmatch(s.b)
	if m == nil {
		// No declaration, or one for encoding/xml to judge.
		s.space()
		return !bytes.HasPrefix(s.b[s.i:], []byte("<?"))
	}
	s.i = len(m[0])
	return len(m[1]) == 0 || strings.EqualFold(string(m[1]), "utf-8")
}

// fastXMLDeclRE is the XML declaration as feeds write it.
var fastXMLDeclRE = regexp.MustCompile(`^<\?xml version="1\.[0-9]"(?: encoding="([A-Za-z0-9._-]+)")?(?: standalone="(?:yes|no)")? ?\?>`)

// fastPlainBytes reports whether b has no byte below 0x20 but tab and
// newline, and no U+FFFE or U+FFFF.
func fastPlainBytes(b []byte) bool {
	for i, c := range b {
		switch {
		case c < 0x20 && c != '\t' && c != '\n':
			return false
		case c == 0xEF && i+2 < len(b) && b[i+1] == 0xBF && (b[i+2] == 0xBE || b[i+2] == 0xBF):
			return false
		}
	}
	return true
}

// rootStart reads <rss ...> with only version and the two known namespace
// declarations as attributes.
func (s *fastScanner) rootStart() bool {
	s.space()
	if !s.take("<rss") {
		return false
	}
	for {
		n := s.i
		s.space()
		if s.take(">") {
			return true
		}
		if s.i == n { // attributes must be separated by white space
			return false
		}
		name, value, ok := s.attr()
		if !ok {
			return false
		}
		switch {
		case name == "version":
		case name == "xmlns:dc" && value == nsDublinCore && !s.nsDC:
			s.nsDC = true
		case name == "xmlns:content" && value == nsContent && !s.nsCont:
			s.nsCont = true
		default:
			return false
		}
	}
}

// attr reads name="value" (or single quotes) with a plain value: no
// entity, tag or white space other than the space character inside.
func (s *fastScanner) attr() (name, value string, ok bool) {
	start := s.i
	for s.i < len(s.b) && isFastNameByte(s.b[s.i]) {
		s.i++
	}
	name = string(s.b[start:s.i])
	if name == "" || s.i+1 >= len(s.b) || s.b[s.i] != '=' {
		return "", "", false
	}
	q := s.b[s.i+1]
	if q != '"' && q != '\'' {
		return "", "", false
	}
	s.i += 2
	end := bytes.IndexByte(s.b[s.i:], q)
	if end < 0 {
		return "", "", false
	}
	v := s.b[s.i : s.i+end]
	if bytes.ContainsAny(v, "<&\t\n") {
		return "", "", false
	}
	s.i += end + 1
	return name, string(v), true
}

func isFastNameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == ':' || c == '-' || c == '_'
}

// startTag reads <name> (or <guid isPermaLink="...">) and returns name.
func (s *fastScanner) startTag() (string, bool) {
	if s.i >= len(s.b) || s.b[s.i] != '<' {
		return "", false
	}
	start := s.i + 1
	j := start
	for j < len(s.b) && isFastNameByte(s.b[j]) {
		j++
	}
	if j == start || j >= len(s.b) {
		return "", false
	}
	name := string(s.b[start:j])
	if s.b[j] == '>' {
		s.i = j + 1
		return name, true
	}
	if name != "guid" || s.b[j] != ' ' {
		return "", false
	}
	s.i = j + 1
	attr, _, ok := s.attr()
	if !ok || attr != "isPermaLink" || !s.take(">") {
		return "", false
	}
	return name, true
}

// item reads an item's children up to </item>: each field at most once.
func (s *fastScanner) item() (*gofeed.Item, string, bool) {
	it := &gofeed.Item{}
	var creator string
	seen := map[string]bool{}
	for {
		s.space()
		if s.take("</item>") {
			return it, creator, true
		}
		name, ok := s.startTag()
		if !ok || (seen[name] && name != "category") {
			return nil, "", false
		}
		seen[name] = true
		raw, ok := s.leafText(name)
		if !ok {
			return nil, "", false
		}
		switch name {
		case "title":
			it.Title = gofeedText(raw)
		case "link":
			it.Link = gofeedText(raw)
			it.Links = []string{it.Link}
		case "description":
			it.Description = gofeedText(raw)
		case "guid":
			it.GUID = gofeedText(raw)
		case "pubDate":
			// gofeed tries dozens of layouts; this one alone, written the
			// way RFC 1123 with a numeric zone is, names the same instant
			// whichever of them matches first.
			d := strings.TrimSpace(gofeedText(raw))
			t, err := time.Parse(time.RFC1123Z, d)
			if err != nil || len(d) != len(time.RFC1123Z) {
				return nil, "", false
			}
			t = t.UTC()
			it.PublishedParsed = &t
		case "comments", "category":
		case "dc:creator":
			// An extension: gofeed keeps its decoded text, trimmed. A name
			// without "@" or parentheses is a name and nothing else.
			v := strings.TrimSpace(raw)
			if !s.nsDC || v == "" || strings.ContainsAny(v, "@()&<") {
				return nil, "", false
			}
			creator = v
			it.Author = &gofeed.Person{Name: v}
			it.Authors = []*gofeed.Person{it.Author}
		case "content:encoded":
			if !s.nsCont {
				return nil, "", false
			}
			it.Content = gofeedText(raw)
		default:
			return nil, "", false
		}
	}
}

// leafText reads the text of an element whose start tag was just read, up
// to </name>: character data, entity references and CDATA sections only.
// It returns the raw inner text, as gofeed's ParseText starts from.
func (s *fastScanner) leafText(name string) (string, bool) {
	start := s.i
	for {
		j := bytes.IndexAny(s.b[s.i:], "<&]")
		if j < 0 {
			return "", false
		}
		s.i += j
		switch s.b[s.i] {
		case ']':
			if bytes.HasPrefix(s.b[s.i:], []byte("]]>")) {
				return "", false // encoding/xml may refuse it outside CDATA
			}
			s.i++
		case '&':
			if !fastEntityOK(s.b[s.i:]) {
				return "", false
			}
			s.i++
		case '<':
			rest := s.b[s.i:]
			if bytes.HasPrefix(rest, []byte("<![CDATA[")) {
				end := bytes.Index(rest[9:], []byte("]]>"))
				if end < 0 {
					return "", false
				}
				s.i += 9 + end + 3
				continue
			}
			if len(rest) < len(name)+3 || rest[1] != '/' || string(rest[2:2+len(name)]) != name || rest[2+len(name)] != '>' {
				return "", false
			}
			raw := string(s.b[start:s.i])
			s.i += len(name) + 3
			return raw, true
		}
	}
}

// fastEntityOK accepts the references encoding/xml decodes without
// question: the five XML entities and a decimal or hex character
// reference to a character XML allows.
func fastEntityOK(b []byte) bool {
	end := bytes.IndexByte(b[:min(len(b), 12)], ';')
	if end < 0 {
		return false
	}
	name := string(b[1:end])
	switch name {
	case "amp", "lt", "gt", "quot", "apos":
		return true
	}
	if len(name) < 2 || name[0] != '#' {
		return false
	}
	r, base, digits := 0, 10, name[1:]
	if digits[0] == 'x' {
		base, digits = 16, digits[1:]
	}
	if digits == "" {
		return false
	}
	for _, c := range []byte(digits) {
		var d int
		switch {
		case '0' <= c && c <= '9':
			d = int(c - '0')
		case base == 16 && 'a' <= c && c <= 'f':
			d = int(c-'a') + 10
		case base == 16 && 'A' <= c && c <= 'F':
			d = int(c-'A') + 10
		default:
			return false
		}
		r = r*base + d
	}
	return r == 0x9 || r == 0xA || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

func (s *fastScanner) space() {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\t' || s.b[s.i] == '\n') {
		s.i++
	}
}

func (s *fastScanner) take(lit string) bool {
	if bytes.HasPrefix(s.b[s.i:], []byte(lit)) {
		s.i += len(lit)
		return true
	}
	return false
}

// gofeedText is gofeed's ParseText (internal/shared, MIT licence) applied
// to an element's raw inner text: trimmed, then CDATA sections kept as
// they are and the text around them entity-decoded.
func gofeedText(raw string) string {
	raw = strings.TrimSpace(raw)
	if !strings.Contains(raw, cdataStart) {
		return gofeedDecodeEntities(raw)
	}
	var buf strings.Builder
	for curr := 0; curr < len(raw); {
		start := strings.Index(raw[curr:], cdataStart)
		if start < 0 {
			buf.WriteString(gofeedDecodeEntities(raw[curr:]))
			break
		}
		start += curr
		buf.WriteString(gofeedDecodeEntities(raw[curr:start]))
		end := strings.Index(raw[start+len(cdataStart):], cdataEnd)
		if end < 0 {
			buf.WriteString(gofeedDecodeEntities(raw[start:]))
			break
		}
		end += start + len(cdataStart)
		buf.WriteString(raw[start+len(cdataStart) : end])
		curr = end + len(cdataEnd)
	}
	return buf.String()
}

const (
	cdataStart = "<![CDATA["
	cdataEnd   = "]]>"
)

// gofeedDecodeEntities is gofeed's DecodeEntities (internal/shared, MIT
// licence): HTML entities, only where a ';' ends them within 64 bytes.
func gofeedDecodeEntities(str string) string {
	if strings.IndexByte(str, '&') < 0 {
		return str
	}
	const maxEntityLen = 64
	var buf bytes.Buffer
	data := []byte(str)
	for len(data) > 0 {
		idx := bytes.IndexByte(data, '&')
		if idx == -1 {
			buf.Write(data)
			break
		}
		buf.Write(data[:idx])
		data = data[idx:]
		window := data
		if len(window) > maxEntityLen {
			window = window[:maxEntityLen]
		}
		end := bytes.IndexByte(window, ';')
		if end == -1 && len(window) == len(data) {
			buf.Write(data)
			break
		}
		if end == -1 || bytes.ContainsAny(data[1:end], " \t\r\n") {
			buf.WriteByte('&')
			data = data[1:]
			continue
		}
		span := string(data[:end+1])
		dec := html.UnescapeString(span)
		if dec == html.UnescapeString(span[:len(span)-1])+";" {
			buf.WriteByte('&')
			data = data[1:]
			continue
		}
		buf.WriteString(dec)
		data = data[end+1:]
	}
	return buf.String()
}
