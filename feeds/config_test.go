package feeds

import (
	"errors"
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
timeout  = "20s"
per_host = 2

[funnel]
intent = ["price"]
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
	if cfg.Fetch.Timeout != 20*time.Second || cfg.Fetch.PerHost != 2 {
		t.Errorf("fetch = %+v", cfg.Fetch)
	}
	if len(cfg.Ours) != 1 || cfg.Ours[0] != "Maya (Quillstone)" {
		t.Errorf("ours = %v", cfg.Ours)
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
		{"unsupported kind", "[[feed]]\nkind = \"mastodon\"\nurl = \"https://m.example\"\n", 2, []string{"mastodon", "not supported"}},
		{"bad timeout", "[fetch]\ntimeout = \"soon\"\n", 2, []string{"timeout", "expected"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig("/home/u/.config/parley/config.toml", []byte(tc.text))
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want a *ConfigError", err)
			}
			if ce.Line != tc.line {
				t.Errorf("line = %d, want %d (%v)", ce.Line, tc.line, err)
			}
			msg := err.Error()
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
