package feeds

// Saved replies (templates): [[template]] tables in the config, and the
// .txt / .md files of a templates folder. A template's {variables} are
// filled in when it is inserted; a variable parley does not know is
// reported where it is written (file:line), never inserted as is by
// surprise.

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// Template is one saved reply.
type Template struct {
	Name string
	Body string
	// Source says where it was written ("config.toml:12", "templates/hi.md").
	Source string
}

// TemplateVars are the variables a template may use.
var TemplateVars = []string{"first_name", "author", "feed", "link", "track_link"}

// templateVarRE finds {name} placeholders; only lower-case names with
// underscores count, so JSON or code braces in a reply stay text.
var templateVarRE = regexp.MustCompile(`\{([a-z][a-z0-9_]*)\}`)

// unknownVars lists the variables of body parley does not know, in order,
// each once.
func unknownVars(body string) []string {
	var out []string
	for _, m := range templateVarRE.FindAllStringSubmatch(body, -1) {
		if !slices.Contains(TemplateVars, m[1]) && !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	return out
}

// ExpandTemplate fills body's variables from vars; a known variable with
// no value (no track_link configured) becomes empty.
func ExpandTemplate(body string, vars map[string]string) string {
	return templateVarRE.ReplaceAllStringFunc(body, func(m string) string {
		name := m[1 : len(m)-1]
		if !slices.Contains(TemplateVars, name) {
			return m
		}
		return vars[name]
	})
}

// FirstName is the first word of an author's name ("Alice Chen" ->
// "Alice"); a handle ("@alice@example.social") loses its @ and domain.
func FirstName(author string) string {
	f := strings.Fields(author)
	if len(f) == 0 {
		return ""
	}
	n := strings.TrimPrefix(f[0], "@")
	if i := strings.IndexByte(n, '@'); i > 0 {
		n = n[:i]
	}
	return n
}

type rawTemplate struct {
	Name string `toml:"name"`
	Body string `toml:"body"`
}

const templateKeys = "name, body"

// parseTemplates checks the [[template]] tables.
func parseTemplates(path, text string, raws []rawTemplate) ([]Template, error) {
	var out []Template
	seen := map[string]int{}
	for i, rt := range raws {
		errAt := func(key, msg string, args ...any) error {
			return &ConfigError{Path: path, Line: findArrayTableKeyLine(text, "template", key, i),
				Msg: fmt.Sprintf("template %d: ", i+1) + fmt.Sprintf(msg, args...)}
		}
		name := strings.TrimSpace(rt.Name)
		if name == "" {
			return nil, errAt("name", `has no name (expected name = "Thanks", shown in the ctrl+t picker)`)
		}
		if err := checkPlain("name", name); err != nil {
			return nil, errAt("name", "%v", err)
		}
		if j, dup := seen[strings.ToLower(name)]; dup {
			return nil, errAt("name", "name %q is already template %d's (names must be unique, ignoring case)", name, j+1)
		}
		seen[strings.ToLower(name)] = i
		if strings.TrimSpace(rt.Body) == "" {
			return nil, errAt("body", `%q has no body (expected body = "Hi {first_name}, …")`, name)
		}
		if bad := unknownVars(rt.Body); len(bad) > 0 {
			line := findArrayTableKeyLine(text, "template", "body", i)
			line = lineOfFrom(text, "{"+bad[0]+"}", line)
			return nil, &ConfigError{Path: path, Line: line, Msg: fmt.Sprintf("template %d (%s): unknown variable {%s} (expected %s)",
				i+1, name, bad[0], varList())}
		}
		out = append(out, Template{Name: name, Body: rt.Body, Source: fmt.Sprintf("%s:%d", path, findArrayTableKeyLine(text, "template", "name", i))})
	}
	return out, nil
}

func varList() string {
	vs := make([]string, len(TemplateVars))
	for i, v := range TemplateVars {
		vs[i] = "{" + v + "}"
	}
	return strings.Join(vs, ", ")
}

// lineOfFrom is the line (1-based) of the first s at or after line from;
// from when there is none.
func lineOfFrom(text, s string, from int) int {
	lines := strings.Split(text, "\n")
	for i := max(from-1, 0); i < len(lines); i++ {
		if strings.Contains(lines[i], s) {
			return i + 1
		}
	}
	return from
}

// maxTemplateBytes bounds one template file: a saved reply, not a book.
const maxTemplateBytes = 64 << 10

// LoadTemplateDir reads dir's *.txt and *.md files, one template each,
// named after the file (without its extension), sorted by name. A
// missing folder is no templates. problems are the files skipped or the
// unknown variables found, each "path:line: what"; the templates with an
// unknown variable are still listed (their text is the user's).
func LoadTemplateDir(dir string) (ts []Template, problems []string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if !os.IsNotExist(err) {
			problems = append(problems, fmt.Sprintf("%s: %v", dir, err))
		}
		return nil, problems
	}
	for _, e := range entries {
		ext := filepath.Ext(e.Name())
		if ext != ".txt" && ext != ".md" || !e.Type().IsRegular() {
			continue
		}
		p := filepath.Join(dir, e.Name())
		b, err := readTemplateFile(p)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", p, err))
			continue
		}
		body := strings.TrimRight(string(b), "\n")
		if err := checkTemplateText(body); err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", p, err))
			continue
		}
		for _, v := range unknownVars(body) {
			problems = append(problems, fmt.Sprintf("%s:%d: unknown variable {%s} (expected %s)", p, lineOfFrom(body, "{"+v+"}", 1), v, varList()))
		}
		ts = append(ts, Template{Name: strings.TrimSuffix(e.Name(), ext), Body: body, Source: p})
	}
	sort.Slice(ts, func(i, j int) bool { return strings.ToLower(ts[i].Name) < strings.ToLower(ts[j].Name) })
	return ts, problems
}

func readTemplateFile(p string) ([]byte, error) {
	fh, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, maxTemplateBytes+1))
	if err == nil && len(b) > maxTemplateBytes {
		err = fmt.Errorf("larger than %d KB: not read (a saved reply is a few lines)", maxTemplateBytes>>10)
	}
	return b, err
}

// checkTemplateText refuses a file that would put control characters
// into a reply (an escape sequence pasted from a terminal); newlines and
// tabs are text.
func checkTemplateText(s string) error {
	for _, line := range strings.Split(s, "\n") {
		if err := checkPlain("text", strings.ReplaceAll(line, "\t", " ")); err != nil {
			return fmt.Errorf("not plain text: %v", err)
		}
	}
	return nil
}

// dailyUnknownKey words an unknown key inside [sla], [notify] or
// [[template]]; nil for a key elsewhere.
func dailyUnknownKey(path, text string, k toml.Key) error {
	if len(k) < 2 {
		return nil
	}
	switch k[0] {
	case "sla":
		return &ConfigError{Path: path, Line: findTableKeyLine(text, "sla", k[1]),
			Msg: fmt.Sprintf("unknown key %q in [sla] (expected one of: %s)", k.String(), slaKeys)}
	case "notify":
		return &ConfigError{Path: path, Line: findTableKeyLine(text, "notify", k[1]),
			Msg: fmt.Sprintf("unknown key %q in [notify] (expected one of: %s)", k.String(), notifyKeys)}
	case "template":
		return &ConfigError{Path: path, Line: findArrayTableKeyLine(text, "template", k[1], -1),
			Msg: fmt.Sprintf("unknown key %q in [[template]] (expected one of: %s)", k[1], templateKeys)}
	}
	return nil
}
