package feeds

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSanitize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain ascii", "hello world", "hello world"},
		{"printable unicode kept exactly", "café 日本語 👍🏽 👨‍👩‍👧 naïve", "café 日本語 👍🏽 👨‍👩‍👧 naïve"},
		{"OSC 52 clipboard write with BEL", "a\x1b]52;c;aGVsbG8=\x07b", "ab"},
		{"OSC 52 with ST", "a\x1b]52;c;aGVsbG8=\x1b\\b", "ab"},
		{"clear screen and home", "\x1b[2J\x1b[Hvisible", "visible"},
		{"OSC 8 hyperlink keeps only its text", "\x1b]8;;https://evil.example/\x1b\\click me\x1b]8;;\x1b\\", "click me"},
		{"SGR colour", "\x1b[1;31mred\x1b[0m", "red"},
		{"raw 8-bit C1 CSI", "\x9b31mred", "red"},
		{"UTF-8 encoded C1 CSI", "\u009b31mred", "red"},
		{"raw 8-bit C1 OSC to BEL", "x\x9d0;title\x07y", "xy"},
		{"DCS sequence", "a\x1bP1$r0m\x1b\\b", "ab"},
		{"APC and PM", "a\x1b_payload\x1b\\b\x1b^pm\x1b\\c", "abc"},
		{"two-byte ESC sequences", "a\x1bcb\x1b7c\x1b(Bd", "abcd"},
		{"unterminated OSC swallows the rest", "safe\x1b]52;c;aGVsbG8=", "safe"},
		{"ESC inside CSI restarts", "a\x1b[3\x1b[2Jb", "ab"},
		{"malformed CSI keeps following text", "a\x1b[12\u00e9b", "aéb"},
		{"lone ESC at end", "abc\x1b", "abc"},
		{"raw 8-bit DCS to raw 8-bit ST", "a\x90payload\x9cb", "ab"},
		{"ESC with intermediates", "a\x1b#8b\x1b%Gc\x1b(0d", "abcd"},
		{"CAN aborts a string", "a\x1b]0;title\x18b", "ab"},
		{"OSC 0 window title", "\x1b]0;pwned\x07text", "text"},
		{"right-to-left override", "\u202etxt.exe", "txt.exe"},
		{"all bidi controls", "a\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061cb", "ab"},
		{"BEL backspace NUL DEL", "a\x07b\x08c\x00d\x7fe", "abcde"},
		{"other C1 controls", "a\u0085b\u0084c\u009cd", "abcd"},
		{"CRLF and lone CR", "one\r\ntwo\rthree", "one\ntwo\nthree"},
		{"tab becomes space", "a\tb", "a b"},
		{"blank line runs collapse", "a\n\n\n\n\nb\r\n\r\n\r\nc", "a\n\nb\n\nc"},
		{"trimmed", "  \n\n  text \n\n\n", "text"},
		{"invalid UTF-8 becomes U+FFFD", "a\xffb\xe4c", "a\ufffdb\ufffdc"},
		{"truncated UTF-8 before ESC", "\xe4\x1b[2Jx", "\ufffdx"},
		{"line separator", "a\u2028b", "a\nb"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sanitize(tt.in); got != tt.want {
				t.Errorf("Sanitize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSanitizeLine(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"newlines and tabs to one space", "Alice\n\n\tMartin", "Alice Martin"},
		{"space runs collapse", "a   b \r\n c", "a b c"},
		{"escapes removed", "Bob\x1b[2J\x1b]0;owned\x07", "Bob"},
		{"bidi in a file name", "invoice\u202efdp.exe", "invoicefdp.exe"},
		{"ideographic space kept", "日本\u3000語", "日本\u3000語"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SanitizeLine(tt.in); got != tt.want {
				t.Errorf("SanitizeLine(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// checkSafe fails t if s could drive a terminal or mislead a reader.
func checkSafe(t *testing.T, in, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Fatalf("Sanitize(%q) = %q: invalid UTF-8", in, s)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && c != '\n') || c == 0x7f {
			t.Fatalf("Sanitize(%q) = %q: control byte %#x at %d", in, s, c, i)
		}
	}
	for _, r := range s {
		if (r >= 0x80 && r <= 0x9f) || isBidiControl(r) {
			t.Fatalf("Sanitize(%q) = %q: forbidden rune %U", in, s, r)
		}
	}
	if strings.Contains(s, "\n\n\n") {
		t.Fatalf("Sanitize(%q) = %q: three newlines in a row", in, s)
	}
}
