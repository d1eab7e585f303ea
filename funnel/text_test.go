package funnel

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseTextSentences(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"Version 1.2 is out. Visit quillstone.app now!", []string{"Version 1.2 is out.", "Visit quillstone.app now!"}},
		{"Really?! Wow… ok", []string{"Really?!", "Wow…", "ok"}},
		{"Hi team,\nHow much is it?", []string{"Hi team,", "How much is it?"}},
		{"is there a free\ntrial for teams", []string{"is there a free\ntrial for teams"}}, // a wrapped line
		{"first part\n\nsecond part", []string{"first part", "second part"}},
		{"- price\n- trial", []string{"- price", "- trial"}},
		{"He said \"love it.\" Then left.", []string{"He said \"love it.\"", "Then left."}},
		{"  :)  ", nil},
		{"", nil},
	}
	for _, tc := range tests {
		var got []string
		for _, s := range parseText(tc.text) {
			got = append(got, s.text)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("parseText(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestParseTextWords(t *testing.T) {
	s := parseText("I don’t love Scrivener's bug-free claims, but it's fine")[0]
	var words []string
	for _, w := range s.words {
		words = append(words, w.w)
	}
	want := []string{"i", "don't", "love", "scrivener", "bug-free", "claims", "but", "it", "fine"}
	if !reflect.DeepEqual(words, want) {
		t.Errorf("words = %q, want %q", words, want)
	}
	if c := s.words[5].clause; c != 0 {
		t.Errorf("clause of %q = %d, want 0", s.words[5].w, c)
	}
	if s.words[6].clause != 1 || s.words[8].clause != 1 {
		t.Error(`a comma and "but" should open one new clause`)
	}
}

func TestQuestionClauses(t *testing.T) {
	tests := []struct {
		text   string
		clause int
		want   bool
	}{
		{"How much is it?", 0, true},
		{"How much is it", 0, true},
		{"Hi all, can anyone recommend a good outliner", 1, true},
		{"Love it, but can you add dark mode?", 0, false},
		{"Love it, but can you add dark mode?", 1, true},
		{"Would recommend!", 0, false},
		{"Is there a free trial, or a demo?", 0, true},
		{"So, what does it cost", 1, true},
		{"You should try it.", 0, false},
	}
	for _, tc := range tests {
		if got := parseText(tc.text)[0].question(tc.clause); got != tc.want {
			t.Errorf("question(%q, clause %d) = %v, want %v", tc.text, tc.clause, got, tc.want)
		}
	}
}

func TestShortQuote(t *testing.T) {
	if got := shortQuote("  How much is\n the team   plan? "); got != "How much is the team plan?" {
		t.Errorf("short: %q", got)
	}
	long := "We are a team of eleven screenwriters and would like to know how much is the team plan"
	got := shortQuote(long)
	if !strings.HasSuffix(got, "…") || strings.HasSuffix(got, " …") {
		t.Errorf("long: %q, want a cut at a word ending in …", got)
	}
	if !strings.HasPrefix(long, strings.TrimSuffix(got, "…")+" ") {
		t.Errorf("long: %q is not cut at a word boundary of %q", got, long)
	}
	noSpaces := strings.Repeat("x", 100)
	if got := shortQuote(noSpaces); got != strings.Repeat("x", quoteLen)+"…" {
		t.Errorf("no spaces: %q", got)
	}
}
