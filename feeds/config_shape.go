package feeds

import "fmt"

// Bounds on a config file, checked before the TOML decoder sees it. The
// decoder's memory grows with the square of the nesting: a 60 KB file of
// nested inline tables took 4.3 GB, and long dotted keys ("a.a.a…") or
// table headers grow the same way. Real configs are a few KB and nest 3
// deep (see TestConfigShapeOfRealConfigs); these limits are far above that.
const (
	maxConfigBytes = 1 << 20
	// maxConfigDepth counts the open [ and { at a point plus the dots of
	// the dotted key being read: "[[feed]]" is 2, "a = {b = [1]}" is 2,
	// "[a.b.c]" is 3.
	maxConfigDepth = 16
)

// checkConfigShape refuses a config over maxConfigBytes or nested deeper
// than maxConfigDepth, naming the line where the limit was crossed. It is a
// cheap scan that knows TOML's strings and comments well enough not to
// count brackets or dots inside them; everything else about the file is
// left to the decoder.
func checkConfigShape(path string, data []byte) error {
	if len(data) > maxConfigBytes {
		return &ConfigError{Path: path, Msg: fmt.Sprintf("the file is over the %s limit for a config (a config with hundreds of feeds is a few dozen KB: is this the right file?)",
			formatSize(maxConfigBytes))}
	}
	if deepest, line := configDepth(data, maxConfigDepth); deepest > maxConfigDepth {
		return &ConfigError{Path: path, Line: line, Msg: fmt.Sprintf("nested more than %d deep (tables, arrays and dotted keys inside each other; a parley config needs 3 or 4 levels)",
			maxConfigDepth)}
	}
	return nil
}

// configDepth returns the deepest nesting in data (see maxConfigDepth),
// stopping at the first point deeper than limit, and the line of that
// point.
func configDepth(data []byte, limit int) (deepest, line int) {
	line, depth, dots := 1, 0, 0
	at := func(d int) bool {
		deepest = max(deepest, d)
		return d > limit
	}
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '\n':
			line++
			dots = 0
		case '#': // a comment runs to the end of the line
			for i+1 < len(data) && data[i+1] != '\n' {
				i++
			}
		case '"', '\'':
			var n int
			i, n = skipString(data, i)
			line += n
		case '[', '{':
			depth++
			dots = 0
			if at(depth) {
				return deepest, line
			}
		case ']', '}':
			depth = max(depth-1, 0) // unbalanced: the decoder will say so
			dots = 0
		case '=', ',':
			dots = 0
		case '.':
			// A run of dots with no separator between them is a dotted key
			// (a number or a date has one dot): each dot is a level.
			dots++
			if at(depth + dots) {
				return deepest, line
			}
		}
	}
	return deepest, line
}

// skipString skips the TOML string that starts at data[i] (a quote) and
// returns the index of its last byte and how many newlines it held. Basic
// strings (one or three double quotes) have backslash escapes, literal
// ones (single quotes) do not; the one-line kinds end at a newline too, for an
// unterminated string is the decoder's to report.
func skipString(data []byte, i int) (end, newlines int) {
	q := data[i]
	multi := i+2 < len(data) && data[i+1] == q && data[i+2] == q
	if multi {
		i += 2
	} else if i+1 < len(data) && data[i+1] == q {
		return i + 1, 0 // "" or ''
	}
	for i++; i < len(data); i++ {
		c := data[i]
		switch {
		case c == '\\' && q == '"':
			if i+1 < len(data) && data[i+1] == '\n' {
				if !multi {
					return i, 0 // invalid; the scanner counts the newline
				}
				newlines++ // a line-ending backslash
			}
			i++
		case c == '\n':
			if !multi {
				return i - 1, 0 // let the scanner count this newline
			}
			newlines++
		case c == q && !multi:
			return i, newlines
		case c == q && i+2 < len(data) && data[i+1] == q && data[i+2] == q:
			// """ closes, and up to two more quotes right before it belong
			// to the string: """a"""" ends at the last of four.
			end := i + 2
			for k := 0; k < 2 && end+1 < len(data) && data[end+1] == q; k++ {
				end++
			}
			return end, newlines
		}
	}
	return len(data) - 1, newlines
}
