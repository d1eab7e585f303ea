// Package evalset measures how well funnel's signals read real community
// messages: an embedded, hand-labelled set (testdata/eval.tsv), precision,
// recall and F1 per signal and for the unhappy flag, plain VADER's unhappy
// at the same threshold as the baseline, and each voter of the flag alone
// (the rules' score, the trained model). `go run ./bench funnel` prints the
// report; TestEvalReport holds the figures. The model trained on eval.tsv
// (never on the hold-outs): its figures there are training figures.
package evalset

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"

	"parley/funnel"
)

var (
	//go:embed testdata/eval.tsv
	evalTSV string
	//go:embed testdata/holdout.tsv
	holdoutTSV string
	//go:embed testdata/holdout2.tsv
	holdout2TSV string
)

// Kinds are the signals a message carries on its own, as the set labels
// them (dialogue and won back need a thread).
var Kinds = []funnel.SignalKind{
	funnel.SignalIntent, funnel.SignalAdvocacy, funnel.SignalThanks,
	funnel.SignalPositive, funnel.SignalNegative,
}

// Case is one labelled message.
type Case struct {
	Line    int // in eval.tsv
	Text    string
	Signals []funnel.SignalKind // what it carries; empty: none
	Unhappy bool
}

// Cases returns the embedded evaluation set, the one the rules were tuned on.
func Cases() ([]Case, error) { return Parse(evalTSV) }

// HoldOut returns the embedded hold-out set: written after the rules and
// never used to tune them, it says how they do on messages they were not
// shaped on.
func HoldOut() ([]Case, error) { return Parse(holdoutTSV) }

// HoldOut2 returns the second hold-out set, written before the rules made
// after HoldOut was measured.
func HoldOut2() ([]Case, error) { return Parse(holdout2TSV) }

// Parse reads the eval.tsv format: "# comment" lines, else
// signals<TAB>unhappy<TAB>text, with "\n" in text for a line break.
func Parse(tsv string) ([]Case, error) {
	var cases []Case
	for i, line := range strings.Split(tsv, "\n") {
		n := i + 1
		line = strings.TrimRight(line, "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 3 {
			return nil, fmt.Errorf("eval.tsv:%d: %d columns, want 3 (signals, unhappy, text)", n, len(cols))
		}
		c := Case{Line: n, Text: strings.ReplaceAll(cols[2], `\n`, "\n")}
		switch cols[1] {
		case "yes":
			c.Unhappy = true
		case "no":
		default:
			return nil, fmt.Errorf("eval.tsv:%d: unhappy %q, want yes or no", n, cols[1])
		}
		if cols[0] != "none" {
			for _, k := range strings.Split(cols[0], ",") {
				kind := funnel.SignalKind(strings.TrimSpace(k))
				if !slices.Contains(Kinds, kind) {
					return nil, fmt.Errorf("eval.tsv:%d: signal %q, want none or some of %v", n, k, Kinds)
				}
				c.Signals = append(c.Signals, kind)
			}
		}
		// One judgement, written twice: keep the two columns honest.
		if c.Unhappy != slices.Contains(c.Signals, funnel.SignalNegative) {
			return nil, fmt.Errorf("eval.tsv:%d: unhappy %s but negative signal %v", n, cols[1], !c.Unhappy)
		}
		if strings.TrimSpace(c.Text) == "" {
			return nil, fmt.Errorf("eval.tsv:%d: empty text", n)
		}
		cases = append(cases, c)
	}
	return cases, nil
}

// Score counts one binary decision over a set.
type Score struct{ TP, FP, FN, TN int }

// Add counts one decision.
func (s *Score) Add(predicted, truth bool) {
	switch {
	case predicted && truth:
		s.TP++
	case predicted:
		s.FP++
	case truth:
		s.FN++
	default:
		s.TN++
	}
}

// Precision is TP/(TP+FP), 0 when nothing was predicted.
func (s Score) Precision() float64 { return ratio(s.TP, s.TP+s.FP) }

// Recall is TP/(TP+FN), 0 when nothing was to be found.
func (s Score) Recall() float64 { return ratio(s.TP, s.TP+s.FN) }

