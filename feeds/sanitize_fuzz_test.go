package feeds

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// Run with, e.g.:
//
//	go test -run '^$' -fuzz '^FuzzSanitize$' -fuzztime 60s ./feeds/
//	go test -run '^$' -fuzz '^FuzzSanitizeLine$' -fuzztime 60s ./feeds/
//
// Every fuzz input is checked four ways: as it is (safe output, idempotent),
// reduced to its printable runes (kept exactly, up to the documented
// whitespace rules), and split into a printable prefix and suffix with a
// complete escape sequence built from the input between them (the sequence
// goes, both halves stay).

// sanitizeSeeds are the hostile and the harmless shapes the fuzzer starts
// from; they are plain strings so they live here, not in testdata/fuzz.
var sanitizeSeeds = []string{
	"\x1b[1;31mred\x1b[0m",                                   // CSI colour
	"\x1b[2J\x1b[Hcleared",                                   // clear screen, cursor home
	"\x1b]52;c;cm0gLXJmIH4=\x07after",                        // OSC 52 clipboard write, BEL
	"\x1b]52;c;cm0gLXJmIH4=\x1b\\after",                      // OSC 52, ST
	"\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\", // OSC 8 hyperlink
	"\x1b]0;pwned title\x07text",                             // OSC 0 window title
	"a\x1bP1$r0m\x1b\\b",                                     // DCS
	"a\x1b_apc\x1b\\b\x1b^pm\x1b\\c\x1bXsos\x1b\\d",          // APC, PM, SOS
	"\x9b31mred\x9b0m",                                       // 8-bit C1 CSI
	"x\x9d0;title\x07y",                                      // 8-bit C1 OSC
	"\u009b2J\u009d52;c;eA==\u009c",                          // C1 as UTF-8
	"trailing\x1b",                                           // lone ESC at end
	"safe\x1b]52;c;cm0gLXJmIH4=",                             // unterminated OSC
	"abc\x08\x08\x08xyz",                                     // backspace
	"safe\rEVIL",                                             // CR overwrite
	"one\r\ntwo\r\n\r\n\r\nthree",                            // CRLF
	"ding\x07dong",                                           // BEL
	"del\x7fete",                                             // DEL
	"\u202a\u202b\u202c\u202d\u202egnp.exe",                  // bidi embeddings, overrides
	"a\u2066b\u2067c\u2068d\u2069e",                          // bidi isolates
	"\u200eltr\u200frtl\u061calm",                            // bidi marks
	"bad\xff\xfe\xc0\xafutf8\xe4",                            // invalid UTF-8
	"日本語のテキスト 👍🏽 👨‍👩‍👧 café naïve Ωmega", // CJK, emoji, accents
	"  \n\n\n\nparagraph one\n\n\n\nparagraph two\n\n ",
	"tab\tseparated\tvalues",
	"",
}

func FuzzSanitize(f *testing.F) {
	for _, s := range sanitizeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Sanitize(in)
		if slow := sanitize(in); out != slow {
			t.Fatalf("Sanitize(%q) = %q, its full filter gives %q", in, out, slow)
		}
		if err := unsafeText(out, false); err != nil {
			t.Fatalf("Sanitize(%q) = %q: %v", in, out, err)
		}
		if again := Sanitize(out); again != out {
			t.Fatalf("not idempotent: Sanitize(%q) = %q, then %q", in, out, again)
		}

		p := printableOf(in)
		if got, want := Sanitize(p), normalizeText(p); got != want {
			t.Fatalf("printable text changed: Sanitize(%q) = %q, want %q", p, got, want)
		}

		prefix, junk, suffix := splitWithEscape(in)
		if got, want := Sanitize(prefix+junk+suffix), normalizeText(prefix+suffix); got != want {
			t.Fatalf("escape %q between %q and %q: Sanitize = %q, want %q", junk, prefix, suffix, got, want)
		}
	})
}

func FuzzSanitizeLine(f *testing.F) {
	for _, s := range sanitizeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := SanitizeLine(in)
		if err := unsafeText(out, true); err != nil {
			t.Fatalf("SanitizeLine(%q) = %q: %v", in, out, err)
		}
		if again := SanitizeLine(out); again != out {
			t.Fatalf("not idempotent: SanitizeLine(%q) = %q, then %q", in, out, again)
		}
		// A line is already clean text: Sanitize must leave it alone.
		if again := Sanitize(out); again != out {
			t.Fatalf("Sanitize(SanitizeLine(%q)) = %q, want %q", in, again, out)
		}

		p := printableOf(in)
		if got, want := SanitizeLine(p), normalizeLine(p); got != want {
			t.Fatalf("printable text changed: SanitizeLine(%q) = %q, want %q", p, got, want)
		}

		prefix, junk, suffix := splitWithEscape(in)
		if got, want := SanitizeLine(prefix+junk+suffix), normalizeLine(prefix+suffix); got != want {
			t.Fatalf("escape %q between %q and %q: SanitizeLine = %q, want %q", junk, prefix, suffix, got, want)
		}
	})
}

