package ui

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

func keyNamed(code rune, mod tea.KeyMod) tea.KeyPressMsg {
	return tea.KeyPressMsg{Code: code, Mod: mod}
}

var (
	kLeft      = keyNamed(tea.KeyLeft, 0)
	kRight     = keyNamed(tea.KeyRight, 0)
	kUp        = keyNamed(tea.KeyUp, 0)
	kDown      = keyNamed(tea.KeyDown, 0)
	kHome      = keyNamed(tea.KeyHome, 0)
	kEnd       = keyNamed(tea.KeyEnd, 0)
	kBackspace = keyNamed(tea.KeyBackspace, 0)
	kDelete    = keyNamed(tea.KeyDelete, 0)
	kWordLeft  = keyNamed(tea.KeyLeft, tea.ModAlt)
	kWordRight = keyNamed(tea.KeyRight, tea.ModCtrl)
	kCtrlW     = keyNamed('w', tea.ModCtrl)
	kCtrlU     = keyNamed('u', tea.ModCtrl)
	kCtrlK     = keyNamed('k', tea.ModCtrl)
	kAltD      = keyNamed('d', tea.ModAlt)
	kCtrlJ     = keyNamed('j', tea.ModCtrl)
)

func newTestBox(w, h int, text string) *textBox {
	b := newTextBox()
	b.SetWidth(w + 2) // the prompt takes 2
	b.SetHeight(h)
	b.SetValue(text)
	b.Focus()
	return b
}

func typeInto(b *textBox, s string) {
	for _, r := range s {
		if r == '\n' {
			b.Update(enter)
			continue
		}
		b.Update(press(r))
	}
}

// cursorText is the text with "|" at the cursor.
func cursorText(b *textBox) string {
	lines := make([]string, len(b.lines))
	for i, l := range b.lines {
		lines[i] = string(l)
		if i == b.row {
			lines[i] = string(l[:b.col]) + "|" + string(l[b.col:])
		}
	}
	return strings.Join(lines, "\n")
}

func TestTextBoxEditing(t *testing.T) {
	for _, tc := range []struct {
		name  string
		start string
		keys  []tea.Msg
		want  string
	}{
		{"typing and newlines", "", []tea.Msg{press('a'), enter, press('b'), kCtrlJ, press('c')}, "a\nb\nc|"},
		{"backspace joins lines", "ab\ncd", []tea.Msg{kHome, kBackspace}, "ab|cd"},
		{"delete joins lines", "ab\ncd", []tea.Msg{kUp, kEnd, kDelete}, "ab|cd"},
		{"left and right cross lines", "ab\ncd", []tea.Msg{kHome, kLeft, kLeft, kRight, kRight}, "ab\n|cd"},
		{"word moves", "one two  three\nfour", []tea.Msg{kWordLeft, kWordLeft, kWordLeft}, "one |two  three\nfour"},
		{"word right", "one two", []tea.Msg{kHome, kWordRight, kWordRight}, "one two|"},
		{"ctrl+w kills a word", "say hello there  ", []tea.Msg{kCtrlW}, "say hello |"},
		{"ctrl+w at line start joins", "ab\ncd", []tea.Msg{kHome, kCtrlW}, "ab|cd"},
		{"ctrl+u kills to line start", "ab\ncd ef", []tea.Msg{kLeft, kCtrlU}, "ab\n|f"},
		{"ctrl+k kills to line end", "ab cd\nx", []tea.Msg{kUp, kHome, kRight, kCtrlK}, "a|\nx"},
		{"alt+d kills the next word", "ab cd ef", []tea.Msg{kHome, kAltD}, "| cd ef"},
		{"paste with CRLF and tabs", "", []tea.Msg{tea.PasteMsg{Content: "a\r\nb\tc\x1b[31m"}}, "a\nb    c[31m|"},
		{"paste in the middle", "start end", []tea.Msg{kWordLeft, tea.PasteMsg{Content: "x\ny "}}, "start x\ny |end"},
		{"tab is four spaces", "", []tea.Msg{keyNamed(tea.KeyTab, 0), press('x')}, "    x|"},
		{"up and down keep the column", "abcdef\nab\nabcdef", []tea.Msg{kLeft, kLeft, kUp, kUp}, "abcd|ef\nab\nabcdef"},
		{"down at the last row goes to the end", "abc\ndef", []tea.Msg{kUp, kHome, kDown, kDown}, "abc\ndef|"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newTestBox(20, 5, tc.start)
			for _, k := range tc.keys {
				b.Update(k)
			}
			if got := cursorText(b); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			if got, want := b.runes, len([]rune(b.Value())); got != want {
				t.Errorf("rune count %d, text has %d", got, want)
			}
		})
	}
}

