package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"parley/feeds"
)

const configWithComments = `# My parley config — hand written, keep my comments.
ours = ["Sam (Quillstone)"]

[[feed]]
name  = "Blog comments"   # the main one
url   = "https://quillstone.example/comments/feed/"
every = "5m"

[funnel]
track_link = "https://shop.quillstone.example/?ref={thread}"
`

func TestImportOPMLAppendsAndKeepsTheConfig(t *testing.T) {
	privateEnv(t)
	cfg := writeConfig(t, configWithComments)
	code, out, errOut := runCLI("import-opml", "feeds/testdata/feedly.opml", "--config", cfg)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	data, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	if !strings.HasPrefix(text, configWithComments) {
		t.Errorf("the config's own text changed:\n%s", text)
	}
	loaded, err := feeds.LoadConfig(cfg)
	if err != nil {
		t.Fatalf("config does not load after import: %v\n%s", err, text)
	}
	var names []string
	for _, f := range loaded.Feeds {
		names = append(names, f.Name)
	}
	want := []string{"Blog comments", "Quillstone Community: Latest", "Notewell & Friends",
		`"Quoted" \ back`, "Hacker News: Newest", "Evilred", "untitled.example"}
	if strings.Join(names, "|") != strings.Join(want, "|") {
		t.Errorf("feeds after import:\n got %q\nwant %q", names, want)
	}
	if loaded.Funnel.TrackLink == "" {
		t.Error("[funnel] was lost: the appended feeds must not land inside it")
	}
	for _, w := range []string{"Added 6 feeds to " + cfg, "+ Notewell & Friends  https://notewell.example/feed.atom",
		// The blog is in the config already, under another name, and in
		// the list twice (once with another case and no trailing slash).
		"Skipped 3:", `Quillstone Blog — Comments (HTTPS://Quillstone.example/comments/feed): already in the config as "Blog comments"`, "gopher://old.example/feed): not an http(s) feed URL"} {
		if !strings.Contains(out, w) {
			t.Errorf("report lacks %q:\n%s", w, out)
		}
	}
	if !strings.Contains(text, "# folder: Product / Competitors\n[[feed]]\nname = \"Notewell & Friends\"") {
		t.Errorf("folder comment missing:\n%s", text)
	}
	if fi, _ := os.Stat(cfg); fi.Mode().Perm() != 0o600 {
		t.Errorf("config mode %v, want 0600", fi.Mode().Perm())
	}

	// Twice: nothing new, the file unchanged.
	code, out, _ = runCLI("import-opml", "feeds/testdata/feedly.opml", "--config", cfg)
	again, _ := os.ReadFile(cfg)
	if code != 0 || !strings.Contains(out, "Added 0 feeds") || string(again) != text {
		t.Errorf("second import: exit %d, %q; file changed: %v", code, out, string(again) != text)
	}
	// newsboat's list shares the blog (with a trailing slash) and adds Reddit.
	code, out, _ = runCLI("import-opml", "feeds/testdata/newsboat.opml", "--config", cfg)
	if code != 0 || !strings.Contains(out, "Added 1 feed to") || !strings.Contains(out, `already in the config as "Blog comments"`) {
		t.Errorf("newsboat import: exit %d\n%s", code, out)
	}
}

func TestImportOPMLCreatesAConfig(t *testing.T) {
	home := privateEnv(t)
	cfg := filepath.Join(home, "config", "parley", "config.toml")
	code, _, errOut := runCLI("import-opml", "feeds/testdata/newsboat.opml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	loaded, err := feeds.LoadConfig(cfg)
	if err != nil || len(loaded.Feeds) != 2 {
		t.Fatalf("new config: %+v, %v", loaded.Feeds, err)
	}
	if fi, _ := os.Stat(filepath.Dir(cfg)); fi.Mode().Perm() != 0o700 {
		t.Errorf("config dir mode %v, want 0700", fi.Mode().Perm())
	}
}

func TestImportOPMLRefusesABrokenConfig(t *testing.T) {
	privateEnv(t)
	cfg := writeConfig(t, "[[feed]]\nname = \"x\"\nevery = \"often\"\nurl = \"https://a.example/f\"\n")
	before, _ := os.ReadFile(cfg)
	code, _, errOut := runCLI("import-opml", "feeds/testdata/newsboat.opml", "--config", cfg)
	after, _ := os.ReadFile(cfg)
	if code != 1 || !strings.Contains(errOut, "fix the config first") || !strings.Contains(errOut, cfg+":3:") || string(after) != string(before) {
		t.Errorf("exit %d, %q", code, errOut)
	}
}

func TestExportOPML(t *testing.T) {
	privateEnv(t)
	cfg := writeConfig(t, configWithComments+`
[[feed]]
name = "Mastodon mentions"
kind = "mastodon"
server = "https://mastodon.example"
token_env = "PARLEY_TEST_TOKEN"
`)
	code, out, errOut := runCLI("export", "--format", "opml", "--config", cfg)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, `<outline text="Blog comments" title="Blog comments" type="rss" xmlUrl="https://quillstone.example/comments/feed/"></outline>`) {
		t.Errorf("OPML lacks the blog:\n%s", out)
	}
	if strings.Contains(out, "Mastodon") || !strings.Contains(errOut, `left out "Mastodon mentions": a Mastodon source`) {
		t.Errorf("mastodon not left out with a word: %s / %s", out, errOut)
	}
	list, _, err := feeds.ParseOPML(strings.NewReader(out))
	if err != nil || len(list) != 1 {
		t.Errorf("export does not read back: %v %v", list, err)
	}
	if code, _, errOut := runCLI("export", "--format", "opml", "--audit", "--config", cfg); code != 2 || !strings.Contains(errOut, "opml for the feeds") {
		t.Errorf("--audit --format opml: exit %d %q", code, errOut)
	}
}

func TestPlanOPMLImportMakesNamesUnique(t *testing.T) {
	have := []feeds.Feed{{Name: "News", URL: "https://a.example/rss"}}
	p := planOPMLImport(have, []feeds.OPMLFeed{
		{Title: "News", URL: "https://b.example/rss"},
		{Title: "News", URL: "https://c.example/rss"},
		{Title: "Other", URL: "https://b.example/rss/"},
	})
	var got []string
	for _, a := range p.added {
		got = append(got, a.name)
	}
	if strings.Join(got, "|") != "News (2)|News (3)" || len(p.skipped) != 1 || !strings.Contains(p.skipped[0], `as "News (2)"`) {
		t.Errorf("added %q, skipped %q", got, p.skipped)
	}
}
