package funnel

import (
	"math"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/jonreiter/govader"
)

// vaderLex computes what govader's PolarityScores(text).Compound does, to
// the bit, from govader's own lexicon and constants, without its cost:
// govader runs two regexps per word, builds a dozen strings per sentiment
// word and allocates slices for every check, which made VADER most of the
// CPU of a cold fetch. TestVaderMatchesGovader and FuzzVaderMatchesGovader
// hold it to govader; keep every step (and the order of the float
// operations) as govader has it, quirks included.
//
// It is read-only after newVaderLex, so safe for concurrent use.
type vaderLex struct {
	lexicon  map[string]float64
	emoji    map[string]string
	booster  map[string]float64
	special  map[string]float64
	words    map[string]vaderWord // all govader knows of a word, in one look-up
	punct    [256]bool            // govader's PunctuationString: what tokens are trimmed of
	minEmoji rune                 // no one-rune emoji key is below this
}

// vaderWord is what govader's tables say of one word: govader looks a word
// up in several, several times over; this is looked up once per token.
type vaderWord struct {
	lex     float64 // its Lexicon valence, if inLex
	boost   float64 // its BoosterDict scalar, if inBoost
	inLex   bool
	inBoost bool
	negate  bool // in NegateList
	// gram: it is a word of a SpecialCaseIdioms key or of a BoosterDict
	// key of several words, so an n-gram without it matches neither.
	gram bool
}

// govader's constants (constants.go), which it does not export.
const (
	vaderCIncr          = 0.733
	vaderNScalar        = -0.74
	vaderScalarScale1   = 0.95
	vaderScalarScale2   = 0.9
	vaderEPAmplifyScale = 0.292
	vaderQMAmplifyScale = 0.18
	vaderMaxEP          = 4
	vaderMaxQM          = 0.96
	vaderNegationScale  = 1.25
	vaderButScale       = 0.5
)

func newVaderLex(v *govader.SentimentIntensityAnalyzer) *vaderLex {
	l := &vaderLex{
		lexicon:  v.Lexicon,
		emoji:    v.EmojiDict,
		booster:  v.Constants.BoosterDict,
		special:  v.Constants.SpecialCaseIdioms,
		words:    make(map[string]vaderWord, len(v.Lexicon)+len(v.Constants.BoosterDict)),
		minEmoji: utf8.MaxRune,
	}
	for _, c := range []byte(v.Constants.Regex.PunctuationString) {
		if c >= utf8.RuneSelf {
			panic("govader punctuation is not ASCII") // trim below works on bytes
		}
		l.punct[c] = true
	}
	for w, x := range l.lexicon {
		i := l.words[w]
		i.lex, i.inLex = x, true
		l.words[w] = i
	}
	for w, x := range l.booster {
		i := l.words[w]
		i.boost, i.inBoost = x, true
		l.words[w] = i
	}
	for _, w := range v.Constants.NegateList {
		i := l.words[w]
		i.negate = true
		l.words[w] = i
	}
	for key := range l.special {
		l.markGram(key)
	}
	for key := range l.booster {
		if strings.Contains(key, " ") {
			l.markGram(key)
		}
	}
	for k := range l.emoji {
		if r, size := utf8.DecodeRuneInString(k); size == len(k) && r < l.minEmoji {
			l.minEmoji = r
		}
	}
	return l
}

func (l *vaderLex) markGram(key string) {
	for _, w := range strings.Split(key, " ") {
		i := l.words[w]
		i.gram = true
		l.words[w] = i
	}
}

// vaderScratch is the working memory of one compound run, pooled: a cold
// fetch scores tens of thousands of messages.
type vaderScratch struct {
	words, lower []string
	info         []vaderWord // of each lower
	sents        []float64
	key          []byte
}

var vaderScratchPool = sync.Pool{New: func() any { return new(vaderScratch) }}

