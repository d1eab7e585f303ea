package feeds

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/BurntSushi/toml"

	"parley/funnel"
)

// DefaultEvery is the poll interval of a feed that does not set one.
const DefaultEvery = 10 * time.Minute

// minEvery keeps a typo ("5s") from hammering someone's server.
const minEvery = time.Minute

// Config is parley's config file, decoded and checked.
type Config struct {
	Path  string
	Feeds []Feed
	// Ours are the author names that are us: messages by them in a feed
	// count as our replies.
	Ours  []string
	Fetch Options
	// Funnel is the [funnel] table. A pattern list that the file does not
	// set stays nil, which means funnel's English defaults; a list the file
	// sets (even to []) replaces the defaults entirely. TrackLink is empty
	// when unset: no tracked links.
	Funnel funnel.Config
	// Teammates are the [[teammate]] tables: who may open a console on
	// `parley serve` (config_teammate.go).
	Teammates []Teammate
	// SLA, Notify and Templates are [sla], [notify] and [[template]]
	// (config_sla.go, config_notify.go, template.go).
	SLA       SLA
	Notify    Notify
	Templates []Template
	// Keys are the [keys] rebindings in file order (config_keys.go); the
	// ui checks the action names.
	Keys []KeyBinding
	// NoMouse is [ui] mouse = false: the console leaves the mouse to the
	// terminal.
	NoMouse bool
	// Views are the [[view]] tables: saved filters (config_view.go).
	Views []View
}

// ErrNoConfig is returned (wrapped) when the config file does not exist.
var ErrNoConfig = errors.New("no config file")

// ConfigError is a problem in the config file, with the line it is on.
type ConfigError struct {
	Path string
	Line int // 0 when unknown
	Msg  string
	// wrongType marks a value of the wrong type (config_types.go).
	wrongType bool
}

func (e *ConfigError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Path, e.Msg)
}

// The file's shape; strings for durations so a bad one gets our message.
type rawConfig struct {
	Ours  []string  `toml:"ours"`
	Feeds []rawFeed `toml:"feed"`
	Fetch struct {
		Timeout       string `toml:"timeout"`
		MaxBytes      int64  `toml:"max_bytes"`
		PerHost       int    `toml:"per_host"`
		MaxConcurrent int    `toml:"max_concurrent"`
		MaxItems      int    `toml:"max_items"`
	} `toml:"fetch"`
	Funnel    rawFunnel      `toml:"funnel"`
	Teammates []rawTeammate  `toml:"teammate"`
	SLA       rawSLA         `toml:"sla"`
	Notify    rawNotify      `toml:"notify"`
	Templates []rawTemplate  `toml:"template"`
	Keys      map[string]any `toml:"keys"`
	UI        struct {
		Mouse *bool `toml:"mouse"`
	} `toml:"ui"`
	Views []rawView `toml:"view"`
}

// rawFunnel is the [funnel] table.
type rawFunnel struct {
	Intent      []string `toml:"intent"`
	Advocacy    []string `toml:"advocacy"`
	Competitors []string `toml:"competitors"`
	TrackLink   string   `toml:"track_link"`
}

// funnelKeys are the keys [funnel] accepts, in the order the docs list them.
const funnelKeys = "intent, advocacy, competitors, track_link"

type rawFeed struct {
	Name        string   `toml:"name"`
	URL         string   `toml:"url"`
	Every       string   `toml:"every"`
	Kind        string   `toml:"kind"`
	Server      string   `toml:"server"`
	TokenEnv    string   `toml:"token_env"`
	TokenFile   string   `toml:"token_file"`
	APIKeyEnv   string   `toml:"api_key_env"`
	APIKeyFile  string   `toml:"api_key_file"`
	APIUsername string   `toml:"api_username"`
	Categories  []string `toml:"categories"`
	Hashtag     string   `toml:"hashtag"`
	Subreddit   string   `toml:"subreddit"`
	Query       string   `toml:"query"`
}

