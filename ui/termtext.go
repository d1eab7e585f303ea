package ui

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maxMarks is how many combining marks termText keeps on one base
// character: enough for any real script's stacked accents (Vietnamese,
// Thai, Hebrew points), and with a 4-byte base still well inside the 21
// bytes tmux 3.3a keeps per cell.
const maxMarks = 2

// termText makes feed text take the same number of cells in lipgloss,
// which measures grapheme clusters, as in a terminal that advances once
// per code point by wcwidth(3): tmux 3.3a, xterm, the Linux console, and
// Bubble Tea's own renderer when the terminal does not announce grapheme
// support (mode 2027). Where the two disagree a row overflows, or the
// renderer's idea of the cursor drifts from the terminal's and text lands
// on the next row.
//
// The rule: compose (NFC), then drop what is invisible anyway and only
// ever joins or restyles clusters: format characters (ZWJ, ZWNJ, zero
// width spaces, word joiners, BOM, soft hyphen, tags, what Sanitize left
// of the bidi controls), variation selectors, skin-tone modifiers and
// stray conjoining Hangul vowels and finals; and keep at most maxMarks
// combining marks per base; an unpaired regional indicator becomes its
// letter. So "👩🏽‍💻" shows as "👩💻", four cells
// everywhere, instead of two cells to lipgloss and six in tmux. Clusters
// that still measure wider per code point (Indic conjuncts and spacing
// vowels) are left whole: fit and App.View measure with wcwidth, so they
// cost a cell of room, never an overflow.
//
// Stored text is not changed (replies quote it, export writes it); this
// runs when it is drawn, so databases written before it are covered too.
func termText(s string) string {
	if simpleText(s) {
		return s
	}
	s = norm.NFC.String(s)
	out := make([]rune, 0, len(s))
	marks := 0
	for _, r := range s {
		switch {
		case invisibleJoiner(r):
			continue
		case unicode.In(r, unicode.Mn, unicode.Me):
			if marks >= maxMarks {
				continue
			}
			marks++
		default:
			marks = 0
		}
		out = append(out, r)
	}
	// A flag is a pair of regional indicators, two cells everywhere; an
	// unpaired one is two cells to lipgloss and one to wcwidth, so it
	// becomes the letter it stands for.
	for i := 0; i < len(out); i++ {
		if !regionalIndicator(out[i]) {
			continue
		}
		if i+1 < len(out) && regionalIndicator(out[i+1]) {
			i++
			continue
		}
		out[i] = 'A' + out[i] - 0x1f1e6
	}
	return string(out)
}

func regionalIndicator(r rune) bool { return r >= 0x1f1e6 && r <= 0x1f1ff }

// simpleText reports text that termText would return unchanged: already
// NFC, with no rune it drops and no combining mark. Most text is (Latin,
// CJK, lone emoji, the UI's own box drawing), and is then not copied.
func simpleText(s string) bool {
	wide := false
	for i := 0; i < len(s); i++ {
		if s[i] < utf8.RuneSelf {
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size - 1
		if r < 0x300 && r != 0xad && r != utf8.RuneError {
			continue
		}
		if r == utf8.RuneError || invisibleJoiner(r) || regionalIndicator(r) || unicode.In(r, unicode.Mn, unicode.Me) {
			return false
		}
		wide = true
	}
	return !wide || norm.NFC.QuickSpanString(s) == len(s)
}

// invisibleJoiner reports the runes termText drops: they draw nothing
// themselves, and terminals and grapheme segmentation disagree about what
// they do to their neighbours.
func invisibleJoiner(r rune) bool {
	switch {
	case r >= 0xfe00 && r <= 0xfe0f, r >= 0xe0100 && r <= 0xe01ef: // variation selectors
		return true
	case r >= 0x1f3fb && r <= 0x1f3ff: // emoji skin-tone modifiers
		return true
	case r >= 0x1160 && r <= 0x11ff, r >= 0xd7b0 && r <= 0xd7ff:
		// Hangul vowels and finals that NFC could not join to a syllable:
		// zero width to glibc, one cell to Go's width tables.
		return true
	}
	return unicode.Is(unicode.Cf, r)
}
