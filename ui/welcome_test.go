package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"parley/feeds"
)

// The welcome screen's config example, pasted exactly as displayed, is a
// valid config that means what it says: ours is the top-level list (not a
// key inside [[feed]]) and the feed is the one shown.
func TestWelcomeConfigExampleIsValidAsShown(t *testing.T) {
	const path = "/home/sam/.config/parley/config.toml"
	screen := ansi.Strip(welcomeText(NewStyles(true), DefaultKeyMap(), path))
	lines := strings.Split(screen, "\n")
	start, end := -1, -1
	for i, l := range lines {
		switch {
		case strings.Contains(l, path):
			start = i + 1
		case strings.HasPrefix(l, "then start parley again"):
			end = i
		}
	}
	if start < 0 || end <= start {
		t.Fatalf("no example between the path and \"then start parley again\":\n%s", screen)
	}
	example := strings.Join(lines[start:end], "\n")
	cfg, err := feeds.ParseConfig("pasted.toml", []byte(example))
	if err != nil {
		t.Fatalf("the example as shown is not a valid config: %v\n%s", err, example)
	}
	if len(cfg.Ours) != 1 || cfg.Ours[0] != "Your Name" {
		t.Errorf("ours = %q, want [\"Your Name\"]:\n%s", cfg.Ours, example)
	}
	if len(cfg.Feeds) != 1 || cfg.Feeds[0].Name != "Blog comments" || cfg.Feeds[0].URL != "https://example.com/comments/feed/" ||
		cfg.Feeds[0].Every != 5*time.Minute {
		t.Errorf("feeds = %+v, want the one Blog comments feed every 5m:\n%s", cfg.Feeds, example)
	}
}
