package funnel

import (
	"math"
	"testing"

	"github.com/jonreiter/govader"
)

func TestSentimentIsVADER(t *testing.T) {
	a := mustAnalyzer(t, Config{})
	v := govader.NewSentimentIntensityAnalyzer()
	for _, text := range []string{
		"Sync lost my chapter. This is unacceptable.",
		"It works! You guys are the best.",
		"How much is the team plan?",
		"Not bad at all",
		"",
	} {
		if got, want := a.Sentiment(text), v.PolarityScores(text).Compound; got != want {
			t.Errorf("Sentiment(%q) = %v, VADER says %v", text, got, want)
		}
	}
}

func TestSentimentFeedsVADERWell(t *testing.T) {
	a := mustAnalyzer(t, Config{})
	// govader splits on single spaces: a line break glues words together.
	if got, want := a.Sentiment("Thanks!\nGreat work."), a.Sentiment("Thanks! Great work."); got != want || got < PositiveAt {
		t.Errorf("with a line break %v, with a space %v", got, want)
	}
	// Its negation list knows "don't", not the curly "don’t" of phones.
	if got, want := a.Sentiment("I don’t like it"), a.Sentiment("I don't like it"); got != want || got >= 0 {
		t.Errorf("curly apostrophe %v, straight %v", got, want)
	}
}

func TestSentimentIdioms(t *testing.T) {
	a := mustAnalyzer(t, Config{})
	tests := []struct {
		text string
		want string // "negative" (<= UnhappyAt), "positive" (>= PositiveAt), "neutral" (0)
	}{
		// Sarcasm VADER reads as praise.
		{"Thanks for nothing.", "negative"},
		{"thank you for nothing", "negative"},
		{"Thanks a lot for breaking my workflow.", "negative"},
		{"Thank you so much for wasting my time", "negative"},
		{"Wow, thanks for deleting my novel.", "negative"},
		{"Great, another outage.", "negative"},
		{"Oh great, it crashed again", "negative"},
		{"Perfect, now it freezes on startup.", "negative"},
		{"Just great.", "negative"},
		{"That's just great.", "negative"},
		{"Yeah right, like that will ever happen.", "negative"},
		{"Nice job breaking sync again", "negative"},
		{"Great job losing my chapter", "negative"},
		{"Well done, you broke export.", "negative"},
		{"I love how it crashes every time I save.", "negative"},
		{"Gotta love losing an hour of work.", "negative"},
		{"That price is a joke.", "negative"},
		{"What a joke.", "negative"},
		// Praise VADER reads as negative.
		{"I can't recommend it enough", "positive"},
		{"Can't thank you enough", "positive"},
		{"I can't live without Quillstone", "positive"},
		{"Couldn't be happier with it", "positive"},
		{"No complaints at all", "positive"},
		{"Killer feature.", "positive"},
		{"Nothing but love for this app", "positive"},
		// Politeness is not warmth.
		{"Thanks in advance!", "neutral"},
		{"Thanks anyway.", "neutral"},
		{"I would appreciate a refund.", "neutral"},
		{"Any help would be appreciated", "neutral"},
		// Look-alikes that are meant.
		{"Thanks for fixing it so fast, great support!", "positive"},
		{"Thanks for the quick reply!", "positive"},
		{"Great, it doesn't crash anymore.", "positive"},
		{"Great, thanks!", "positive"},
		{"Great support, it crashed once but you fixed it.", "positive"},
		{"I love how fast it is.", "positive"},
		{"Nice job on the new export!", "positive"},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			got := a.Sentiment(tc.text)
			var ok bool
			switch tc.want {
			case "negative":
				ok = got <= UnhappyAt
			case "positive":
				ok = got >= PositiveAt
			case "neutral":
				ok = got == 0
			}
			if !ok {
				t.Errorf("Sentiment = %.3f, want %s", got, tc.want)
			}
		})
	}
}

func TestSentimentIdiomInLongerMessage(t *testing.T) {
	a := mustAnalyzer(t, Config{})
	// The idiom sentence is corrected, the rest still counts.
	if got := a.Sentiment("Thanks for nothing. I lost two chapters and I'm furious."); got > a.Sentiment("Thanks for nothing.") {
		t.Errorf("more bad news made it less negative: %v", got)
	}
	if got := a.Sentiment("Thanks in advance! You guys are wonderful."); got < PositiveAt {
		t.Errorf("politeness hid the praise after it: %v", got)
	}
	if got := a.Sentiment("How do I export to EPUB? Thanks in advance!"); got != 0 {
		t.Errorf("a neutral question with thanks in advance: %v, want 0", got)
	}
}

func TestValenceInvertsCompound(t *testing.T) {
	for _, c := range []float64{-0.95, -0.5, -0.01, 0, 0.3, 0.8, 0.99} {
		if got := compound(valence(c)); math.Abs(got-c) > 1e-9 {
			t.Errorf("compound(valence(%v)) = %v", c, got)
		}
	}
}

// Whole complaints from the demo that plain VADER scores near neutral: a
// verdict sentence decides the message, and "to be honest" is no praise.
func TestSentimentVerdictsAndDiscourseMarkers(t *testing.T) {
	a := mustAnalyzer(t, Config{})
	for _, tc := range []struct {
		text    string
		unhappy bool
	}{
		{"Same thing as Priya happened to me on Monday: two notes from a client call vanished after the 4.0 update. I opened a support ticket four days ago and nobody has answered. Not impressed, to be honest. I pay for Pro precisely so this doesn’t happen.", true},
		{"Going from $6 to $8 for Pro is a 33% price increase, and I don’t see anything new for someone who just writes notes on one laptop. Honestly, it’s not worth the price anymore for me.", true},
		{"I would never recommend this to anyone who writes for a living. The desktop app froze while I was editing a long document, and when I restarted it the last three hours of changes were gone.", true},
		{"The sync glitch is not worth worrying about, it works great otherwise.", false},
		{"Honestly, this is the best notes app I have used.", false},
	} {
		got := a.Analyze([]Message{{Text: tc.text}}, State{})
		if got.Unhappy != tc.unhappy {
			t.Errorf("Unhappy = %v (mood %.2f), want %v: %q", got.Unhappy, got.Mood, tc.unhappy, tc.text)
		}
	}
	if got := a.Sentiment("Honestly, this is the best notes app I have used."); got < PositiveAt {
		t.Errorf("praise opened by 'Honestly' scores %.2f, want >= %.1f", got, PositiveAt)
	}
}
