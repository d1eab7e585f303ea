package feeds

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/BurntSushi/toml"
)

// A typo'd key is the most common config mistake. These name the keys a
// [[feed]] takes (all kinds: the general list hid token_env and friends)
// and suggest the key meant, and find the line of a misspelt table.

// feedKeyNames are the keys of a [[feed]] table, of every kind.
var feedKeyNames = []string{"name", "url", "every", "kind", "server", "token_env", "token_file", "hashtag",
	"api_key_env", "api_key_file", "api_username", "categories", "subreddit", "query"}

// topKeyNames are the keys and tables at the top of the file.
var topKeyNames = []string{"ours", "feed", "fetch", "funnel", "teammate", "sla", "notify", "template", "keys", "ui", "view"}

// tableKeyNames are the keys of each plain table, for "did you mean".
var tableKeyNames = map[string]string{
	"fetch": "timeout, max_bytes, per_host, max_concurrent, max_items", "funnel": funnelKeys,
	"sla": slaKeys, "notify": notifyKeys, "ui": "mouse",
}

// unknownFeedKey reports a key of a [[feed]] that no kind takes.
func unknownFeedKey(path, text string, k toml.Key) error {
	name := k[len(k)-1]
	return &ConfigError{Path: path, Line: findKeyLine(text, name, -1),
		Msg: fmt.Sprintf("unknown key %q in [[feed]]%s (expected one of: %s)", k.String(), didYouMean(name, feedKeyNames),
			strings.Join(feedKeyNames, ", "))}
}

// didYouMean is ` (did you mean "url"?)` when one known name is a small
// typo away from name (a letter missing, extra, swapped or wrong, or a
// plural), else "".
func didYouMean(name string, known []string) string {
	best, bestDist := "", 3
	for _, k := range known {
		d := editDistance(strings.ToLower(name), k)
		if d < bestDist {
			best, bestDist = k, d
		}
	}
	if best == "" || bestDist > max(1, len(best)/3) {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// editDistance is the optimal string alignment distance: insertions,
// deletions, substitutions and swaps of two neighbours each cost 1.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range rb {
		d[0][j+1] = j + 1
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

// findTableHeaderLine is the line of [name] or [[name]] (0: none), for an
// unknown table such as [[feeds]], which has no "key =" line to point at.
func findTableHeaderLine(text, name string) int {
	re := regexp.MustCompile(`^\s*\[\[?\s*"?` + regexp.QuoteMeta(name) + `"?\s*[\].]`)
	for i, line := range strings.Split(text, "\n") {
		if re.MatchString(line) {
			return i + 1
		}
	}
	return 0
}
