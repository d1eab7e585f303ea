package ui

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"

	"github.com/charmbracelet/x/ansi"
	"golang.org/x/text/width"
)

// termCells is wcwidth(3) as glibc has it: how tmux 3.3a, xterm and the
// Linux console advance the cursor, one code point at a time. It is
// written out here, apart from the code under test, so the tests measure
// what a terminal does.
func termCells(s string) int {
	n := 0
	for _, r := range s {
		n += glibcCells(r)
	}
	return n
}

func glibcCells(r rune) int {
	switch {
	case r < 0x20, r >= 0x7f && r < 0xa0:
		return 0
	case r == 0xad:
		return 1
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf), r >= 0x1160 && r <= 0x11ff, r == 0x200b:
		return 0
	}
	if k := width.LookupRune(r).Kind(); k == width.EastAsianWide || k == width.EastAsianFullwidth {
		return 2
	}
	return 1
}

// widthPieces are the kinds of text terminals and grapheme segmentation
// measure differently, and some that they agree on.
var widthPieces = []string{
	"👩🏽\u200d💻", "👨\u200d👩\u200d👧\u200d👦", "🏳️\u200d🌈", "👍🏿", "🏿", // ZWJ sequences, skin tones
	"🇯🇵", "🇫🇷🇩🇪", "🇯", // flags, a lone regional indicator
	"☺️", "1️⃣", "#\ufe0f\u20e3", "❤︎", "✈️", // variation selectors, keycaps
	"🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f", // tag sequence
	"\u200d", "\u200b", "\u200c", "\u2060", "\ufeff", "\u00ad", "\u2063", // zero-width format characters
	"e̷̢̛͓̬̣̳͚̠͙͔̲̙̱̻̓̽͒̾́̋̓͌̎͗̿", strings.Repeat("\u0301", 30), "a" + strings.Repeat("\u20dd", 5), // stacked marks
	"「日本語」", "한국어", "\u1100\u1161\u11a8", "\u1161", "ｆｕｌｌ", // wide
	"café", "cafe\u0301", "Ελληνικά", "עִבְרִית", "नमस्ते", "ภาษาไทย", // scripts
	"a", " ", "…", "plain words", "\x1b[1mbold\x1b[0m",
}

func randomWideText(rng *rand.Rand) string {
	var b strings.Builder
	for range rng.IntN(12) {
		b.WriteString(widthPieces[rng.IntN(len(widthPieces))])
	}
	return b.String()
}

// Whatever the text, a fitted column takes exactly its width in a
// terminal that counts cells per code point, and no wider to lipgloss: so
// no row overflows and every column after it starts where the header says.
func TestFitTakesItsWidthInATerminal(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 7))
	for _, p := range widthPieces {
		for w := 1; w <= 12; w++ {
			checkFit(t, strings.Repeat(p, 20), w)
		}
	}
	for range 5000 {
		checkFit(t, randomWideText(rng), 1+rng.IntN(40))
	}
}

func checkFit(t *testing.T, s string, w int) {
	t.Helper()
	got := fit(s, w)
	if n := termCells(ansi.Strip(got)); n != w {
		t.Fatalf("fit(%+q, %d) = %+q: %d cells in a terminal, want %d", s, w, got, n, w)
	}
	if n := ansi.StringWidth(got); n > w {
		t.Fatalf("fit(%+q, %d) = %+q: lipgloss measures %d cells, over %d", s, w, got, n, w)
	}
	marks := 0
	for _, r := range got {
		if unicode.In(r, unicode.Mn, unicode.Me) {
			if marks++; marks > maxMarks {
				t.Fatalf("fit(%+q, %d) = %+q keeps more than %d marks on one character", s, w, got, maxMarks)
			}
		} else {
			marks = 0
		}
	}
}

// After termText, lipgloss (grapheme clusters) and a terminal (code
// points) agree on the width of emoji sequences, flags, keycaps, marks and
// wide text, so text wrapped by lipgloss in the thread view fits as well.
func TestTermTextMeasuresTheSameEverywhere(t *testing.T) {
	for _, s := range widthPieces {
		if strings.ContainsAny(s, "नमस्तेภาษาไทย") {
			continue // spacing vowels: see termText; fit and App.View cover them
		}
		got := termText(s)
		if g, c := ansi.StringWidth(got), termCells(ansi.Strip(got)); g != c {
			t.Errorf("termText(%+q) = %+q: lipgloss %d cells, terminal %d", s, got, g, c)
		}
	}
	for in, want := range map[string]string{
		"👩🏽\u200d💻 dev":             "👩💻 dev",
		"a\u200db":                  "ab",
		"☺️":                        "☺",
		"cafe\u0301":                "café",
		"e\u0301\u0302\u0303\u0304": "é\u0302\u0303", // composed, then two marks kept
		"\u1100\u1161\u11a8":        "각",
		"「日本語」":                     "「日本語」",
		"plain":                     "plain",
	} {
		if got := termText(in); got != want {
			t.Errorf("termText(%+q) = %+q, want %+q", in, got, want)
		}
	}
}

// cutCells counts as the terminal does, also where lipgloss counts fewer
// cells (Indic conjuncts and spacing vowels), and keeps escape sequences.
func TestCutCellsCountsPerCodePoint(t *testing.T) {
	line := "\x1b[1m" + strings.Repeat("नमस्ते ", 30) + "\x1b[0m"
	for w := 1; w <= 80; w++ {
		got := cutCells(line, w)
		if n := termCells(ansi.Strip(got)); n > w {
			t.Fatalf("cutCells(…, %d) is %d cells in a terminal", w, n)
		}
		if !strings.HasSuffix(got, "…\x1b[0m") {
			t.Fatalf("cutCells(…, %d) = %+q: no ellipsis, or the reset sequence was lost", w, got)
		}
	}
}

func FuzzFit(f *testing.F) {
	for _, p := range widthPieces {
		f.Add(strings.Repeat(p, 7), 10)
	}
	f.Fuzz(func(t *testing.T, s string, w int) {
		w = 1 + (w%60+60)%60
		for _, r := range s {
			// Runes whose width changed between Unicode versions (Go's
			// tables and the terminal's differ too): not what this checks.
			if r < 0x20 || r >= 0x7f && r < 0xa0 || glibcCells(r) != ansi.StringWidthWc(string(r)) && !invisibleJoiner(r) {
				t.Skip()
			}
		}
		checkFit(t, s, w)
	})
}
