package funnel

import (
	"slices"
	"testing"
)

// The plain misses issue 13 lists, each as the issue asks.
func TestIssue13Misses(t *testing.T) {
	a := mustAnalyzer(t, Config{})
	read := func(text string) (Result, []SignalKind) {
		res := a.Analyze([]Message{{Text: text}}, State{})
		var kinds []SignalKind
		for _, s := range res.Signals {
			kinds = append(kinds, s.Kind)
		}
		return res, kinds
	}
	t.Run("ate my photos is unhappy", func(t *testing.T) {
		res, kinds := read("Acme ate my photos. Never again. Worst app I have used this year.")
		if !res.Unhappy || !slices.Contains(kinds, SignalNegative) || slices.Contains(kinds, SignalPositive) {
			t.Errorf("mood %.2f, unhappy %v, signals %v: want unhappy and negative", res.Mood, res.Unhappy, kinds)
		}
	})
	t.Run("sarcasm is no advocacy", func(t *testing.T) {
		res, kinds := read("Great, another outage. Just love it.")
		if slices.Contains(kinds, SignalAdvocacy) || res.Stage == Advocate {
			t.Errorf("stage %v, signals %v: sarcasm read as advocacy", res.Stage, kinds)
		}
		if !res.Unhappy || !slices.Contains(kinds, SignalNegative) {
			t.Errorf("mood %.2f, signals %v: want negative", res.Mood, kinds)
		}
	})
	t.Run("pro plan for a team of five is intent", func(t *testing.T) {
		for _, text := range []string{
			"how much is the pro plan for a team of five?",
			"@acme how much is the pro plan for a team of five?",
			// Mastodon HTML as feeds.HTMLToText flattens it today.
			"@tandem (https://social.example/@tandem) how much is the pro plan for a team of five?",
		} {
			if res, kinds := read(text); res.Stage != Intent || !slices.Contains(kinds, SignalIntent) {
				t.Errorf("%q: stage %v, signals %v, want intent", text, res.Stage, kinds)
			}
		}
	})
	t.Run("telling everyone and no regrets are advocacy", func(t *testing.T) {
		for _, text := range []string{"I tell everyone about it", "no regrets", "Switched six months ago, no regrets."} {
			if res, kinds := read(text); res.Stage != Advocate || !slices.Contains(kinds, SignalAdvocacy) {
				t.Errorf("%q: stage %v, signals %v, want advocacy", text, res.Stage, kinds)
			}
		}
	})
}

func TestComplaintsAreUnhappy(t *testing.T) {
	a := mustAnalyzer(t, Config{})
	for _, tc := range []struct {
		text    string
		unhappy bool
	}{
		// What unhappy users write instead of feeling words.
		{"It ate my draft. Gone. An hour of writing, gone.", true},
		{"the app crashed 4 times today while i was writing", true},
		{"Uninstalled. Way too buggy.", true},
		{"The Android app is unusable since the last update.", true},
		{"This app is garbage now.", true},
		{"Never again.", true},
		{"What a waste of money.", true},
		{"It doesn't work. Returned it.", true},
		{"Perfect, now it won't even open.", true},
		{"Fix it please, I'm losing patience.", true},
		{"How do I delete my account? I'm done.", true},
		{"Never buying anything from this company again.", true},
		{"This app is garbage now. It used to be good.", true},
		{"Your update deleted all my tags. Three years of organising, gone.", true},
		{"omg it deleted my grocery list AND my thesis notes 🤬", true},
		{"Thanks anyway, I'll look elsewhere.", true},
		{"We moved the team to another tool, too many outages.", true},
		{"Dropping to free. Not worth $12 a month.", true},
		// Service and review verdicts.
		{"Spent an hour on the phone. Nobody could help.", true},
		{"The widget drains my battery, had to remove it.", true},
		{"i want my money back", true},
		{"I'd give zero stars if I could.", true},
		{"The popups are driving me away.", true},
		{"Now I warn people about it.", true},
		{"This update is a step backwards.", true},
		{"It keeps crashing. Thanks a lot.", true},
		{"It keeps logging me out.", true},
		{"Opened a ticket a week ago, still waiting.", true},
		{"I was charged twice this month.", true},
		{"The new sidebar is janky and half-baked.", true},
		// Churn said as done.
		{"Cancelled my subscription. The last update was the final straw.", true},
		{"Please cancel my account and refund this month.", true},
		{"I'm leaving. Too many outages.", true},
		// Not complaints: negated, asked, repaired, conditional, soft, or someone else.
		{"It doesn't crash anymore.", false},
		{"Is it buggy on Android?", false},
		{"The bug that wiped my notes is fixed now.", false},
		{"If I cancel, do I keep my notes?", false},
		{"How do I cancel the auto-renewal?", false},
		{"Our CFO is leaving the company.", false},
		{"It doesn't sync the tags, is that expected?", false},
		{"It's a bit slow on my old laptop, but how much is the team plan?", false},
		{"I'm done with the setup, thanks!", false},
		{"Switching from Scrivener, is there an import tool?", false},
		{"Where do I find the trash folder on android", false},
		{"I never had to restart it again after the update.", false},
		{"I used to use it for work, now for my novel too.", false},
		{"The bug is gone since 4.2.", false},
		{"Should I have gone with the team plan?", false},
		{"How do I move notes to another notebook?", false},
		{"What's up? 🙄", false},
		{"Keep writing!", false},
		{"No reply needed, just sharing my setup.", false},
		{"Nobody has tried it on Linux yet?", false},
		{"Never give up on your novel!", false},
		{"Five stars, no notes.", false},
		{"I had to stop myself from buying the lifetime plan right away.", false},
		{"I deleted the old notebook myself.", false},
	} {
		res := a.Analyze([]Message{{Text: tc.text}}, State{})
		if res.Unhappy != tc.unhappy {
			t.Errorf("%q: unhappy %v (mood %.2f), want %v", tc.text, res.Unhappy, res.Mood, tc.unhappy)
		}
	}
}

