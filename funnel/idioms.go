package funnel

// VADER scores words, not intent, so a few idioms common in support threads
// come out with the wrong sign: "Thanks for nothing." is +0.44, "Great,
// another outage." +0.63, "That price is a joke." +0.30, "I can't recommend
// it enough" -0.28, and mere politeness ("Thanks in advance!" +0.49, "I
// would appreciate a refund." +0.40) reads as warmth. This table lists the
// ones that matter to the funnel (thanks, trusting, unhappy, advocacy). A
// sentence holding one gets the idiom's sign and at least idiomFloor of
// strength, or 0 for politeness; the rest of the message is scored by VADER
// as usual. Keep it to clear idioms: a guess here mislabels real people.
//
// Left alone on purpose: "Seriously, ..." (VADER's "seriously" is -0.7, a
// small pull), "lol it crashed again" (lol is +1.8), slang ("this app is
// sick"), "Thanks to the update, nothing syncs" (+0.44: the cause is not
// always bad news), and sarcasm without a telltale phrase ("Love waiting
// 3 days for a reply"), which no word list catches safely.

// idiomFloor is the least |score| of a sentence an idiom corrected: clearly
// past PositiveAt or UnhappyAt, as a person reading it would say.
const idiomFloor = 0.5

type idiomRule uint8

const (
	anywhere  idiomRule = iota // the phrase alone says it
	opening                    // it opens the sentence: "Yeah right."
	closing                    // it ends the sentence: "That's just great."
	forDamage                  // then "for" and damage: "Thanks a lot for breaking sync."
	damage                     // then damage, nothing repaired: "Nice job losing my chapter."
	aside                      // alone in the first clause, then "another" or damage: "Great, it crashed again."
	enough                     // then "enough": "I can't recommend it enough."
	verdict                    // anywhere, and it decides the message: "Not impressed."
)

type idiom struct {
	phrase string
	sign   float64 // the sentence's real polarity: -1, +1, or 0 for politeness
	rule   idiomRule
}

var idioms = []idiom{
	// Sarcasm: thanks or praise aimed at damage.
	{"thanks", -1, forDamage}, // "Thanks for nothing." "Thanks a lot for breaking export."
	{"thank you", -1, forDamage},
	{"thx", -1, forDamage},
	{"yeah right", -1, opening},
	{"just great", -1, closing},
	{"just perfect", -1, closing},
	{"just wonderful", -1, closing},
	{"nice job", -1, damage},
	{"good job", -1, damage},
	{"great job", -1, damage},
	{"well done", -1, damage},
	{"nice work", -1, damage},
	{"love how", -1, damage}, // "Love how it crashes every time I save."
	{"love it when", -1, damage},
	{"gotta love", -1, damage},
	{"great", -1, aside}, // "Great, another outage." "Oh great, it crashed again."
	{"perfect", -1, aside},
	{"wonderful", -1, aside},
	{"fantastic", -1, aside},
	{"awesome", -1, aside},
	{"lovely", -1, aside},
	{"brilliant", -1, aside},
	{"is a joke", -1, anywhere}, // "That price is a joke."
	{"what a joke", -1, anywhere},
	{"was a joke", -1, anywhere},

	// Verdicts VADER underrates: a negated recommendation or "not
	// impressed" is what an unhappy customer says, but VADER's negation only
	// dampens a mildly positive word, and the story around it ("two notes
	// vanished… nobody answered") scores near neutral. The message is at
	// least as negative as the verdict.
	{"would never recommend", -1, verdict},
	{"wouldn't recommend", -1, verdict},
	{"would not recommend", -1, verdict},
	{"do not recommend", -1, verdict},
	{"don't recommend", -1, verdict},
	{"not impressed", -1, verdict},
	{"not worth the", -1, verdict}, // "Not worth the price." (not "not worth worrying about")
	{"not worth it", -1, verdict},

	// Politeness, not warmth: these sentences count as neutral.
	{"thanks in advance", 0, anywhere},
	{"thank you in advance", 0, anywhere},
	{"thx in advance", 0, anywhere},
	{"thanks anyway", 0, anywhere}, // "Thanks anyway, I'll look elsewhere."
	{"thanks anyways", 0, anywhere},
	{"thank you anyway", 0, anywhere},
	{"would appreciate", 0, anywhere}, // "I would appreciate a refund."
	{"i'd appreciate", 0, anywhere},
	{"we'd appreciate", 0, anywhere},
	{"would be appreciated", 0, anywhere}, // "Any help would be appreciated."
	{"any help appreciated", 0, anywhere},
	{"appreciate any help", 0, anywhere},

	// Praise VADER reads as negative (or neutral) because of a negation.
	{"can't recommend", +1, enough},
	{"cannot recommend", +1, enough},
	{"cant recommend", +1, enough},
	{"can't thank", +1, enough},
	{"cannot thank", +1, enough},
	{"cant thank", +1, enough},
	{"can't say enough", +1, anywhere},
	{"can't live without", +1, anywhere},
	{"cannot live without", +1, anywhere},
	{"cant live without", +1, anywhere},
	{"couldn't live without", +1, anywhere},
	{"couldn't be happier", +1, anywhere},
	{"could not be happier", +1, anywhere},
	{"couldnt be happier", +1, anywhere},
	{"no complaints", +1, anywhere},
	{"no regrets", +1, anywhere}, // VADER: +0.28; "Zero regrets switching" -0.36
	{"zero regrets", +1, anywhere},
	{"not a single regret", +1, anywhere},
	{"won't regret", +1, anywhere},
	{"wont regret", +1, anywhere},
	{"will not regret", +1, anywhere},
	{"killer feature", +1, anywhere},
	{"killer app", +1, anywhere},
	{"nothing but love", +1, anywhere},
	{"nothing but praise", +1, anywhere},
}

