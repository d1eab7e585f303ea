package model

import (
	"math"
	"slices"
	"testing"
)

func features(text string) []uint32 {
	var fs []uint32
	Features(text, func(b uint32) { fs = append(fs, b) })
	return fs
}

func TestFeaturesReadWordsAsPeopleWriteThem(t *testing.T) {
	for _, same := range [][2]string{
		{"GREAT app", "great app"},
		{"I don’t like it", "I don't like it"}, // a phone's apostrophe
		{"broken  again", "broken again"},
	} {
		if a, b := features(same[0]), features(same[1]); !slices.Equal(a, b) {
			t.Errorf("%q and %q read differently: %v, %v", same[0], same[1], a, b)
		}
	}
	// One word, then two words and their pair.
	if n := len(features("broken")); n != 1 {
		t.Errorf("one word: %d features, want 1", n)
	}
	if n := len(features("sync broken")); n != 3 {
		t.Errorf("two words: %d features, want 3 (two words, one pair)", n)
	}
	if n := len(features("sync. broken")); n != 2 {
		t.Errorf("two clauses: %d features, want 2 (no pair across a full stop)", n)
	}
}

func TestNegationSlotsDiffer(t *testing.T) {
	slot := map[uint32]string{}
	for _, w := range negationWords {
		h := hash(w)
		if other, ok := slot[h&(negSlots-1)]; ok {
			t.Errorf("%q and %q share a slot: make negations bigger", w, other)
		}
		slot[h&(negSlots-1)] = w
		if h == 0 {
			t.Errorf("%q hashes to 0, the empty slot", w)
		}
	}
}

func TestFeaturesMarkNegation(t *testing.T) {
	good := features("good")[0]
	for text, negated := range map[string]bool{
		"not good":               true,
		"isn't good":             true,
		"never really that good": true,
		"not at all, good":       false, // a comma ends the negation
		"not one two three good": false, // three words on, it is over
	} {
		if got := !slices.Contains(features(text), good); got != negated {
			t.Errorf("%q: good negated %v, want %v", text, got, negated)
		}
	}
}

func TestQuantisedModelKeepsWeights(t *testing.T) {
	weights := make([]float32, buckets)
	one := func(w string) uint32 { return features(w)[0] }
	weights[one("broken")], weights[one("great")], weights[one("meh")] = 2.5, -0.8, 0.01
	back, err := Decode(New(-1.25, weights).Encode())
	if err != nil {
		t.Fatal(err)
	}
	step := 2.5 / 127 // one quantisation step
	for text, want := range map[string]float64{"": -1.25, "broken": 1.25, "great": -2.05, "meh": -1.24, "unknown": -1.25} {
		if got := back.Logit(text); math.Abs(got-want) > step/2+1e-6 {
			t.Errorf("Logit(%q) = %.4f, want %.4f (within %.4f)", text, got, want, step/2)
		}
	}
	if _, err := Decode(make([]byte, 100)); err == nil {
		t.Error("Decode accepted a short file")
	}
}

// The shipped model reads complaints in plain words ("still waiting", "no
// answer"), and not praise or questions. It misses some still: "The export drops every footnote and
// support never answers." is 0.07.
func TestShippedModelReadsPlainComplaints(t *testing.T) {
	m := Unhappy()
	for _, text := range []string{
		"Still waiting on my refund after three weeks.",
		"Three tickets and no answer. Done with this.",
		"I want my money back.",
		"This app is a waste of money.",
	} {
		if p := m.Prob(text); p < 0.5 {
			t.Errorf("%q: p %.2f, want >= 0.5", text, p)
		}
	}
	for _, text := range []string{
		"Thanks, the new export is lovely.",
		"How much is the team plan for six people?",
		"I recommend it to everyone in my writing group.",
	} {
		if p := m.Prob(text); p > 0.3 {
			t.Errorf("%q: p %.2f, want <= 0.3", text, p)
		}
	}
}

func BenchmarkProb(b *testing.B) {
	m := Unhappy()
	text := "Hi! Since the 3.2 update, exporting my novel to EPUB drops every footnote. I have a deadline on Friday, so this is pretty stressful."
	b.ReportAllocs()
	for b.Loop() {
		m.Prob(text)
	}
}
