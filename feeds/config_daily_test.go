package feeds

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseConfigSLANotifyTemplates(t *testing.T) {
	cfg, err := ParseConfig("c.toml", []byte(`
[sla]
warn   = "4h"
breach = "24h"

[notify]
on   = ["unhappy"]
bell = false

[[template]]
name = "Thanks"
body = """
Hi {first_name}, thanks for writing about {feed}!
Here is the link: {track_link}"""
`))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.SLA != (SLA{Warn: 4 * time.Hour, Breach: 24 * time.Hour}) {
		t.Errorf("SLA = %+v", cfg.SLA)
	}
	if want := (Notify{Unhappy: true, Desktop: true}); cfg.Notify != want {
		t.Errorf("Notify = %+v, want %+v", cfg.Notify, want)
	}
	if len(cfg.Templates) != 1 || cfg.Templates[0].Name != "Thanks" || !strings.HasPrefix(cfg.Templates[0].Body, "Hi {first_name},") ||
		cfg.Templates[0].Source != "c.toml:11" {
		t.Errorf("Templates = %+v", cfg.Templates)
	}
}

func TestParseConfigNotifyDefaultsAndOff(t *testing.T) {
	cfg, err := ParseConfig("c.toml", []byte("ours = [\"me\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Notify != DefaultNotify || cfg.Notify.Off() {
		t.Errorf("without [notify]: %+v, want %+v", cfg.Notify, DefaultNotify)
	}
	cfg, err = ParseConfig("c.toml", []byte("[notify]\non = []\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Notify.Off() {
		t.Errorf("on = []: %+v, want off", cfg.Notify)
	}
}

func TestParseConfigDailyErrorsNameTheLine(t *testing.T) {
	for _, tc := range []struct{ name, text, want string }{
		{"bad duration", "[sla]\nwarn = \"4 hours\"\n", "c.toml:2: sla.warn = \"4 hours\" is not a positive duration"},
		{"days are no unit", "[sla]\nwarn = \"2d\"\n", "c.toml:2: sla.warn"},
		{"warn not shorter", "[sla]\nbreach = \"1h\"\nwarn = \"2h\"\n", "c.toml:3: sla.warn (2h0m0s) must be shorter"},
		{"unknown sla key", "[sla]\nwarning = \"1h\"\n", `c.toml:2: unknown key "sla.warning" in [sla]`},
		{"bad notify kind", "[notify]\non = [\"angry\"]\n", `c.toml:2: notify.on: "angry" is not a kind of message`},
		{"unknown notify key", "[notify]\nsound = true\n", `c.toml:2: unknown key "notify.sound" in [notify]`},
		{"unknown variable", "[[template]]\nname = \"Hi\"\nbody = \"\"\"\nHello {first_name},\nsee {linkk}\"\"\"\n", "c.toml:5: template 1 (Hi): unknown variable {linkk}"},
		{"no body", "[[template]]\nname = \"Hi\"\n", `c.toml:1: template 1: "Hi" has no body`},
		{"duplicate", "[[template]]\nname = \"Hi\"\nbody = \"a\"\n[[template]]\nname = \"hi\"\nbody = \"b\"\n", "c.toml:5: template 2: name \"hi\" is already template 1's"},
		{"unknown template key", "[[template]]\nname = \"Hi\"\ntext = \"a\"\n", `c.toml:3: unknown key "text" in [[template]]`},
	} {
		_, err := ParseConfig("c.toml", []byte(tc.text))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestLoadTemplateDir(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("welcome.md", "Hi {first_name},\n\nwelcome!\n")
	write("Refund.txt", "Sorry {author}.\nSee {lnk} and {lnk}.\n")
	write("notes.json", "{}")
	write("bad.txt", "evil \x1b]0;title\x07")
	ts, problems := LoadTemplateDir(dir)
	var names []string
	for _, tm := range ts {
		names = append(names, tm.Name)
	}
	if !slices.Equal(names, []string{"Refund", "welcome"}) {
		t.Errorf("names = %q, want Refund and welcome (sorted, not .json, not the one with an escape)", names)
	}
	if ts[1].Body != "Hi {first_name},\n\nwelcome!" {
		t.Errorf("body = %q (the file's last newline is not the user's)", ts[1].Body)
	}
	joined := strings.Join(problems, "\n")
	if !strings.Contains(joined, filepath.Join(dir, "Refund.txt")+":2: unknown variable {lnk}") ||
		strings.Count(joined, "{lnk}") != 1 || !strings.Contains(joined, "bad.txt: not plain text") {
		t.Errorf("problems = %q", problems)
	}
	if ts, p := LoadTemplateDir(filepath.Join(dir, "missing")); ts != nil || p != nil {
		t.Errorf("a missing folder: %v %v, want nothing", ts, p)
	}
}

func TestExpandTemplate(t *testing.T) {
	got := ExpandTemplate("Hi {first_name} ({author}) on {feed}: {link} {track_link} {json}", map[string]string{
		"first_name": "Alice", "author": "Alice Chen", "feed": "Forum", "link": "https://x.example/t/1"})
	if want := "Hi Alice (Alice Chen) on Forum: https://x.example/t/1  {json}"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	for in, want := range map[string]string{"Alice Chen": "Alice", "@bob@masto.example": "bob", "": "", "carol": "carol"} {
		if got := FirstName(in); got != want {
			t.Errorf("FirstName(%q) = %q, want %q", in, got, want)
		}
	}
}