// feedKeys are the keys each kind accepts beyond name, every and kind.
var feedKeys = map[string][]string{
	KindFeed:      {"url"},
	KindMastodon:  {"server", "url", "token_env", "token_file", "hashtag"},
	KindDiscourse: {"url", "api_key_env", "api_key_file", "api_username", "categories"},
	KindReddit:    {"subreddit", "query", "url"},
	KindHN:        {"query", "url"},
}

// Default API base URLs of the read-only kinds; url overrides them (a
// mirror, or a local server in tests).
const (
	defaultRedditURL = "https://www.reddit.com"
	defaultHNURL     = "https://hn.algolia.com"
)

// secretKeys are keys people try for a token; the config refuses them
// with a pointer to token_env / token_file.
var secretKeys = map[string]bool{"token": true, "api_key": true, "access_token": true, "password": true, "secret": true}

// LoadConfig reads and checks the config at path. A missing file gives an
// error wrapping ErrNoConfig; every other problem is a *ConfigError that
// names the line and says what was expected.
func LoadConfig(path string) (Config, error) {
	data, err := readConfig(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Config{}, fmt.Errorf("%s: %w", path, ErrNoConfig)
	}
	if err != nil {
		return Config{}, fmt.Errorf("read config: %w", err)
	}
	return ParseConfig(path, data)
}

