package funnel

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestNewAnalyzerRejectsBadPatterns(t *testing.T) {
	tests := []struct {
		name   string
		cfg    Config
		list   string
		index  int
		reason string
	}{
		{"empty intent", Config{Intent: []string{"price", ""}}, "intent", 2, "is empty"},
		{"blank advocacy", Config{Advocacy: []string{"   \t"}}, "advocacy", 1, "is empty"},
		{"symbols", Config{Intent: []string{"price", "trial", "$$$"}}, "intent", 3, "has no letters"},
		{"digits", Config{Advocacy: []string{"love it", "2024"}}, "advocacy", 2, "has no letters"},
		{"empty competitor", Config{Competitors: []string{"Scrivener", ""}}, "competitors", 2, "is empty"},
		{"punctuation competitor", Config{Competitors: []string{"!!"}}, "competitors", 1, "has no letters"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := NewAnalyzer(tc.cfg)
			if a != nil || err == nil {
				t.Fatalf("NewAnalyzer = %v, %v; want an error", a, err)
			}
			var pe *PatternError
			if !errors.As(err, &pe) {
				t.Fatalf("err %T is not a *PatternError", err)
			}
			if pe.List != tc.list || pe.Index != tc.index || pe.Reason != tc.reason {
				t.Errorf("got %s entry %d %q, want %s entry %d %q", pe.List, pe.Index, pe.Reason, tc.list, tc.index, tc.reason)
			}
			msg := err.Error()
			for _, want := range []string{"funnel." + tc.list, fmt.Sprintf("%q", pe.Pattern), tc.reason, "expected"} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q does not mention %q", msg, want)
				}
			}
		})
	}
}

func TestConfigDefaults(t *testing.T) {
	a := mustAnalyzer(t, Config{TrackLink: "https://shop.example.com/?ref={thread}"})
	got := a.Config()
	if !reflect.DeepEqual(got.Intent, DefaultIntent) || !reflect.DeepEqual(got.Advocacy, DefaultAdvocacy) {
		t.Errorf("nil lists should be the defaults, got %v / %v", got.Intent, got.Advocacy)
	}
	if got.Competitors != nil {
		t.Errorf("competitors = %v, want none", got.Competitors)
	}
	if got.TrackLink != "https://shop.example.com/?ref={thread}" {
		t.Errorf("track link = %q", got.TrackLink)
	}
	// The effective config is a copy: changing it changes nothing.
	got.Intent[0] = "changed"
	if a.Config().Intent[0] == "changed" || DefaultIntent[0] == "changed" {
		t.Error("Config() shares its slices")
	}
}

func TestConfigListsReplaceDefaults(t *testing.T) {
	custom := []string{"refill", "bulk order"}
	a := mustAnalyzer(t, Config{Intent: custom, Advocacy: []string{}})
	custom[0] = "changed later" // the Analyzer keeps its own copy
	if got := a.Config().Intent; !reflect.DeepEqual(got, []string{"refill", "bulk order"}) {
		t.Errorf("intent = %v", got)
	}
	if got := a.Config().Advocacy; got == nil || len(got) != 0 {
		t.Errorf("advocacy = %#v, want empty (not the defaults)", got)
	}
	has := func(text string, kind SignalKind) bool { return slices.Contains(kindsOf(a, text), kind) }
	for text, want := range map[string]bool{
		"I'd like a refill for the cartridges": true,
		"Can we place a bulk\n order?":         true,
		"Can I get a demo?":                    false, // "demo" is a default, replaced
		"Is it free for students?":             true,  // price questions need no pattern
	} {
		if got := has(text, SignalIntent); got != want {
			t.Errorf("intent in %q = %v, want %v", text, got, want)
		}
	}
	if has("I highly recommend Quillstone, love it!", SignalAdvocacy) {
		t.Error("advocacy = [] should turn advocacy patterns off")
	}
}

func TestPatternMatching(t *testing.T) {
	a := mustAnalyzer(t, Config{Intent: []string{"price", "free trial", "Sign-Up", "where can I buy?"}})
	tests := []struct {
		text string
		want bool
	}{
		{"What's the PRICE?", true},
		{"price", true},
		{"The price, roughly?", true},
		{"This is priceless", false}, // whole words
		{"We bought it at a low prices page", false},
		{"Is there a FREE   TRIAL?", true},
		{"Is there a free\n\ttrial for us?", true},
		{"It came free, trial or not.", false}, // a comma breaks the phrase
		{"Where's the sign-up form?", true},
		{"How do I sign up?", false}, // "sign-up" is one word
		{"where can i buy it", true}, // pattern punctuation is ignored
	}
	for _, tc := range tests {
		if got := slices.Contains(kindsOf(a, tc.text), SignalIntent); got != tc.want {
			t.Errorf("intent in %q = %v, want %v", tc.text, got, tc.want)
		}
	}
}

func TestTrackLink(t *testing.T) {
	if got := TrackLink("https://shop.example.com/?ref={thread}", "t42"); got != "https://shop.example.com/?ref=t42" {
		t.Errorf("TrackLink = %q", got)
	}
}
