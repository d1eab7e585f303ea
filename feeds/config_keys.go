package feeds

import (
	"fmt"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// KeyBinding is one [keys] entry: an action named screen.action
// ("queue.done") and the keys that trigger it, with the line it is on.
// The ui package owns the actions, so it checks the names and conflicts
// (ui.ApplyKeys); this side only checks the shape.
type KeyBinding struct {
	Action string
	Keys   []string // empty: the action is unbound
	Line   int
}

const keysExample = `"queue.done" = ["e", "x"] or "global.quit" = "q"`

// parseKeys reads the [keys] table in file order. Quoted names
// ("queue.done" = ...), dotted keys (queue.done = ...) and [keys.queue]
// sub-tables all give the same action name.
func parseKeys(path, text string, raw map[string]any, md toml.MetaData) ([]KeyBinding, error) {
	if md.IsDefined("keys") && md.Type("keys") != "Hash" {
		return nil, &ConfigError{Path: path, Line: findKeyLine(text, "keys", -1), Msg: "keys must be a table (expected a [keys] section with lines such as " + keysExample + ")"}
	}
	var out []KeyBinding
	var walk func(prefix string, m map[string]any) error
	walk = func(prefix string, m map[string]any) error {
		for name, v := range m {
			action := prefix + name
			if sub, ok := v.(map[string]any); ok {
				if err := walk(action+".", sub); err != nil {
					return err
				}
				continue
			}
			line := keysLine(text, action)
			errAt := func(msg string, args ...any) error {
				return &ConfigError{Path: path, Line: line, Msg: fmt.Sprintf("keys.%q: ", action) + fmt.Sprintf(msg, args...)}
			}
			var keys []string
			switch v := v.(type) {
			case string:
				keys = []string{v}
			case []any:
				for _, k := range v {
					s, ok := k.(string)
					if !ok {
						return errAt("must be a key or a list of keys (expected e.g. %s)", keysExample)
					}
					keys = append(keys, s)
				}
			default:
				return errAt("must be a key or a list of keys (expected e.g. %s)", keysExample)
			}
			for _, k := range keys {
				if err := checkPlain("key", k); err != nil {
					return errAt("%v", err)
				}
				if strings.TrimSpace(k) == "" {
					return errAt(`has an empty key (expected a key such as "x", "ctrl+x", "enter" or "space"; [] unbinds the action)`)
				}
			}
			out = append(out, KeyBinding{Action: action, Keys: keys, Line: line})
		}
		return nil
	}
	if err := walk("", raw); err != nil {
		return nil, err
	}
	// Maps have no order: file order makes messages and "last one wins"
	// predictable.
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Line != out[j].Line {
			return out[i].Line < out[j].Line
		}
		return out[i].Action < out[j].Action
	})
	return out, nil
}

// keysLine finds the line of an action in [keys], whichever way it was
// written.
func keysLine(text, action string) int {
	if n := findTableKeyLine(text, "keys", action); n > 0 && !isHeaderLine(text, n, "keys") {
		return n
	}
	if i := strings.LastIndexByte(action, '.'); i > 0 {
		if n := findTableKeyLine(text, "keys."+action[:i], action[i+1:]); n > 0 {
			return n
		}
	}
	return findTableKeyLine(text, "keys", action)
}

// isHeaderLine reports whether line n is the [table] header itself (the
// fallback of findTableKeyLine when the key is not found inside it).
func isHeaderLine(text string, n int, table string) bool {
	lines := strings.Split(text, "\n")
	if n < 1 || n > len(lines) {
		return false
	}
	m := tableNameRE.FindStringSubmatch(lines[n-1])
	return m != nil && m[1] == table
}
