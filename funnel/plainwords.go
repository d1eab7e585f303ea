package funnel

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// correction is the raw valence s adds to VADER's score of a text: its
// complaint markers, and back what VADER gave the words it misreads as
// praise here. VADER halves what comes before a "but" and adds half to what
// follows, anywhere in the text it scores, so with a "but" in it (but) the
// praise taken back would be off: then none is.
func (s *sentence) correction(but bool) float64 {
	s.scan()
	if but {
		return s.ev
	}
	return s.ev + s.plain
}

// hasBut reports a "but" in any of sents, as VADER looks for one.
func hasBut(sents []*sentence) bool {
	for _, s := range sents {
		if s.scan(); s.but {
			return true
		}
	}
	return false
}

// praisedWords are words VADER rates as praise that communities mostly use
// plainly: "support" is the support team ("Terrible support, nobody
// answers." is -0.10) or what software does ("Does it support LaTeX?"
// +0.40), "free" a plan ("Is there a free trial?" +0.51). Where the words
// around say so, their valence is taken back; elsewhere ("Support the
// campaign", "I fully support this") it stays. "please" is taken back
// only in a sentence that complains (see sentence.scan).
var praisedWords = map[string]struct {
	valence       float64 // VADER's
	before, after map[string]bool
}{
	"support": {1.7,
		wordSet("customer", "tech", "technical", "the", "your", "their", "our", "to", "from", "with", "contacted",
			"emailed", "asked", "called", "terrible", "awful", "bad", "poor", "slow", "no", "zero", "it", "does",
			"doesn't", "great", "good", "excellent", "fast", "quick"),
		wordSet("team", "ticket", "tickets", "staff", "agent", "agents", "bot", "person", "chat", "email",
			"replied", "answered", "said", "told", "closed", "keeps", "never", "sent", "is", "was", "has", "hasn't", "isn't")},
	"like": {1.5, wordSet("i'd", "we'd", "you'd", "they'd", "would"), nil}, // "I'd like to book a demo": a wish
	// A request, not a mood, in a complaint: "Fix it please, I'm losing
	// patience." (elsewhere it is left to VADER: "Please help!" is no complaint)
	"please": {1.3, nil, nil},
	"free": {2.3, wordSet("to"), // "dropping to free"
		wordSet("plan", "plans", "trial", "trials", "tier", "version", "account", "accounts", "user", "users", "edition", "app")},
}

// vaderSees reports whether VADER reads w as a word of text: it splits on
// spaces only and trims punctuation around a token, so in
// "please!!!#Hatchimals" it sees no "please" and there is nothing to take back.
func vaderSees(text, w string) bool {
	for len(text) > 0 {
		i := strings.IndexFunc(text, unicode.IsSpace)
		f := text
		if i >= 0 {
			f, text = text[:i], text[i+1:]
		} else {
			text = ""
		}
		f = strings.TrimFunc(f, func(r rune) bool { return r < utf8.RuneSelf && unicode.IsPunct(r) })
		if len(f) == len(w) && strings.EqualFold(f, w) {
			return true
		}
	}
	return false
}
