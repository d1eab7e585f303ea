package funnel

import "strings"

// VADER knows feelings, not software: "It crashed and wiped my vault" or
// "Never again." scores 0, so a plain complaint is not unhappy. The words
// and phrases below are what unhappy users write instead of feeling words.
// Each one found adds a raw valence (VADER's scale, -4..4) to the
// sentence's score, as if it were in VADER's lexicon. Only words VADER does
// not score are listed, so nothing counts twice; a match that is negated
// ("it doesn't crash anymore"), asked about ("is it buggy?"), or in a
// sentence that reports a repair ("the crash is fixed") counts nothing.

// complaintWords are words VADER's lexicon lacks that say something is wrong.
var complaintWords = map[string]float64{
	"crashed": -2, "crashes": -2, "crashing": -2, "crashd": -2,
	"deleted": -1, "deletes": -1, "deleting": -1, // "I deleted the old note" is news, not a complaint
	"wiped": -2, "wipes": -2, "corrupted": -2.3, "corrupts": -2.3,
	"unusable": -2.5, "buggy": -2, "glitchy": -2, "laggy": -2, "sluggish": -1.5,
	"unresponsive": -2, "unreliable": -2, "froze": -1.5,
	"garbage": -2.5, "junk": -2, "ripoff": -2.5, "rip-off": -2.5, "overpriced": -2,
	"nightmare": -2.5, "absurd": -1.8, "mangled": -2, "vanished": -1.5,
	"uninstalled": -1.5, "uninstalling": -1.5, "slow": -1,
	// Verdicts of any review that VADER's lexicon lacks.
	"mediocre": -1.5, "subpar": -1.8, "sub-par": -1.8, "overrated": -1.5, "unwatchable": -2.5,
	"unfunny": -2, "tedious": -1.8, "bland": -1.2, "flimsy": -1.8, "shoddy": -2.2, "sloppy": -1.8,
	"clunky": -1.5, "abysmal": -3, "atrocious": -3, "disgraceful": -2.8, "pointless": -1.8,
	"unbearable": -2.5, "intolerable": -2.5, "inept": -2.2, "deceptive": -2.2, "scammed": -2.8,
	"poorly": -1.5, "malfunction": -2, "malfunctions": -2, "malfunctioning": -2, "letdown": -2,
	"hassle": -1.5, "headache": -1.5, "debacle": -2.5, "unhelpful": -1.8, "overcharged": -2,
	"clumsy": -1.5, "cumbersome": -1.5, "glitch": -1.2, "glitches": -1.5,
	"outage": -1.5, "outages": -1.5, "downtime": -1.2,
	"argh": -1.5, "gah": -1.2, "facepalm": -1.5, "regression": -1.5, "regressions": -1.5, "half-baked": -2,
	"janky": -1.8, "bloated": -1.5, "cluttered": -1.2, "unintuitive": -1.5, "counterintuitive": -1.2,
	"unanswered": -1.5, "unfinished": -1, "inconsistent": -1,
	"overwrote": -2, "overwrites": -1.8, "overwritten": -1.5, "drains": -1.2, "draining": -1.2,
}

// complaintEmoji are faces VADER's emoji table names in words it does not
// score ("face with symbols on mouth"): raw valence per emoji.
func complaintEmoji(text string) float64 {
	if isASCII(text) {
		return 0
	}
	var sum float64
	for _, r := range text {
		switch r {
		case '🤬':
			sum -= 2.5
		case '😡':
			sum -= 2.3
		case '👎':
			sum -= 2
		case '🙄', '😒': // annoyed, and sometimes only teasing: alone not unhappy
			sum -= 1
		}
	}
	return sum
}

// complaintPhrases are verdicts VADER reads as nothing (or as praise:
// "Never again. Worst app" negates "worst").
var complaintPhrases = []struct {
	words   []string
	valence float64
}{
	{[]string{"never", "again"}, -2.5},
	{[]string{"waste", "of"}, -1.5}, // on top of VADER's "waste": "a waste of money" is a verdict
	{[]string{"fed", "up"}, -2},
	{[]string{"final", "straw"}, -2},
	{[]string{"last", "straw"}, -2},
	{[]string{"losing", "patience"}, -2},
	{[]string{"lost", "patience"}, -2},
	{[]string{"at", "best"}, -3.2},          // "Mediocre at best": takes back VADER's "best" (+3.2)
	{[]string{"save", "your", "money"}, -2}, // reviews' verdicts
	{[]string{"stay", "away"}, -2},
	{[]string{"don't", "buy"}, -2},
	{[]string{"dont", "buy"}, -2},
	{[]string{"do", "not", "buy"}, -2},
	{[]string{"sent", "it", "back"}, -1.5},
	{[]string{"money", "back"}, -2},      // "I want my money back"
	{[]string{"still", "waiting"}, -1.5}, // nobody answers
	{[]string{"no", "response"}, -1.5},
	{[]string{"no", "reply"}, -1.5},
	{[]string{"never", "heard", "back"}, -2},
	{[]string{"charged", "twice"}, -2},
	{[]string{"double", "charged"}, -2},
	{[]string{"zero", "stars"}, -2.5},
	{[]string{"0", "stars"}, -2.5},
	{[]string{"one", "star"}, -2},
	{[]string{"1", "star"}, -2},
	{[]string{"step", "backwards"}, -2},
	{[]string{"step", "backward"}, -2},
	{[]string{"gave", "up"}, -1.5},
	{[]string{"give", "up", "on"}, -1.5},
	{[]string{"look", "elsewhere"}, -2}, // leaving
	{[]string{"look", "for", "something", "else"}, -2},
	{[]string{"dropping", "to", "free"}, -2},
	{[]string{"dropped", "to", "free"}, -2},
	{[]string{"price", "hike"}, -1.5},
	{[]string{"price", "increase"}, -1.5},
}

