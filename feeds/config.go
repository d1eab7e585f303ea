package feeds

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
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
}

// ErrNoConfig is returned (wrapped) when the config file does not exist.
var ErrNoConfig = errors.New("no config file")

// ConfigError is a problem in the config file, with the line it is on.
type ConfigError struct {
	Path string
	Line int // 0 when unknown
	Msg  string
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
	} `toml:"fetch"`
	// Read by later features; accepted now so a config written for
	// them is not reported as unknown.
	Funnel map[string]any `toml:"funnel"`
}

type rawFeed struct {
	Name  string `toml:"name"`
	URL   string `toml:"url"`
	Every string `toml:"every"`
	Kind  string `toml:"kind"`
}

// LoadConfig reads and checks the config at path. A missing file gives an
// error wrapping ErrNoConfig; every other problem is a *ConfigError that
// names the line and says what was expected.
func LoadConfig(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Config{}, fmt.Errorf("%s: %w", path, ErrNoConfig)
	}
	if err != nil {
		return Config{}, fmt.Errorf("read config: %w", err)
	}
	return ParseConfig(path, data)
}

// ParseConfig checks config text; path is only used in messages.
func ParseConfig(path string, data []byte) (Config, error) {
	var raw rawConfig
	md, err := toml.Decode(string(data), &raw)
	if err != nil {
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
	text := string(data)
	if undecoded := md.Undecoded(); len(undecoded) > 0 {
		k := undecoded[0]
		name := k[len(k)-1]
		return Config{}, &ConfigError{Path: path, Line: findKeyLine(text, name, -1),
			Msg: fmt.Sprintf("unknown key %q (expected one of: ours, [[feed]] name/url/every/kind, [fetch] timeout/max_bytes/per_host/max_concurrent, [funnel])", k.String())}
	}

	cfg := Config{Path: path, Ours: raw.Ours}
	seen := map[string]int{}
	for i, rf := range raw.Feeds {
		errAt := func(key, msg string, args ...any) error {
			return &ConfigError{Path: path, Line: findKeyLine(text, key, i), Msg: fmt.Sprintf("feed %d: ", i+1) + fmt.Sprintf(msg, args...)}
		}
		f := Feed{Name: strings.TrimSpace(rf.Name), URL: strings.TrimSpace(rf.URL), Every: DefaultEvery}
		if f.URL == "" {
			return Config{}, errAt("url", "missing url (expected url = \"https://…\" or a local file path)")
		}
		if err := checkFeedURL(f.URL); err != nil {
			return Config{}, errAt("url", "%v", err)
		}
		if rf.Kind != "" && rf.Kind != "feed" {
			return Config{}, errAt("kind", "kind %q is not supported yet (expected \"feed\": RSS, Atom or JSON Feed)", rf.Kind)
		}
		if f.Name == "" {
			f.Name = f.URL
		}
		if j, dup := seen[f.Name]; dup {
			return Config{}, errAt("name", "name %q is already used by feed %d (names must be unique)", f.Name, j+1)
		}
		seen[f.Name] = i
		if rf.Every != "" {
			d, err := time.ParseDuration(rf.Every)
			if err != nil {
				return Config{}, errAt("every", "every = %q is not a duration (expected e.g. \"5m\", \"1h\")", rf.Every)
			}
			if d < minEvery {
				return Config{}, errAt("every", "every = %q is too often (expected at least 1m)", rf.Every)
			}
			f.Every = d
		}
		cfg.Feeds = append(cfg.Feeds, f)
	}

	fo := raw.Fetch
	if fo.Timeout != "" {
		d, err := time.ParseDuration(fo.Timeout)
		if err != nil || d <= 0 {
			return Config{}, &ConfigError{Path: path, Line: findKeyLine(text, "timeout", -1),
				Msg: fmt.Sprintf("fetch.timeout = %q is not a positive duration (expected e.g. \"15s\")", fo.Timeout)}
		}
		cfg.Fetch.Timeout = d
	}
	for _, c := range []struct {
		key string
		v   int64
	}{{"max_bytes", fo.MaxBytes}, {"per_host", int64(fo.PerHost)}, {"max_concurrent", int64(fo.MaxConcurrent)}} {
		if c.v < 0 {
			return Config{}, &ConfigError{Path: path, Line: findKeyLine(text, c.key, -1),
				Msg: fmt.Sprintf("fetch.%s = %d (expected a positive number)", c.key, c.v)}
		}
	}
	cfg.Fetch.MaxBytes = fo.MaxBytes
	cfg.Fetch.PerHost = fo.PerHost
	cfg.Fetch.MaxConcurrent = fo.MaxConcurrent
	return cfg, nil
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

var (
	feedHeaderRE  = regexp.MustCompile(`^\s*\[\[\s*feed\s*\]\]`)
	tableHeaderRE = regexp.MustCompile(`^\s*\[`)
)
