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
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	ext "github.com/mmcdole/gofeed/extensions"
	gojson "github.com/mmcdole/gofeed/json"
	"github.com/mmcdole/gofeed/rss"
	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
)

// Limits on what one document and one item may carry, so a hostile feed
// cannot crash parley or make the queue and thread views slow. Parse
// applies them all, in limitItem and before handing XML to gofeed.
const (
	// maxTextBytes caps Item.Text; longer text ends with truncatedMark.
	maxTextBytes = 64 << 10
	// maxLineRunes caps Title and Author (the store cuts its queue line
	// shorter still).
	maxLineRunes = 300
	// maxIDBytes bounds ID and InReplyTo. IDs are bbolt keys (at most
	// 32 KiB), so a longer GUID is replaced by its hash.
	maxIDBytes = 512
	// maxLinkBytes: a longer link is dropped rather than cut, as a cut URL
	// leads somewhere else.
	maxLinkBytes = 4096
	// maxXMLDepth bounds element nesting. gofeed parses extension elements
	// recursively, and a 10 MiB body of nested elements overflows the
	// goroutine stack, which kills the process. Real feeds nest a few
	// dozen deep.
	maxXMLDepth = 512
)

// errXMLTooDeep refuses a document nested deeper than maxXMLDepth.
var errXMLTooDeep = fmt.Errorf("malformed feed: elements nested more than %d deep", maxXMLDepth)

// rssTranslator is gofeed's, without its search of every item's HTML for a
// first image (a full HTML parse per item, a quarter of gofeed's time):
// parley shows no images. It keeps no state, so Parse calls share it.
var rssTranslator = &gofeed.DefaultRSSTranslator{DisableContentImageScan: true}

// truncatedMark ends a Text cut at maxTextBytes.
const truncatedMark = "…[truncated]"

// Parse reads an RSS 2.0/1.0, Atom or JSON Feed document and returns its
// items, in feed order, normalized and sanitized. feedName fills Item.Feed.
//
// Errors describe the body for a person reading them ("empty body",
// "not a feed: looks like an HTML page", "malformed XML at line 12: ...")
// and do not name the feed: the caller adds that.
//
// Hostile input is bounded here: a wrong or missing charset is repaired
// (see fixEncoding), the control bytes XML forbids are dropped with the
// terminal sequences they start (dropXMLControls: one hostile comment must
// not hide its whole feed), nesting deeper than maxXMLDepth is refused, an item
// with a GUID already seen in the document is dropped (the first one in
// document order is kept), and each item's fields are capped (limitItem).
// DOCTYPE entities are never expanded: encoding/xml, under gofeed, leaves
// "&name;" as it is, so "billion laughs" stays a few bytes and external
// entities are never fetched.
//
// Plain RSS 2.0 (what WordPress comment feeds are) and plain Atom 1.0 are
// read by parseRSSFast and parseAtomFast, which give the same items
// several times faster; every other document goes to gofeed.
func Parse(feedName string, data []byte) ([]Item, error) {
	if len(bytes.TrimLeft(data, "\ufeff \t\r\n")) == 0 {
		return nil, errors.New("empty body")
	}
	data = dropXMLControls(fixEncoding(data))
	if fastParseEnabled {
		if gis, creators, ok := parseRSSFast(data); ok {
			return buildItems(feedName, &gofeed.Feed{Items: gis}, nil, func(i int) string {
				return plainLine(creators[i])
			}), nil
		}
		if f, ok := parseAtomFast(data); ok {
			return buildItems(feedName, f, nil, func(int) string { return "" }), nil
		}
	}
	return parseGofeed(feedName, data)
}

// fastParseEnabled lets the tests compare Parse with and without
// parseRSSFast.
var fastParseEnabled = true

// parseGofeed is Parse by gofeed, for every document parseRSSFast leaves.
func parseGofeed(feedName string, data []byte) ([]Item, error) {
	if xmlTooDeep(data, maxXMLDepth) {
		return nil, errXMLTooDeep
	}
	p := gofeed.NewParser()
	p.RSSTranslator = rssTranslator
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
	return buildItems(feedName, f, jsonItems, func(i int) string { return rawAuthor(f.OriginalFeed(), i) }), nil
}