// phrasesByFirst indexes complaintPhrases by their first word.
var phrasesByFirst = func() map[string][]int {
	m := map[string][]int{}
	for i, p := range complaintPhrases {
		m[p.words[0]] = append(m[p.words[0]], i)
	}
	return m
}()

// functionVerbs are what software does; negated ("won't open", "doesn't
// sync") or stopped ("stopped working") they report a failure.
var functionVerbs = wordSet("work", "works", "working", "open", "opens", "opening", "load", "loads",
	"loading", "start", "starts", "starting", "sync", "syncs", "syncing", "save", "saves", "saving",
	"launch", "launches", "launching", "export", "exports", "exporting")

// failureValence is a failure alone: "It doesn't sync." stays above
// UnhappyAt (a bug report, not yet an unhappy person), with more it is not.
const failureValence = -1.0

// churnValence is someone saying they leave: "Cancelled my subscription."
const churnValence = -2.0

// leavingWords are the churn words that say they go (churnWords also holds
// price objections and "instead", which are not leaving).
var leavingWords = wordSet("cancel", "cancelled", "canceled", "cancelling", "canceling",
	"refund", "refunded", "chargeback", "unsubscribed", "switched", "switching",
	"leaving", "downgraded", "downgrading", "uninstall")

// cueWords are the words scan looks further at: nearly every word of a
// message is none of them, and one look-up per word is all it costs.
var cueWords = func() map[string]bool {
	m := wordSet("ate", "eats", "done", "had", "but", "never", "loses", "returned", "please", "keeps", "kept",
		"keep", "used", "gone", "another", "nobody", "noone", "one", "driving", "drives", "drove", "warn", "warning")
	for _, set := range []map[string]bool{functionVerbs, leavingWords} {
		for w := range set {
			m[w] = true
		}
	}
	for w := range complaintWords {
		m[w] = true
	}
	for w := range praisedWords {
		m[w] = true
	}
	for _, p := range complaintPhrases {
		m[p.words[0]] = true
	}
	return m
}()

