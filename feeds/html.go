package feeds

import (
	"bytes"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// HTMLToText renders an HTML fragment (a feed item's content) as plain text
// the way a reader would see it in a browser: whitespace collapses,
// paragraphs, headings, blockquotes, pre and lists are separated by a blank
// line, br/div/li/tr start a new line, list items are prefixed "- "
// (indented when nested), blockquote lines "> ", and links become
// "text (URL)", or just the URL when the text is the URL. Mention and
// hashtag links (Mastodon's h-card "@alice", "#tag", Discourse's "@bob")
// read as their text alone, as people see them. script, style,
// head and similar invisible elements are dropped, entities decoded, and
// images shown by their alt text. The result has been through Sanitize.
//
// Input without any tag is taken as plain text and kept as is (line breaks
// included), apart from decoding HTML entities if it has any — feeds often
// escape plain text that way — and sanitizing.
func HTMLToText(s string) string {
	if !looksLikeMarkup(s) {
		if htmlEntityRE.MatchString(s) {
			s = html.UnescapeString(s)
		}
		return Sanitize(s)
	}
	r := htmlRenderer{out: make([]byte, 0, len(s))} // at most a few links longer
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch tt := z.Next(); tt {
		case html.ErrorToken:
			// io.EOF: a strings.Reader cannot fail otherwise.
			return Sanitize(string(r.out))
		case html.TextToken:
			if !r.skipping() {
				r.text(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, more := z.TagName()
			tag := string(name)
			var a htmlAttrs
			for more {
				var k, v []byte
				k, v, more = z.TagAttr()
				switch string(k) {
				case "href":
					a.href = string(v)
				case "alt":
					a.alt = string(v)
				case "class":
					a.class = string(v)
				}
			}
			r.start(tag, a, tt == html.SelfClosingTagToken)
		case html.EndTagToken:
			name, _ := z.TagName()
			r.end(string(name))
		}
	}
}

// looksLikeMarkup reports whether s has anything a browser would take as a
// tag or comment; "a < b" does not count.
func looksLikeMarkup(s string) bool {
	for i := strings.IndexByte(s, '<'); i >= 0 && i+1 < len(s); {
		c := s[i+1]
		if c == '/' || c == '!' || c == '?' || c < utf8.RuneSelf && unicode.IsLetter(rune(c)) {
			return true
		}
		j := strings.IndexByte(s[i+1:], '<')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

var htmlEntityRE = regexp.MustCompile(`&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);`)

// Elements whose content is never shown. None may be void, or the rest of
// the document would be hidden.
var htmlHidden = map[string]bool{
	"script": true, "style": true, "head": true, "title": true, "template": true,
	"noscript": true, "iframe": true, "object": true, "svg": true,
	"math": true, "noembed": true, "noframes": true, "select": true,
}

// Elements set off by a blank line (2) or just a line break (1).
var htmlBlocks = map[string]int{
	"p": 2, "h1": 2, "h2": 2, "h3": 2, "h4": 2, "h5": 2, "h6": 2,
	"table": 2, "figure": 2, "dl": 2, "hr": 2, "address": 2,
	"div": 1, "section": 1, "article": 1, "header": 1, "footer": 1, "main": 1,
	"nav": 1, "aside": 1, "details": 1, "summary": 1, "figcaption": 1,
	"form": 1, "fieldset": 1, "center": 1, "tr": 1, "dt": 1, "dd": 1,
	"caption": 1, "li": 1,
}

// Void elements have no end tag, so "<x/>" must not be closed again.
var htmlVoid = map[string]bool{
	"br": true, "hr": true, "img": true, "input": true, "meta": true, "link": true,
	"wbr": true, "source": true, "area": true, "base": true, "col": true,
	"embed": true, "param": true, "track": true,
}

// htmlMaxDepth caps the quote marks and indentation drawn, so deeply nested
// (or never closed) elements cannot make every line kilobytes long.
const htmlMaxDepth = 6

// htmlAttrs are the attributes of a start tag that rendering reads.
type htmlAttrs struct {
	href, alt, class string
}

type htmlLink struct {
	href string
	pos  int // len(out) when the link opened
	// tag: a mention or hashtag by its class; its text is shown alone.
	// hashTag marks Discourse's hashtag-cooked, whose text lacks the "#".
	tag, hashTag bool
}

// htmlRenderer accumulates text. Separators are decided lazily: spaces and
// line breaks are only remembered, and written before the next visible
// character, so trailing whitespace and empty elements leave no trace.
type htmlRenderer struct {
	out       []byte
	started   bool // a visible character has been written
	pendSpace bool
	pendBreak int // newlines owed before the next character; 2+ means a blank line
	// blankQuote is the shallowest quote depth since the break became
	// pending: the blank line between a quote and the text around it
	// belongs to the outside.
	blankQuote int
	quote      int // blockquote depth
	list       int // ul/ol depth
	pre        int // pre depth: whitespace is kept
	bullet     bool
	link       *htmlLink      // the open <a>, if any
	skip       map[string]int // open hidden elements, by name; nil until one opens
}

func (r *htmlRenderer) skipping() bool {
	for _, n := range r.skip {
		if n > 0 {
			return true
		}
	}
	return false
}

func (r *htmlRenderer) start(tag string, a htmlAttrs, selfClosing bool) {
	if htmlHidden[tag] {
		if !selfClosing {
			if r.skip == nil {
				r.skip = map[string]int{}
			}
			r.skip[tag]++
		}
		return
	}
	if tag == "body" && r.skip != nil {
		r.skip["head"] = 0 // an unclosed <head> ends where the body starts
	}
	if r.skipping() {
		return
	}
	switch tag {
	case "br":
		r.lineBreak()
	case "blockquote":
		r.block(2)
		r.quote++
	case "pre":
		r.block(2)
		r.pre++
	case "ul", "ol":
		if r.list == 0 {
			r.block(2)
		} else {
			r.block(1)
		}
		r.list++
	case "li":
		r.block(1)
		r.bullet = true
	case "td", "th":
		if r.started {
			r.pendSpace = true
		}
	case "a":
		// Anchors do not nest: like a browser, a new one closes the last.
		// This also keeps closeLink linear on hostile input.
		r.closeLink()
		classes := strings.Fields(a.class)
		r.link = &htmlLink{
			href: cleanHref(a.href),
			pos:  len(r.out),
			tag: slices.ContainsFunc(classes, func(c string) bool {
				return c == "mention" || c == "mention-group" || c == "hashtag" || c == "hashtag-cooked"
			}),
			hashTag: slices.Contains(classes, "hashtag-cooked"),
		}
	case "img":
		if alt := strings.TrimSpace(a.alt); alt != "" {
			if strings.IndexFunc(alt, func(c rune) bool { return unicode.IsLetter(c) || unicode.IsDigit(c) }) >= 0 {
				alt = "[image: " + alt + "]"
			} // else an emoji or smiley: show it as is
			r.text([]byte(alt))
		}
	default:
		if n := htmlBlocks[tag]; n > 0 {
			r.block(n)
		}
	}
	if selfClosing && !htmlVoid[tag] {
		r.end(tag)
	}
}

func (r *htmlRenderer) end(tag string) {
	if htmlHidden[tag] {
		if r.skip[tag] > 0 {
			r.skip[tag]--
		}
		return
	}
	if r.skipping() {
		return
	}
	switch tag {
	case "blockquote":
		r.block(2)
		r.quote = max(r.quote-1, 0)
	case "pre":
		r.block(2)
		r.pre = max(r.pre-1, 0)
	case "ul", "ol":
		r.list = max(r.list-1, 0)
		if r.list == 0 {
			r.block(2)
		} else {
			r.block(1)
		}
	case "li":
		r.block(1)
		r.bullet = false
	case "a":
		r.closeLink()
	default:
		if n := htmlBlocks[tag]; n > 0 {
			r.block(n)
		}
	}
}

// closeLink ends the open link, if any, adding its URL after its text.
func (r *htmlRenderer) closeLink() {
	l := r.link
	r.link = nil
	if l == nil || l.href == "" {
		return
	}
	written := r.out[l.pos:]
	label := bytes.TrimSpace(written)
	switch {
	case len(label) > 0 && (l.tag || tagLink(string(label), l.href)):
		// "@alice" or "#pricing": the URL of a profile or tag page is noise.
		if l.hashTag && label[0] != '#' {
			i := l.pos + bytes.Index(written, label)
			r.out = slices.Insert(r.out, i, '#')
		}
	case len(label) == 0:
		r.text([]byte(l.href))
	case sameLink(string(label), l.href):
		// Replace the shortened label by the full URL, keeping the
		// separator that was written before it.
		i := bytes.Index(written, label)
		r.out = append(r.out[:l.pos+i], l.href...)
	default:
		r.out = append(r.out, " ("...)
		r.out = append(r.out, l.href...)
		r.out = append(r.out, ')')
	}
}

// sameLink reports whether a link's text just spells out its URL, perhaps
// without the scheme or trailing slash, or cut short with an ellipsis as
// Mastodon and others do.
func sameLink(label, href string) bool {
	norm := func(s string) string {
		for _, p := range []string{"https://", "http://", "mailto:"} {
			s = strings.TrimPrefix(s, p)
		}
		return strings.TrimSuffix(s, "/")
	}
	l, h := norm(label), norm(href)
	if l == h {
		return true
	}
	if cut, ok := strings.CutSuffix(l, "…"); ok && len(cut) >= 8 {
		return strings.HasPrefix(h, cut)
	}
	return false
}

// tagLink reports whether a link is a mention or hashtag without saying so
// by its class: its text is one "@name" (perhaps "@name@server") or
// "#tag", and its path ends in that name the way profile and tag pages do
// ("/@alice", "/users/alice", "/u/alice", "/tags/pricing"). An issue link
// "#123" to ".../issues/123" keeps its URL.
func tagLink(label, href string) bool {
	if len(label) < 2 || (label[0] != '@' && label[0] != '#') || strings.ContainsFunc(label, unicode.IsSpace) {
		return false
	}
	name := label[1:]
	if label[0] == '@' {
		name, _, _ = strings.Cut(name, "@")
	}
	u, err := url.Parse(href)
	if err != nil || name == "" {
		return false
	}
	dir, seg := path.Split(strings.TrimSuffix(u.Path, "/"))
	parent := strings.ToLower(path.Base(dir))
	if label[0] == '@' {
		return strings.EqualFold(seg, "@"+name) ||
			strings.EqualFold(seg, name) && tagLinkProfileDirs[parent]
	}
	return strings.EqualFold(seg, name) && tagLinkTagDirs[parent]
}

// The folders profile and tag pages live in (Mastodon, Pleroma, Misskey,
// Discourse, Lemmy and the like).
var (
	tagLinkProfileDirs = map[string]bool{"users": true, "user": true, "u": true, "profile": true, "people": true, "accounts": true}
	tagLinkTagDirs     = map[string]bool{"tags": true, "tag": true, "hashtag": true, "hashtags": true, "c": true}
)

// cleanHref keeps only hrefs worth showing: no script URLs, no in-page
// anchors, no whitespace.
func cleanHref(href string) string {
	href = strings.Join(strings.Fields(SanitizeLine(href)), "")
	low := strings.ToLower(href)
	if href == "" || strings.HasPrefix(href, "#") ||
		strings.HasPrefix(low, "javascript:") || strings.HasPrefix(low, "data:") || strings.HasPrefix(low, "vbscript:") {
		return ""
	}
	return href
}

// block owes at least n newlines before the next text.
func (r *htmlRenderer) block(n int) {
	r.owe(max(r.pendBreak, n))
}

// lineBreak owes one more newline (br, or a newline inside pre).
func (r *htmlRenderer) lineBreak() {
	if r.started {
		r.owe(r.pendBreak + 1)
	}
}

func (r *htmlRenderer) owe(n int) {
	if r.pendBreak == 0 {
		r.blankQuote = r.quote
	}
	r.blankQuote = min(r.blankQuote, r.quote)
	r.pendBreak = n
	r.pendSpace = false
}

func (r *htmlRenderer) text(b []byte) {
	for len(b) > 0 {
		if c := b[0]; r.pre > 0 {
			if c == '\n' {
				r.lineBreak()
				b = b[1:]
				continue
			}
		} else if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' {
			if r.started {
				r.pendSpace = true
			}
			b = b[1:]
			continue
		}
		// A run of visible bytes (white space is ASCII, so no rune is cut)
		// is written whole, invalid UTF-8 in it as U+FFFD.
		n := 1
		for n < len(b) && !(b[n] == '\n' || r.pre == 0 && (b[n] == ' ' || b[n] == '\t' || b[n] == '\r' || b[n] == '\f')) {
			n++
		}
		r.flush()
		if run := b[:n]; utf8.Valid(run) {
			r.out = append(r.out, run...)
		} else {
			for len(run) > 0 {
				c, size := utf8.DecodeRune(run)
				r.out = utf8.AppendRune(r.out, c)
				run = run[size:]
			}
		}
		b = b[n:]
	}
}

// flush writes the separators owed before the next visible character.
func (r *htmlRenderer) flush() {
	switch {
	case !r.started:
		r.started = true
		r.prefix()
	case r.pendBreak > 0:
		if r.pendBreak >= 2 {
			r.out = append(r.out, '\n')
			r.out = append(r.out, strings.TrimRight(strings.Repeat("> ", min(r.blankQuote, r.quote, htmlMaxDepth)), " ")...)
		}
		r.out = append(r.out, '\n')
		r.prefix()
	case r.pendSpace:
		r.out = append(r.out, ' ')
	}
	r.pendBreak, r.pendSpace = 0, false
}

// prefix starts a line: quote marks, then list indentation and the bullet
// of a new item.
func (r *htmlRenderer) prefix() {
	for range min(r.quote, htmlMaxDepth) {
		r.out = append(r.out, "> "...)
	}
	if r.list == 0 && !r.bullet {
		return
	}
	for range min(max(r.list, 1), htmlMaxDepth) - 1 {
		r.out = append(r.out, "  "...)
	}
	if r.bullet {
		r.out = append(r.out, "- "...)
		r.bullet = false
	} else {
		r.out = append(r.out, "  "...)
	}
}