// buildItems normalizes gofeed's items (or parseRSSFast's, built the
// same way); rawAuthorOf(i) is the author of item i as the document wrote
// it (see rawAuthor).
func buildItems(feedName string, f *gofeed.Feed, jsonItems []*gojson.Item, rawAuthorOf func(int) string) []Item {
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
			Author:    cmp.Or(personName(gi.Authors, gi.Author), rawAuthorOf(i)),
			InReplyTo: boundID(inReplyTo(gi)),
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
			it.ID = boundID(guid)
		} else {
			it.ID = hashID(it.Link, it.Title, it.Published, "")
			if seen[it.ID] {
				// Same link, title and date within one document: the text is
				// all that tells them apart, and it is stable between polls.
				it.ID = hashID(it.Link, it.Title, it.Published, it.Text)
			}
		}
		if seen[it.ID] {
			// One item per ID: the store keeps the first it sees too, so
			// keeping the first here shows what will be stored.
			continue
		}
		seen[it.ID] = true
		limitItem(&it)
		items = append(items, it)
	}
	return items
}

// limitItem caps an item's fields (see the limits above). IDs were
// bounded when they were made, and the hash IDs computed from the full
// text, so capping cannot make distinct items collide.
func limitItem(it *Item) {
	it.Title = capLine(it.Title)
	it.Author = capLine(it.Author)
	if len(it.Link) > maxLinkBytes {
		it.Link = ""
	}
	if len(it.Text) > maxTextBytes {
		cut := maxTextBytes
		for cut > 0 && !utf8.RuneStart(it.Text[cut]) { // not inside a rune
			cut--
		}
		it.Text = strings.TrimRight(it.Text[:cut], " \n") + "\n" + truncatedMark
	}
}

// capLine shortens a one-line field to maxLineRunes, ending it with "…".
func capLine(s string) string {
	if len(s) <= maxLineRunes { // bytes >= runes: nothing to count
		return s
	}
	n := 0
	for i := range s {
		if n == maxLineRunes {
			return strings.TrimRight(s[:i], " ") + "…"
		}
		n++
	}
	return s
}

// boundID keeps an ID short enough to be a store key: a longer one is
// replaced by "g:" and 32 hex digits of its sha256, which is as stable.
func boundID(id string) string {
	if len(id) <= maxIDBytes {
		return id
	}
	sum := sha256.Sum256([]byte(id))
	return "g:" + hex.EncodeToString(sum[:])[:32]
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

// cleanLink is an item's link as cleanHref keeps it: no script or data
// URLs, which a hostile feed could offer as "the post".
func cleanLink(s string) string {
	return cleanHref(s)
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
		root, err := xmlRoot(data)
		var synErr *xml.SyntaxError
		switch {
		case errors.As(err, &synErr):
			return fmt.Errorf("malformed XML at line %d: %s", synErr.Line, synErr.Msg)
		case err != nil:
			return errors.New("malformed XML: no root element")
		}
		switch strings.ToLower(root) {
		case "html":
			return errors.New("not a feed: looks like an HTML page")
		case "rss", "feed", "rdf":
			// gofeed only looks at the first 4 KiB for the root.
			return fmt.Errorf("feed root <%s> starts too far into the document to be recognized", root)
		}
		return fmt.Errorf("not a feed: XML document with root <%s> (expected <rss>, <feed> or <rdf:RDF>)", SanitizeLine(root))
	}
	snippet := []rune(SanitizeLine(string(body[:min(len(body), 200)])))
	if len(snippet) > 40 {
		snippet = append(snippet[:40], '…')
	}
	return fmt.Errorf("not a feed: unrecognized content starting %q", string(snippet))
}

// xmlRoot returns the local name of the first element of an XML document,
// or the syntax error met before it.
func xmlRoot(data []byte) (string, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = false
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	for {
		tok, err := d.Token()
		if err != nil {
			return "", err
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se.Name.Local, nil
		}
	}
}

// notAFeedFile is the error for a local file Parse refused (with err): it
// says what the file looks like without a word of its content, as the
// file may be anything (a token someone pointed url at by mistake).
func notAFeedFile(path string, data []byte, err error) error {
	body := bytes.TrimLeft(data, "\ufeff \t\r\n")
	head := body[:min(len(body), 1024)]
	lower := bytes.ToLower(head)
	var synErr *xml.SyntaxError
	var jsonSyn *json.SyntaxError
	var what string
	switch {
	case len(body) == 0:
		what = "it is empty"
	case errors.Is(err, errXMLTooDeep):
		what = fmt.Sprintf("elements nested more than %d deep", maxXMLDepth)
	case errors.As(err, &synErr):
		what = fmt.Sprintf("malformed XML at line %d", synErr.Line)
	case errors.As(err, &jsonSyn):
		what = fmt.Sprintf("malformed JSON at line %d", lineAt(data, jsonSyn.Offset))
	case bytes.HasPrefix(lower, []byte("<!doctype html")) || bytes.Contains(lower, []byte("<html")):
		what = "starts like an HTML page"
	case body[0] == '<':
		what = "XML, but not RSS or Atom"
		if _, err := xmlRoot(data); errors.As(err, &synErr) {
			what = fmt.Sprintf("malformed XML at line %d", synErr.Line)
		}
	case body[0] == '{' || body[0] == '[':
		what = "JSON, but not a JSON Feed"
	case !utf8.Valid(head[:max(0, len(head)-utf8.UTFMax)]) || bytes.ContainsFunc(head, func(r rune) bool {
		return r < 0x20 && r != '\n' && r != '\r' && r != '\t'
	}):
		what = "starts with binary data"
	default:
		what = "starts with plain text"
	}
	return fmt.Errorf("%s is not an RSS, Atom or JSON feed (%s)", SanitizeLine(path), what)
}