// compound is govader's PolarityScores(text).Compound.
func (l *vaderLex) compound(text string) float64 {
	text = strings.TrimSpace(l.describeEmoji(text))
	sc := vaderScratchPool.Get().(*vaderScratch)
	defer func() {
		clear(sc.words)
		clear(sc.lower)
		sc.words, sc.lower, sc.info, sc.sents = sc.words[:0], sc.lower[:0], sc.info[:0], sc.sents[:0]
		vaderScratchPool.Put(sc)
	}()
	// SentiText: split on single spaces, tokens trimmed of punctuation
	// unless that leaves fewer than 3 bytes. ASCII text is lowered once,
	// each token then being the same bytes of it.
	lowText := ""
	if isASCII(text) {
		lowText = strings.ToLower(text)
	}
	for at := 0; ; {
		end := strings.IndexByte(text[at:], ' ')
		if end < 0 {
			end = len(text)
		} else {
			end += at
		}
		tok, from := text[at:end], at
		if i, j := l.trimPunct(tok); j-i >= 3 {
			tok, from = tok[i:j], at+i
		}
		lw := ""
		if lowText != "" {
			lw = lowText[from : from+len(tok)]
		} else {
			lw = strings.ToLower(tok)
		}
		sc.words = append(sc.words, tok)
		sc.lower = append(sc.lower, lw)
		sc.info = append(sc.info, l.words[lw])
		if end == len(text) {
			break
		}
		at = end + 1
	}
	words, lower := sc.words, sc.lower
	allcaps := 0
	for _, w := range words {
		if isUpperASCII(w) {
			allcaps++
		}
	}
	capDiff := len(words)-allcaps > 0 && len(words)-allcaps < len(words)

	for i, lw := range lower {
		if sc.info[i].inBoost {
			sc.sents = append(sc.sents, 0)
		} else if i < len(words)-1 && lw == "kind" && lower[i+1] == "of" {
			sc.sents = append(sc.sents, 0)
		} else {
			sc.sents = append(sc.sents, l.valence(sc, i, capDiff))
		}
	}
	sents := sc.sents

	// butCheck
	for bi, lw := range lower {
		if lw != "but" {
			continue
		}
		for i := range sents {
			if i < bi {
				sents[i] = (1 - vaderButScale) * sents[i]
			}
			if i > bi {
				sents[i] = (1 + vaderButScale) * sents[i]
			}
		}
		break
	}

	// scoreValence (only the compound)
	var sum float64
	for _, s := range sents {
		sum += s
	}
	punct := amplifyEP(text) + amplifyQM(text)
	if sum > 0 {
		sum += punct
	} else if sum < 0 {
		sum -= punct
	}
	c := sum / math.Sqrt((sum*sum)+vaderAlpha)
	if c < -1 {
		return -1
	} else if c > 1 {
		return 1
	}
	return c
}

// describeEmoji replaces each emoji govader knows by its description, as
// PolarityScores does first. Text without any (nearly all of it) comes back
// as it is; so does invalid UTF-8 not, which govader turns into U+FFFD.
func (l *vaderLex) describeEmoji(text string) string {
	clean := true
	for i, r := range text {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(text[i:]); size == 1 {
				clean = false
				break
			}
		}
		if r >= l.minEmoji {
			if _, ok := l.emoji[text[i:i+utf8.RuneLen(r)]]; ok {
				clean = false
				break
			}
		}
	}
	if clean {
		return text
	}
	var b strings.Builder
	b.Grow(len(text) * 2)
	prevSpace := true
	for _, r := range text {
		chr := string(r)
		if d, ok := l.emoji[chr]; ok {
			if !prevSpace {
				b.WriteByte(' ')
			}
			b.WriteString(d)
			prevSpace = false
		} else {
			b.WriteString(chr)
			prevSpace = chr == " "
		}
	}
	return b.String()
}

// trimPunct returns the bounds of strings.Trim(tok, PunctuationString),
// without building the byte set on every call: the set is ASCII, so
// trimming bytes is the same.
func (l *vaderLex) trimPunct(tok string) (i, j int) {
	i, j = 0, len(tok)
	for i < j && l.punct[tok[i]] {
		i++
	}
	for j > i && l.punct[tok[j-1]] {
		j--
	}
	return i, j
}

// valence is govader's sentimentValence for word i.
func (l *vaderLex) valence(sc *vaderScratch, i int, capDiff bool) float64 {
	words, lower, info := sc.words, sc.lower, sc.info
	lw := lower[i]
	if !info[i].inLex {
		return 0
	}
	lv := info[i].lex
	v := lv
	if lw == "no" && i+1 < len(lower) && info[i+1].inLex {
		v = 0
	}
	if (i > 0 && lower[i-1] == "no") ||
		(i > 1 && lower[i-2] == "no") ||
		(i > 2 && lower[i-3] == "no" && (lower[i-1] == "or" || lower[i-1] == "nor")) {
		v = lv * vaderNScalar
	}
	if isUpperASCII(words[i]) && capDiff {
		if v > 0 {
			v += vaderCIncr
		} else {
			v -= vaderCIncr
		}
	}
	for start := range 3 {
		j := i - (start + 1)
		if j < 0 {
			break
		}
		if l.inLexAsWritten(sc, j) {
			continue
		}
		s := l.scalarIncDec(words[j], info[j], v, capDiff)
		if start == 1 && s != 0 {
			s = s * vaderScalarScale1
		}
		if start == 2 && s != 0 {
			s = s * vaderScalarScale2
		}
		v = v + s
		v = l.negationCheck(v, sc, start, i)
		if start == 2 {
			v = l.specialIdioms(sc, v, i)
		}
	}
	return l.leastCheck(v, sc, i)
}