func TestPraiseAfterComplaintIsSarcasm(t *testing.T) {
	a := mustAnalyzer(t, Config{})
	for _, tc := range []struct {
		text     string
		negative bool
	}{
		{"Oh good, the export is broken again. Love it.", true},
		{"Another outage. Just great.", true},
		{"It crashed and wiped my notes. Awesome.", true},
		{"Lost my chapter again. So helpful.", true},
		// Praise first, or after a repair, or alone: meant.
		{"Love it.", false},
		{"The export bug was annoying, but you fixed it fast. Nice.", false},
		{"It works now. Awesome.", false},
		{"Love it. Best app I have used.", false},
	} {
		got := a.Sentiment(tc.text)
		if (got <= UnhappyAt) != tc.negative {
			t.Errorf("%q: sentiment %.2f, want negative %v", tc.text, got, tc.negative)
		}
	}
	if kinds := kindsOf(a, "Oh good, the export is broken again. Love it."); slices.Contains(kinds, SignalAdvocacy) {
		t.Errorf("sarcastic love read as advocacy: %v", kinds)
	}
}

// VADER reads a message as one run of words: "Never again." negated the
// "worst" of the next sentence. A negation now stops at the sentence's end.
func TestShortNegationDoesNotSpill(t *testing.T) {
	a := mustAnalyzer(t, Config{})
	if got := a.Sentiment("Not anymore. Worst update ever."); got > UnhappyAt {
		t.Errorf("sentiment %.2f, want <= %.1f", got, UnhappyAt)
	}
	if got := a.Sentiment("I never complained. Great app."); got < PositiveAt {
		t.Errorf("sentiment %.2f, want >= %.1f", got, PositiveAt)
	}
	// Without a negation at a sentence's end it is VADER's reading.
	text := "It was fine, I guess. Great update anyway."
	if got, want := a.Sentiment(text), a.vaderScore(text); got != want {
		t.Errorf("sentiment %.3f, VADER %.3f", got, want)
	}
}

func TestNewAdvocacyAndIntentPatterns(t *testing.T) {
	a := mustAnalyzer(t, Config{})
	runSignalCases(t, a, SignalAdvocacy, []signalCase{
		{"Zero regrets switching from Evernote.", true},
		{"If you're on the fence, just try it. You won't regret it.", true},
		{"Worth every penny.", true},
		{"I keep telling people about this app, it's so good.", true},
		{"I regret upgrading.", false},
		{"No regrets? I have plenty, the sync lost my notes.", false},
	})
	runSignalCases(t, a, SignalIntent, []signalCase{
		{"Can I switch my team to the business plan mid-cycle?", true},
		{"Any promo codes around Black Friday?", true},
		{"Can I try Pro before paying?", true},
		{"@tandem is there a family plan? asking for my partner and me", true},
	})
}

