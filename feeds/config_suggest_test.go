package feeds

import (
	"strings"
	"testing"
)

// A typo'd key names the key meant, a [[feed]]'s unknown key lists every
// key a feed takes (token_env too), and a misspelt table has its line.
func TestConfigTyposSuggestTheKeyMeant(t *testing.T) {
	const feed = "[[feed]]\nname = \"Blog\"\nurl = \"https://a.example/f\"\n"
	tests := []struct {
		name, text string
		line       int
		wants      []string
		not        []string
	}{
		{"feed key typo", feed + "evry = \"5m\"\n", 4,
			[]string{`unknown key "feed.evry" in [[feed]] (did you mean "every"?)`, "token_env", "api_username", "subreddit"}, nil},
		{"swapped letters", "[[feed]]\nkind = \"mastodon\"\nserver = \"https://m.example\"\ntoken_env = \"T\"\nhashtga = \"q\"\n", 5,
			[]string{`(did you mean "hashtag"?)`}, nil},
		{"no near key", feed + "colour = \"red\"\n", 4, []string{`unknown key "feed.colour" in [[feed]] (expected one of:`}, []string{"did you mean"}},
		{"plural table", "[[feeds]]\nname = \"Blog\"\nurl = \"https://a.example/f\"\n", 1,
			[]string{`unknown key "feeds" (did you mean "feed"?)`}, nil},
		{"top key typo", "our = [\"Maya\"]\n" + feed, 1, []string{`unknown key "our" (did you mean "ours"?)`}, nil},
		{"table key typo", feed + "[fetch]\ntimout = \"10s\"\n", 5, []string{`unknown key "fetch.timout" (did you mean "timeout"?)`}, nil},
		{"funnel key typo", feed + "[funnel]\nintnet = [\"price\"]\n", 5, []string{`unknown key "funnel.intnet" in [funnel] (did you mean "intent"?)`}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msg := configErrorAt(t, tc.text, tc.line)
			for _, w := range tc.wants {
				if !strings.Contains(msg, w) {
					t.Errorf("message lacks %q: %s", w, msg)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(msg, w) {
					t.Errorf("message has %q: %s", w, msg)
				}
			}
		})
	}
}

func TestDidYouMeanOnlyForSmallTypos(t *testing.T) {
	for name, want := range map[string]string{
		"urll": "url", "nmae": "name", "URL": "url", "token_evn": "token_env", "categorys": "categories",
		"x": "", "link": "", "hashtags": "hashtag", "api_user": "",
	} {
		got := didYouMean(name, feedKeyNames)
		if want == "" && got != "" || want != "" && !strings.Contains(got, `"`+want+`"`) {
			t.Errorf("didYouMean(%q) = %q, want a suggestion of %q", name, got, want)
		}
	}
}
