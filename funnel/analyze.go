package funnel

import (
	"fmt"
	"sync"

	"github.com/jonreiter/govader"
)

// Analyzer finds signals in messages. Build one with NewAnalyzer and share it:
// it is safe for concurrent use (nothing in it changes after NewAnalyzer).
type Analyzer struct {
	cfg         Config // effective: defaults filled in
	intent      *phrases
	advocacy    *phrases
	competitors *phrases
	// lexicon loads VADER's lexicon on first use, not in NewAnalyzer:
	// that takes about 10 ms, and a console starting up needs none of it
	// before the first message is stored.
	lexicon func() *vaderLex
}

// NewAnalyzer compiles the patterns of cfg (nil lists: the defaults). It fails
// with a *PatternError on a pattern that is empty or has no letters.
func NewAnalyzer(cfg Config) (*Analyzer, error) {
	for _, l := range []struct {
		name string
		list []string
	}{{"intent", cfg.Intent}, {"advocacy", cfg.Advocacy}, {"competitors", cfg.Competitors}} {
		if err := checkPatterns(l.name, l.list); err != nil {
			return nil, err
		}
	}
	cfg = withDefaults(cfg)
	return &Analyzer{
		cfg:         cfg,
		intent:      compilePhrases(cfg.Intent),
		advocacy:    compilePhrases(cfg.Advocacy),
		competitors: compilePhrases(cfg.Competitors),
		lexicon: sync.OnceValue(func() *vaderLex {
			return newVaderLex(govader.NewSentimentIntensityAnalyzer())
		}),
	}, nil
}

// Config returns the effective config: the one given, with nil pattern
// lists replaced by the defaults. The slices are copies.
func (a *Analyzer) Config() Config {
	return withDefaults(a.cfg)
}

// Sentiment is the compound score of text, -1 (negative) to 1: VADER's,
// with the idioms VADER reads backwards corrected (see idioms.go), so
// "Thanks for nothing." is negative.
func (a *Analyzer) Sentiment(text string) float64 {
	d := a.read(text)
	defer d.release()
	return a.docScore(d)
}

// Analyze reads a thread's messages (oldest first, theirs and ours) from
// state st and returns the signals found and the stage they justify.
//
// Signals only move forward: Result.Stage >= st.Stage, and each move is one
// Move, in message order; a message that justifies several stages moves
// straight to the furthest. Messages at or before st.Since carry no stage
// signals (a manual move overrides them) but still count for the dialogue:
// our reply before Since answered after it is a dialogue. Mood, Unhappy and
// WonBack (and the negative and won-back signals) read every message.
// Called again from the Result's stage on the same messages, it moves nothing.
func (a *Analyzer) Analyze(msgs []Message, st State) Result {
	res := Result{Stage: st.Stage}
	var (
		replied  bool // we wrote before: their messages now answer us
		awaiting bool // our latest reply has no visible answer yet
		unhappy  bool // their latest mood was unhappy ...
		answered bool // ... and we replied since
		latest   bool // their latest message reads unhappy
	)
	for i, m := range msgs {
		n := i + 1
		if m.Ours {
			replied, awaiting = true, true
			answered = answered || unhappy
			continue
		}
		r := a.reading(&msgs[i])
		score := r.score
		res.Mood, latest = score, r.unhappy
		visible := st.Since.IsZero() || m.At.After(st.Since)
		sig := func(kind SignalKind, quote string) {
			res.Signals = append(res.Signals, Signal{Kind: kind, Msg: n, Quote: quote, Score: score})
		}

		var (
			target = New
			cause  string
		)
		reach := func(s Stage, why string) {
			if s > target {
				target, cause = s, fmt.Sprintf("%s: %s (msg %d)", s, why, n)
			}
		}

		if visible && awaiting {
			awaiting = false
			sig(SignalDialogue, shortQuote(r.first))
		}
		if visible && replied {
			reach(Engaged, "answered our reply")
		}

		// A message the vote calls unhappy is not positive, however its
		// words lean ("Love how it deletes my drafts").
		positive := score >= PositiveAt && !r.unhappy
		wonBack := positive && unhappy && answered
		switch {
		case r.unhappy:
			sig(SignalNegative, shortQuote(r.negative))
			unhappy, answered = true, false
		case positive:
			unhappy, answered = false, false
		}
		if visible {
			var posQuote string
			if positive {
				posQuote = shortQuote(r.positive)
				sig(SignalPositive, posQuote)
			}
			if r.thanked {
				sig(SignalThanks, shortQuote(r.thanks))
			}
			switch {
			case !replied: // trusting needs a dialogue
			case r.thanked: // says more than a positive tone
				reach(Trusting, "thanked us")
			case wonBack:
				reach(Trusting, "won back, "+quoted(posQuote))
			case positive:
				reach(Trusting, "positive, "+quoted(posQuote))
			}
		}
		if wonBack {
			res.WonBack, res.WonBackAt = true, m.At
			q := r.positive // as read before findThanks, which only a visible message got
			if visible {
				q = r.wonBack
			}
			sig(SignalWonBack, shortQuote(q))
		}
		if visible {
			if r.intends {
				q := shortQuote(r.intent)
				sig(SignalIntent, q)
				reach(Intent, quoted(q))
			}
			if r.recommending {
				q := shortQuote(r.advocacy)
				sig(SignalAdvocacy, q)
				reach(Advocate, quoted(q))
			}
		}

		if target > res.Stage {
			res.Moves = append(res.Moves, Move{From: res.Stage, To: target, At: m.At, Msg: n, Cause: cause})
			res.Stage = target
		}
	}
	res.Unhappy = latest
	return res
}

// quoted wraps q in double quotes as people write them; %q would escape
// the quotes inside.
func quoted(q string) string { return `"` + q + `"` }