// inLexAsWritten is whether word j, as written, is in the Lexicon: govader
// looks some words up without lowering them.
func (l *vaderLex) inLexAsWritten(sc *vaderScratch, j int) bool {
	if sc.words[j] == sc.lower[j] {
		return sc.info[j].inLex
	}
	_, ok := l.lexicon[sc.words[j]]
	return ok
}

func (l *vaderLex) scalarIncDec(w string, info vaderWord, v float64, capDiff bool) float64 {
	if !info.inBoost {
		return 0
	}
	scalar := info.boost
	if v < 0 {
		scalar *= -1
	}
	if isUpperASCII(w) && capDiff {
		if v > 0 {
			scalar += vaderCIncr
		} else {
			scalar -= vaderCIncr
		}
	}
	return scalar
}

// negated is govader's negated of word j.
func negated(sc *vaderScratch, j int) bool {
	return sc.info[j].negate || strings.Contains(sc.lower[j], "n't")
}

func (l *vaderLex) negationCheck(v float64, sc *vaderScratch, start, i int) float64 {
	lower := sc.lower
	soThis := func(w string) bool { return w == "so" || w == "this" }
	switch start {
	case 0:
		if negated(sc, i-1) {
			v = v * vaderNScalar
		}
	case 1:
		switch {
		case lower[i-2] == "never" && soThis(lower[i-1]):
			v = v * vaderNegationScale
		case lower[i-2] == "without" && lower[i-1] == "doubt":
		case negated(sc, i-2):
			v = v * vaderNScalar
		}
	case 2:
		switch {
		case lower[i-3] == "never" && (soThis(lower[i-2]) || soThis(lower[i-1])):
			v = v * vaderNegationScale
		case lower[i-3] == "without" && (lower[i-2] == "doubt" || lower[i-1] == "doubt"):
		case negated(sc, i-3):
			v = v * vaderNScalar
		}
	}
	return v
}

// specialIdioms is govader's specialIdiomsCheck (i >= 3), with the n-grams
// built in a reused buffer instead of new strings.
func (l *vaderLex) specialIdioms(sc *vaderScratch, v float64, i int) float64 {
	lw := sc.lower
	// gram builds the key of lw[from:to+1], if all of its words can be in
	// one: the rest cannot match and skip the look-up (nil is no key).
	gram := func(from, to int) []byte {
		for k := from; k <= to; k++ {
			if !sc.info[k].gram {
				return nil
			}
		}
		sc.key = append(sc.key[:0], lw[from]...)
		for k := from + 1; k <= to; k++ {
			sc.key = append(sc.key, ' ')
			sc.key = append(sc.key, lw[k]...)
		}
		return sc.key
	}
	for _, g := range [...][2]int{{i - 1, i}, {i - 2, i}, {i - 2, i - 1}, {i - 3, i - 1}, {i - 3, i - 2}} {
		if key := gram(g[0], g[1]); key != nil {
			if s, ok := l.special[string(key)]; ok {
				v = s
				break
			}
		}
	}
	if len(lw)-1 > i {
		if key := gram(i, i+1); key != nil {
			if s, ok := l.special[string(key)]; ok {
				v = s
			}
		}
	}
	if len(lw)-1 > i+1 {
		if key := gram(i, i+2); key != nil {
			if s, ok := l.special[string(key)]; ok {
				v = s
			}
		}
	}
	for _, g := range [...][2]int{{i - 3, i - 1}, {i - 3, i - 2}, {i - 2, i - 1}} {
		if key := gram(g[0], g[1]); key != nil {
			if b, ok := l.booster[string(key)]; ok {
				v = v + b
			}
		}
	}
	return v
}

// leastCheck is govader's, which reads the words as written.
func (l *vaderLex) leastCheck(v float64, sc *vaderScratch, i int) float64 {
	words := sc.words
	if i > 1 && !l.inLexAsWritten(sc, i-1) && words[i-1] == "least" {
		if words[i-2] != "at" && words[i-2] != "very" {
			v = v * vaderNScalar
		}
	} else if i > 0 && !l.inLexAsWritten(sc, i-1) && words[i-1] == "least" {
		v = v * vaderNScalar
	}
	return v
}

// isUpperASCII is govader's stringIsUpper: an ASCII capital and no ASCII
// lower-case letter.
func isUpperASCII(s string) bool {
	upper := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z':
			return false
		case 'A' <= c && c <= 'Z':
			upper = true
		}
	}
	return upper
}

func amplifyEP(text string) float64 {
	n := min(strings.Count(text, "!"), vaderMaxEP)
	return float64(n) * vaderEPAmplifyScale
}

func amplifyQM(text string) float64 {
	n := strings.Count(text, "?")
	switch {
	case n <= 1:
		return 0
	case n <= 3:
		return float64(n) * vaderQMAmplifyScale
	}
	return vaderMaxQM
}
