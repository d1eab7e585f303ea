package funnel

import "strings"

// A pattern match is only a signal when the sentence around it agrees.
// These rules reject what a word list cannot tell apart: negation ("I would
// never recommend this"), churn ("I cancelled my trial and want a refund"),
// questions and wishes for advocacy ("Can anyone recommend...?", "I'd love
// it if export worked"), and negative voice ("The price is outrageous").

// negWindow is how many words before a match a negation reaches, not
// counting determiners and fillers ("not worth the price": 2 words).
const negWindow = 3

// advocacyMoodAt: a message at or below this compound score recommends no
// one, whatever its words ("Highly recommend. Just kidding, it lost my
// draft and I'm angry." is -0.28).
const advocacyMoodAt = -0.05

var negations = wordSet("not", "no", "never", "without", "nor", "neither", "hardly",
	"barely", "scarcely", "cannot", "none", "nobody", "nothing", "against",
	// apostrophe-less contractions, as typed on phones
	"dont", "cant", "wont", "didnt", "doesnt", "isnt", "arent", "wasnt", "werent",
	"wouldnt", "couldnt", "shouldnt", "havent", "hasnt", "hadnt", "aint")

// fillers do not count toward negWindow: "not even the team plan".
var fillers = wordSet("a", "an", "the", "my", "your", "our", "their", "its", "this", "that",
	"these", "those", "any", "some", "really", "even", "just", "actually", "so", "very",
	"too", "quite", "ever", "all")

// churnWords in a sentence mean they are leaving or asking money back, so a
// price word there is no buying signal and a recommendation is not for us.
var churnWords = wordSet("cancel", "cancels", "cancelled", "canceled", "cancelling",
	"canceling", "cancellation", "refund", "refunds", "refunded", "chargeback",
	"unsubscribe", "unsubscribed", "unsubscribing", "switch", "switched", "switching",
	"leaving", "downgrade", "downgraded", "downgrading", "competitor", "competitors",
	"instead", "uninstall", "uninstalled", "uninstalling",
	// Price objections: "a 33% price increase" is a complaint, not a sale.
	"increase", "increased", "hike", "hiked", "overpriced",
	// A pause is a step out: "Can I pause my subscription?"
	"pause", "paused", "pausing")

// planWords after "switch" mean a plan change, not churn: "switch to the team plan".
var planWords = wordSet("plan", "plans", "tier", "tiers", "license", "licence", "subscription", "seats")

// priceWords in a question are a buying signal whatever the config says:
// "Is it free for students?", "What does the pro version cost?".
var priceWords = wordSet("price", "prices", "pricing", "priced", "cost", "costs", "pay",
	"paid", "paying", "free", "trial", "trials", "discount", "discounts", "license", "licence",
	"licenses", "licensing", "subscription", "subscriptions", "billing", "billed",
	"expensive", "cheap", "cheaper")

// Question clauses start with a wh-word, or an auxiliary and its subject.
var (
	whWords   = wordSet("how", "what", "where", "when", "which", "who", "whose", "why")
	auxWords  = wordSet("do", "does", "did", "is", "are", "was", "were", "can", "could", "would", "will", "should", "shall", "may", "might", "has", "have")
	subjWords = wordSet("i", "you", "u", "we", "they", "it", "this", "that", "there", "anyone",
		"anybody", "someone", "somebody", "he", "she", "your", "the", "any", "y'all", "people", "everyone")
	openers = wordSet("so", "ok", "okay", "also", "and", "but", "however", "hi", "hey", "hello", "quick", "question", "um", "well", "oh")
)

// thanksPhrases thank us. "cheers" is left out: it is a sign-off too
// ("Still broken. Cheers, Tom").
var thanksPhrases = compilePhrases([]string{"thanks", "thank you", "thank u", "thankyou",
	"thank y'all", "thx", "thnx", "thanx", "tnx", "ty", "tysm", "tyvm", "appreciate",
	"appreciated", "grateful", "kudos"})

