package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// TestHelpOverlayKeepsItsFrameWhenShort: at the smallest size the box
// scrolls instead of losing its bottom border and closing line, and
// scrolling reaches every key and the legend.
func TestHelpOverlayKeepsItsFrameWhenShort(t *testing.T) {
	app := newTestApp(testStore(t))
	for _, size := range [][2]int{{60, 15}, {80, 24}, {120, 40}} {
		app.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		app.showHelp, app.helpScroll = true, 0
		seen := ""
		for range 40 {
			frame := ansi.Strip(app.render())
			lines := strings.Split(frame, "\n")
			if len(lines) != size[1] {
				t.Fatalf("%v: %d lines", size, len(lines))
			}
			if !strings.Contains(frame, "╰") || !strings.Contains(frame, "╭") {
				t.Fatalf("%v: the help box lost its border:\n%s", size, frame)
			}
			if !strings.Contains(frame, "closes") {
				t.Fatalf("%v: no closing line:\n%s", size, frame)
			}
			for _, l := range lines {
				if ansi.StringWidth(l) > size[0] {
					t.Fatalf("%v: line wider than the window: %q", size, l)
				}
			}
			// Words as read: a phrase wrapped over two lines counts.
			seen += " " + strings.Join(strings.Fields(strings.NewReplacer("\u00a0", " ", "│", " ").Replace(frame)), " ")
			if !strings.Contains(frame, "scroll (") {
				break // it all fits
			}
			app.helpKey(press('j'))
		}
		for _, want := range []string{"half page up", "stage back", "fetch all now", "quit (drafts saved)",
			"! unhappy", "$ buying intent", "parley keys lists the actions", "+ positive", "eng engaged", "trust trusting", "conv converted", "adv advocate"} {
			if !strings.Contains(seen, want) {
				t.Errorf("%v: help never shows %q", size, want)
			}
		}
	}
	// Any key but the scroll keys closes it.
	app.helpKey(press('x'))
	if app.showHelp {
		t.Error("x did not close help")
	}
}
