package feeds

import (
	"strings"
	"unicode/utf8"
)

// Sanitize makes untrusted feed text safe to print in a terminal.
//
// Whole escape sequences are removed, not just their ESC byte, so no
// parameter debris ("[2J", "52;c;...") is left behind: CSI, OSC (including
// OSC 52 clipboard writes and OSC 8 hyperlinks), DCS, SOS, PM, APC and
// two-byte ESC sequences, introduced either by ESC or by the equivalent C1
// control. String sequences (OSC, DCS, ...) run until BEL or ST; an
// unterminated one swallows the rest of the text, as a terminal would.
//
// Then, as the guarantee, a rune filter drops every remaining C0 control
// except '\n' and '\t' (which becomes a space), DEL, all C1 controls and the
// bidi controls that can make text display differently from what it is
// (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C). CRLF and lone CR
// become LF; U+2028/U+2029 become LF. Invalid UTF-8 never passes through: a
// stray byte 0x80–0x9F is treated as the C1 control it would be on an 8-bit
// terminal (so "\x9b31m" disappears whole), any other invalid byte becomes
// U+FFFD.
//
// Finally runs of three or more newlines collapse to two and surrounding
// whitespace is trimmed. Printable text, including CJK, emoji and accents,
// is kept exactly.
func Sanitize(s string) string {
	if plainText(s) {
		return strings.TrimSpace(s)
	}
	return sanitize(s)
}

// plainText reports whether Sanitize would only trim s: valid UTF-8 with
// no control, C1, bidi or line-separator rune but '\n', no '\r', and no
// run of three newlines. Most feed text is, and is then not copied.
func plainText(s string) bool {
	newlines := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '\n':
				if newlines++; newlines > 2 {
					return false
				}
			case c < 0x20 || c == 0x7f:
				return false
			default:
				newlines = 0
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r <= 0x9f || r == 0x2028 || r == 0x2029 || isBidiControl(r) {
			return false
		}
		newlines = 0
		i += size
	}
	return true
}

// sanitize is Sanitize's escape parser and rune filter.
func sanitize(s string) string {
	if s == "" {
		return ""
	}
	var o sanitizeOut
	o.b.Grow(len(s))
	st := escGround
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			if c := s[i]; c >= 0x80 && c <= 0x9f {
				r = rune(c) // raw 8-bit C1: handle like the control it encodes
			}
		}
		i += size
		for {
			next, emit, reprocess := escStep(st, r)
			st = next
			if emit {
				o.put(r)
			}
			if !reprocess {
				break
			}
		}
	}
	return strings.TrimSpace(o.b.String())
}

// SanitizeLine is Sanitize for single-line fields (names, titles, links):
// newlines and tabs become spaces and runs of spaces collapse to one.
func SanitizeLine(s string) string {
	s = Sanitize(s)
	if !strings.ContainsAny(s, "\n ") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if r == ' ' || r == '\n' {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// Escape-sequence parser states (a subset of the DEC/ECMA-48 state machine
// that only needs to know where sequences end).
const (
	escGround    = iota
	escEsc       // after ESC
	escInter     // ESC followed by intermediate bytes
	escCSI       // inside a control sequence
	escString    // inside OSC/DCS/SOS/PM/APC, waiting for BEL or ST
	escStringESC // ESC seen inside a string: ST if '\' follows
)

// escStep advances the parser by one rune. emit reports whether r is text to
// keep (subject to the rune filter); reprocess asks for r to be fed again in
// the new state because it ended a malformed sequence without belonging to
// it.
func escStep(st int, r rune) (next int, emit, reprocess bool) {
	switch st {
	case escGround:
		switch {
		case r == 0x1b:
			return escEsc, false, false
		case r == 0x9b: // C1 CSI
			return escCSI, false, false
		case r == 0x90 || r == 0x98 || r == 0x9d || r == 0x9e || r == 0x9f: // C1 DCS, SOS, OSC, PM, APC
			return escString, false, false
		}
		return escGround, true, false
	case escEsc:
		switch {
		case r == '[':
			return escCSI, false, false
		case r == ']' || r == 'P' || r == 'X' || r == '^' || r == '_':
			return escString, false, false
		case r == 0x1b:
			return escEsc, false, false
		case r >= 0x20 && r <= 0x2f:
			return escInter, false, false
		case r >= 0x30 && r <= 0x7e: // two-byte sequence such as ESC c (reset)
			return escGround, false, false
		}
		return escGround, false, true
	case escInter:
		switch {
		case r >= 0x20 && r <= 0x2f:
			return escInter, false, false
		case r >= 0x30 && r <= 0x7e:
			return escGround, false, false
		}
		return escGround, false, true
	case escCSI:
		switch {
		case r >= 0x20 && r <= 0x3f: // parameters and intermediates
			return escCSI, false, false
		case r >= 0x40 && r <= 0x7e: // final byte
			return escGround, false, false
		}
		return escGround, false, true
	case escString:
		switch r {
		case 0x07, 0x9c, 0x18, 0x1a: // BEL, ST, CAN, SUB end or abort it
			return escGround, false, false
		case 0x1b:
			return escStringESC, false, false
		}
		return escString, false, false
	case escStringESC:
		if r == '\\' {
			return escGround, false, false
		}
		// A terminal aborts the string and starts a new escape here.
		return escEsc, false, true
	}
	return escGround, true, false
}

// sanitizeOut is the rune filter plus newline normalization. Newlines are
// held back and written only before the next kept rune, which both collapses
// long runs and drops trailing ones.
type sanitizeOut struct {
	b        strings.Builder
	newlines int
	afterCR  bool
}

func (o *sanitizeOut) put(r rune) {
	afterCR := o.afterCR
	o.afterCR = false
	switch {
	case r == '\r':
		o.afterCR = true
		o.newline()
	case r == '\n':
		if !afterCR { // the LF of CRLF was already counted
			o.newline()
		}
	case r == 0x2028 || r == 0x2029:
		o.newline()
	case r == '\t':
		o.text(' ')
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f, isBidiControl(r):
		// dropped
	default:
		o.text(r)
	}
}

func (o *sanitizeOut) newline() {
	if o.b.Len() > 0 { // leading newlines are trimmed anyway
		o.newlines++
	}
}

func (o *sanitizeOut) text(r rune) {
	if o.newlines > 0 {
		o.b.WriteString("\n\n"[:min(o.newlines, 2)])
		o.newlines = 0
	}
	o.b.WriteRune(r)
}

// isBidiControl reports the explicit directional formatting characters,
// which can reorder what the user sees (e.g. "\u202etxt.exe").
func isBidiControl(r rune) bool {
	return r >= 0x202a && r <= 0x202e ||
		r >= 0x2066 && r <= 0x2069 ||
		r == 0x200e || r == 0x200f || r == 0x061c
}