// youWords after "thanks to" make it thanks ("thanks to you it works"), any
// other word makes it a cause ("thanks to the update, nothing syncs").
var youWords = wordSet("you", "u", "your", "y'all", "everyone", "support")

// isNegation reports whether w negates what follows it.
func isNegation(w string) bool {
	return negations[w] || strings.HasSuffix(w, "n't")
}

// negatedBefore reports a negation within negWindow words before ws[start],
// in the same clause, or "no way" anywhere before it in the clause ("no way
// we could ever buy"). Words of the match itself never count ("can't live
// without"), nor does "can't ... enough" ("I can't recommend it enough"),
// "no doubt" or "not only".
func negatedBefore(ws []word, start, end int) bool {
	c := ws[start].clause
	for k := end; k < len(ws) && ws[k].clause == c; k++ {
		if ws[k].w == "enough" {
			return false
		}
	}
	for k := start - 1; k > 0 && ws[k].clause == c; k-- {
		if ws[k].w == "way" && ws[k-1].w == "no" && ws[k-1].clause == c {
			return true
		}
	}
	n := 0
	for k := start - 1; k >= 0 && ws[k].clause == c && n < negWindow; k-- {
		if fillers[ws[k].w] {
			continue
		}
		n++
		if isNegation(ws[k].w) && !notReallyNegation(ws, k) {
			return true
		}
	}
	return false
}

// notReallyNegation: "no doubt", "without a doubt", "no question", "not only", "not just".
func notReallyNegation(ws []word, k int) bool {
	for m := k + 1; m < len(ws) && m <= k+2; m++ {
		switch ws[m].w {
		case "doubt", "question", "only", "just":
			return true
		case "a":
			continue
		}
		break
	}
	return false
}

// before reports whether ok holds for one of the n words (fillers not
// counted) before ws[start] in its clause.
func before(ws []word, start, n int, ok func(k int) bool) bool {
	c := ws[start].clause
	for k := start - 1; k >= 0 && ws[k].clause == c && n > 0; k-- {
		if fillers[ws[k].w] {
			continue
		}
		n--
		if ok(k) {
			return true
		}
	}
	return false
}

// inClause reports whether one of words is in clause c of ws.
func inClause(ws []word, c int, words ...string) bool {
	for _, w := range ws {
		if w.clause == c {
			for _, x := range words {
				if w.w == x {
					return true
				}
			}
		}
	}
	return false
}

// churned reports churn words in ws, except the harmless uses: "switching
// from Scrivener", "switch to the team plan", "the whole team switched
// over", "switched to you", "can I cancel anytime?", "leaving a review".
func churned(ws []word) bool { return churnedBy(ws, churnWords) }

// churnedBy is churned with its own set of churn words.
func churnedBy(ws []word, churnWords map[string]bool) bool {
	for i, w := range ws {
		if !churnWords[w.w] {
			continue
		}
		next := func(n int, ok func(string) bool) bool {
			for k := i + 1; k < len(ws) && k <= i+n && ws[k].clause == w.clause; k++ {
				if ok(ws[k].w) {
					return true
				}
			}
			return false
		}
		switch {
		case strings.HasPrefix(w.w, "switch"):
			if next(3, func(s string) bool { return s == "from" }) || next(6, func(s string) bool { return planWords[s] }) ||
				switchedToUs(ws, i) || noRegrets(ws) {
				continue
			}
		case strings.HasPrefix(w.w, "cancel"):
			if next(3, func(s string) bool { return s == "anytime" || s == "time" }) {
				continue
			}
		case w.w == "leaving":
			if next(3, func(s string) bool { return s == "review" || s == "comment" || s == "rating" || s == "feedback" }) {
				continue
			}
		}
		return true
	}
	return false
}

// noRegrets: "Switched six months ago, no regrets." is a switch to us.
func noRegrets(ws []word) bool {
	id := findIdiom(ws)
	return id != nil && id.sign > 0 && strings.Contains(id.phrase, "regret")
}