// damageWords are what sarcasm thanks or praises for.
var damageWords = wordSet(
	"break", "breaks", "broke", "broken", "breaking",
	"crash", "crashes", "crashed", "crashing",
	"delete", "deletes", "deleted", "deleting",
	"lose", "loses", "lost", "losing",
	"wipe", "wipes", "wiped", "wiping",
	"waste", "wastes", "wasted", "wasting",
	"ruin", "ruins", "ruined", "ruining",
	"kill", "kills", "killed", "killing",
	"corrupt", "corrupts", "corrupted", "corrupting",
	"destroy", "destroys", "destroyed", "destroying",
	"freeze", "freezes", "froze", "frozen", "freezing",
	"outage", "outages", "downtime",
)

// repairWords in a sentence mean the damage is the topic, not the sarcasm:
// "Great, that fixed the crash."
var repairWords = wordSet("fix", "fixes", "fixed", "fixing", "solved", "resolved",
	"restored", "recovered", "works", "working", "worked", "gone", "saved")

// interjections may come before an opening idiom: "Oh great, ...".
var interjections = wordSet("oh", "well", "wow", "ah", "ok", "okay", "so", "and", "just", "yeah")

// determiners are skipped between "for" and the damage: "for breaking my".
var determiners = wordSet("a", "an", "the", "my", "our", "your", "all", "another", "yet", "this", "that", "me", "us")

var idiomPhrases = func() *phrases {
	list := make([]string, len(idioms))
	for i, id := range idioms {
		list[i] = id.phrase
	}
	return compilePhrases(list)
}()

// findIdiom returns the first idiom in ws whose rule holds, or nil.
func findIdiom(ws []word) *idiom {
	for i := range ws {
		for _, idx := range idiomPhrases.byFirst[ws[i].w] {
			pat := idiomPhrases.list[idx]
			end := i + len(pat)
			if end > len(ws) || !wordsAt(ws, i, pat) {
				continue
			}
			if idioms[idx].holds(ws, i, end) {
				return &idioms[idx]
			}
		}
	}
	return nil
}

func wordsAt(ws []word, i int, pat []string) bool {
	for k, w := range pat {
		if ws[i+k].w != w {
			return false
		}
	}
	return true
}

func (id idiom) holds(ws []word, start, end int) bool {
	switch id.rule {
	case opening:
		return opens(ws, start)
	case closing:
		return end == len(ws)
	case forDamage:
		for k := end; k < end+4 && k < len(ws); k++ {
			if ws[k].w != "for" {
				continue
			}
			m := k + 1
			for m < len(ws) && determiners[ws[m].w] {
				m++
			}
			return m < len(ws) && (ws[m].w == "nothing" || damageWords[ws[m].w])
		}
		return false
	case damage:
		return damageAfter(ws, end)
	case aside:
		if !opens(ws, start) || end == len(ws) {
			return false
		}
		if ws[end].w == "another" {
			return true
		}
		return ws[end].clause != ws[end-1].clause && damageAfter(ws, end)
	case enough:
		for k := end; k < len(ws) && ws[k].clause == ws[end-1].clause; k++ {
			if ws[k].w == "enough" {
				return true
			}
		}
		return false
	}
	return true
}

// opens reports whether only interjections come before ws[i].
func opens(ws []word, i int) bool {
	for _, w := range ws[:i] {
		if !interjections[w.w] {
			return false
		}
	}
	return true
}

// damageAfter reports a damage word, not negated, within 6 words after
// ws[from] in a sentence that repairs nothing.
func damageAfter(ws []word, from int) bool {
	for _, w := range ws {
		if repairWords[w.w] {
			return false
		}
	}
	for k := from; k < from+6 && k < len(ws); k++ {
		if damageWords[ws[k].w] && !negatedBefore(ws, k, k+1) {
			return true
		}
		if functionVerbs[ws[k].w] && k > 0 && failed(ws, k) {
			return true // "Perfect, now it won't even open."
		}
	}
	return false
}
