package feeds

import (
	"fmt"
	"strings"

	"parley/filter"
)

// View is one [[view]] table: a saved filter the console offers as a
// numbered view (5 to 9, in file order).
type View struct {
	Name   string
	Filter string // in the filter language; checked with filter.Parse
}

type rawView struct {
	Name   string `toml:"name"`
	Filter string `toml:"filter"`
}

// viewKeys are the keys of a [[view]] table, for error messages.
const viewKeys = "name, filter"

// MaxViews is how many saved views have a key (5 to 9).
const MaxViews = 5

// parseViews checks every [[view]] table: a name, a filter that parses,
// no two names alike, at most MaxViews.
func parseViews(path, text string, raws []rawView) ([]View, error) {
	var out []View
	names := map[string]int{}
	for i, rv := range raws {
		errAt := func(key, msg string, args ...any) error {
			return &ConfigError{Path: path, Line: findArrayTableKeyLine(text, "view", key, i),
				Msg: fmt.Sprintf("view %d: ", i+1) + fmt.Sprintf(msg, args...)}
		}
		v := View{Name: strings.TrimSpace(rv.Name), Filter: strings.TrimSpace(rv.Filter)}
		switch {
		case i >= MaxViews:
			return nil, errAt("name", "only %d views fit the keys 5 to 9; remove one", MaxViews)
		case v.Name == "":
			return nil, errAt("name", `has no name (expected name = "Hot leads": shown as the view's tab)`)
		case v.Filter == "":
			return nil, errAt("filter", `has no filter (expected filter = "stage:intent is:waiting")`)
		}
		if err := checkPlain("name", v.Name); err != nil {
			return nil, errAt("name", "%v", err)
		}
		if err := checkPlain("filter", v.Filter); err != nil {
			return nil, errAt("filter", "%v", err) // shown in the header as written
		}
		if j, dup := names[strings.ToLower(v.Name)]; dup {
			return nil, errAt("name", "name %q is already view %d's", v.Name, j+1)
		}
		names[strings.ToLower(v.Name)] = i
		if _, err := filter.Parse(v.Filter); err != nil {
			return nil, errAt("filter", "filter %q: %v", v.Filter, err)
		}
		out = append(out, v)
	}
	return out, nil
}
