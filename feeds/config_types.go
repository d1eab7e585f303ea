package feeds

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// A value of the wrong type (ours = "Sam" where a list belongs) stops the
// toml package at the first one with "incompatible types". parley first
// decodes the file into plain maps, checks every known key's type itself,
// reports each mismatch with what was expected, and drops those keys, so
// the rest of the file is still checked in the same run.

// valueShape is the TOML type a key must have.
type valueShape int

const (
	shapeString valueShape = iota
	shapeInt
	shapeStrings // an array of strings
	shapeTable
	shapeTables // [[name]] sections
	shapeBool
)

var topShapes = map[string]valueShape{
	"ours": shapeStrings, "feed": shapeTables, "fetch": shapeTable, "funnel": shapeTable, "teammate": shapeTables,
	"sla": shapeTable, "notify": shapeTable, "template": shapeTables, "keys": shapeTable, "ui": shapeTable, "view": shapeTables,
}

var sectionShapes = map[string]map[string]valueShape{
	"feed": {
		"name": shapeString, "url": shapeString, "every": shapeString, "kind": shapeString, "server": shapeString,
		"token_env": shapeString, "token_file": shapeString, "api_key_env": shapeString, "api_key_file": shapeString,
		"api_username": shapeString, "hashtag": shapeString, "subreddit": shapeString, "query": shapeString,
		"categories": shapeStrings,
	},
	"fetch": {
		"timeout": shapeString, "max_bytes": shapeInt, "per_host": shapeInt, "max_concurrent": shapeInt, "max_items": shapeInt,
	},
	"funnel":   {"intent": shapeStrings, "advocacy": shapeStrings, "competitors": shapeStrings, "track_link": shapeString},
	"teammate": {"name": shapeString, "unix_user": shapeString, "ssh_keys": shapeStrings},
	"sla":      {"warn": shapeString, "breach": shapeString},
	"notify":   {"on": shapeStrings, "bell": shapeBool, "desktop": shapeBool},
	"template": {"name": shapeString, "body": shapeString},
	"ui":       {"mouse": shapeBool},
	"view":     {"name": shapeString, "filter": shapeString},
	// [keys] values are a key or a list of keys: parseKeys checks them.
}

// keyExamples show a key written right, for the messages.
var keyExamples = map[string]string{
	"ours":                 `ours = ["Sam (Acme)", "Acme Team"]`,
	"feed.name":            `name = "Blog comments"`,
	"feed.url":             `url = "https://example.com/comments/feed/"`,
	"feed.every":           `every = "5m"`,
	"feed.kind":            `kind = "mastodon"`,
	"feed.server":          `server = "https://mastodon.example"`,
	"feed.token_env":       `token_env = "PARLEY_MASTODON_TOKEN"`,
	"feed.token_file":      `token_file = "~/.config/parley/mastodon.token"`,
	"feed.api_key_env":     `api_key_env = "PARLEY_DISCOURSE_KEY"`,
	"feed.api_key_file":    `api_key_file = "~/.config/parley/discourse.key"`,
	"feed.api_username":    `api_username = "maya"`,
	"feed.hashtag":         `hashtag = "quillstone"`,
	"feed.subreddit":       `subreddit = "golang"`,
	"feed.query":           `query = "quillstone"`,
	"feed.categories":      `categories = ["support", "feedback"]`,
	"fetch.timeout":        `timeout = "15s"`,
	"fetch.max_bytes":      `max_bytes = 10485760`,
	"fetch.per_host":       `per_host = 2`,
	"fetch.max_concurrent": `max_concurrent = 16`,
	"fetch.max_items":      `max_items = 500`,
	"teammate.name":        `name = "Maya"`,
	"teammate.unix_user":   `unix_user = "maya"`,
	"teammate.ssh_keys":    `ssh_keys = ["ssh-ed25519 AAAA… maya@laptop"]`,
	"sla.warn":             `warn = "4h"`,
	"sla.breach":           `breach = "24h"`,
	"notify.on":            `on = ["unhappy", "intent"]`,
	"notify.bell":          `bell = true`,
	"notify.desktop":       `desktop = false`,
	"template.name":        `name = "Thanks"`,
	"template.body":        `body = "Hi {first_name}, thanks for …"`,
	"ui.mouse":             `mouse = false`,
	"view.name":            `name = "Hot leads"`,
	"view.filter":          `filter = "stage:intent is:waiting"`,
}

// checkTypes reports every known key of doc whose value has the wrong
// type, and deletes it from doc so that the rest decodes.
func checkTypes(path, text string, doc map[string]any) []*ConfigError {
	var errs []*ConfigError
	for _, key := range sortedKeys(doc) {
		want, known := topShapes[key]
		if !known {
			continue // an unknown key: reported by name later
		}
		v := doc[key]
		if !hasShape(v, want) {
			errs = append(errs, &ConfigError{Path: path, Line: topKeyLine(text, key), Msg: typeMsg(key, "", v, want, false), wrongType: true})
			delete(doc, key)
			continue
		}
		shapes := sectionShapes[key]
		switch want {
		case shapeTable:
			errs = append(errs, checkSection(path, text, key, -1, v.(map[string]any), shapes)...)
		case shapeTables:
			for i, t := range tablesOf(v) {
				errs = append(errs, checkSection(path, text, key, i, t, shapes)...)
			}
		}
	}
	return errs
}