// switchedToUs: "switched over" (and nothing more) or "switched to you/it".
func switchedToUs(ws []word, i int) bool {
	rest := ws[i+1:]
	for k, w := range rest {
		if w.clause != ws[i].clause {
			rest = rest[:k]
			break
		}
	}
	if len(rest) > 0 && rest[0].w == "over" {
		rest = rest[1:]
		if len(rest) == 0 {
			return true
		}
	}
	return len(rest) >= 2 && rest[0].w == "to" && usWords[rest[1].w]
}

// usWords name us, as people write to us.
var usWords = wordSet("you", "u", "it", "this", "your", "y'all")

// question reports whether clause c of s asks something: the last clause of
// a sentence ending in "?", or a clause opening like a question ("Hi all,
// can anyone recommend a good outliner").
func (s *sentence) question(c int) bool {
	ws := s.words
	if s.endQ && c == ws[len(ws)-1].clause {
		return true
	}
	i := 0
	for i < len(ws) && ws[i].clause != c {
		i++
	}
	for i < len(ws) && ws[i].clause == c && openers[ws[i].w] {
		i++
	}
	if i >= len(ws) || ws[i].clause != c {
		return false
	}
	if whWords[ws[i].w] {
		// Mid-sentence, a wh-word usually starts a subordinate clause
		// ("…, when my phone already has one for free"), not a question.
		// Only a short opener may precede it: "So, what does it cost",
		// "Hi Maya, how much is…".
		return c == ws[0].clause || (openers[ws[0].w] && i <= 3)
	}
	return auxWords[ws[i].w] && i+1 < len(ws) && ws[i+1].clause == c && subjWords[ws[i+1].w]
}

// startsWithWhy: "Why is it so expensive?" is an objection, not a buying question.
func (s *sentence) startsWithWhy(c int) bool {
	for _, w := range s.words {
		if w.clause == c {
			return w.w == "why"
		}
	}
	return false
}

// findIntent returns the sentence of d with a buying signal: a config
// pattern, or a price word in a question.
func (a *Analyzer) findIntent(d *doc) (*sentence, bool) {
	for _, s := range d.sents {
		ws := s.words
		for i := range ws {
			if n := a.intent.at(ws, i, true); n > 0 && a.intentHolds(d, s, i, i+n) {
				return s, true
			}
		}
		for i, w := range ws {
			// Asked in anger a price word is rhetorical: "It wiped my notes.
			// What am I paying for?"
			if priceWords[w.w] && s.question(w.clause) && !s.startsWithWhy(w.clause) && a.intentHolds(d, s, i, i+1) &&
				a.docScore(d) > UnhappyAt {
				return s, true
			}
		}
	}
	return nil, false
}

// intentHolds checks a buying-signal match ws[start:end] of s.
func (a *Analyzer) intentHolds(d *doc, s *sentence, start, end int) bool {
	ws := s.words
	switch {
	case negatedBefore(ws, start, end): // "Not worth the price", "No need for a demo"
		return false
	case before(ws, start, negWindow, func(k int) bool { return ws[k].w == "already" }):
		return false // "I already paid for the team plan, but...": a customer, not a sale
	case churned(ws): // "I cancelled my trial and want a refund"
		return false
	case d.churned(): // "Cancelled and switched to a competitor. Second price change since…"
		return false
	}
	return a.sentScore(d, s) > UnhappyAt // "The price is outrageous for what it does"
}

// findAdvocacy returns the sentence of d that recommends us.
func (a *Analyzer) findAdvocacy(d *doc) (*sentence, bool) {
	for si, s := range d.sents {
		ws := s.words
		for i := range ws {
			if n := a.advocacy.at(ws, i, true); n > 0 && a.advocacyHolds(d, si, i, i+n) {
				return s, true
			}
		}
	}
	return nil, false
}