// scan reads s once for its corrections: ev, the raw valence of its
// complaint markers; plain, the praise to take back; but, a "but" in it.
func (s *sentence) scan() {
	if s.evScored {
		return
	}
	s.evScored = true
	ws := s.words
	repaired := -1 // unknown yet
	counts := func(k int) bool {
		if repaired < 0 {
			repaired = 0
			for _, w := range ws {
				if repairedWords[w.w] {
					repaired = 1
					break
				}
			}
		}
		c := ws[k].clause
		return repaired == 0 && (!s.question(c) || s.startsWithWhy(c))
	}
	var sum, first float64 // first: the part of sum from clause 0
	pleases := 0
	leaving, pastFirst := false, false
	for k, w := range ws {
		if !cueWords[w.w] {
			continue
		}
		if w.clause > 0 && !pastFirst {
			first, pastFirst = sum, true
		}
		if v, ok := complaintWords[w.w]; ok && !negatedBefore(ws, k, k+1) && counts(k) {
			if before(ws, k, 2, func(j int) bool { return softeners[ws[j].w] }) {
				v /= 2 // "a bit buggy"
			}
			sum += v
		}
		if w.w == "please" {
			if k == 0 || ws[k-1].w != "yes" { // "yes please!" is glad
				pleases++
			}
			continue // taken back below, if s complains
		}
		if n, ok := praisedWords[w.w]; ok && !negatedBefore(ws, k, k+1) && // VADER turned a negated one around already
			((k > 0 && n.before[ws[k-1].w]) || (k+1 < len(ws) && n.after[ws[k+1].w])) && vaderSees(s.text, w.w) {
			s.plain -= n.valence
		}
		leaving = leaving || leavingWords[w.w]
		switch {
		case w.w == "but":
			s.but = true
		case functionVerbs[w.w] && k > 0 && failed(ws, k) && counts(k):
			sum += failureValence
			if strings.HasPrefix(w.w, "work") {
				sum += failureValence / 2 // "It doesn't work." is a verdict on the whole thing
			}
		case (w.w == "ate" || w.w == "eats") && k+1 < len(ws) && ownWords[ws[k+1].w] && counts(k):
			sum -= 2 // "Acme ate my photos"
		case w.w == "done" && done(ws, k) && counts(k):
			sum -= 2 // "I'm done.", "done with this app"
		case w.w == "had" && k+1 < len(ws) && ws[k+1].w == "enough" && clauseEndsOrOf(ws, k+2) && counts(k):
			sum -= 2 // "I've had enough.", not "had enough time"
		case (w.w == "keeps" || w.w == "kept" || w.w == "keep") && k+1 < len(ws) && failingGerunds[ws[k+1].w] && counts(k):
			sum -= 1.5 // "it keeps logging me out": a failure that repeats
		case w.w == "loses" && k+1 < len(ws) && lossObjects[ws[k+1].w] && counts(k):
			sum -= 1.7 // "it loses my work", not "Ronaldo loses to his son"
		case w.w == "returned" && k+1 < len(ws) && ws[k+1].w == "it" && (k+2 == len(ws) || ws[k+2].clause != ws[k].clause) && counts(k):
			sum -= 1.5 // "Returned it.", not "returned it for a touchdown"
		case w.w == "never" && neverAgain(ws, k) && counts(k):
			sum -= 2.5 // "Never buying anything from this company again."
		case w.w == "used" && pastPraise(ws, k) && counts(k):
			sum -= 2 // "It used to be good.": it is not now
		case w.w == "gone" && goneForGood(ws, k) && counts(k):
			sum -= 1.5 // "Three years of organising, gone."
		case (w.w == "nobody" || w.w == "noone" || (w.w == "one" && k > 0 && ws[k-1].w == "no")) && unhelped(ws, k) && counts(k):
			sum -= 3 // "Nobody could help.", "no one answered": VADER counts the help as praise
		case w.w == "had" && k+2 < len(ws) && ws[k+1].w == "to" && undoVerbs[ws[k+2].w] && counts(k):
			sum -= 1.5 // "had to remove it"
		case (w.w == "driving" || w.w == "drives" || w.w == "drove") && k+2 < len(ws) && ws[k+1].w == "me" &&
			drivenTo[ws[k+2].w] && counts(k):
			sum -= 2 // "driving me away", "drives me crazy"
		case (w.w == "warn" || w.w == "warning") && k+1 < len(ws) && warned[ws[k+1].w] && counts(k):
			sum -= 2 // "Now I warn people about it."
		case w.w == "another" && k+1 < len(ws) && providers[ws[k+1].w] && k > 0 &&
			before(ws, k, 4, func(j int) bool { return movers[ws[j].w] }) && counts(k):
			sum += churnValence // "We moved the team to another tool"
		}
		if _, mine := complaintWords[w.w]; mine && strings.HasSuffix(w.w, "ed") && k+1 < len(ws) && theirs[ws[k+1].w] &&
			!negatedBefore(ws, k, k+1) && counts(k) {
			sum -= 1 // "deleted all my tags": it was theirs
		}
		for _, i := range phrasesByFirst[w.w] {
			p := complaintPhrases[i]
			if k+len(p.words) <= len(ws) && wordsAt(ws, k, p.words) && !negatedBefore(ws, k, k+1) && counts(k) {
				sum += p.valence
			}
		}
	}
	if !pastFirst {
		first = sum
	}
	if leaving {
		if k := leaves(ws); k >= 0 && counts(k) {
			sum += churnValence
			if ws[k].clause == 0 {
				first += churnValence
			}
		}
	}
	s.ev, s.evLater = sum, sum-first
	if sum < 0 && pleases > 0 && vaderSees(s.text, "please") {
		s.plain -= float64(pleases) * praisedWords["please"].valence
	}
}

// failingGerunds after "keeps" make a repeated failure.
var failingGerunds = wordSet("crashing", "failing", "freezing", "logging", "resetting", "duplicating", "deleting",
	"losing", "breaking", "disconnecting", "reverting", "forgetting", "hanging", "lagging", "glitching", "asking")

// lossObjects after "loses" make it software losing their things.
var lossObjects = wordSet("my", "our", "your", "all", "everything", "data", "work", "notes", "files", "changes", "the")

// complaint returns the raw valence the complaint markers of s add, 0 for none.
func (s *sentence) complaint() float64 {
	s.scan()
	return s.ev
}
