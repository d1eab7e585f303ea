package funnel

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

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
// campaign", "I fully support this") it stays. Without words around
// listed, always.
var praisedWords = map[string]struct {
	valence       float64 // VADER's
	before, after map[string]bool
}{
	"support": {1.7,
		wordSet("customer", "tech", "technical", "the", "your", "their", "our", "to", "from", "with", "contacted",
			"emailed", "asked", "called", "terrible", "awful", "bad", "poor", "slow", "no", "zero", "it", "does", "doesn't", "great", "good", "excellent", "fast", "quick"),
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
	for _, f := range strings.Fields(text) {
		f = strings.TrimFunc(f, func(r rune) bool { return r < utf8.RuneSelf && unicode.IsPunct(r) })
		if strings.EqualFold(f, w) {
			return true
		}
	}
	return false
}

// cueWords are the words scan looks further at: nearly every word of a
// message is none of them, and one look-up per word is all it costs.
var cueWords = func() map[string]bool {
	m := wordSet("ate", "eats", "done", "had", "but", "never", "loses", "returned", "please", "keeps", "kept", "keep", "used", "gone", "another", "nobody", "noone", "one",
		"driving", "drives", "drove", "warn", "warning")
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
	var pleaseAt []int
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
			pleaseAt = append(pleaseAt, k)
			continue // taken back below, if s complains
		}
		if n, ok := praisedWords[w.w]; ok && !negatedBefore(ws, k, k+1) && // VADER turned a negated one around already
			((n.before == nil && n.after == nil) || (k > 0 && n.before[ws[k-1].w]) || (k+1 < len(ws) && n.after[ws[k+1].w])) &&
			!(k > 0 && ws[k-1].w == "yes") && vaderSees(s.text, w.w) { // "yes please!" is glad
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
		for _, p := range complaintPhrases {
			if w.w == p.words[0] && k+len(p.words) <= len(ws) && wordsAt(ws, k, p.words) && !negatedBefore(ws, k, k+1) && counts(k) {
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
	if sum < 0 && vaderSees(s.text, "please") {
		for _, k := range pleaseAt {
			if !(k > 0 && ws[k-1].w == "yes") {
				s.plain -= praisedWords["please"].valence
			}
		}
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

// repairedWords in a sentence report a repair, so its complaint words are the
// story, not the mood: "The bug that wiped my notes is fixed." (Unlike
// idioms' repairWords, "fix" is not one: "Fix it please, I'm losing
// patience." asks for one.)
var repairedWords = wordSet("fixed", "solved", "resolved", "restored", "recovered", "sorted", "saved")

// neverAgain: "never" then, in its clause, a verb of coming back and
// "again": "Never buying from them again", "I will never use it again".
func neverAgain(ws []word, k int) bool {
	verb := false
	for j := k + 1; j < len(ws) && j <= k+7 && ws[j].clause == ws[k].clause; j++ {
		switch {
		case comebackVerbs[ws[j].w]:
			verb = true
		case ws[j].w == "again" && verb:
			return true
		}
	}
	return false
}

var comebackVerbs = wordSet("buy", "buying", "use", "using", "trust", "order", "ordering", "pay", "paying",
	"recommend", "return", "returning", "come", "coming", "shop", "shopping", "touch", "install",
	"upgrade", "upgrading", "fly", "flying", "stay", "staying", "eat", "eating", "go", "going", "book", "booking")

// pastPraise: "used to" then praise in three words: "used to love it",
// "used to be good", "used to be the best".
func pastPraise(ws []word, k int) bool {
	if k+1 >= len(ws) || ws[k+1].w != "to" {
		return false
	}
	for j := k + 2; j < len(ws) && j <= k+5 && ws[j].clause == ws[k].clause; j++ {
		if pastPraiseWords[ws[j].w] {
			return true
		}
	}
	return false
}

var pastPraiseWords = wordSet("love", "like", "enjoy", "recommend", "good", "great", "best", "awesome",
	"amazing", "fast", "reliable", "stable", "fun", "nice", "excellent", "perfect", "useful", "better")

// goneForGood: "gone" said of something of theirs, as a state ("my saved
// searches are gone", "Three years of organising, gone.", "Gone after the
// update"), not of a bug ("the lag is gone") nor as a verb ("had I gone").
func goneForGood(ws []word, k int) bool {
	if k > 0 && ws[k-1].clause == ws[k].clause {
		switch ws[k-1].w {
		case "is", "are", "was", "were", "all", "it's", "its", "everything":
		default:
			return false
		}
	}
	for _, w := range ws {
		if w.clause == ws[k].clause && troubleNouns[w.w] {
			return false
		}
	}
	return true
}

var troubleNouns = wordSet("bug", "bugs", "issue", "issues", "problem", "problems", "error", "errors",
	"crash", "crashes", "lag", "glitch", "glitches", "pain", "headache", "warning", "warnings", "banner",
	"popup", "ads", "delay", "fever", "cold", "headaches", "worries", "fear", "doubt", "doubts")

// unhelped: "nobody"/"no one" then, within three words, help that did
// not come: "Nobody could help", "no one has answered".
func unhelped(ws []word, k int) bool {
	for j := k + 1; j < len(ws) && j <= k+3 && ws[j].clause == ws[k].clause; j++ {
		if helpVerbs[ws[j].w] {
			return true
		}
	}
	return false
}

var (
	helpVerbs = wordSet("help", "helped", "helps", "answer", "answers", "answered", "reply", "replies", "replied",
		"respond", "responds", "responded", "cares", "care", "acknowledged", "listens", "listened", "called")
	undoVerbs = wordSet("remove", "uninstall", "delete", "disable", "cancel", "switch", "reinstall", "restore", "downgrade")
	drivenTo  = wordSet("away", "crazy", "nuts", "insane", "mad", "up")
	warned    = wordSet("people", "others", "everyone", "you", "friends", "anyone", "everybody")
)

// movers and providers: "moved the team to another tool".
var (
	movers    = wordSet("moved", "moving", "move", "switched", "switching", "went", "going", "migrated", "migrating")
	providers = wordSet("app", "tool", "service", "provider", "platform", "product", "company", "vendor", "solution")
)

// softeners halve a complaint word after them: "a bit buggy", "slightly slow".
var softeners = wordSet("bit", "little", "slightly", "somewhat", "kinda", "kind", "sometimes", "occasionally")

// clauseEndsOrOf: ws[k] starts another clause, ends the sentence, or is "of".
func clauseEndsOrOf(ws []word, k int) bool {
	return k >= len(ws) || ws[k].clause != ws[k-1].clause || ws[k].w == "of"
}

// theirs after a damage word make it their loss: "deleted all my tags".
var theirs = wordSet("my", "our", "all", "everything")

// ownWords are what "ate" takes when software ate something of theirs.
var ownWords = wordSet("my", "our", "all", "everything", "the", "half", "two", "three", "hours", "a")

// failed: ws[k] is a function verb negated just before ("won't even open",
// "doesn't sync") or after "stopped" ("stopped working").
func failed(ws []word, k int) bool {
	prev := ws[k-1].w
	if prev == "stopped" || prev == "stops" {
		return true
	}
	return before(ws, k, 2, func(j int) bool { return isNegation(ws[j].w) && ws[j].w != "without" })
}

// done: "I'm done", "we are done", at the end of a clause or before "with
// this/you/it" ("done with this app"), not "done with the setup".
func done(ws []word, k int) bool {
	if k == 0 {
		return false
	}
	switch ws[k-1].w {
	case "i'm", "im", "am", "we're", "were", "are":
	default:
		return false
	}
	if k+1 == len(ws) || ws[k+1].clause != ws[k].clause {
		return true
	}
	return ws[k+1].w == "with" && k+2 < len(ws) && usWords[ws[k+2].w]
}

// leaves returns the position of the word that says they leave, or -1: a
// leaving word, not one of churned's harmless uses, not negated ("without
// leaving the house"), not a condition ("If I cancel, do I keep my notes?")
// nor a how-to ("How do I cancel?"); "leaving" needs them as its subject
// ("I'm leaving", "Leaving after 5 years"), not "the CFO is leaving".
func leaves(ws []word) int {
	for k, w := range ws {
		if !leavingWords[w.w] || negatedBefore(ws, k, k+1) || inClause(ws, w.clause, "if", "how") {
			continue
		}
		if w.w == "leaving" && !leavingUs(ws, k) {
			continue
		}
		if churnedBy(ws[k:k+1+min(4, len(ws)-k-1)], leavingWords) {
			return k
		}
	}
	return -1
}

// leavingUs: "I'm leaving", "we are leaving", "Leaving after 5 years".
func leavingUs(ws []word, k int) bool {
	if k == 0 {
		return k+1 < len(ws) && (ws[k+1].w == "after" || ws[k+1].w == "now" || ws[k+1].w == "today")
	}
	switch ws[k-1].w {
	case "i'm", "im", "am", "we're", "are":
		return ws[k-1].clause == ws[k].clause
	}
	return false
}

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
		texts[i] = s.text
	}
	return strings.Join(texts, sep)
}
