package demo

import (
	"strings"
	"testing"

	"parley/feeds"
)

// Every demo template fills in: no {variable} parley does not know is
// left in the reply.
func TestTemplatesUseKnownVariables(t *testing.T) {
	if len(Templates) == 0 {
		t.Fatal("the demo has no saved replies: ctrl+t shows nothing")
	}
	vars := map[string]string{"first_name": "Sofia", "author": "Sofia Alvarez", "feed": "Reviews",
		"link": "https://quillstone.example/r/1", "track_link": "https://quillstone.example/buy?ref=x"}
	for _, tp := range Templates {
		got := feeds.ExpandTemplate(tp.Body, vars)
		if tp.Name == "" || strings.ContainsAny(got, "{}") || !strings.Contains(got, "Sofia") {
			t.Errorf("template %q expands to %q", tp.Name, got)
		}
	}
}
