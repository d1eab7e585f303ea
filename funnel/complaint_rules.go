package funnel

// The word rules of sentence.scan: each reads one cue word in its sentence.

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