func lineAt(b []byte, offset int64) int {
	offset = min(max(offset, 0), int64(len(b)))
	return 1 + bytes.Count(b[:offset], []byte{'\n'})
}

// xmlDeclEncRE finds the encoding in an XML declaration.
var xmlDeclEncRE = regexp.MustCompile(`^<\?xml[^>]*?\sencoding\s*=\s*["']([^"']*)["']`)

// fixEncoding returns data with its text encoding made readable, for the
// charset mistakes feeds make in practice (gofeed itself trusts the
// declaration, and encoding/xml rejects a whole document over one bad
// byte):
//
//   - A body that is valid UTF-8 and not plain ASCII is UTF-8, whatever
//     its XML declaration says ("ISO-8859-1" on a UTF-8 feed would
//     otherwise turn "é" into "Ã©"). Real text in a legacy 8-bit encoding
//     is practically never valid UTF-8.
//   - A declaration naming an unknown charset, or UTF-16 (which an
//     ASCII-readable declaration cannot be), is read as UTF-8.
//   - Invalid UTF-8 in a body that is, or claims to be, UTF-8 (no
//     declaration, a UTF-8 one, or JSON) is read as Windows-1252, the
//     encoding such feeds nearly always use, when that looks likelier
//     (looksLegacy); otherwise it is damaged UTF-8 and each run of bad
//     bytes becomes one U+FFFD, not one per byte.
//
// Other legacy declarations are left to gofeed's charset conversion.
func fixEncoding(data []byte) []byte {
	body := bytes.TrimLeft(data, "\ufeff \t\r\n")
	if len(body) == 0 || (body[0] != '<' && body[0] != '{') {
		return data // not a feed; describeUnknown will say so
	}
	valid := utf8.Valid(data)
	label, at := "", -1 // at: where the declared label starts in data
	if m := xmlDeclEncRE.FindSubmatchIndex(body[:min(len(body), 256)]); m != nil {
		at = len(data) - len(body) + m[2]
		label = string(body[m[2]:m[3]])
	}
	if label != "" {
		_, name := charset.Lookup(label)
		utf8ish := name == "utf-8" || name == "" || name == "replacement" || strings.HasPrefix(name, "utf-16")
		if !utf8ish && !(valid && !isASCII(data)) {
			return data // a legacy declaration that fits the bytes
		}
		if name != "utf-8" {
			data = append(append(append([]byte(nil), data[:at]...), "UTF-8"...), data[at+len(label):]...)
		}
	}
	if valid {
		return data
	}
	if looksLegacy(data) {
		if r, err := charset.NewReaderLabel("windows-1252", bytes.NewReader(data)); err == nil {
			if out, err := io.ReadAll(r); err == nil {
				return out
			}
		}
	}
	return bytes.ToValidUTF8(data, []byte("\uFFFD"))
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// looksLegacy reports whether invalid UTF-8 in b is more likely text in an
// 8-bit encoding than damaged UTF-8: more runs of invalid bytes (in
// Windows-1252 text, each accented letter is one) than valid multi-byte
// characters.
func looksLegacy(b []byte) bool {
	valid, runs := 0, 0
	inRun := false
	for len(b) > 0 {
		if b[0] < utf8.RuneSelf {
			b, inRun = b[1:], false
			continue
		}
		r, size := utf8.DecodeRune(b)
		switch {
		case r != utf8.RuneError || size > 1:
			valid++
			inRun = false
		case !inRun:
			runs++
			inRun = true
		}
		b = b[size:]
	}
	return runs > valid
}

// xmlTooDeep reports whether an XML body nests elements more than limit
// deep. The exact check (xmlTooDeepExact) costs as much as a second parse,
// so a byte scan that can only over-estimate the depth goes first, and
// only a body it cannot clear is read again exactly.
func xmlTooDeep(data []byte, limit int) bool {
	body := bytes.TrimLeft(data, "\ufeff \t\r\n")
	if len(body) == 0 || body[0] != '<' {
		return false
	}
	return xmlMaybeTooDeep(body, limit) && xmlTooDeepExact(body, limit)
}

// xmlTooDeepExact reads raw tokens with the same lenient settings gofeed
// uses, so it sees at least as far into the document as gofeed would, and
// stops at the first error (gofeed will report it) or once past the limit.
func xmlTooDeepExact(body []byte, limit int) bool {
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = false
	d.CharsetReader = charset.NewReaderLabel
	depth := 0
	for {
		tok, err := d.RawToken()
		if err != nil {
			return false
		}
		switch tok.(type) {
		case xml.StartElement:
			if depth++; depth > limit {
				return true
			}
		case xml.EndElement:
			depth = max(depth-1, 0)
		}
	}
}

// xmlMaybeTooDeep is a byte scan that returns false only when
// xmlTooDeepExact would (FuzzXMLDepthScan holds it to that). It follows
// encoding/xml's RawToken where that decides what counts as a tag (text
// runs to the next '<'; comments, CDATA and processing instructions end at
// their first terminator; a start tag ends at the first '>' outside quoted
// values), and says "maybe" on what it does not follow: a directive
// (<!DOCTYPE ...>) or a declared encoding other than UTF-8 (the decoder
// then reads converted bytes). Where the document is malformed the decoder
// stops with an error, so whatever the scan makes of the rest is safe.
func xmlMaybeTooDeep(body []byte, limit int) bool {
	depth := 0
	for i := 0; ; {
		j := bytes.IndexByte(body[i:], '<')
		if j < 0 || i+j+1 >= len(body) {
			return false
		}
		i += j
		rest := body[i:]
		var end int // of the construct, from i; -1: unterminated (an error)
		switch rest[1] {
		case '/':
			end = bytes.IndexByte(rest, '>')
			depth = max(depth-1, 0)
		case '?':
			end = bytes.Index(rest[2:], []byte("?>"))
			if end < 0 {
				return false
			}
			pi := rest[2 : 2+end]
			if n := xmlNameLen(pi); string(pi[:n]) == "xml" {
				if enc := procInst("encoding", string(pi[n:])); enc != "" && !strings.EqualFold(enc, "utf-8") {
					return true
				}
			}
			end += 3
		case '!':
			switch {
			case bytes.HasPrefix(rest, []byte("<!--")):
				// The first "--" ends the comment, and must be followed by '>'.
				end = bytes.Index(rest[4:], []byte("--"))
				if end < 0 || 4+end+2 >= len(rest) || rest[4+end+2] != '>' {
					return false
				}
				end += 4 + 2
			case bytes.HasPrefix(rest, []byte("<![CDATA[")):
				if end = bytes.Index(rest[9:], []byte("]]>")); end >= 0 {
					end += 9 + 2
				}
			case len(rest) == 2 || rest[2] == '-' || rest[2] == '[':
				return false // not <!-- or <![CDATA[: a syntax error
			default:
				return true // a directive
			}
		default:
			end = startTagEnd(rest)
			if end < 0 {
				return false
			}
			if depth++; depth > limit {
				return true
			}
			if rest[end-1] == '/' { // <x/>: its end element follows
				depth--
			}
		}
		if end < 0 {
			return false
		}
		i += end + 1
	}
}

// startTagEnd is the index of the '>' that ends the start tag tag begins
// with: the first one outside a quoted attribute value. -1: none.
func startTagEnd(tag []byte) int {
	var quote byte
	for k := 1; k < len(tag); k++ {
		switch c := tag[k]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return k
		}
	}
	return -1
}

// xmlNameLen is the length of the name b starts with, read as
// encoding/xml reads one: up to the first ASCII byte that cannot be in a
// name.
func xmlNameLen(b []byte) int {
	for i, c := range b {
		if c < utf8.RuneSelf && !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '_' || c == ':' || c == '.' || c == '-') {
			return i
		}
	}
	return len(b)
}

// procInst is encoding/xml's reading of a parameter of a processing
// instruction, copied so the scan finds the encoding the decoder would.
func procInst(param, s string) string {
	param = param + "="
	lenp := len(param)
	i := 0
	var sep byte
	for i < len(s) {
		sub := s[i:]
		k := strings.Index(sub, param)
		if k < 0 || lenp+k >= len(sub) {
			return ""
		}
		i += lenp + k + 1
		if c := sub[lenp+k]; c == '\'' || c == '"' {
			sep = c
			break
		}
	}
	if sep == 0 {
		return ""
	}
	j := strings.IndexByte(s[i:], sep)
	if j < 0 {
		return ""
	}
	return s[i : i+j]
}