// advocacyHolds checks a recommendation match ws[start:end] of s: said in a
// positive voice, about us, now, and not as a question or a wish.
func (a *Analyzer) advocacyHolds(d *doc, si, start, end int) bool {
	s := d.sents[si]
	ws := s.words
	c := ws[start].clause
	switch {
	case negatedBefore(ws, start, end): // "I would never recommend this."
		return false
	case s.question(c): // "Can anyone recommend a good outliner?"
		return false
	case conditional(ws, start, end): // "I'd love it if export worked"
		return false
	case abandoned(d, si, start, end): // "I used to recommend it, not anymore"
		return false
	case advice(ws, end): // "I recommend restarting the app", "you should try again"
		return false
	case toUs(ws, end): // "My friend recommended it to me"
		return false
	case churned(ws): // "I recommend Scrivener instead"
		return false
	case a.competitors.in(ws): // "I highly recommend Scrivener"
		return false
	case a.docScore(d) <= advocacyMoodAt:
		return false
	}
	return a.sentScore(d, s) > UnhappyAt
}

// conditional: a wish, not a recommendation. "I wish I could recommend
// it", "I'd recommend it if sync worked", "If it had sync I'd recommend
// it", "I'd love it if export worked", "love it if". A plain condition on
// the reader stays a recommendation: "You should try it if you write
// fiction".
func conditional(ws []word, start, end int) bool {
	c := ws[start].clause
	would := func(k int) bool {
		return ws[k].w == "would" || ws[k].w == "wd" || strings.HasSuffix(ws[k].w, "'d")
	}
	switch {
	case before(ws, start, negWindow, func(k int) bool { return ws[k].w == "wish" }):
		return true
	case before(ws, start, start+1, func(k int) bool { return ws[k].w == "if" || ws[k].w == "unless" }):
		return true // the condition comes first, in the same clause
	}
	hypothetical := before(ws, start, 2, would)
	love := false
	switch ws[start].w {
	case "love", "like", "loving", "enjoy":
		love = true
	}
	if love && hypothetical {
		return true // "I'd love this", "would love it"
	}
	if hypothetical || love {
		for k := end; k < len(ws) && k < end+3 && ws[k].clause == c; k++ {
			if ws[k].w == "if" || ws[k].w == "unless" {
				return true
			}
		}
	}
	return false
}

// abandoned: a recommendation in the past: "used to", "stopped", "until"
// after it, or a retraction later in the message ("Recommended it to
// everyone. Not anymore.").
func abandoned(d *doc, si, start, end int) bool {
	ws := d.sents[si].words
	if before(ws, start, negWindow, func(k int) bool {
		return ws[k].w == "stopped" || (ws[k].w == "used" && k+1 < len(ws) && ws[k+1].w == "to")
	}) {
		return true
	}
	for k := end; k < len(ws) && ws[k].clause == ws[start].clause; k++ {
		if ws[k].w == "until" {
			return true
		}
	}
	for i, s := range d.sents[si:] {
		from := 0
		if i == 0 {
			from = end
		}
		if retraction(s.words, from) {
			return true
		}
	}
	return false
}

// retraction reports a clause of ws (from word from on) that only takes
// back: "not anymore", "no longer", "not any more", "no more".
func retraction(ws []word, from int) bool {
	for k := from; k < len(ws); {
		m := k
		for m < len(ws) && ws[m].clause == ws[k].clause {
			m++
		}
		for _, r := range retractions {
			if clauseIs(ws[k:m], r) {
				return true
			}
		}
		k = m
	}
	return false
}

// retractions are the clauses retraction looks for, word by word.
var retractions = [][]string{
	{"not", "anymore"}, {"no", "longer"}, {"not", "any", "more"}, {"no", "more"},
	{"but", "not", "anymore"}, {"but", "no", "longer"},
}

// clauseIs reports whether the words of clause are words.
func clauseIs(clause []word, words []string) bool {
	if len(clause) != len(words) {
		return false
	}
	for i, w := range clause {
		if w.w != words[i] {
			return false
		}
	}
	return true
}

