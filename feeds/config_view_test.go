package feeds

import (
	"errors"
	"strings"
	"testing"
)

func TestConfigViews(t *testing.T) {
	conf := "[[feed]]\nurl = \"https://a.example/f\"\n\n[[view]]\nname = \"Hot leads\"\nfilter = \"stage:intent is:waiting\"\n\n[[view]]\nname = \"Angry HN\"\nfilter = 'feed:hn is:unhappy -is:done'\n"
	cfg, err := ParseConfig("c.toml", []byte(conf))
	if err != nil {
		t.Fatal(err)
	}
	want := []View{{Name: "Hot leads", Filter: "stage:intent is:waiting"}, {Name: "Angry HN", Filter: "feed:hn is:unhappy -is:done"}}
	if len(cfg.Views) != 2 || cfg.Views[0] != want[0] || cfg.Views[1] != want[1] {
		t.Errorf("views %+v, want %+v", cfg.Views, want)
	}
}

func TestConfigViewErrors(t *testing.T) {
	six := ""
	for _, n := range []string{"a", "b", "c", "d", "e", "f"} {
		six += "[[view]]\nname = \"" + n + "\"\nfilter = \"is:unread\"\n"
	}
	cases := []struct {
		name, conf string
		line       int
		want       string
	}{
		{"bad filter", "[[view]]\nname = \"Hot\"\nfilter = \"stage:hot is:waiting\"\n", 3, `view 1: filter "stage:hot is:waiting": unknown term stage:hot — stages are new, engaged`},
		{"control character", "[[view]]\nname = \"x\"\nfilter = \"is:done \\u001b[2J\"\n", 3, "control character U+001B"},
		{"no name", "[[view]]\nfilter = \"is:unread\"\n", 1, "view 1: has no name"},
		{"no filter", "[[view]]\nname = \"x\"\n", 1, "view 1: has no filter"},
		{"same name", "[[view]]\nname = \"X\"\nfilter = \"is:done\"\n[[view]]\nname = \"x\"\nfilter = \"is:unread\"\n", 5, `view 2: name "x" is already view 1's`},
		{"too many", six, 17, "view 6: only 5 views fit the keys 5 to 9"},
		{"unknown key", "[[view]]\nname = \"x\"\nquery = \"is:done\"\n", 3, `unknown key "query" in [[view]] (expected one of: name, filter)`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig("c.toml", []byte(tc.conf))
			// Every mistake is reported in one run (ConfigErrors): the
			// one asked for must be among them, on its line.
			var many ConfigErrors
			var ce *ConfigError
			switch {
			case errors.As(err, &many):
			case errors.As(err, &ce):
				many = ConfigErrors{ce}
			default:
				t.Fatalf("err = %v, want a ConfigError", err)
			}
			for _, e := range many {
				if strings.Contains(e.Msg, tc.want) {
					if e.Line != tc.line {
						t.Errorf("line = %d, want %d (%s)", e.Line, tc.line, e.Msg)
					}
					return
				}
			}
			t.Errorf("errors %v, want one containing %q", err, tc.want)
		})
	}
}
