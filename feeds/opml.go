package feeds

// OPML 2.0 (https://opml.org/spec2.opml) is how feed readers (newsboat,
// Feedly, Inoreader, NetNewsWire) exchange subscription lists: outline
// elements with xmlUrl, nested in folder outlines.

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"
)

// maxOPMLBytes bounds an OPML file: thousands of feeds are a few hundred KB.
const maxOPMLBytes = 16 << 20

// OPMLFeed is one subscription of an OPML file.
type OPMLFeed struct {
	Title  string // title, else text; sanitized to one plain line
	URL    string // xmlUrl
	Folder string // the enclosing folder outlines, "Tech / Go"; "" at the top
}

// OPMLSkip is an outline that is not a usable subscription, and why.
type OPMLSkip struct {
	Title, URL, Why string
}

type opmlDoc struct {
	XMLName xml.Name      `xml:"opml"`
	Title   string        `xml:"head>title"`
	Body    []opmlOutline `xml:"body>outline"`
}

type opmlOutline struct {
	Text     string        `xml:"text,attr"`
	Title    string        `xml:"title,attr"`
	Type     string        `xml:"type,attr"`
	XMLURL   string        `xml:"xmlUrl,attr"`
	HTMLURL  string        `xml:"htmlUrl,attr,omitempty"`
	Outlines []opmlOutline `xml:"outline"`
}

// ParseOPML reads the subscriptions of an OPML file, folders flattened in
// document order. Outlines whose xmlUrl parley cannot poll (not
// http(s)) are returned as skipped.
func ParseOPML(r io.Reader) (feeds []OPMLFeed, skipped []OPMLSkip, err error) {
	data, err := io.ReadAll(io.LimitReader(r, maxOPMLBytes+1))
	if err != nil {
		return nil, nil, err
	}
	if len(data) > maxOPMLBytes {
		return nil, nil, fmt.Errorf("over %d MB: not an OPML subscription list", maxOPMLBytes>>20)
	}
	var doc opmlDoc
	if err := xml.Unmarshal(data, &doc); err != nil {
		return nil, nil, fmt.Errorf("not an OPML file: %w", err)
	}
	var walk func(outs []opmlOutline, folder string)
	walk = func(outs []opmlOutline, folder string) {
		for _, o := range outs {
			title := dropInvisible(SanitizeLine(o.Title))
			if title == "" {
				title = dropInvisible(SanitizeLine(o.Text))
			}
			link := SanitizeLine(o.XMLURL)
			if link == "" {
				// A folder (or a note): its feeds are inside.
				sub := title
				if folder != "" && sub != "" {
					sub = folder + " / " + sub
				} else if sub == "" {
					sub = folder
				}
				walk(o.Outlines, sub)
				continue
			}
			u, err := url.Parse(link)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				skipped = append(skipped, OPMLSkip{Title: title, URL: link, Why: "not an http(s) feed URL"})
				continue
			}
			if title == "" {
				title = u.Host
			}
			feeds = append(feeds, OPMLFeed{Title: title, URL: link, Folder: folder})
			walk(o.Outlines, folder) // rare, but some exporters nest under a feed
		}
	}
	walk(doc.Body, "")
	return feeds, skipped, nil
}

// SameFeedURL reports whether two feed URLs name the same feed: scheme
// and host are case-insensitive and a trailing slash makes no difference,
// so importing a list twice adds nothing.
func SameFeedURL(a, b string) bool { return feedURLKey(a) == feedURLKey(b) }

func feedURLKey(raw string) string {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return strings.TrimSuffix(raw, "/")
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.Fragment = ""
	return u.String()
}

// WriteOPML writes feeds as an OPML 2.0 subscription list. Only RSS, Atom
// and JSON feeds at an http(s) URL are subscriptions another reader can
// use; the rest (API kinds, local files) are returned as skipped.
func WriteOPML(w io.Writer, title string, list []Feed, now time.Time) (skipped []Feed, err error) {
	type head struct {
		Title       string `xml:"title"`
		DateCreated string `xml:"dateCreated"`
	}
	type body struct {
		Outlines []opmlOutline `xml:"outline"`
	}
	doc := struct {
		XMLName xml.Name `xml:"opml"`
		Version string   `xml:"version,attr"`
		Head    head     `xml:"head"`
		Body    body     `xml:"body"`
	}{Version: "2.0", Head: head{Title: title, DateCreated: now.UTC().Format(time.RFC1123Z)}}
	for _, f := range list {
		u, err := url.Parse(f.URL)
		if (f.Kind != "" && f.Kind != KindFeed) || err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			skipped = append(skipped, f)
			continue
		}
		doc.Body.Outlines = append(doc.Body.Outlines, opmlOutline{Text: f.Name, Title: f.Name, Type: "rss", XMLURL: f.URL})
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return skipped, err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return skipped, err
	}
	_, err = io.WriteString(w, "\n")
	return skipped, err
}