// unsafeText says why s could drive a terminal or mislead a reader, or
// returns nil. For a line, newlines count as unsafe too.
func unsafeText(s string, line bool) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("invalid UTF-8")
	}
	for i, r := range s {
		switch {
		case r == '\n' && line:
			return fmt.Errorf("newline at %d in a line", i)
		case r < 0x20 && r != '\n', r == 0x7f, r >= 0x80 && r <= 0x9f:
			return fmt.Errorf("control %U at %d", r, i)
		case isBidiControl(r):
			return fmt.Errorf("bidi control %U at %d", r, i)
		case r == 0x2028 || r == 0x2029:
			return fmt.Errorf("line or paragraph separator %U at %d", r, i)
		}
	}
	if !line && strings.Contains(s, "\n\n\n") {
		return fmt.Errorf("three newlines in a row")
	}
	if strings.TrimSpace(s) != s {
		return fmt.Errorf("not trimmed")
	}
	return nil
}

// printableOf keeps the runes of s that are printable text (unicode.IsPrint,
// which admits the ASCII space but no other space and no control) and
// newlines: what Sanitize promises to keep.
func printableOf(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == '\n' || (unicode.IsPrint(r) && !isBidiControl(r)) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

var newlineRunRE = regexp.MustCompile(`\n{3,}`)

// normalizeText is the reference for Sanitize on printable text: runs of
// three or more newlines become two, surrounding whitespace goes.
func normalizeText(s string) string {
	return strings.TrimSpace(newlineRunRE.ReplaceAllString(s, "\n\n"))
}

// normalizeLine is the reference for SanitizeLine on printable text:
// newlines are spaces, space runs become one, the ends are trimmed.
func normalizeLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\n' }), " ")
}

// splitWithEscape builds, from any input, a printable prefix and suffix (its
// two halves, reduced to printable text) and a complete escape sequence
// whose kind, introducer, body and terminator are chosen by the input, so
// the fuzzer explores sequences as well as text.
func splitWithEscape(in string) (prefix, junk, suffix string) {
	half := len(in) / 2
	prefix, suffix = printableOf(in[:half]), printableOf(in[half:])
	var sel byte
	if len(in) > 0 {
		sel = in[0] ^ in[len(in)-1]
	}
	var b strings.Builder
	switch sel % 4 {
	case 0: // CSI: parameters 0x30-0x3f, intermediates 0x20-0x2f, one final 0x40-0x7e
		b.WriteString([]string{"\x1b[", "\x9b", "\u009b"}[int(sel/4)%3])
		for i := 0; i < len(in) && i < 16; i++ {
			b.WriteByte(0x30 + in[i]%0x10)
		}
		if len(in) > 1 {
			b.WriteByte(0x20 + in[1]%0x10)
		}
		b.WriteByte(0x40 + byte(len(in))%0x3f)
	case 1: // a string sequence: OSC, DCS, SOS, PM, APC
		intro := []string{"\x1b]", "\x1bP", "\x1bX", "\x1b^", "\x1b_", "\x9d", "\x90", "\u009d", "\u009f"}
		b.WriteString(intro[int(sel/4)%len(intro)])
		for _, r := range in {
			switch {
			case r == utf8.RuneError, r == 0x07, r == 0x1b, r == 0x18, r == 0x1a, r == 0x9c:
				// would end the string early or be an invalid byte that could
				// merge with the terminator
			default:
				b.WriteRune(r)
			}
		}
		b.WriteString([]string{"\x07", "\x1b\\", "\x9c", "\u009c"}[int(sel/4)%4])
	case 2: // ESC with intermediates and a final: charset selection and the like
		b.WriteByte(0x1b)
		b.WriteByte(0x20 + byte(len(in))%0x10)
		b.WriteByte(0x30 + sel%0x4f)
	default: // a two-byte ESC sequence that is not an introducer: ESC c, ESC 7, ESC =
		finals := "c78=>DEHMNOZ\\"
		b.WriteByte(0x1b)
		b.WriteByte(finals[int(sel/4)%len(finals)])
	}
	return prefix, b.String(), suffix
}
