package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// maxLinkRows bounds the rows the header gives a link.
const maxLinkRows = 6

// link is the thread's link the header shows and o and y use: the
// addressed person's newest message's, else the thread's.
func (t *threadScreen) link() string {
	link := t.thread.Link
	if c, ok := t.person(); ok && c.Link != "" {
		link = c.Link
	}
	return link
}

// linkRows are the header rows showing the link whole: wrapped, never
// cut, since it is where a reply is pasted; an OSC 8 hyperlink where the
// terminal takes them.
func (t *threadScreen) linkRows() []string {
	link := t.link()
	if strings.TrimSpace(link) == "" || t.linkFitsMeta() {
		return nil
	}
	s := t.c.Styles
	shown := safeLink(link)
	if shown == "" {
		// Not a web link (a local feed's path): shown, not linked.
		return []string{s.Muted.Render(fit("↗ "+link, t.width))}
	}
	rows := wrapLink(shown, t.width-2)
	// A hostile feed's kilobyte of link must not push the thread off
	// the screen; every real link fits in maxLinkRows.
	if len(rows) > maxLinkRows {
		rows = append(rows[:maxLinkRows-1], cutCells(rows[maxLinkRows-1]+"…", t.width-2))
	}
	id := t.thread.ID
	for i, r := range rows {
		lead := "  "
		if i == 0 {
			lead = "↗ "
		}
		rows[i] = s.Muted.Render(lead) + t.c.hyperlink(s.Accent.Render(r), link, id)
	}
	return rows
}

// linkFitsMeta: the link fits whole at the end of the meta line, where it
// goes; otherwise it takes rows of its own under it.
func (t *threadScreen) linkFitsMeta() bool {
	shown := safeLink(t.link())
	if shown == "" {
		shown = t.link()
	}
	return ansi.StringWidthWc(termText(t.meta()+" · "+shown)) <= t.width
}

// metaLine draws the meta line, with the link at its end when it fits.
func (t *threadScreen) metaLine(meta string) string {
	s := t.c.Styles
	link := t.link()
	if strings.TrimSpace(link) == "" || !t.linkFitsMeta() {
		return s.Muted.Render(fit(meta, t.width))
	}
	shown := safeLink(link)
	if shown == "" {
		return s.Muted.Render(fit(meta+" · "+link, t.width))
	}
	head := termText(meta + " · ")
	pad := max(0, t.width-ansi.StringWidthWc(head)-len(shown))
	return s.Muted.Render(head) + t.c.hyperlink(s.Muted.Render(shown), link, t.thread.ID) + strings.Repeat(" ", pad)
}