// readConfig reads at most one byte more than maxConfigBytes (enough for
// checkConfigShape to refuse the file), and only from a regular file: a
// FIFO would block start-up and /dev/zero never ends.
func readConfig(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if what := notRegular(fi.Mode()); what != "" {
		return nil, fmt.Errorf("%s is %s: a config must be a regular file", path, what)
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	return io.ReadAll(io.LimitReader(fh, maxConfigBytes+1))
}

// ParseConfig checks config text; path is only used in messages. It
// reports every mistake it finds (ConfigErrors, in line order), or the
// one (a *ConfigError); only a syntax error or an oversized file stops it
// at once.
func ParseConfig(path string, data []byte) (Config, error) {
	if err := checkConfigShape(path, data); err != nil {
		return Config{}, err
	}
	text := string(data)
	// Plain maps first: a syntax error stops here; a value of the wrong
	// type does not (config_types.go).
	var doc map[string]any
	if _, err := toml.Decode(text, &doc); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			line := pe.Position.Line
			// The parser counts a newline it did not expect as the start of
			// the next line; the mistake is on the line it ends.
			if st := pe.Position.Start; st >= 0 && st < len(data) {
				line = strings.Count(string(data[:st]), "\n") + 1
			}
			return Config{}, &ConfigError{Path: path, Line: line, Msg: "not valid TOML: " + pe.Message}
		}
		return Config{}, &ConfigError{Path: path, Line: lineOfError(err), Msg: strings.TrimPrefix(err.Error(), "toml: ")}
	}
	p := &configProblems{path: path}
	for _, ce := range checkTypes(path, text, doc) {
		p.add(ce)
	}
	// What is left has the right types: decode it into its structs.
	var clean strings.Builder
	if err := toml.NewEncoder(&clean).Encode(doc); err != nil {
		return Config{}, &ConfigError{Path: path, Msg: "cannot read the file: " + err.Error()}
	}
	var raw rawConfig
	md, err := toml.Decode(clean.String(), &raw)
	if err != nil {
		// checkTypes checked every key rawConfig has; say so if one slipped.
		return Config{}, p.errWith(&ConfigError{Path: path, Msg: strings.TrimPrefix(err.Error(), "toml: ")})
	}
	p.add(unknownKeys(path, text, md)...)

	for i, o := range raw.Ours {
		if err := checkPlain(fmt.Sprintf("ours entry %d", i+1), o); err != nil {
			p.add(&ConfigError{Path: path, Line: findKeyLine(text, "ours", -1), Msg: err.Error()})
		}
	}
	cfg := Config{Path: path, Ours: raw.Ours, NoMouse: raw.UI.Mouse != nil && !*raw.UI.Mouse}
	seen := map[string]int{}
	for i, rf := range raw.Feeds {
		errAt := func(key, msg string, args ...any) error {
			return &ConfigError{Path: path, Line: findKeyLine(text, key, i), Msg: fmt.Sprintf("feed %d: ", i+1) + fmt.Sprintf(msg, args...)}
		}
		f, errs := parseFeed(rf, errAt)
		if len(errs) > 0 {
			p.add(errs...)
			continue
		}
		if j, dup := seen[f.Name]; dup {
			p.add(errAt("name", "name %q is already used by feed %d (names must be unique)", f.Name, j+1))
			continue
		}
		seen[f.Name] = i
		cfg.Feeds = append(cfg.Feeds, f)
	}

	fo := raw.Fetch
	if fo.Timeout != "" {
		d, err := time.ParseDuration(fo.Timeout)
		if err != nil || d <= 0 {
			p.add(&ConfigError{Path: path, Line: findTableKeyLine(text, "fetch", "timeout"),
				Msg: fmt.Sprintf("fetch.timeout = %q is not a positive duration (expected e.g. \"15s\")", fo.Timeout)})
		}
		cfg.Fetch.Timeout = d
	}
	for _, c := range []struct {
		key string
		v   int64
	}{{"max_bytes", fo.MaxBytes}, {"per_host", int64(fo.PerHost)}, {"max_concurrent", int64(fo.MaxConcurrent)}, {"max_items", int64(fo.MaxItems)}} {
		if c.v < 0 {
			p.add(&ConfigError{Path: path, Line: findTableKeyLine(text, "fetch", c.key),
				Msg: fmt.Sprintf("fetch.%s = %d (expected a positive number)", c.key, c.v)})
		}
	}
	cfg.Fetch.MaxBytes = fo.MaxBytes
	cfg.Fetch.PerHost = fo.PerHost
	cfg.Fetch.MaxConcurrent = fo.MaxConcurrent
	cfg.Fetch.MaxItems = fo.MaxItems

	fc, errs := parseFunnel(path, text, raw.Funnel, md)
	p.add(errs...)
	cfg.Funnel = fc
	var terrs []error
	cfg.Teammates, terrs = parseTeammates(path, text, raw.Teammates)
	p.add(terrs...)
	if cfg.SLA, err = parseSLA(path, text, raw.SLA); err != nil {
		p.add(err)
	}
	if cfg.Notify, err = parseNotify(path, text, raw.Notify, md); err != nil {
		p.add(err)
	}
	if cfg.Templates, err = parseTemplates(path, text, raw.Templates); err != nil {
		p.add(err)
	}
	if cfg.Keys, err = parseKeys(path, text, raw.Keys, md); err != nil {
		p.add(err)
	}
	if cfg.Views, err = parseViews(path, text, raw.Views); err != nil {
		p.add(err)
	}
	if err := p.err(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// unknownKeys reports every key of the file that parley does not know,
// once per key (not again for the keys inside an unknown table).
func unknownKeys(path, text string, md toml.MetaData) []error {
	var errs []error
	var reported []toml.Key
	for _, k := range md.Undecoded() {
		if k[0] == "keys" {
			continue // [keys] is read whole by parseKeys
		}
		if slices.ContainsFunc(reported, func(r toml.Key) bool { return len(k) >= len(r) && slices.Equal(k[:len(r)], r) }) {
			continue
		}
		reported = append(reported, k)
		name := k[len(k)-1]
		switch {
		case k[0] == "feed" && secretKeys[name]:
			errs = append(errs, &ConfigError{Path: path, Line: findKeyLine(text, name, -1),
				Msg: fmt.Sprintf("%s: secrets do not go in the config file (expected token_env = \"VAR\" or token_file = \"/path/0600-file\"; for discourse api_key_env / api_key_file)", name)})
		case k[0] == "feed" && len(k) > 1:
			errs = append(errs, unknownFeedKey(path, text, k)) // config_suggest.go
		case k[0] == "funnel" && len(k) > 1:
			errs = append(errs, &ConfigError{Path: path, Line: findTableKeyLine(text, "funnel", k[1]),
				Msg: fmt.Sprintf("unknown key %q in [funnel]%s (expected one of: %s)", k.String(), didYouMean(k[len(k)-1], strings.Split(funnelKeys, ", ")), funnelKeys)})
		case k[0] == "view" && len(k) > 1:
			errs = append(errs, &ConfigError{Path: path, Line: findArrayTableKeyLine(text, "view", k[1], -1),
				Msg: fmt.Sprintf("unknown key %q in [[view]] (expected one of: %s)", k[1], viewKeys)})
		case dailyUnknownKey(path, text, k) != nil:
			errs = append(errs, dailyUnknownKey(path, text, k))
		case k[0] == "teammate" && len(k) > 1:
			errs = append(errs, &ConfigError{Path: path, Line: findArrayTableKeyLine(text, "teammate", k[1], -1),
				Msg: fmt.Sprintf("unknown key %q in [[teammate]] (expected one of: %s)", k[1], teammateKeys)})
		default:
			line := findKeyLine(text, name, -1)
			if line == 0 && len(k) == 1 {
				line = findTableHeaderLine(text, name) // [[feeds]]
			}
			hint := ""
			if len(k) == 1 {
				hint = didYouMean(name, topKeyNames)
			} else if keys, ok := tableKeyNames[k[0]]; ok && len(k) == 2 {
				hint = didYouMean(name, strings.Split(keys, ", ")) // [fetch] timout
			}
			errs = append(errs, &ConfigError{Path: path, Line: line,
				Msg: fmt.Sprintf("unknown key %q%s (expected one of: ours, [[feed]] name/url/every/kind, [fetch] timeout/max_bytes/per_host/max_concurrent/max_items, [funnel] %s, [[teammate]] %s, [sla] %s, [notify] %s, [[template]] %s, [[view]] %s, [keys], [ui] mouse)",
					k.String(), hint, strings.ReplaceAll(funnelKeys, ", ", "/"), strings.ReplaceAll(teammateKeys, ", ", "/"),
					strings.ReplaceAll(slaKeys, ", ", "/"), strings.ReplaceAll(notifyKeys, ", ", "/"), strings.ReplaceAll(templateKeys, ", ", "/"), strings.ReplaceAll(viewKeys, ", ", "/"))})
		}
	}
	return errs
}

// parseFunnel checks the [funnel] table and compiles it once with
// funnel.NewAnalyzer, so a pattern the analyzer rejects is a config error
// here rather than a surprise when the console starts.
func parseFunnel(path, text string, rf rawFunnel, md toml.MetaData) (funnel.Config, []error) {
	var fc funnel.Config
	var errs []error
	lists := []struct {
		key  string
		raw  []string
		dest *[]string
	}{
		{"intent", rf.Intent, &fc.Intent},
		{"advocacy", rf.Advocacy, &fc.Advocacy},
		{"competitors", rf.Competitors, &fc.Competitors},
	}
	for _, l := range lists {
		if !md.IsDefined("funnel", l.key) {
			continue // nil: the defaults
		}
		out := make([]string, 0, len(l.raw)) // set, even to []: replaces the defaults
		for i, p := range l.raw {
			if err := checkPlain(fmt.Sprintf("funnel.%s entry %d", l.key, i+1), p); err != nil {
				errs = append(errs, &ConfigError{Path: path, Line: findTableKeyLine(text, "funnel", l.key), Msg: err.Error()})
				continue
			}
			p = strings.TrimSpace(p)
			if p == "" {
				errs = append(errs, &ConfigError{Path: path, Line: findTableKeyLine(text, "funnel", l.key),
					Msg: fmt.Sprintf("funnel.%s: entry %d is empty (expected words to look for, e.g. %s)", l.key, i+1, funnelExample(l.key))})
				continue
			}
			out = append(out, p)
		}
		*l.dest = out
	}
	if md.IsDefined("funnel", "track_link") {
		fc.TrackLink = strings.TrimSpace(rf.TrackLink)
		err := checkPlain("funnel.track_link", fc.TrackLink)
		if err == nil {
			err = checkTrackLink(fc.TrackLink)
		}
		if err != nil {
			errs = append(errs, &ConfigError{Path: path, Line: findTableKeyLine(text, "funnel", "track_link"), Msg: err.Error()})
		}
	}
	if len(errs) > 0 {
		return fc, errs // the analyzer would only repeat them
	}
	if _, err := funnel.NewAnalyzer(fc); err != nil {
		// Point at the list's own line when the analyzer names it.
		key := ""
		if pe, ok := errors.AsType[*funnel.PatternError](err); ok {
			key = pe.List
		}
		return fc, []error{&ConfigError{Path: path, Line: findTableKeyLine(text, "funnel", key), Msg: err.Error()}}
	}
	return fc, nil
}

func funnelExample(key string) string {
	switch key {
	case "intent":
		return `intent = ["pricing", "free trial"]`
	case "advocacy":
		return `advocacy = ["highly recommend", "you should try"]`
	case "competitors":
		return `competitors = ["Notewell"]`
	}
	return `track_link = "https://shop.example.com/?ref={thread}"`
}

// checkTrackLink accepts an absolute http(s) URL with {thread} in it. An
// empty one (track_link = "") turns tracked links off.
func checkTrackLink(link string) error {
	if link == "" {
		return nil
	}
	expected := `(expected an absolute http(s) URL with {thread} where the thread's ref goes, e.g. track_link = "https://shop.example.com/?ref={thread}")`
	if !strings.Contains(link, "{thread}") {
		return fmt.Errorf("funnel.track_link %q has no {thread} %s", link, expected)
	}
	if strings.ContainsFunc(link, unicode.IsSpace) {
		return fmt.Errorf("funnel.track_link %q contains spaces %s", link, expected)
	}
	u, err := url.Parse(strings.ReplaceAll(link, "{thread}", "x"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("funnel.track_link %q is not an absolute http(s) URL %s", link, expected)
	}
	return nil
}

// checkPlain rejects a config string that must not reach a terminal: a
// control character (ESC, BEL, CR, a C1 control...), a bidi control that
// reorders what the user sees, a line separator, an invisible space or
// invalid UTF-8. Feed
// names, ours names and track_link are all printed by the console, and
// TOML's "\e", "\x1b" and "\u001b" escapes let a shared config or a pasted
// OPML list carry an escape sequence in any string.
//
// Rejected rather than sanitized: the feed name is the store's key for the
// feed, so quietly changing it would make the file and the screen disagree
// (or collide with another feed's name), and the file is the user's to fix
// once, with the line to look at.
func checkPlain(key, value string) error {
	if !utf8.ValidString(value) {
		return fmt.Errorf("%s = %q is not valid UTF-8 (expected plain text; save the file as UTF-8)", key, value)
	}
	for _, r := range value {
		var what string
		switch {
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f):
			what = fmt.Sprintf("the control character U+%04X", r)
		case isBidiControl(r):
			what = fmt.Sprintf("the bidi control U+%04X, which reorders how text is displayed", r)
		case r == 0x2028 || r == 0x2029:
			what = fmt.Sprintf("the line separator U+%04X", r)
		case isInvisible(r):
			// Invisible: two feeds named "Blog" and "Blog\u200b" look the
			// same everywhere. The joiners emoji need (U+200D) stay.
			what = fmt.Sprintf("the invisible character U+%04X, which makes two names look the same", r)
		default:
			continue
		}
		return fmt.Errorf("%s = %q contains %s (expected plain text: config strings are shown in the terminal; remove it)", key, value, what)
	}
	return nil
}

// isInvisible: a space or joiner that shows as nothing (not U+200D, which
// emoji sequences need).
func isInvisible(r rune) bool { return r == 0x200b || r == 0x2060 || r == 0xfeff || r == 0x180e }

// dropInvisible removes them: an imported OPML title becomes a feed name
// the config accepts.
func dropInvisible(s string) string {
	return strings.Map(func(r rune) rune {
		if isInvisible(r) {
			return -1
		}
		return r
	}, s)
}

func checkFeedURL(raw string) error {
	if !strings.Contains(raw, "://") {
		return nil // a local path; a missing file is a per-feed fetch error, not a config error
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("url %q is not a valid URL", raw)
	}
	switch u.Scheme {
	case "http", "https":
		if u.Host == "" {
			return fmt.Errorf("url %q has no host", raw)
		}
	case "file":
	default:
		return fmt.Errorf("url %q: scheme %q is not supported (expected http, https, file or a local path)", raw, u.Scheme)
	}
	return nil
}

var tomlLineRE = regexp.MustCompile(`line (\d+)`)

func lineOfError(err error) int {
	m := tomlLineRE.FindStringSubmatch(err.Error())
	if m == nil {
		return 0
	}
	var n int
	fmt.Sscan(m[1], &n)
	return n
}

// findKeyLine finds the line where key is assigned: inside the n-th
// [[feed]] table when feedIndex >= 0 (falling back to that table's header),
// else anywhere. The toml package does not expose key positions, and a user
// needs a line to look at.
func findKeyLine(text, key string, feedIndex int) int {
	keyRE := regexp.MustCompile(`^\s*"?` + regexp.QuoteMeta(key) + `"?\s*=`)
	feedsSeen, current, header := 0, -1, 0 // current: index of the [[feed]] we are in, or -1
	for i, line := range strings.Split(text, "\n") {
		switch {
		case feedHeaderRE.MatchString(line):
			current = feedsSeen
			feedsSeen++
			if current == feedIndex {
				header = i + 1
			}
			continue
		case tableHeaderRE.MatchString(line):
			current = -1
			continue
		}
		if feedIndex >= 0 && current != feedIndex {
			continue
		}
		if keyRE.MatchString(line) {
			return i + 1
		}
	}
	return header
}

// findTableKeyLine finds the line where key is assigned inside the
// [table] section, falling back to the section's header line (and, when the
// file has no such header, e.g. for dotted keys, to the key anywhere). An
// empty key asks for the header line.
func findTableKeyLine(text, table, key string) int {
	var keyRE *regexp.Regexp
	if key != "" {
		keyRE = regexp.MustCompile(`^\s*"?` + regexp.QuoteMeta(key) + `"?\s*=`)
	}
	in, header := false, 0
	for i, line := range strings.Split(text, "\n") {
		if m := tableNameRE.FindStringSubmatch(line); m != nil {
			if key != "" && m[1] == table+"."+key {
				return i + 1 // [funnel.key]: a table where a value belongs
			}
			in = m[1] == table
			if in && header == 0 {
				header = i + 1
			}
			continue
		}
		if in && keyRE != nil && keyRE.MatchString(line) {
			return i + 1
		}
	}
	if header != 0 {
		return header
	}
	if key != "" {
		if n := findKeyLine(text, table+"."+key, -1); n > 0 {
			return n // funnel.intent = [...]
		}
	}
	return findKeyLine(text, table, -1) // funnel = { ... }
}

var (
	feedHeaderRE  = regexp.MustCompile(`^\s*\[\[\s*feed\s*\]\]`)
	tableHeaderRE = regexp.MustCompile(`^\s*\[`)
	tableNameRE   = regexp.MustCompile(`^\s*\[\[?\s*([A-Za-z0-9_.-]+)\s*\]`)
)
