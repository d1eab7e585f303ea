package funnel

import (
	"math"
	"strings"
)

// govader's SentimentIntensityAnalyzer is safe for concurrent use once built:
// PolarityScores only reads its lexicon maps and term constants, compiled
// regexps are safe to share, and every call allocates its own buffers. So
// one per Analyzer is shared by every goroutine, unguarded (building it
// parses the lexicon, ~7,500 words, which is too slow to repeat per call).

// vaderAlpha is VADER's normalisation constant (govader's alphaDefault):
// compound = sum / sqrt(sum² + alpha).
const vaderAlpha = 15

// doc is one message being read: its sentences, and its score once needed.
type doc struct {
	text   string
	sents  []*sentence
	scored bool
	score  float64
}

func (a *Analyzer) read(text string) *doc {
	return &doc{text: text, sents: parseText(text)}
}

// vaderScore is VADER's compound score of text, fed the way VADER expects:
// govader splits words on single spaces only, so a line break glues two
// words into one it does not know ("Thanks!\nGreat" scores 0), and its
// negation list has "don't" but not the "don’t" phones type.
func (a *Analyzer) vaderScore(text string) float64 {
	if strings.ContainsRune(text, '’') {
		text = strings.ReplaceAll(text, "’", "'")
	}
	text = strings.Join(strings.Fields(text), " ")
	text = discourseMarkers.Replace(text)
	if text == "" {
		return 0
	}
	return a.vader.PolarityScores(text).Compound
}

// docScore is the message's compound score. Without idioms it is VADER's
// score of the whole text. With some, each idiom sentence counts with its
// corrected score and the rest is scored by VADER together; the parts are
// added as VADER adds words (raw valences), then normalised again.
func (a *Analyzer) docScore(d *doc) float64 {
	if d.scored {
		return d.score
	}
	var (
		rest   []string
		sum    float64
		idioms bool
	)
	for _, s := range d.sents {
		if s.idiom != nil {
			idioms = true
			sum += valence(a.sentScore(d, s))
		} else {
			rest = append(rest, s.text)
		}
	}
	if !idioms {
		d.score = a.vaderScore(d.text)
	} else {
		if len(rest) > 0 {
			sum += valence(a.vaderScore(strings.Join(rest, " ")))
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
		s.score = 0
	case s.idiom != nil:
		s.score = s.idiom.sign * math.Max(math.Abs(a.vaderScore(s.text)), idiomFloor)
	case len(d.sents) == 1:
		s.score = a.docScore(d) // the same words: spare a second VADER run
	default:
		s.score = a.vaderScore(s.text)
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

// extreme returns the sentence of d that leans most positive (sign > 0) or
// negative (sign < 0), to quote why a message is positive or negative. It
// only picks a quote, so it ranks sentences by a cheap sum of VADER's
// lexicon values (exact scores where already known) instead of running
// VADER once more per sentence.
func (a *Analyzer) extreme(d *doc, sign float64) string {
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
		return shortQuote(d.text)
	}
	return shortQuote(best.text)
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
		sum += a.vader.Lexicon[w.w]
	}
	return compound(sum)
}

// discourseMarkers frame a sentence without judging anything, but VADER's
// lexicon rates "honest" +2.3: "Not impressed, to be honest." scores +0.47.
// They are blanked before scoring (whole phrases, as people write them).
var discourseMarkers = strings.NewReplacer(
	"to be honest", "", "To be honest", "", "Honestly", "", "honestly", "",
	"to be fair", "", "To be fair", "", "tbh", "", "TBH", "", "Tbh", "",
)
