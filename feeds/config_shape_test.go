package feeds

import (
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

const shapeHead = "[[feed]]\nname = \"Blog\"\nurl = \"https://a.example/feed\"\n"

// nestedConfig is shapeHead and then key = value, padded to about size
// bytes by repeating open, then closing each.
func nestedConfig(size int, open, close string) string {
	n := (size - len(shapeHead)) / (len(open) + len(close))
	return shapeHead + "x = " + strings.Repeat(open, n) + "1" + strings.Repeat(close, n) + "\n"
}

// The decoder's memory grows with the square of the nesting (60 KB of
// nested inline tables took 4.3 GB): such a file is refused before it is
// decoded, with the line where the limit was crossed, for a few KB.
func TestConfigRefusesDeepNesting(t *testing.T) {
	multiLine := shapeHead + "x = [\n" + strings.Repeat("[\n", 60<<10/2) + "1" + strings.Repeat("]", 60<<10/2) + "]\n"
	tests := []struct {
		name string
		text string
		line int
	}{
		{"nested inline tables, 60 KB", nestedConfig(60<<10, "{a = ", "}"), 4},
		{"nested arrays of inline tables, 60 KB", nestedConfig(60<<10, "[{a = ", "}]"), 4},
		{"nested arrays over many lines", multiLine, 4 + maxConfigDepth},
		{"dotted key, 60 KB", shapeHead + "\n" + strings.Repeat("a.", 30<<10) + "a = 1\n", 5},
		{"table header, 60 KB", shapeHead + "\n\n[" + strings.Repeat("a.", 30<<10) + "a]\nx = 1\n", 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			msg := configErrorAt(t, tt.text, tt.line)
			runtime.ReadMemStats(&after)
			if !strings.Contains(msg, "nested more than 16 deep") {
				t.Errorf("message %q does not say what is wrong", msg)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
				t.Errorf("refusing a %d-byte config allocated %d MB, want a few KB", len(tt.text), alloc>>20)
			}
		})
	}
	// At the limit it still loads.
	ok := shapeHead + "x = " + strings.Repeat("[", maxConfigDepth) + "1" + strings.Repeat("]", maxConfigDepth) + "\n"
	if _, err := ParseConfig("c.toml", []byte(ok)); err == nil || !strings.Contains(err.Error(), `unknown key "feed.x"`) {
		t.Errorf("a config %d deep: err = %v, want it decoded (and x refused as unknown)", maxConfigDepth, err)
	}
}

// Brackets, braces, dots and # inside strings of every kind, and in
// comments, do not count; lines in multi-line strings do.
func TestConfigShapeIgnoresStringsAndComments(t *testing.T) {
	deep := strings.Repeat("[", 40) + strings.Repeat("{", 40) + strings.Repeat(".", 40)
	text := "# " + deep + "\n" +
		"ours = [\"" + deep + " \\\" " + deep + "\", '" + deep + "', \"\"\"" + deep + "\\\"\"\"" + deep + " \\\n  " + deep + "\"\"\", '''\n" + deep + "''', \"#" + deep + "\"] # " + deep + "\n" +
		"[[feed]] # " + deep + "\n" +
		"name = \"\"\"x\"\"\"\"\"\n" + // five quotes: the string is x""
		"url = 'https://a.example/" + deep + "'\n" +
		"[[feed]]\n" +
		"name = \"b\"\n" +
		"url = \"https://b.example/feed\"\n" +
		"categories = [1.5, 2.5]\n"
	cfg, err := ParseConfig("c.toml", []byte(text))
	if err == nil || !strings.Contains(err.Error(), "categories") {
		// categories is not a feed key: the decoder got that far, past
		// every string, and refused it for what it is.
		t.Fatalf("err = %v, want the file decoded up to categories", err)
	}
	if ce, ok := err.(*ConfigError); !ok || ce.Line != 11 {
		t.Errorf("err = %#v, want a ConfigError at line 11", err)
	}
	text = strings.TrimSuffix(text, "categories = [1.5, 2.5]\n")
	cfg, err = ParseConfig("c.toml", []byte(text))
	if err != nil {
		t.Fatalf("brackets in strings and comments were counted: %v", err)
	}
	if len(cfg.Ours) != 5 || cfg.Feeds[0].Name != `x""` || !strings.HasSuffix(cfg.Feeds[0].URL, deep) {
		t.Errorf("decoded %q and feed %+v, not what the file says", cfg.Ours, cfg.Feeds[0])
	}

	// Line numbers count the lines inside multi-line strings.
	text = "ours = [\"\"\"a\nb\nc\"\"\", '''\nd\ne''']\n" + "x = " + strings.Repeat("{a = ", maxConfigDepth+1) + "1" + strings.Repeat("}", maxConfigDepth+1) + "\n"
	configErrorAt(t, text, 6)
}

