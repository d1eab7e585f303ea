package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// age is a compact "how long ago": 45s, 12m, 3h, 5d, 7w, 2y.
func age(now, t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return short(now.Sub(t))
}

// until is "in 5m" for a future time, "now" for a past one.
func until(now, t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	if !t.After(now) {
		return "now"
	}
	return "in " + short(t.Sub(now))
}

func short(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", max(0, int(d.Seconds())))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	case d < 14*24*time.Hour:
		return fmt.Sprintf("%dd", int(d.Hours()/24))
	case d < 365*24*time.Hour:
		return fmt.Sprintf("%dw", int(d.Hours()/24/7))
	default:
		return fmt.Sprintf("%dy", int(d.Hours()/24/365))
	}
}

// fit truncates s to width cells (with an ellipsis) and pads it to exactly
// width, so columns line up whatever the script of the text. Cells are
// counted per code point (wcwidth), the way tmux, xterm and Bubble Tea's
// renderer count them, after termText has removed what they disagree on.
func fit(s string, width int) string {
	if width <= 0 {
		return ""
	}
	s = cutCells(termText(s), width)
	if w := ansi.StringWidthWc(s); w < width {
		s += strings.Repeat(" ", width-w)
	}
	return s
}

// cutCells truncates s to width cells counted per code point, with an
// ellipsis. ansi.WcWidth.Truncate alone returns s whole when its grapheme
// width fits (x/ansi v0.11.9 checks with StringWidth before cutting), so
// blanks past the cut make sure it cuts; they are never reached.
func cutCells(s string, width int) string {
	if ansi.StringWidthWc(s) <= width {
		return s
	}
	return ansi.WcWidth.Truncate(s+strings.Repeat(" ", width+1), width, "…")
}

// clampInt keeps v within [lo, hi]; hi < lo gives lo.
func clampInt(v, lo, hi int) int {
	if v > hi {
		v = hi
	}
	if v < lo {
		v = lo
	}
	return v
}
