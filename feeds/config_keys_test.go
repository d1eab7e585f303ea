package feeds

import (
	"slices"
	"strings"
	"testing"
)

func TestKeysTableInFileOrder(t *testing.T) {
	cfg, err := ParseConfig("c.toml", []byte(`ours = ["Sam"]

[keys]
"queue.done" = ["e", "x"]   # quoted
global.quit = "Q"           # dotted

[keys.thread]
reply = "R"
`))
	if err != nil {
		t.Fatal(err)
	}
	want := []KeyBinding{
		{Action: "queue.done", Keys: []string{"e", "x"}, Line: 4},
		{Action: "global.quit", Keys: []string{"Q"}, Line: 5},
		{Action: "thread.reply", Keys: []string{"R"}, Line: 8},
	}
	if !slices.EqualFunc(cfg.Keys, want, func(a, b KeyBinding) bool {
		return a.Action == b.Action && a.Line == b.Line && slices.Equal(a.Keys, b.Keys)
	}) {
		t.Errorf("keys = %+v, want %+v", cfg.Keys, want)
	}
}

func TestKeysTableShapeErrors(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"[keys]\n\"queue.done\" = 3\n", `c.toml:2: keys."queue.done": must be a key or a list of keys`},
		{"[keys]\n\n\"queue.done\" = [\"e\", 1]\n", `c.toml:3: keys."queue.done": must be a key or a list of keys`},
		{"[keys]\n\"queue.done\" = \"\"\n", `c.toml:2: keys."queue.done": has an empty key`},
		{"[keys]\n\"queue.done\" = \"\\u001b\"\n", `c.toml:2: keys."queue.done": key = "\x1b" contains the control character U+001B`},
		{"keys = \"x\"\n", `keys must be a table`},
	} {
		_, err := ParseConfig("c.toml", []byte(c.text))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want %q", c.text, err, c.want)
		}
	}
}
