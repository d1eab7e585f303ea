package funnel

import (
	"math"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// One govader SentimentIntensityAnalyzer per Analyzer holds VADER's lexicon
// and tables (building it parses ~7,500 words, too slow to repeat per call;
// it is built on first use, see Analyzer.lexicon).
// Scoring only reads them (vaderLex, which scores as govader's
// PolarityScores does, keeps its working memory per call), so every
// goroutine shares them unguarded.

// vaderAlpha is VADER's normalisation constant (govader's alphaDefault):
// compound = sum / sqrt(sum² + alpha).
const vaderAlpha = 15

// doc is one message being read: its sentences, and its score once needed.
type doc struct {
	text   string
	sents  []*sentence
	scored bool
	score  float64
	churn  uint8 // 0: not known yet, 1: no churn, 2: churned (see doc.churned)
	// contrast: a sentence has a vtext (see Analyzer.markContrast).
	contrast bool

	// The arrays behind sents and their words, kept for the next message
	// when the doc goes back to docPool: a cold fetch reads tens of
	// thousands of messages.
	sentBuf []sentence
	wordBuf []word
}

var docPool = sync.Pool{New: func() any { return new(doc) }}

// read reads text into a doc from docPool. Give it back with release once
// nothing refers to its sentences or words (strings of the text are fine).
func (a *Analyzer) read(text string) *doc {
	d := docPool.Get().(*doc)
	d.text = text
	d.parse()
	a.markSarcasm(d)
	a.markContrast(d)
	return d
}

func (d *doc) release() {
	clear(d.sents)
	clear(d.sentBuf)
	clear(d.wordBuf)
	*d = doc{sents: d.sents[:0], sentBuf: d.sentBuf[:0], wordBuf: d.wordBuf[:0]}
	docPool.Put(d)
}

// vaderScore is VADER's compound score of text, fed the way VADER expects:
// govader splits words on single spaces only, so a line break glues two
// words into one it does not know ("Thanks!\nGreat" scores 0), and its
// negation list has "don't" but not the "don’t" phones type.
func (a *Analyzer) vaderScore(text string) float64 {
	if strings.ContainsRune(text, '’') {
		text = strings.ReplaceAll(text, "’", "'")
	}
	text = collapseSpace(text)
	if strings.Contains(text, "onest") || strings.Contains(text, "o be fair") || strings.Contains(text, "tbh") ||
		strings.Contains(text, "TBH") || strings.Contains(text, "Tbh") {
		// The Replacer allocates even when nothing matches; this covers
		// every marker.
		text = discourseMarkers.Replace(text)
	}
	if text == "" {
		return 0
	}
	return a.lexicon().compound(text)
}

// docScore is the message's compound score: VADER's score of the whole
// text, corrected where VADER misreads. Idiom sentences count with their
// corrected score and the rest is scored by VADER together (sentence by
// sentence when a negation would spill from one into the next); complaint
// markers add their valence; the parts are added as VADER adds words (raw
// valences), then normalised again. With none of these it is exactly
// VADER's score.
func (a *Analyzer) docScore(d *doc) float64 {
	if d.scored {
		return d.score
	}
	var (
		rest   []*sentence
		sum    float64
		idioms bool
	)
	but := hasBut(d.sents) || d.contrast
	sum = complaintEmoji(d.text)
	for _, s := range d.sents {
		if s.idiom != nil {
			idioms = true
			sum += valence(a.sentScore(d, s))
		} else {
			rest = append(rest, s)
			sum += s.correction(but)
		}
	}
	switch {
	case !idioms && sum == 0 && !d.contrast && !negationSpills(rest):
		d.score = a.vaderScore(d.text)
	case !idioms && !d.contrast && !negationSpills(rest):
		d.score = compound(sum + valence(a.vaderScore(d.text)))
	default:
		if len(rest) > 0 {
			sum += valence(a.vaderScore(joinSentences(rest)))
		}
		d.score = compound(sum)
	}
	for _, s := range d.sents {
		if s.idiom != nil && s.idiom.rule == verdict {
			d.score = math.Min(d.score, a.sentScore(d, s))
		}
	}
	d.scored = true
	return d.score
}

// sentScore is the compound score of one sentence of d, idioms corrected.
func (a *Analyzer) sentScore(d *doc, s *sentence) float64 {
	if s.scored {
		return s.score
	}
	switch {
	case s.idiom != nil && s.idiom.sign == 0:
		// Politeness counts nothing, a complaint after it still does:
		// "Thanks anyway, I'll look elsewhere."
		s.scan()
		s.score = compound(s.evLater)
	case s.idiom != nil:
		s.score = s.idiom.sign * math.Max(math.Abs(a.vaderScore(s.text)), idiomFloor)
	case len(d.sents) == 1:
		s.score = a.docScore(d) // the same words: spare a second VADER run
	default:
		s.score = a.vaderScore(s.vaderText())
		if s.scan(); s.ev != 0 || (s.plain != 0 && !s.but && s.vtext == "") {
			s.score = compound(valence(s.score) + s.correction(s.but))
		}
	}
	s.scored = true
	return s.score
}

// valence inverts VADER's normalisation: the raw sum behind a compound score.
func valence(c float64) float64 {
	c = math.Max(-0.9999, math.Min(0.9999, c))
	return c * math.Sqrt(vaderAlpha/(1-c*c))
}

// compound is VADER's normalisation of a raw sum to -1..1.
func compound(sum float64) float64 {
	return sum / math.Sqrt(sum*sum+vaderAlpha)
}

// extremeText returns the sentence of d that leans most positive (sign > 0) or
// negative (sign < 0), to quote why a message is positive or negative. It
// only picks a quote, so it ranks sentences by a cheap sum of VADER's
// lexicon values (exact scores where already known) instead of running
// VADER once more per sentence.
func (a *Analyzer) extremeText(d *doc, sign float64) string {
	var (
		best  *sentence
		bestV float64
	)
	for _, s := range d.sents {
		if v := sign * a.lean(s); best == nil || v > bestV {
			best, bestV = s, v
		}
	}
	if best == nil {
		return d.text
	}
	return best.text
}

// lean is a rough polarity of s for ranking: its score if known, else its
// idiom's sign, else the sum of its words' lexicon values.
func (a *Analyzer) lean(s *sentence) float64 {
	switch {
	case s.scored:
		return s.score
	case s.idiom != nil:
		return s.idiom.sign
	}
	var sum float64
	for _, w := range s.words {
		sum += a.lexicon().lexicon[w.w]
	}
	return compound(sum)
}

// collapseSpace is strings.Join(strings.Fields(s), " ") in one pass, and
// without building anything when s is already so.
func collapseSpace(s string) string {
	clean, prevSpace := true, true // a leading space is not clean either
	for _, r := range s {
		space := unicode.IsSpace(r)
		if space && (prevSpace || r != ' ') {
			clean = false
			break
		}
		prevSpace = space
	}
	if clean && (!prevSpace || s == "") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	gap := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			gap = b.Len() > 0
		} else {
			if gap {
				b.WriteByte(' ')
				gap = false
			}
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// discourseMarkers frame a sentence without judging anything, but VADER's
// lexicon rates "honest" +2.3: "Not impressed, to be honest." scores +0.47.
// They are blanked before scoring (whole phrases, as people write them).
var discourseMarkers = strings.NewReplacer(
	"to be honest", "", "To be honest", "", "Honestly", "", "honestly", "",
	"to be fair", "", "To be fair", "", "tbh", "", "TBH", "", "Tbh", "",
)

// negationSpills reports a negation among the last words of a sentence
// before another: VADER reads the whole text as one run of words and looks
// three words back for a negation, so the "never" of "Never again. Worst
// app I have used." turns "worst" into praise.
func negationSpills(sents []*sentence) bool {
	for _, s := range sents[:max(0, len(sents)-1)] {
		ws := s.words
		for k := max(0, len(ws)-3); k < len(ws); k++ {
			if isNegation(ws[k].w) || ws[k].w == "nope" || ws[k].w == "nah" {
				return true
			}
		}
	}
	return false
}

// sentenceGap goes between sentences fed to VADER together: three words it
// does not know, so nothing it looks three words back for (a negation, a
// booster) reaches across a sentence. Words VADER does not know change no
// compound score.
const sentenceGap = " zz zz zz "

// joinSentences is the text of sents for VADER, sentenceGap between them
// when a negation would otherwise spill.
func joinSentences(sents []*sentence) string {
	sep := " "
	if negationSpills(sents) {
		sep = sentenceGap
	}
	texts := make([]string, len(sents))
	for i, s := range sents {
		texts[i] = s.vaderText()
	}
	return strings.Join(texts, sep)
}

// vaderText is what VADER reads of s.
func (s *sentence) vaderText() string {
	if s.vtext != "" {
		return s.vtext
	}
	return s.text
}