// A config over 1 MiB is refused before it is decoded, and so is a config
// path that is not a regular file (a FIFO would block start-up forever,
// /dev/zero never ends).
func TestLoadConfigRefusesHugeAndOddFiles(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.toml")
	if err := os.WriteFile(big, []byte(shapeHead+"# "+strings.Repeat("x", maxConfigBytes)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadConfig(big); err == nil || !strings.Contains(err.Error(), big+": the file is") || !strings.Contains(err.Error(), "over the 1 MiB limit") {
		t.Errorf("huge config: err = %v", err)
	}
	fifo := filepath.Join(dir, "fifo.toml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{fifo, "/dev/zero", dir} {
		done := make(chan error, 1)
		go func() { _, err := LoadConfig(p); done <- err }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "a config must be a regular file") {
				t.Errorf("%s as config: err = %v", p, err)
			}
		case <-timeAfterHangGuard():
			t.Fatalf("LoadConfig(%s) did not return", p)
		}
	}
}

// The limit is far above what real configs use: the README's examples
// nest at most 3 deep.
func TestConfigShapeOfRealConfigs(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Skipf("no README: %v", err)
	}
	blocks := regexp.MustCompile("(?s)```toml\n(.*?)```").FindAllSubmatch(readme, -1)
	if len(blocks) == 0 {
		t.Fatal("no toml blocks in the README")
	}
	deepest := 0
	for _, b := range blocks {
		d, _ := configDepth(b[1], 1<<30)
		deepest = max(deepest, d)
	}
	t.Logf("the README's %d toml examples nest at most %d deep; the limit is %d", len(blocks), deepest, maxConfigDepth)
	if deepest > maxConfigDepth/4 {
		t.Errorf("the README's examples nest %d deep: the limit %d leaves too little room", deepest, maxConfigDepth)
	}
}

func timeAfterHangGuard() <-chan time.Time { return time.After(hangGuard) }

// FuzzConfigShape: whatever the file holds, the pre-scan never panics,
// names a line of the file, and lets through only what it measured within
// the limit; what it lets through decodes without a panic.
func FuzzConfigShape(f *testing.F) {
	f.Add([]byte(shapeHead))
	f.Add([]byte("a = \"\"\"x\\\"\"\"\"\"\nb = '''\n[[[['''\nc = [[1.5], {d.e = 2}] # [[[\n"))
	f.Add([]byte(nestedConfig(200, "{a = ", "}")))
	f.Fuzz(func(t *testing.T, data []byte) {
		deepest, line := configDepth(data, maxConfigDepth)
		if line < 1 || line > 1+strings.Count(string(data), "\n") {
			t.Fatalf("line %d is not a line of the file", line)
		}
		err := checkConfigShape("c.toml", data)
		if (err != nil) != (deepest > maxConfigDepth || len(data) > maxConfigBytes) {
			t.Fatalf("depth %d, err %v", deepest, err)
		}
		if err == nil {
			ParseConfig("c.toml", data)
		}
	})
}

// BenchmarkParseConfigRefusesDeep60KB: the 60 KB file that took 4.3 GB
// to decode, refused by the pre-scan.
func BenchmarkParseConfigRefusesDeep60KB(b *testing.B) {
	data := []byte(nestedConfig(60<<10, "{a = ", "}"))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseConfig("c.toml", data); err == nil {
			b.Fatal("accepted")
		}
	}
}