// Up and down move by screen rows within a wrapped line.
func TestTextBoxUpDownAcrossWrappedRows(t *testing.T) {
	b := newTestBox(10, 5, "aaaa bbbb cccc dddd")
	// Rows: "aaaa bbbb " / "cccc dddd" + the cursor cell.
	if got := b.wrap(0).starts; !slices.Equal(got, []int{0, 10}) {
		t.Fatalf("rows start at %v", got)
	}
	b.Update(kUp)
	if b.col != 9 {
		t.Errorf("up from the end of row 2: col %d, want 9 (row 1, same cell)", b.col)
	}
	b.Update(kDown)
	if b.col != 19 {
		t.Errorf("down again: col %d, want 19", b.col)
	}
}

// The incremental re-wrap after any edit equals wrapping the line anew.
func TestTextBoxWrapUpdateMatchesFullWrap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune("aaaaabbbcc    語é\u0301x-")
	for round := 0; round < 300; round++ {
		width := 1 + rng.IntN(12)
		b := newTestBox(width, 4, "")
		for i := 0; i < 60; i++ {
			switch rng.IntN(9) {
			case 0:
				b.Update(kBackspace)
			case 1:
				b.Update(kLeft)
			case 2:
				b.Update(kCtrlW)
			case 3:
				b.Update(kUp)
			case 4:
				if rng.IntN(4) == 0 {
					b.Update(tea.PasteMsg{Content: "pasted words\nand more"})
				} else {
					b.Update(kDelete)
				}
			default:
				b.Update(press(alphabet[rng.IntN(len(alphabet))]))
			}
			for line := range b.lines {
				var full lineWrap
				full.compute(b.lines[line], b.width)
				got := b.wrap(line)
				if !slices.Equal(got.starts, full.starts) || !slices.Equal(got.seen, full.seen) {
					t.Fatalf("width %d, %q: incremental rows %v seen %v, full %v seen %v",
						width, string(b.lines[line]), got.starts, got.seen, full.starts, full.seen)
				}
			}
		}
	}
}

// bubbles' textarea kept 10,000 lines and dropped the rest of a longer
// draft when it was opened (and the next autosave stored it so).
func TestTextBoxKeepsEveryLine(t *testing.T) {
	draft := strings.Repeat("a line of a very long log\n", 12000) + "the end"
	app, _ := composingApp(t, testStore(t), draft)
	if got := app.thread.input.Value(); got != draft {
		t.Fatalf("the composer holds %d of %d lines", strings.Count(got, "\n")+1, strings.Count(draft, "\n")+1)
	}
}

// Every row fits the box, the cursor is always on screen, and the box has
// exactly its height, whatever is typed where.
func TestTextBoxViewFitsAndShowsTheCursor(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	words := []string{"hello", "語語語", "a", "verylongwordthatneverends", "  ", "\n", "👩🏽‍💻", "x\u0301"}
	b := newTestBox(16, 4, "")
	for i := 0; i < 400; i++ {
		switch rng.IntN(8) {
		case 0:
			b.Update(kUp)
		case 1:
			b.Update(kDown)
		case 2:
			b.Update(kBackspace)
		case 3:
			b.Update(kWordLeft)
		default:
			b.Update(tea.PasteMsg{Content: words[rng.IntN(len(words))] + " "})
		}
		view := b.View()
		rows := strings.Split(view, "\n")
		if len(rows) != 4 {
			t.Fatalf("%d rows, want 4:\n%s", len(rows), view)
		}
		for _, r := range rows {
			if w := ansi.StringWidth(r); w > 18 {
				t.Fatalf("row %q is %d cells wide, the box 18", ansi.Strip(r), w)
			}
		}
		if !strings.Contains(view, "\x1b[7") {
			t.Fatalf("no cursor on screen after %d edits (row %d col %d):\n%s", i, b.row, b.col, view)
		}
	}
}

func TestTextBoxPlaceholderAndBlur(t *testing.T) {
	b := newTestBox(30, 3, "")
	b.Placeholder = "Write a reply…"
	if v := ansi.Strip(b.View()); !strings.Contains(v, "│ Write a reply…") {
		t.Errorf("placeholder not shown:\n%s", v)
	}
	b.SetValue("kept text")
	b.Blur()
	v := b.View()
	if !strings.Contains(ansi.Strip(v), "│ kept text") || strings.Contains(v, "\x1b[7") {
		t.Errorf("a blurred box shows its text without a cursor:\n%q", v)
	}
}
