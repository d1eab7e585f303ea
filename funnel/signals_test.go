package funnel

import (
	"slices"
	"testing"
)

// signalCase is one message and whether it carries a signal kind.
type signalCase struct {
	text string
	want bool
}

// kindsOf returns the signal kinds of text read as a thread's only message.
func kindsOf(a *Analyzer, text string) []SignalKind {
	var kinds []SignalKind
	for _, s := range a.Analyze([]Message{{Text: text}}, State{}).Signals {
		kinds = append(kinds, s.Kind)
	}
	return kinds
}

func runSignalCases(t *testing.T, a *Analyzer, kind SignalKind, cases []signalCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.text, func(t *testing.T) {
			kinds := kindsOf(a, tc.text)
			if got := slices.Contains(kinds, kind); got != tc.want {
				t.Errorf("%s = %v, want %v (signals %v, score %.3f)", kind, got, tc.want, kinds, a.Sentiment(tc.text))
			}
		})
	}
}

func mustAnalyzer(t testing.TB, cfg Config) *Analyzer {
	t.Helper()
	a, err := NewAnalyzer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestIntentSignal(t *testing.T) {
	a := mustAnalyzer(t, Config{})
	runSignalCases(t, a, SignalIntent, []signalCase{
		// The product brief.
		{"How much is the team plan?", true},
		{"Is there a free trial for teams?", true},
		{"Where can I buy a license for 12 seats?", true},
		{"Do you offer a nonprofit discount?", true},
		{"We'd like to upgrade to the team plan next month", true},
		{"Not worth the price.", false},
		{"The price is outrageous for what it does", false},
		{"I cancelled my trial and want a refund", false},
		{"No need for a demo, I figured it out", false},
		{"I would never pay for this", false},
		{"I switched to a competitor because of the pricing", false},
		// A wh-word mid-sentence starts a clause, not a question (the demo's Felix).
		{"Not worth the price. $8 a month for a notes app, when my phone already has one for free.", false},
		{"Hi all, how much is the team plan?", true},
		{"It's nicely made, but nothing here justifies a subscription for me.", false},
		{"Cancelled and switched to a competitor. Second price change since I signed up, I'm done.", false},

		// More buying signals, as people write them.
		{"What does the pro plan cost per month?", true},
		{"Can I get a demo for my team next week?", true},
		{"Any coupon codes for students?", true},
		{"How do I sign up for the team plan?", true},
		{"We need 30 seats, can you send a quote for annual billing?", true},
		{"Could you send me an invoice for the upgrade?", true},
		{"Hi! Quick question: do you have an education discount?", true},
		{"Is the trial 14 or 30 days?", true},
		{"how much for  5\n   seats", true},
		{"WHERE CAN I BUY IT", true},
		{"No problem, how much is the team plan?", true},                     // the "no" is another clause
		{"We're switching from Scrivener, how much is the team plan?", true}, // coming to us
		{"Can I switch to the team plan mid-month?", true},
		{"If I buy the team plan, can I cancel anytime?", true},
		{"Loved the webinar. What's your pricing for agencies?", true},
		// A question about price or trial is intent even without a pattern.
		{"Is it free for students?", true},
		{"Is the Android app paid?", true},

		// Not buying.
		{"I don't need a demo, thanks.", false},
		{"That price is a joke.", false},                 // VADER reads "joke" as positive
		{"Please cancel my subscription.", false},        // churn
		{"I want to downgrade to the free plan.", false}, // churn
		{"How do I unsubscribe from the newsletter?", false},
		{"Your pricing page is broken.", false}, // negative voice
		{"I'm not interested in a trial.", false},
		{"I already have a license, why does it say expired?", false},
		{"Without a discount there is no way we can buy.", false},
		{"I'm leaving, the subscription is too expensive.", false},
		{"Never going to buy this again.", false},
		{"We moved to Scrivener instead, cheaper license.", false},
		{"This app is priceless for my workflow", false}, // whole words only
		{"How much RAM does it need?", false},            // "how much", but not money
		{"What are your plans for mobile?", false},
		{"Why is it so expensive?", false}, // an objection, not a question to buy
		{"How much longer will sync be broken?", false},
		{"I recommend against buying the team plan.", false},
		{"I already paid for the team plan but sync fails.", false},
		{"Is it bug-free yet?", false}, // "bug-free" is one word
		{"I can't afford another subscription, sorry.", false},
		{"Thanks for the reply!", false},
	})
}

func TestAdvocacySignal(t *testing.T) {
	a := mustAnalyzer(t, Config{Competitors: []string{"Scrivener", "Google Docs"}})
	runSignalCases(t, a, SignalAdvocacy, []signalCase{
		// The product brief.
		{"I highly recommend Quillstone to every novelist", true},
		{"You should try Quillstone, it changed how our team writes", true},
		{"Love it!", true},
		{"Told my team about it and we all use it now", true},
		{"I would never recommend this.", false},
		{"Cancelled and switched to a competitor.", false},
		{"Can anyone recommend a good outliner?", false},
		{"I'd love it if export worked", false},
		{"I used to recommend it, not anymore", false},
		{"I recommend Scrivener instead", false},
		{"I highly recommend Scrivener", false},

		// More recommendations.
		{"Honestly the best app I have used for drafting my novel.", true},
		{"Quillstone is a game-changer for screenwriters.", true},
		{"I told everyone in my writing group about Quillstone.", true},
		{"Loving it so far, my whole team switched over.", true},
		{"You have to try the outline view, it is amazing.", true},
		{"Can't live without the corkboard anymore.", true},
		{"Been using it daily for a year. Love it.", true},
		{"I have recommended you to all my students.", true},
		{"Would recommend!", true},
		{"Highly recommended.", true},
		{"I can't recommend it enough!", true},
		{"You should try Quillstone if you write long fiction.", true},
		{"Love it, but can you add dark mode?", true}, // the question is another clause
		{"No doubt, highly recommend.", true},
		{"Without a doubt the best app for plotting.", true},

		// Not a recommendation of us, or not now, or not meant.
		{"Would not recommend.", false},
		{"Don't love it.", false},
		{"I love it but the sync is a disaster and I lost a whole chapter.", false},
		{"Best app? Not even close.", false},
		{"Which is the best app for outlining?", false},
		{"Hi all, can anyone recommend a good outliner", false}, // a question without "?"
		{"Do you recommend Quillstone or Scrivener?", false},
		{"I recommend you back up your files before updating.", false},
		{"I recommend restarting the app first.", false},
		{"You should try turning it off and on again.", false},
		{"You should try again later.", false},
		{"I wish I could recommend it.", false},
		{"I'd recommend it if the export worked.", false},
		{"If it had sync I would recommend it.", false},
		{"I recommended it until the last update.", false},
		{"Recommended it to everyone. Not anymore.", false},
		{"Used to love it.", false},
		{"I no longer recommend it.", false},
		{"I stopped recommending it.", false},
		{"I recommend against the team plan.", false},
		{"Someone recommended it to us last year.", false},
		{"My friend recommended it to me.", false},
		{"Love it when it crashes mid-sentence.", false}, // sarcasm
		{"Love how it deletes my notes every time.", false},
		{"Honestly I'd love this if it had dark mode.", false},
		{"I'd love it!", false},
		{"We switched to Google Docs, highly recommend.", false},
		{"I highly recommend Scrivener's corkboard", false},
		{"Thanks, I'll check it out!", false},
		{"The recommended font size is too small.", false},
		// The whole message is negative (-0.13, -0.28), though the sentence is not.
		{"Love it. Well, I did, until sync ate my chapter. Now I'm furious and disappointed.", false},
		{"Highly recommend. Just kidding, it lost my draft and I'm angry.", false},
	})

	t.Run("competitor unknown", func(t *testing.T) {
		// Without Competitors nothing says Scrivener is not us.
		b := mustAnalyzer(t, Config{})
		if !slices.Contains(kindsOf(b, "I highly recommend Scrivener"), SignalAdvocacy) {
			t.Error("no advocacy without a competitors list")
		}
	})
}

func TestThanksSignal(t *testing.T) {
	a := mustAnalyzer(t, Config{})
	runSignalCases(t, a, SignalThanks, []signalCase{
		// The product brief.
		{"Thanks, that fixed it!", true},
		{"thank you so much", true},
		{"really appreciate the quick answer", true},
		{"thx", true},
		{"no thanks", false},
		{"thanks for nothing", false},

		// More thanks.
		{"Thanks so much, it works perfectly now!", true},
		{"Thank you, you saved my manuscript!", true},
		{"Cheers for the quick fix, much appreciated.", true},
		{"Thanks!!", true},
		{"ty!", true},
		{"Many thanks for the help.", true},
		{"Thanks to your support team, we got it working.", true},
		{"I can't thank you enough.", true},
		{"Wow, thanks for the quick reply!", true},
		{"Great, thanks!", true},
		{"Grateful for the fast help.", true},
		{"Thank you for fixing the crash so fast.", true},
		{"I don't need a demo, thanks.", true}, // declines the demo, thanks us

		// Not thanks.
		{"No thanks.", false},
		{"Thanks, but no thanks.", false},
		{"Thanks for nothing.", false},
		{"Thanks a lot for breaking my workflow.", false},
		{"Thank you for wasting my afternoon.", false},
		{"Thanks again for deleting my drafts.", false},
		{"Thanks to the last update, nothing syncs.", false},
		{"Thanks for the reply, but it is still broken and I lost a day of work.", false},
		{"Thanks anyway, I'll look elsewhere.", false},
		{"Thanks in advance!", false},
		{"How do I export to PDF? Thanks in advance.", false},
		{"I would appreciate a refund.", false},
		{"I'd appreciate it if someone answered.", false},
		{"Any help would be appreciated.", false},
		{"Any help appreciated.", false},
		{"Not grateful at all.", false},
		{"Thank god I had a backup.", false},
	})
}

func TestMoodSignals(t *testing.T) {
	a := mustAnalyzer(t, Config{})
	t.Run("positive", func(t *testing.T) {
		runSignalCases(t, a, SignalPositive, []signalCase{
			{"It works! You guys are the best.", true},
			{"Wow, that was fast.", true},
			{"Ok it works now, you guys are awesome!", true},
			{"I can't recommend it enough", true},
			{"Couldn't be happier with it.", true},
			{"Ok.", false},
			{"Got it.", false},
			{"Thanks for nothing.", false},
			{"Great, another outage.", false},
			{"Thanks in advance!", false},
			{"Any help would be appreciated.", false},
		})
	})
	t.Run("negative", func(t *testing.T) {
		runSignalCases(t, a, SignalNegative, []signalCase{
			{"This is broken and I'm furious.", true},
			{"Sync lost my chapter. Again. This is unacceptable.", true},
			{"I am so frustrated with this app", true},
			{"Thanks for nothing.", true},
			{"Thanks a lot for breaking everything", true},
			{"Great, another outage.", true},
			{"Oh great, it crashed again", true},
			{"Nice job breaking sync again.", true},
			{"Well done, you broke export.", true},
			{"Love how it crashes every time I save.", true},
			{"Yeah, right.", true},
			{"That's just great.", true},
			{"That price is a joke.", true},
			{"Killer feature, by the way.", false},
			{"No complaints at all.", false},
			{"Thanks, that fixed it!", false},
			{"Great, it doesn't crash anymore.", false},
			{"Perfect, that fixed the crash.", false},
			{"Great support, it crashed once but you fixed it.", false},
			{"Nice job on the new export!", false},
			{"Great, now it works.", false},
			{"Thanks for the update, I guess.", false},
		})
	})
}

func TestPriceObjectionIsNoIntent(t *testing.T) {
	a := mustAnalyzer(t, Config{})
	runSignalCases(t, a, SignalIntent, []signalCase{
		{"Going from $6 to $8 for Pro is a 33% price increase, and I don't see anything new.", false},
		{"Another price hike this year?", false},
		{"Is there a price increase planned for the team plan?", false},
		{"What is the price of the team plan?", true},
	})
}
