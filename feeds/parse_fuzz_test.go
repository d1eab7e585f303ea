package feeds

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse: whatever a server sends, Parse returns items or an error,
// never a panic, and every string it returns is safe to print.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"wordpress-comments.rss", "forum-thread.atom", "support.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`<rss version="2.0"><channel><item><title>a` + "\x1b]52;c;aGk=\x07" + `</title><description>&lt;b&gt;x&lt;/b&gt;</description></item></channel></rss>`))
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"1","content_text":"\u001b[2Jhi"}]}`))
	f.Add([]byte(`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&a;</title></entry></feed>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		items, err := Parse("fuzz", data)
		if err != nil {
			if !utf8.ValidString(err.Error()) || strings.ContainsRune(err.Error(), 0x1b) {
				t.Fatalf("error message is not safe to print: %q", err.Error())
			}
			return
		}
		for _, it := range items {
			for _, s := range []string{it.ID, it.Author, it.Title, it.Link, it.Text, it.InReplyTo} {
				if !printable(s) {
					t.Fatalf("unsafe string in item: %q", s)
				}
			}
		}
	})
}

// FuzzParseConfig: a broken config is an error with a message, never a
// panic.
func FuzzParseConfig(f *testing.F) {
	f.Add([]byte("[[feed]]\nname = \"Blog\"\nurl = \"https://b.example/feed\"\nevery = \"5m\"\n"))
	f.Add([]byte("[[feed]]\nkind = \"mastodon\"\nserver = \"https://m.example\"\ntoken_env = \"T\"\n[funnel]\nintent = [\"price\"]\n"))
	f.Add([]byte("[funnel]\ntrack_link = \"https://s.example/?r={thread}\"\ncompetitors = [\"(\"]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := ParseConfig("fuzz.toml", data); err != nil && err.Error() == "" {
			t.Fatal("empty error message")
		}
	})
}

// printable reports whether s could reach a terminal unharmed: valid
// UTF-8 and no control characters but newline.
func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if (r < 0x20 && r != '\n') || (r >= 0x7f && r <= 0x9f) || isBidiControl(r) {
			return false
		}
	}
	return true
}
