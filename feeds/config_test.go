package feeds

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseConfigValid(t *testing.T) {
	cfg, err := ParseConfig("c.toml", []byte(`
ours = ["Maya (Quillstone)"]

[[feed]]
name  = "Blog comments"
url   = "https://quillstone.example/comments/feed/"
every = "5m"

[[feed]]
url = "/srv/reviews.atom"

[fetch]
timeout   = "20s"
per_host  = 2
max_items = 500

[funnel]
intent     = ["price", "  how much  "]
advocacy   = []
track_link = "https://shop.example.com/buy?ref={thread}&src=parley"
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Feeds) != 2 || cfg.Feeds[0].Name != "Blog comments" || cfg.Feeds[0].Every != 5*time.Minute {
		t.Errorf("feeds = %+v", cfg.Feeds)
	}
	if cfg.Feeds[1].Name != "/srv/reviews.atom" || cfg.Feeds[1].Every != DefaultEvery {
		t.Errorf("defaults not applied: %+v", cfg.Feeds[1])
	}
	if cfg.Fetch.Timeout != 20*time.Second || cfg.Fetch.PerHost != 2 || cfg.Fetch.MaxItems != 500 {
		t.Errorf("fetch = %+v", cfg.Fetch)
	}
	if len(cfg.Ours) != 1 || cfg.Ours[0] != "Maya (Quillstone)" {
		t.Errorf("ours = %v", cfg.Ours)
	}
	f := cfg.Funnel
	if len(f.Intent) != 2 || f.Intent[0] != "price" || f.Intent[1] != "how much" {
		t.Errorf("funnel.intent = %q, want [price how much] (trimmed)", f.Intent)
	}
	if f.Advocacy == nil || len(f.Advocacy) != 0 {
		t.Errorf("funnel.advocacy = %#v, want set and empty (replaces the defaults with none)", f.Advocacy)
	}
	if f.Competitors != nil {
		t.Errorf("funnel.competitors = %#v, want nil (unset: the defaults)", f.Competitors)
	}
	if f.TrackLink != "https://shop.example.com/buy?ref={thread}&src=parley" {
		t.Errorf("funnel.track_link = %q", f.TrackLink)
	}
}

func TestParseConfigFunnelUnsetMeansDefaults(t *testing.T) {
	for name, text := range map[string]string{
		"no table":    "[[feed]]\nurl = \"https://a.example/f\"\n",
		"empty table": "[funnel]\n",
	} {
		cfg, err := ParseConfig("c.toml", []byte(text))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if f := cfg.Funnel; f.Intent != nil || f.Advocacy != nil || f.Competitors != nil || f.TrackLink != "" {
			t.Errorf("%s: funnel = %#v, want the zero Config (defaults, no tracked link)", name, f)
		}
	}
}

func TestParseConfigFunnelDottedAndInline(t *testing.T) {
	for _, text := range []string{
		"funnel.intent = [\"quote\"]\nfunnel.track_link = \"http://shop.example/?r={thread}\"\n",
		"funnel = { intent = [\"quote\"], track_link = \"http://shop.example/?r={thread}\" }\n",
	} {
		cfg, err := ParseConfig("c.toml", []byte(text))
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		if len(cfg.Funnel.Intent) != 1 || cfg.Funnel.TrackLink != "http://shop.example/?r={thread}" {
			t.Errorf("%q: funnel = %#v", text, cfg.Funnel)
		}
	}
}

func TestParseConfigErrorsNameLineAndExpectation(t *testing.T) {
	tests := []struct {
		name, text string
		line       int
		wants      []string
	}{
		{"bad duration", "[[feed]]\nname = \"a\"\nurl = \"https://a.example/f\"\nevery = \"5 minutes\"\n", 4, []string{"every", "expected", "5m"}},
		{"too often", "[[feed]]\nurl = \"https://a.example/f\"\nevery = \"5s\"\n", 3, []string{"at least 1m"}},
		{"missing url in 2nd feed", "[[feed]]\nurl = \"https://a.example/f\"\n\n[[feed]]\nname = \"b\"\n", 4, []string{"feed 2", "missing url"}},
		{"bad scheme", "[[feed]]\nurl = \"ftp://a.example/f\"\n", 2, []string{"ftp", "expected http"}},
		{"unknown key", "[[feed]]\nurl = \"https://a.example/f\"\nnmae = \"x\"\n", 3, []string{"unknown key", "nmae"}},
		{"wrong type", "[[feed]]\nurl = 42\n", 2, []string{"url"}},
		{"not toml", "[[feed]\nurl = \"x\"\n", 1, []string{"not valid TOML"}},
		{"duplicate name", "[[feed]]\nname=\"a\"\nurl=\"https://a.example/1\"\n[[feed]]\nname=\"a\"\nurl=\"https://a.example/2\"\n", 5, []string{"already used"}},
		{"unsupported kind", "[[feed]]\nkind = \"twitter\"\nurl = \"https://m.example\"\n", 2, []string{"twitter", "not supported", "mastodon, discourse"}},
		{"mastodon without token", "[[feed]]\nkind = \"mastodon\"\nserver = \"https://m.example\"\n", 2, []string{"needs a token", "token_env", "token_file"}},
		{"mastodon without server", "[[feed]]\nkind = \"mastodon\"\ntoken_env = \"T\"\n", 2, []string{"needs server"}},
		// Two mistakes, in line order: no token_env or token_file (line 2), and the token itself (line 4).
		{"token in config", "[[feed]]\nkind = \"mastodon\"\nserver = \"https://m.example\"\ntoken = \"abc\"\n", 2, []string{"needs a token", ":4: token: secrets do not go in the config", "token_env"}},
		{"both token sources", "[[feed]]\nkind = \"mastodon\"\nserver = \"https://m.example\"\ntoken_env = \"T\"\ntoken_file = \"/t\"\n", 5, []string{"not both"}},
		{"discourse without username", "[[feed]]\nkind = \"discourse\"\nurl = \"https://f.example\"\napi_key_env = \"K\"\n", 2, []string{"api_username"}},
		{"key of another kind", "[[feed]]\nurl = \"https://b.example/feed\"\nhashtag = \"x\"\n", 3, []string{"hashtag is not used by kind = \"feed\""}},
		{"reddit needs a subreddit", "[[feed]]\nkind = \"reddit\"\n", 2, []string{"subreddit", "query"}},
		{"reddit bad subreddit", "[[feed]]\nkind = \"reddit\"\nsubreddit = \"a/b\"\n", 3, []string{"not a subreddit name"}},
		{"hn needs a query", "[[feed]]\nkind = \"hn\"\n", 2, []string{"query"}},
		{"mastodon server not a URL", "[[feed]]\nkind = \"mastodon\"\nserver = \"mastodon.example\"\ntoken_env = \"T\"\n", 3, []string{"not an http(s) URL"}},
		{"bad timeout", "[fetch]\ntimeout = \"soon\"\n", 2, []string{"timeout", "expected"}},

		// [funnel]
		{"funnel unknown key", "[[feed]]\nurl = \"https://a.example/f\"\n\n[funnel]\nintent = [\"price\"]\nintnet = [\"trial\"]\n", 6,
			[]string{`unknown key "funnel.intnet"`, "intent, advocacy, competitors, track_link"}},
		{"funnel unknown subtable", "[funnel]\n[funnel.rules]\nx = 1\n", 2, []string{`"funnel.rules"`, "track_link"}},
		{"funnel not a table", "funnel = 3\n", 1, []string{"funnel must be a table", "[funnel]"}},
		{"intent not an array", "[funnel]\nintent = \"price\"\n", 2, []string{"funnel.intent must be an array of strings", `intent = [`}},
		{"advocacy with a number", "[funnel]\n\nadvocacy = [\"love it\", 3]\n", 3, []string{"funnel.advocacy must be an array of strings"}},
		{"empty intent pattern", "[funnel]\nintent = [\"price\", \"  \"]\n", 2, []string{"funnel.intent", "entry 2 is empty", "expected"}},
		{"empty competitor", "[funnel]\ncompetitors = [\"\"]\n", 2, []string{"funnel.competitors", "entry 1 is empty"}},
		{"empty pattern in a dotted key", "\nfunnel.advocacy = [\"\"]\n", 2, []string{"funnel.advocacy", "empty"}},
		{"track_link not a string", "[funnel]\ntrack_link = 5\n", 2, []string{"funnel.track_link must be a string", "{thread}"}},
		{"track_link without {thread}", "[funnel]\ntrack_link = \"https://shop.example.com/\"\n", 2, []string{"track_link", "has no {thread}", "expected an absolute http(s) URL"}},
		{"track_link relative", "[funnel]\n\ntrack_link = \"/buy?ref={thread}\"\n", 3, []string{"track_link", "not an absolute http(s) URL"}},
		{"track_link ftp", "[funnel]\ntrack_link = \"ftp://shop.example.com/{thread}\"\n", 2, []string{"not an absolute http(s) URL"}},
		{"track_link no host", "[funnel]\ntrack_link = \"https:///buy?ref={thread}\"\n", 2, []string{"not an absolute http(s) URL"}},
		{"track_link with a space", "[funnel]\ntrack_link = \"https://shop.example.com/buy now?ref={thread}\"\n", 2, []string{"contains spaces"}},
		// A pattern funnel.NewAnalyzer rejects (no letters) is reported on
		// the [funnel] line, with the analyzer's reason.
		{"pattern the analyzer rejects", "[[feed]]\nurl = \"https://a.example/f\"\n[funnel]\nadvocacy = [\"love it\"]\nintent = [\"price\", \"$$$\"]\n", 5, []string{"funnel.intent", "entry 2", "$$$"}}, // the intent line, not [funnel]
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msg := configErrorAt(t, tc.text, tc.line)
			if !strings.HasPrefix(msg, "/home/u/.config/parley/config.toml:") {
				t.Errorf("message does not start with file:line: %q", msg)
			}
			for _, w := range tc.wants {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
		})
	}
}

func TestLoadConfigMissingIsErrNoConfig(t *testing.T) {
	_, err := LoadConfig(filepath.Join(t.TempDir(), "nope.toml"))
	if !errors.Is(err, ErrNoConfig) {
		t.Fatalf("err = %v, want ErrNoConfig", err)
	}
	p := filepath.Join(t.TempDir(), "c.toml")
	os.WriteFile(p, []byte("[[feed]]\nurl = \"https://a.example/f\"\n"), 0o600)
	cfg, err := LoadConfig(p)
	if err != nil || len(cfg.Feeds) != 1 || cfg.Path != p {
		t.Fatalf("LoadConfig = %+v, %v", cfg, err)
	}
}

func TestParseConfigKinds(t *testing.T) {
	cfg, err := ParseConfig("c.toml", []byte(`
[[feed]]
kind      = "mastodon"
server    = "https://mastodon.example/"
token_env = "PARLEY_MASTODON_TOKEN"
hashtag   = "#quillstone"

[[feed]]
name         = "Forum"
kind         = "discourse"
url          = "https://forum.example"
api_key_file = "/etc/parley/discourse.key"
api_username = "maya"
categories   = ["support", " 7 "]

[[feed]]
kind      = "reddit"
subreddit = "r/notetaking"

[[feed]]
kind  = "hn"
query = "quillstone"
`))
	if err != nil {
		t.Fatal(err)
	}
	want := []Feed{
		{Name: "Mastodon mastodon.example #quillstone", URL: "https://mastodon.example", Kind: KindMastodon, Every: DefaultEvery,
			Secret: Secret{Env: "PARLEY_MASTODON_TOKEN"}, Hashtag: "quillstone"},
		{Name: "Forum", URL: "https://forum.example", Kind: KindDiscourse, Every: DefaultEvery,
			Secret: Secret{File: "/etc/parley/discourse.key"}, APIUsername: "maya", Categories: []string{"support", "7"}},
		{Name: "r/notetaking", URL: "https://www.reddit.com", Kind: KindReddit, Every: DefaultEvery, Subreddit: "notetaking"},
		{Name: "HN: quillstone", URL: "https://hn.algolia.com", Kind: KindHN, Every: DefaultEvery, Query: "quillstone"},
	}
	if len(cfg.Feeds) != len(want) {
		t.Fatalf("got %d feeds, want %d", len(cfg.Feeds), len(want))
	}
	for i := range want {
		if fmt.Sprintf("%+v", cfg.Feeds[i]) != fmt.Sprintf("%+v", want[i]) {
			t.Errorf("feed %d:\n got %+v\nwant %+v", i+1, cfg.Feeds[i], want[i])
		}
	}
	if !cfg.Feeds[0].TwoWay() || !cfg.Feeds[1].TwoWay() || cfg.Feeds[2].TwoWay() || cfg.Feeds[3].TwoWay() {
		t.Error("TwoWay: want mastodon and discourse only")
	}
}

func TestSecretLoad(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PARLEY_TEST_TOKEN", "  tok-env \n")
	if got, err := (Secret{Env: "PARLEY_TEST_TOKEN"}).Load(); err != nil || got != "tok-env" {
		t.Errorf("env: %q, %v", got, err)
	}
	_, err := (Secret{Env: "PARLEY_TEST_UNSET_VAR"}).Load()
	if !errors.Is(err, ErrNoSecret) || !strings.Contains(err.Error(), "PARLEY_TEST_UNSET_VAR is not set") {
		t.Errorf("unset env: %v", err)
	}
	good := filepath.Join(dir, "good")
	os.WriteFile(good, []byte("tok-file\n"), 0o600)
	if got, err := (Secret{File: good}).Load(); err != nil || got != "tok-file" {
		t.Errorf("file: %q, %v", got, err)
	}
	open := filepath.Join(dir, "open")
	os.WriteFile(open, []byte("tok"), 0o644)
	if _, err := (Secret{File: open}).Load(); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("group-readable file: %v, want a chmod 600 hint", err)
	}
	if _, err := (Secret{File: filepath.Join(dir, "none")}).Load(); !errors.Is(err, ErrNoSecret) {
		t.Errorf("missing file: %v", err)
	}
}

// configErrorAt parses text as a config file that must be refused with a
// *ConfigError on line, and returns its message.
func configErrorAt(t *testing.T, text string, line int) string {
	t.Helper()
	_, err := ParseConfig("/home/u/.config/parley/config.toml", []byte(text))
	var ce *ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want a *ConfigError", err)
	}
	if ce.Line != line {
		t.Errorf("line = %d, want %d (%v)", ce.Line, line, err)
	}
	return err.Error()
}

// Config strings reach the terminal too (the feed name is on every queue
// row), and TOML escapes can put any control character in them: the file
// is refused with the line and the offending value shown quoted.
func TestParseConfigRejectsTerminalControls(t *testing.T) {
	const feed = "[[feed]]\nurl = \"https://a.example/f\"\n"
	tests := []struct {
		name, text string
		line       int
		wants      []string
	}{
		{"ESC in a feed name", feed + "name = \"Blog\\u001b[2J\"\n", 3, []string{"feed 1", "name", `\x1b[2J`, "control character U+001B"}},
		{"TOML \\e escape", feed + "name = \"Blog\\e]0;owned\\u0007\"\n", 3, []string{"U+001B"}},
		{"OSC 52 in the second feed's name", feed + "name = \"ok\"\n\n[[feed]]\nurl = \"https://b.example/f\"\nname = \"b\\u001b]52;c;cm0gLXJmIH4=\\u0007\"\n", 7, []string{"feed 2", "U+001B"}},
		{"C1 CSI as a literal rune", feed + "name = \"Blog\u009b2J\"\n", 3, []string{`\u009b`, "U+009B"}},
		{"bidi override", feed + "name = \"\u202egnp.exe\"\n", 3, []string{`\u202e`, "bidi control U+202E"}},
		{"zero-width space", feed + "name = \"Blog\\u200b\"\n", 3, []string{`Blog\u200b`, "invisible character U+200B"}},
		{"CR overwrite", feed + "name = \"safe\\rEVIL\"\n", 3, []string{"U+000D"}},
		{"tab", feed + "name = \"a\\tb\"\n", 3, []string{"U+0009"}},
		{"BEL in a query", "[[feed]]\nkind = \"hn\"\nquery = \"quill\\u0007\"\n", 3, []string{"query", "U+0007"}},
		{"ESC in a category", "[[feed]]\nkind = \"discourse\"\nurl = \"https://f.example\"\napi_key_env = \"K\"\napi_username = \"m\"\ncategories = [\"ok\", \"x\\u001b[H\"]\n", 6, []string{"categories entry 2", "U+001B"}},
		{"ESC in an ours name", "ours = [\"Maya\", \"Team\\u001b[31m\"]\n" + feed, 1, []string{"ours entry 2", "U+001B"}},
		{"OSC 8 in track_link", "[funnel]\ntrack_link = \"\\u001b]8;;https://evil.example/\\u001b\\\\https://s.example/?r={thread}\"\n", 2, []string{"funnel.track_link", "U+001B"}},
		{"DEL in an intent pattern", "[funnel]\nintent = [\"price\\u007f\"]\n", 2, []string{"funnel.intent entry 1", "U+007F"}},
		{"line separator", feed + "name = \"a\\u2028b\"\n", 3, []string{"line separator U+2028"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msg := configErrorAt(t, tc.text, tc.line)
			for _, w := range append(tc.wants, "/home/u/.config/parley/config.toml:", "expected plain text") {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
			// The message itself is printed: it shows the value quoted.
			if err := unsafeText(msg, true); err != nil {
				t.Errorf("error message %q is not safe to print: %v", msg, err)
			}
		})
	}

	// Printable Unicode is fine anywhere.
	cfg, err := ParseConfig("c.toml", []byte("ours = [\"Maya (Quillstone)\", \"チーム\"]\n"+feed+"name = \"Café — 日本語 👍\"\n"))
	if err != nil {
		t.Fatalf("printable names refused: %v", err)
	}
	if cfg.Feeds[0].Name != "Café — 日本語 👍" {
		t.Errorf("name = %q", cfg.Feeds[0].Name)
	}
}
