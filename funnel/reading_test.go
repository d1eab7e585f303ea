package funnel

import (
	"fmt"
	"reflect"
	"sync"
	"testing"
)

// analyzeReference is Analyze as it was before Reading: each message read
// when needed, its sentences scored lazily along the way. (Unhappy is the
// vote of the score and the model, as in unhappy.go, since the model came.)
func (a *Analyzer) analyzeReference(msgs []Message, st State) Result {
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
		d := a.read(m.Text)
		score := a.docScore(d)
		voted := unhappyVote(score, a.modelVote(d))
		res.Mood, latest = score, voted
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
			sig(SignalDialogue, referenceFirstQuote(d))
		}
		if visible && replied {
			reach(Engaged, "answered our reply")
		}

		positive := score >= PositiveAt && !voted
		wonBack := positive && unhappy && answered
		switch {
		case voted:
			sig(SignalNegative, shortQuote(a.extremeText(d, -1)))
			unhappy, answered = true, false
		case positive:
			unhappy, answered = false, false
		}
		if visible {
			var posQuote string
			if positive {
				posQuote = shortQuote(a.extremeText(d, 1))
				sig(SignalPositive, posQuote)
			}
			s, thanks := a.findThanks(d)
			if thanks {
				sig(SignalThanks, shortQuote(s.text))
			}
			switch {
			case !replied: // trusting needs a dialogue
			case thanks: // says more than a positive tone
				reach(Trusting, "thanked us")
			case wonBack:
				reach(Trusting, "won back, "+quoted(posQuote))
			case positive:
				reach(Trusting, "positive, "+quoted(posQuote))
			}
		}
		if wonBack {
			res.WonBack, res.WonBackAt = true, m.At
			sig(SignalWonBack, shortQuote(a.extremeText(d, 1)))
		}
		if visible {
			if s, ok := a.findIntent(d); ok {
				q := shortQuote(s.text)
				sig(SignalIntent, q)
				reach(Intent, quoted(q))
			}
			if s, ok := a.findAdvocacy(d); ok {
				q := shortQuote(s.text)
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

func referenceFirstQuote(d *doc) string {
	if len(d.sents) > 0 {
		return shortQuote(d.sents[0].text)
	}
	return shortQuote(d.text)
}

// corpusThreads are threads made of the funnel tests' strings: each alone,
// and runs of them with our replies between, from several states.
func corpusThreads(t *testing.T) [][]Message {
	corpus := testCorpus(t)
	out := [][]Message{benchThread()}
	// Won back where findThanks changes which sentence is quoted.
	for _, won := range []string{"The new version is good. Thanks, that fixed it!", "That worked, thank you so much! You saved my deadline."} {
		out = append(out, thread("Sync lost my chapter and I am furious.", "us: So sorry! It is in Trash.", won, "Ok."))
	}
	for i, s := range corpus {
		out = append(out, thread(s))
		if i+3 < len(corpus) {
			out = append(out, thread(s, "us: "+corpus[i+1], corpus[i+2], corpus[i+3]))
		}
	}
	return out
}

// TestReadingGivesWhatAnalyzeReads: Analyze, with readings made ahead on
// other goroutines (used more than once) or without, finds exactly what
// it found before readings, when it read each message as it went.
func TestReadingGivesWhatAnalyzeReads(t *testing.T) {
	a := mustAnalyzer(t, Config{Competitors: []string{"Scrivener"}})
	threads := corpusThreads(t)
	states := []State{{}, {Stage: Engaged}, {Stage: Trusting, Since: at(2)}, {Since: at(4)}}

	read := make([][]Message, len(threads))
	var wg sync.WaitGroup
	for i, th := range threads {
		read[i] = make([]Message, len(th))
		copy(read[i], th)
		wg.Go(func() {
			for j := range read[i] {
				read[i][j].Reading = a.Read(read[i][j].Text)
			}
		})
	}
	wg.Wait()

	for i, th := range threads {
		for _, st := range states {
			want := a.analyzeReference(th, st)
			if got := a.Analyze(th, st); !reflect.DeepEqual(got, want) {
				t.Fatalf("thread %q from %+v:\n Analyze   %+v\n reference %+v", th[0].Text, st, got, want)
			}
			for range 2 { // a reading is not changed by use
				if got := a.Analyze(read[i], st); !reflect.DeepEqual(got, want) {
					t.Fatalf("thread %q from %+v:\n with readings %+v\n without      %+v", th[0].Text, st, got, want)
				}
			}
		}
	}
	// A reading of other words is not used.
	msgs := thread("Thanks, you are amazing!")
	msgs[0].Reading = a.Read("This is broken and I want a refund.")
	if got, want := a.Analyze(msgs, State{}), a.Analyze(thread("Thanks, you are amazing!"), State{}); !reflect.DeepEqual(got, want) {
		t.Errorf("reading of another text used: %+v, want %+v", got, want)
	}
}