// advice: the match recommends an action, not us ("I recommend restarting",
// "you should try clearing the cache", "you should try again", "I recommend
// you back up first").
func advice(ws []word, end int) bool {
	if end >= len(ws) || ws[end].clause != ws[end-1].clause {
		return false
	}
	next := ws[end].w
	if strings.HasPrefix(ws[end-1].w, "regret") {
		return false // "No regrets switching from Evernote"
	}
	if next == "again" || isGerund(next) {
		return true
	}
	if ws[end-1].w == "recommend" {
		switch next {
		case "you", "u", "that", "against", "not":
			return true
		}
	}
	return false
}

var notGerunds = wordSet("thing", "something", "nothing", "everything", "anything",
	"morning", "evening", "string", "spring", "during", "bring", "king", "ring")

func isGerund(w string) bool {
	return len(w) >= 5 && strings.HasSuffix(w, "ing") && !notGerunds[w]
}

// toUs: the recommendation came to the writer, not from them: "recommended
// it to me".
func toUs(ws []word, end int) bool {
	for k := end; k < len(ws) && k < end+3 && ws[k].clause == ws[end-1].clause; k++ {
		if ws[k].w == "to" && k+1 < len(ws) && (ws[k+1].w == "me" || ws[k+1].w == "us") {
			return true
		}
	}
	return false
}

// findThanks returns the sentence of d that thanks us.
func (a *Analyzer) findThanks(d *doc) (*sentence, bool) {
	if a.docScore(d) <= UnhappyAt {
		return nil, false // "Thanks for the reply, but I lost a week of work.": politeness, not thanks
	}
	for _, s := range d.sents {
		if (s.idiom != nil && s.idiom.sign <= 0) || refuses(s.words) {
			continue // "Thanks for nothing.", "Thanks in advance", "Thanks, but no thanks."
		}
		ws := s.words
		for i := range ws {
			if n := thanksPhrases.at(ws, i, true); n > 0 && thanksHolds(ws, i, i+n) && a.sentScore(d, s) > UnhappyAt {
				return s, true
			}
		}
	}
	return nil, false
}

// refuses: "no thanks", "no thank you".
func refuses(ws []word) bool {
	for k := 0; k+1 < len(ws); k++ {
		if ws[k].w == "no" && (ws[k+1].w == "thanks" || ws[k+1].w == "thank" || ws[k+1].w == "thx") {
			return true
		}
	}
	return false
}

// thanksHolds checks a thanks match ws[start:end]: not negated, not in
// advance, not "thanks anyway", not "thanks to the update", not a request
// ("would appreciate a fix", "any help appreciated").
func thanksHolds(ws []word, start, end int) bool {
	if negatedBefore(ws, start, end) {
		return false
	}
	c := ws[start].clause
	if end < len(ws) && ws[end].clause == c {
		switch next := ws[end].w; {
		case next == "anyway", next == "anyways":
			return false
		case next == "in" && end+1 < len(ws) && ws[end+1].w == "advance":
			return false
		case next == "to" && end+1 < len(ws) && !youWords[ws[end+1].w]:
			return false
		}
	}
	switch ws[start].w {
	case "appreciate", "appreciated":
		if inClause(ws, c, "if", "any") {
			return false
		}
		if before(ws, start, negWindow, func(k int) bool {
			return ws[k].w == "would" || ws[k].w == "will" || strings.HasSuffix(ws[k].w, "'d")
		}) {
			return false
		}
	}
	return true
}

// churned reports churn anywhere in the message: someone who says they
// cancelled or left is not buying, whatever price words follow.
func (d *doc) churned() bool {
	if d.churn == 0 { // asked for each candidate intent: read the message once
		d.churn = 1
		for _, s := range d.sents {
			if churned(s.words) {
				d.churn = 2
				break
			}
		}
	}
	return d.churn == 2
}