// checkSection checks the keys of one [section] (n < 0) or of the n-th
// [[section]].
func checkSection(path, text, section string, n int, t map[string]any, shapes map[string]valueShape) []*ConfigError {
	var errs []*ConfigError
	for _, key := range sortedKeys(t) {
		want, known := shapes[key]
		if !known || hasShape(t[key], want) {
			continue
		}
		var line int
		prefix := ""
		if n < 0 {
			line = findTableKeyLine(text, section, key)
		} else {
			line = findArrayTableKeyLine(text, section, key, n)
			prefix = fmt.Sprintf("%s %d: ", section, n+1)
		}
		errs = append(errs, &ConfigError{Path: path, Line: line, Msg: prefix + typeMsg(section+"."+key, key, t[key], want, n >= 0), wrongType: true})
		delete(t, key)
	}
	return errs
}

func hasShape(v any, want valueShape) bool {
	switch want {
	case shapeString:
		_, ok := v.(string)
		return ok
	case shapeInt:
		_, ok := v.(int64)
		return ok
	case shapeStrings:
		list, ok := v.([]any)
		if !ok {
			return false
		}
		for _, e := range list {
			if _, ok := e.(string); !ok {
				return false
			}
		}
		return true
	case shapeBool:
		_, ok := v.(bool)
		return ok
	case shapeTable:
		_, ok := v.(map[string]any)
		return ok
	case shapeTables:
		switch list := v.(type) {
		case []map[string]any:
			return true
		case []any:
			for _, e := range list {
				if _, ok := e.(map[string]any); !ok {
					return false
				}
			}
			return true
		}
	}
	return false
}

// tablesOf returns the tables of a value hasShape accepted as shapeTables.
func tablesOf(v any) []map[string]any {
	switch list := v.(type) {
	case []map[string]any:
		return list
	case []any:
		out := make([]map[string]any, len(list))
		for i, e := range list {
			out[i] = e.(map[string]any)
		}
		return out
	}
	return nil
}

// typeMsg says what key (its full dotted name) must be, what it is, and
// how to write it; short is the key as written inside its section, the
// name shown when byShort (the message names the [[section]] already).
func typeMsg(full, short string, v any, want valueShape, byShort bool) string {
	got := "it is " + describeValue(v)
	switch full {
	// The wording the toml package's errors were reworded to before.
	case "ui.mouse":
		return "ui.mouse must be true or false (expected e.g. [ui] mouse = false to leave the mouse to the terminal; " + got + ")"
	case "keys":
		return "keys must be a table (expected a [keys] section with lines such as " + keysExample + "; " + got + ")"
	case "funnel":
		return "funnel must be a table (expected a [funnel] section with " + funnelKeys + "; " + got + ")"
	case "funnel.intent", "funnel.advocacy", "funnel.competitors":
		return fmt.Sprintf("%s must be an array of strings (expected e.g. %s; %s)", full, funnelExample(short), got)
	case "funnel.track_link":
		return fmt.Sprintf("%s must be a string (expected e.g. %s; %s)", full, funnelExample("track_link"), got)
	case "teammate":
		return `teammate must be a list of tables (expected [[teammate]] with name = "Maya", and ssh_keys or unix_user; ` + got + ")"
	case "teammate.ssh_keys":
		return fmt.Sprintf("%s must be an array of strings (expected e.g. %s; %s)", full, keyExamples[full], got)
	case "feed":
		return "feed must be a list of tables (expected a [[feed]] section, with double brackets, per feed, each with name and url; " + got + ")"
	case "fetch":
		return "fetch must be a table (expected a [fetch] section with timeout, max_bytes, per_host, max_concurrent, max_items; " + got + ")"
	case "ours":
		example := keyExamples["ours"]
		if s, ok := v.(string); ok {
			example = fmt.Sprintf("ours = [%q]", s) // their name, in brackets
		}
		return fmt.Sprintf("ours must be a list of names, even for one name (expected e.g. %s; %s)", example, got)
	}
	name := full
	if byShort {
		name = short // "feed 2: every must be…": the prefix names the section
	}
	what := map[valueShape]string{shapeString: "a string, in quotes", shapeInt: "a whole number, without quotes",
		shapeStrings: "an array of strings", shapeTable: "a table", shapeTables: "a list of tables", shapeBool: "true or false"}[want]
	if ex, ok := keyExamples[full]; ok {
		return fmt.Sprintf("%s must be %s (expected e.g. %s; %s)", name, what, ex, got)
	}
	return fmt.Sprintf("%s must be %s (%s)", name, what, got)
}

// describeValue names a TOML value's type for a message, showing a short
// string or number as written (a long or odd one is only named).
func describeValue(v any) string {
	switch x := v.(type) {
	case string:
		if len(x) <= 40 && checkPlain("", x) == nil {
			return fmt.Sprintf("the string %q", x)
		}
		return "a string"
	case int64:
		return fmt.Sprintf("the number %d", x)
	case float64:
		return fmt.Sprintf("the number %g", x)
	case bool:
		return fmt.Sprintf("%t", x)
	case []map[string]any:
		return "a list of tables"
	case []any:
		return "an array"
	case map[string]any:
		return "a table"
	}
	return "a date or time"
}

// topKeyLine finds the line of a top-level key: its "key =" before the
// first table header, else its [key] or [[key]] header.
func topKeyLine(text, key string) int {
	keyRE := regexp.MustCompile(`^\s*"?` + regexp.QuoteMeta(key) + `"?\s*=`)
	for i, line := range strings.Split(text, "\n") {
		if tableHeaderRE.MatchString(line) {
			break
		}
		if keyRE.MatchString(line) {
			return i + 1
		}
	}
	for i, line := range strings.Split(text, "\n") {
		if m := tableNameRE.FindStringSubmatch(line); m != nil && m[1] == key {
			return i + 1
		}
	}
	return findKeyLine(text, key, -1)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
