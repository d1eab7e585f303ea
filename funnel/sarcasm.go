package funnel

import "strings"

// praiseEchoes are the words of a sentence that is only praise: "Just love
// it.", "Awesome.", "So helpful." After a complaint in the same message
// such a sentence is sarcasm ("Great, another outage. Just love it.").
var praiseEchoes = wordSet("just", "love", "it", "great", "awesome", "amazing", "perfect", "wonderful",
	"fantastic", "brilliant", "so", "helpful", "nice", "lovely", "oh", "wow", "really", "good",
	"excellent", "superb", "splendid", "yay", "bravo", "well", "done", "job", "thanks", "that", "what", "a", "gotta", "lot")

// praiseCores make a burst praise; "lot" is "Thanks a lot."
var praiseCores = wordSet("love", "great", "awesome", "amazing", "perfect", "wonderful", "fantastic",
	"brilliant", "helpful", "nice", "lovely", "good", "excellent", "superb", "splendid", "yay", "bravo", "lot")

// sarcasticEcho marks praise after a complaint as sarcasm.
var sarcasticEcho = &idiom{phrase: "(praise after a complaint)", sign: -1, rule: anywhere}

// echoesPraise reports whether ws is nothing but a short burst of praise.
func echoesPraise(ws []word) bool {
	if len(ws) == 0 || len(ws) > 4 {
		return false
	}
	core := false
	for _, w := range ws {
		if !praiseEchoes[w.w] {
			return false
		}
		core = core || praiseCores[w.w]
	}
	return core
}

// plainQuestion marks a question that asks about good things ("Can anyone
// recommend a good outliner?", "Is it free for teachers?"): the words are
// the subject of the question, not the writer's mood.
var plainQuestion = &idiom{phrase: "(a question)", sign: 0, rule: anywhere}

// markSarcasm gives a burst of praise after a complaint in d the sign of
// sarcasm. A complaint is a sarcastic idiom, a complaint marker, or a word
// VADER rates clearly negative. It also marks questions that lean positive
// as plain (see plainQuestion); a question that leans negative ("Why does
// every update break something?") keeps its score.
func (a *Analyzer) markSarcasm(d *doc) {
	// Only a question alone: beside other sentences VADER's joint reading
	// is kept ("Ridiculously good? 😬").
	if len(d.sents) == 1 {
		if s := d.sents[0]; s.idiom == nil && s.endQ && s.question(0) && !s.startsWithWhy(0) && a.lean(s) > 0 {
			s.idiom = plainQuestion
		}
	}
	for i, s := range d.sents {
		if i == 0 || s.idiom != nil || !echoesPraise(s.words) {
			continue
		}
		for _, prev := range d.sents[:i] {
			if a.complains(prev) {
				s.idiom = sarcasticEcho
				break
			}
		}
	}
}

func (a *Analyzer) complains(s *sentence) bool {
	if s.idiom != nil {
		return s.idiom.sign < 0
	}
	for _, w := range s.words {
		if repairedWords[w.w] {
			return false // "The export bug was annoying, but you fixed it fast. Nice."
		}
	}
	if s.complaint() < 0 {
		return true
	}
	lex := a.lexicon().lexicon
	for k, w := range s.words {
		if (lex[w.w] <= -1.5 || damageWords[w.w]) && !negatedBefore(s.words, k, k+1) {
			return true
		}
	}
	return false
}

// markContrast reads "praise, complaint" as "praise, but complaint":
// people weigh the last clause of a compliment sandwich, and VADER does so
// after a "but" (half before, one and a half after), but a comma adds both
// sides alike ("Love the design, hate that it loses my work." is +0.32).
// A sentence whose first clause leans positive and whose last clause
// leans negative, with no "but" yet, is given one at its first comma.
func (a *Analyzer) markContrast(d *doc) {
	for _, s := range d.sents {
		ws := s.words
		if s.idiom != nil || len(ws) < 3 || ws[len(ws)-1].clause == 0 {
			continue
		}
		i := strings.IndexAny(s.text, ",;")
		if i < 0 {
			continue
		}
		if s.scan(); s.but {
			continue
		}
		// The last clause first: most sentences end without a complaint.
		if a.clauseLean(ws, ws[len(ws)-1].clause, false) >= 0 || a.clauseLean(ws, 0, true) <= 0 {
			continue
		}
		s.vtext = s.text[:i+1] + " but" + s.text[i+1:]
		d.contrast = true
	}
}

// clauseLean is the sum of VADER's lexicon values of the words of clause
// c of ws, complaint words with them. A negated word counts against with
// flip ("not bad" leans positive), else nothing: "not great" is lukewarm,
// not a complaint to weigh.
func (a *Analyzer) clauseLean(ws []word, c int, flip bool) float64 {
	lex := a.lexicon().lexicon
	var sum float64
	for k, w := range ws {
		if w.clause != c {
			continue
		}
		v := lex[w.w] + complaintWords[w.w]
		if v != 0 && negatedBefore(ws, k, k+1) {
			if !flip {
				continue
			}
			v = -v
		}
		sum += v
	}
	return sum
}