// F1 is the harmonic mean of precision and recall.
func (s Score) F1() float64 {
	p, r := s.Precision(), s.Recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Miss is a case where parley and the label disagree.
type Miss struct {
	Case
	Got   []funnel.SignalKind
	Mood  float64
	Wrong []string // "+intent" (found, not labelled), "-advocacy" (labelled, not found)
}

// Report is the evaluation of one Analyzer on a set.
type Report struct {
	Name    string // of the set, for the title: "eval.tsv"
	N       int
	Signals map[funnel.SignalKind]Score
	Unhappy Score // Result.Unhappy of the message alone
	VADER   Score // plain VADER (govader) compound <= funnel.UnhappyAt
	// The two voters of Unhappy alone: the rules' score (VADER, corrected)
	// <= funnel.UnhappyAt, and the trained model's probability >= 0.5.
	Rules, Model Score
	Misses       []Miss
}

// Run reads every case as the first message of a thread, as a new
// conversation arrives, and scores what Analyze says against the labels.
// vader is plain VADER's compound score, the baseline.
func Run(a *funnel.Analyzer, vader func(string) float64, name string, cases []Case) Report {
	r := Report{Name: name, N: len(cases), Signals: map[funnel.SignalKind]Score{}}
	for _, c := range cases {
		res := a.Analyze([]funnel.Message{{Text: c.Text}}, funnel.State{})
		var got []funnel.SignalKind
		for _, s := range res.Signals {
			if !slices.Contains(got, s.Kind) {
				got = append(got, s.Kind)
			}
		}
		var wrong []string
		for _, k := range Kinds {
			sc := r.Signals[k]
			found, want := slices.Contains(got, k), slices.Contains(c.Signals, k)
			sc.Add(found, want)
			r.Signals[k] = sc
			switch {
			case found && !want:
				wrong = append(wrong, "+"+string(k))
			case want && !found:
				wrong = append(wrong, "-"+string(k))
			}
		}
		r.Unhappy.Add(res.Unhappy, c.Unhappy)
		r.VADER.Add(vader(c.Text) <= funnel.UnhappyAt, c.Unhappy)
		r.Rules.Add(a.Sentiment(c.Text) <= funnel.UnhappyAt, c.Unhappy)
		r.Model.Add(funnel.UnhappyProb(c.Text) >= 0.5, c.Unhappy)
		if len(wrong) > 0 {
			r.Misses = append(r.Misses, Miss{Case: c, Got: got, Mood: res.Mood, Wrong: wrong})
		}
	}
	return r
}

// Write prints the report as a Markdown table; with misses, every
// disagreement follows it.
func (r Report) Write(w interface{ Write([]byte) (int, error) }, misses bool) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	p("Funnel signals on %d hand-labelled community messages (funnel/evalset/testdata/%s):\n\n", r.N, r.Name)
	p("| signal | labelled | found | precision | recall | F1 |\n|---|--:|--:|--:|--:|--:|\n")
	row := func(name string, s Score) {
		p("| %s | %d | %d | %.3f | %.3f | %.3f |\n", name, s.TP+s.FN, s.TP+s.FP, s.Precision(), s.Recall(), s.F1())
	}
	for _, k := range Kinds {
		row(string(k), r.Signals[k])
	}
	row("**unhappy** (parley)", r.Unhappy)
	row(fmt.Sprintf("unhappy, plain VADER <= %.1f (baseline)", funnel.UnhappyAt), r.VADER)
	row(fmt.Sprintf("unhappy, rules alone (score <= %.1f)", funnel.UnhappyAt), r.Rules)
	row("unhappy, model alone (p >= 0.5)", r.Model)
	if !misses {
		return
	}
	p("\n%d messages with a wrong signal (+ found, not labelled; - labelled, not found):\n", len(r.Misses))
	for _, m := range r.Misses {
		p("  line %d %v mood %+.2f: %q\n", m.Line, m.Wrong, m.Mood, m.Text)
	}
}

// Voters scores, against outside labels (truth[i]: text i is clearly
// negative), plain VADER, each voter of parley's unhappy flag alone (the
// rules' score, the model) and the flag.
func Voters(a *funnel.Analyzer, vader func(string) float64, texts []string, truth []bool) (plain, rules, model, parley Score) {
	for i, t := range texts {
		plain.Add(vader(t) <= funnel.UnhappyAt, truth[i])
		rules.Add(a.Sentiment(t) <= funnel.UnhappyAt, truth[i])
		model.Add(funnel.UnhappyProb(t) >= 0.5, truth[i])
		parley.Add(a.Analyze([]funnel.Message{{Text: t}}, funnel.State{}).Unhappy, truth[i])
	}
	return plain, rules, model, parley
}

// Unhappy scores the unhappy flag of parley and of plain VADER against
// outside labels (truth[i]: text i is clearly negative), such as TweetEval's
// sentiment split, to check the flag beyond this set.
func Unhappy(a *funnel.Analyzer, vader func(string) float64, texts []string, truth []bool) (parley, plain Score) {
	for i, t := range texts {
		parley.Add(a.Analyze([]funnel.Message{{Text: t}}, funnel.State{}).Unhappy, truth[i])
		plain.Add(vader(t) <= funnel.UnhappyAt, truth[i])
	}
	return parley, plain
}
