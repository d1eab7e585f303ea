package funnel

import "parley/funnel/model"

// The unhappy flag is a vote of the rules' score (VADER, corrected: the
// compound score c) and of the trained model (funnel/model: p, the
// probability that the message is unhappy). The lexicon knows how strongly
// a word leans but misses complaints in plain words ("the export drops
// every footnote"); the model learned those from labelled text but reads
// only words and pairs, so it votes alone only when sure. The thresholds
// come from a small grid, picked so that on every set `go run ./bench
// funnel` reports (which shows each voter alone too) the vote is at least
// as precise as the score alone; the model's weights never saw the
// hold-outs, Senti4SD's test partition or VADER's human-rated sets.
const (
	// modelSure: the model alone says unhappy, whatever the lexicon says.
	modelSure = 0.9
	// modelAgrees: enough, with a score at most plainNeutral, to call a
	// message unhappy the lexicon reads as neutral.
	modelAgrees  = 0.8
	plainNeutral = 0.05
	// A score between UnhappyAt and mildNegative (a swear word, "sorry",
	// "problem") is unhappy only if the model sees at least modelDoubt.
	mildNegative = -0.5
	modelDoubt   = 0.1
)

// unhappyVote is the unhappy decision for a message with score c and model
// probability p; p < 0: the model abstains, the score decides alone.
func unhappyVote(c, p float64) bool {
	switch {
	case p < 0:
		return c <= UnhappyAt
	case p >= modelSure:
		return true
	case c <= UnhappyAt:
		return c <= mildNegative || p >= modelDoubt
	default:
		return c <= plainNeutral && p >= modelAgrees
	}
}

// modelVote is the model's probability for d, or -1 (it abstains) when the
// rules know the message tells a story that ended well: the model learned
// "bug", "wiped" and "awful" as complaints, but "The bug that wiped my
// notes is fixed now." reports a repair (see repairedWords) and "The sync
// was awful, now it is great." ends on praise, which people weigh most
// (see markContrast).
func (a *Analyzer) modelVote(d *doc) float64 {
	if n := len(d.sents); n > 0 {
		ws := d.sents[n-1].words
		if len(ws) > 0 && ws[len(ws)-1].clause > 0 && a.clauseLean(ws, ws[len(ws)-1].clause, true) > 0 {
			return -1
		}
	}
	for _, s := range d.sents {
		for _, w := range s.words {
			if repairedWords[w.w] {
				return -1
			}
		}
	}
	return UnhappyProb(d.text)
}

// UnhappyProb is the trained model's probability that text is unhappy
// (the second voter of Result.Unhappy, alone).
func UnhappyProb(text string) float64 { return model.Unhappy().Prob(text) }

// Unhappy reports whether text alone reads unhappy, as Analyze decides it
// for a message of theirs.
func (a *Analyzer) Unhappy(text string) bool {
	return a.Read(text).unhappy
}

// ModelAbstains reports whether the unhappy vote leaves text to the rules'
// score alone (see modelVote); funnel/model/train fits its vote without
// these texts, as the vote here ignores the model for them.
func (a *Analyzer) ModelAbstains(text string) bool {
	d := a.read(text)
	defer d.release()
	return a.modelVote(d) < 0
}
