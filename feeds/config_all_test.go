package feeds

import (
	"errors"
	"strings"
	"testing"
)

// Every mistake of a config is reported in one run, in line order, each
// on its line and saying what was expected; a value of the wrong type
// (ours = "Sam (Acme)") no longer stops the check with the decoder's
// "incompatible types".
func TestParseConfigReportsEveryMistakeInLineOrder(t *testing.T) {
	text := `ours = "Sam (Acme)"
[[feed]]
name = "Blog"
url = "https://a.example/f"
every = 5
nmae = "x"
[[feed]]
name = "Forum"
[fetch]
max_bytes = "10MB"
timeout = "soon"
[funnel]
intent = "price"
[[teammate]]
name = "Maya"
ssh_keys = "ssh-ed25519 AAAA"
`
	_, err := ParseConfig("/home/sam/.config/parley/config.toml", []byte(text))
	var all ConfigErrors
	if !errors.As(err, &all) {
		t.Fatalf("err = %v, want ConfigErrors", err)
	}
	want := []struct {
		line  int
		parts []string
	}{
		{1, []string{`ours must be a list of names`, `expected e.g. ours = ["Sam (Acme)"]`, `it is the string "Sam (Acme)"`}},
		{5, []string{"feed 1: every must be a string", `every = "5m"`, "it is the number 5"}},
		{6, []string{`unknown key "feed.nmae"`}},
		{7, []string{"feed 2: missing url"}},
		{10, []string{"fetch.max_bytes must be a whole number", "max_bytes = 10485760", `it is the string "10MB"`}},
		{11, []string{`fetch.timeout = "soon" is not a positive duration`}},
		{13, []string{"funnel.intent must be an array of strings", `intent = [`}},
		{16, []string{"teammate 1: teammate.ssh_keys must be an array of strings", `ssh_keys = ["ssh-ed25519`}},
	}
	if len(all) != len(want) {
		t.Fatalf("%d mistakes reported, want %d:\n%v", len(all), len(want), err)
	}
	for i, w := range want {
		got := all[i]
		if got.Line != w.line {
			t.Errorf("mistake %d is on line %d, want %d: %v", i+1, got.Line, w.line, got)
		}
		for _, p := range w.parts {
			if !strings.Contains(got.Msg, p) {
				t.Errorf("line %d: %q lacks %q", got.Line, got.Msg, p)
			}
		}
	}
	msg := err.Error()
	if strings.Contains(msg, "incompatible types") || strings.Contains(msg, ": toml: ") {
		t.Errorf("the decoder's own words reach the user:\n%s", msg)
	}
	if !strings.HasPrefix(msg, "/home/sam/.config/parley/config.toml: 8 mistakes") ||
		!strings.Contains(msg, "\n  /home/sam/.config/parley/config.toml:16: ") {
		t.Errorf("the message should count the mistakes and give each file:line on its own line:\n%s", msg)
	}
}

// The type mismatches users make, each with what is expected.
func TestParseConfigTypeMismatchesSayWhatIsExpected(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		line       int
		wants      []string
	}{
		{"one ours name", "ours = \"Sam (Acme)\"\n", 1, []string{`ours = ["Sam (Acme)"]`}},
		{"[feed] with single brackets", "[feed]\nname = \"a\"\nurl = \"https://a.example/f\"\n", 1, []string{"feed must be a list of tables", "[[feed]]", "double brackets"}},
		// One mistake, not also "missing url" for the value dropped.
		{"url a number", "[[feed]]\nurl = 42\n", 2, []string{"feed 1: url must be a string", "it is the number 42"}},
		{"categories a string", "[[feed]]\nkind = \"discourse\"\nurl = \"https://f.example\"\napi_key_env = \"K\"\napi_username = \"m\"\ncategories = \"support\"\n", 6,
			[]string{"feed 1: categories must be an array of strings", `categories = ["support", "feedback"]`}},
		{"fetch a string", "fetch = \"fast\"\n", 1, []string{"fetch must be a table", "[fetch]"}},
		{"per_host a float", "[fetch]\nper_host = 2.5\n", 2, []string{"fetch.per_host must be a whole number", "it is the number 2.5"}},
		{"teammate name a list", "[[teammate]]\nname = [\"Maya\"]\nunix_user = \"maya\"\n", 2, []string{"teammate 1: name must be a string", "an array"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg := configErrorAt(t, tc.text, tc.line)
			for _, w := range tc.wants {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
			if strings.Contains(msg, "incompatible types") {
				t.Errorf("the decoder's words: %q", msg)
			}
			if strings.Contains(msg, "mistakes") {
				t.Errorf("one mistake reported as several: %q", msg)
			}
		})
	}
}

// A file with hundreds of mistakes (not a config at all) shows a
// screenful of them and how many more there are.
func TestParseConfigShowsAScreenfulOfMistakes(t *testing.T) {
	var b strings.Builder
	for i := range 40 {
		b.WriteString("key" + strings.Repeat("x", i) + " = 1\n")
	}
	_, err := ParseConfig("c.toml", []byte(b.String()))
	var all ConfigErrors
	if !errors.As(err, &all) || len(all) != 40 {
		t.Fatalf("err = %v, want 40 mistakes", err)
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 1+maxMistakesShown+1 || lines[len(lines)-1] != "  … and 10 more after line 30" {
		t.Errorf("%d lines, the last %q; want the count, %d mistakes and \"  … and 10 more after line 30\"", len(lines), lines[len(lines)-1], maxMistakesShown)
	}
}