func TestPraisedNounsArePlain(t *testing.T) {
	a := mustAnalyzer(t, Config{})
	for _, tc := range []struct {
		text string
		want string // "negative", "positive", "neither"
	}{
		{"Terrible support, nobody answers.", "negative"},
		{"Does it support LaTeX?", "neither"},
		{"Support closed my ticket and never answered. Terrible.", "negative"},
		{"Is there a free trial for the team plan?", "neither"},
		{"How do I upgrade from the free plan to Pro?", "neither"},
		{"I'd like to book a demo.", "neither"},
		{"Fix it please, I'm losing patience.", "negative"},
		// Meant as praise, or no noun: kept.
		{"I like the new editor a lot!", "positive"},
		{"Thanks for all the support!", "positive"},
		{"It's free and it's great.", "positive"},
	} {
		got := a.Sentiment(tc.text)
		var ok bool
		switch tc.want {
		case "negative":
			ok = got <= UnhappyAt
		case "positive":
			ok = got >= PositiveAt
		default:
			ok = got > UnhappyAt && got < PositiveAt
		}
		if !ok {
			t.Errorf("%q: sentiment %.2f, want %s", tc.text, got, tc.want)
		}
	}
}

func TestReviewVerdictsAreUnhappy(t *testing.T) {
	a := mustAnalyzer(t, Config{})
	for _, text := range []string{
		"Mediocre at best, and the export is clunky.",
		"Poorly made. Save your money.",
		"The new version is a total debacle.",
		"Support was unhelpful and I got overcharged.",
	} {
		if got := a.Sentiment(text); got > UnhappyAt {
			t.Errorf("%q: sentiment %.2f, want <= %.1f", text, got, UnhappyAt)
		}
	}
	if got := a.Sentiment("It is not mediocre at all."); got <= UnhappyAt {
		t.Errorf("a negated verdict reads as unhappy: %.2f", got)
	}
}

func TestQuestionsAboutGoodThingsAreNoMood(t *testing.T) {
	a := mustAnalyzer(t, Config{})
	for _, text := range []string{
		"Can anyone recommend a good outliner for Linux?",
		"Is it free for teachers?",
		"Does anyone have a good coffee recommendation?",
		"I need one please!!!#giveaway", // VADER sees no "please" here: nothing to take back
	} {
		if got := a.Sentiment(text); got >= PositiveAt || got <= UnhappyAt {
			t.Errorf("%q: sentiment %.2f, want neither positive nor negative", text, got)
		}
	}
	for _, tc := range []struct {
		text string
		want float64 // sign
	}{
		{"Why does it always crash and lose my work?", -1}, // a complaint asked stays one
		{"Love it, but can you add dark mode?", 1},         // the praise is not the question
		{"Loved the webinar! What's your pricing?", 1},
		{"Oh yes please!", 1},
	} {
		if got := a.Sentiment(tc.text); got*tc.want <= 0 {
			t.Errorf("%q: sentiment %.2f, want sign %v", tc.text, got, tc.want)
		}
	}
}

// "Praise, complaint" reads as "praise, but complaint", as VADER reads a "but".
func TestComplimentSandwichIsAComplaint(t *testing.T) {
	a := mustAnalyzer(t, Config{})
	for _, text := range []string{
		"Love the design, hate that it loses my work.",
		"Gorgeous app, shame about the constant crashes.",
	} {
		if got := a.Sentiment(text); got > UnhappyAt {
			t.Errorf("%q: sentiment %.2f, want <= %.1f", text, got, UnhappyAt)
		}
	}
	// Lukewarm, no contrast, or praise last: not made a complaint.
	for _, text := range []string{"Not bad, not great.", "Love the design, the sync is fast too.", "The sync was awful, now it is great."} {
		if got := a.Sentiment(text); got <= UnhappyAt {
			t.Errorf("%q: sentiment %.2f, want above %.1f", text, got, UnhappyAt)
		}
	}
	// With a "but" already it is VADER's own reading.
	text := "Love the design, but hate the new icons"
	if got, want := a.Sentiment(text), a.vaderScore(text); got != want {
		t.Errorf("%q: sentiment %.3f, VADER %.3f", text, got, want)
	}
}
