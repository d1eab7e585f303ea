package evalset

import (
	"os"
	"strings"
	"testing"

	"github.com/jonreiter/govader"

	"parley/funnel"
)

func TestEvalSetIsBigAndVaried(t *testing.T) {
	cases, err := Cases()
	if err != nil {
		t.Fatal(err)
	}
	held, err := HoldOut()
	if err != nil {
		t.Fatal(err)
	}
	held2, err := HoldOut2()
	if err != nil {
		t.Fatal(err)
	}
	if len(held) < 60 || len(held2) < 60 {
		t.Errorf("hold-outs: %d and %d cases, want at least 60 each", len(held), len(held2))
	}
	held = append(held, held2...)
	if len(cases) < 300 {
		t.Errorf("%d cases, want at least 300", len(cases))
	}
	count := map[funnel.SignalKind]int{}
	seen := map[string]int{}
	for _, c := range cases {
		for _, k := range c.Signals {
			count[k]++
		}
		if prev, dup := seen[c.Text]; dup {
			t.Errorf("line %d repeats line %d", c.Line, prev)
		}
		seen[c.Text] = c.Line
	}
	for _, c := range held {
		if prev, dup := seen[c.Text]; dup {
			t.Errorf("hold-out line %d repeats line %d", c.Line, prev)
		}
		seen[c.Text] = c.Line
	}
	for _, k := range Kinds {
		if count[k] < 25 {
			t.Errorf("%s: %d cases, want at least 25 to measure it", k, count[k])
		}
	}
}

func TestParseRejectsBadLines(t *testing.T) {
	for _, bad := range []string{
		"intent\tno",               // two columns
		"intent\tmaybe\thow much?", // unhappy not yes/no
		"buying\tno\thow much?",    // unknown signal
		"negative\tno\tI hate it",  // the two columns disagree
		"none\tyes\tI hate it",     // likewise
		"none\tno\t   ",            // no text
	} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted it", bad)
		}
	}
	cases, err := Parse("# comment\n\nintent,positive\tno\tLove it.\\nHow much?\n")
	if err != nil || len(cases) != 1 || cases[0].Text != "Love it.\nHow much?" || len(cases[0].Signals) != 2 || cases[0].Line != 3 {
		t.Errorf("Parse = %+v, %v", cases, err)
	}
}

func TestScore(t *testing.T) {
	var s Score
	for _, d := range [][2]bool{{true, true}, {true, true}, {true, false}, {false, true}, {false, false}} {
		s.Add(d[0], d[1])
	}
	if s.Precision() != 2.0/3 || s.Recall() != 2.0/3 || s.F1() != 2.0/3 || s.TN != 1 {
		t.Errorf("%+v: P %v R %v F1 %v", s, s.Precision(), s.Recall(), s.F1())
	}
	if (Score{}).F1() != 0 {
		t.Error("F1 of nothing is not 0")
	}
}

// TestEvalReport prints the report (go test -v) and holds the figures the
// rules reached, so a change that loses quality fails here.
func TestEvalReport(t *testing.T) {
	cases, err := Cases()
	if err != nil {
		t.Fatal(err)
	}
	a, err := funnel.NewAnalyzer(funnel.Config{})
	if err != nil {
		t.Fatal(err)
	}
	v := govader.NewSentimentIntensityAnalyzer()
	vader := func(s string) float64 { return v.PolarityScores(s).Compound }
	r := Run(a, vader, "eval.tsv", cases)
	var b strings.Builder
	r.Write(&b, testing.Verbose() && os.Getenv("EVAL_MISSES") != "")
	t.Log("\n" + b.String())

	// Before the complaint rules (commit 25bbdae) parley's unhappy had
	// precision 0.955, recall 0.529, F1 0.681 here; issue 13 asks for F1
	// 0.75 or more without losing precision.
	if p, f := r.Unhappy.Precision(), r.Unhappy.F1(); p < 0.955 || f < 0.85 {
		t.Errorf("unhappy: precision %.3f (want >= 0.955), F1 %.3f (want >= 0.85)", p, f)
	}
	if r.Unhappy.F1() < r.VADER.F1()+0.2 {
		t.Errorf("unhappy F1 %.3f is not clearly above plain VADER's %.3f", r.Unhappy.F1(), r.VADER.F1())
	}
	// The other signals as they were reached (before: intent 0.875,
	// advocacy 0.642, thanks 0.958, positive 0.622).
	for kind, least := range map[funnel.SignalKind]float64{
		funnel.SignalIntent: 0.90, funnel.SignalAdvocacy: 0.80, funnel.SignalThanks: 0.95, funnel.SignalPositive: 0.74,
	} {
		if f := r.Signals[kind].F1(); f < least {
			t.Errorf("%s: F1 %.3f, want >= %.3f", kind, f, least)
		}
	}
}

// TestVoteBeatsRulesOnHoldOuts: on the hold-outs (which the model never
// trained on), the vote of the rules and the model is at least as precise
// as the rules alone and finds more. (Figures at the model's arrival:
// hold-out 1 rules P 0.960 F1 0.857, vote P 0.962 F1 0.877; hold-out 2
// rules P 0.923 F1 0.649, vote P 1.000 F1 0.667.)
func TestVoteBeatsRulesOnHoldOuts(t *testing.T) {
	a, err := funnel.NewAnalyzer(funnel.Config{})
	if err != nil {
		t.Fatal(err)
	}
	v := govader.NewSentimentIntensityAnalyzer()
	vader := func(s string) float64 { return v.PolarityScores(s).Compound }
	for name, load := range map[string]func() ([]Case, error){"holdout.tsv": HoldOut, "holdout2.tsv": HoldOut2} {
		cases, err := load()
		if err != nil {
			t.Fatal(err)
		}
		r := Run(a, vader, name, cases)
		if r.Unhappy.Precision() < r.Rules.Precision() || r.Unhappy.F1() <= r.Rules.F1() {
			t.Errorf("%s: vote P %.3f F1 %.3f, rules alone P %.3f F1 %.3f: want no less precise and a higher F1",
				name, r.Unhappy.Precision(), r.Unhappy.F1(), r.Rules.Precision(), r.Rules.F1())
		}
		if r.Model.TP+r.Model.FP == 0 {
			t.Errorf("%s: the model alone found nothing", name)
		}
	}
}

// BenchmarkAnalyzeEvalSet reads the whole set, one Analyze per message, as
// an ingest of new conversations does: the cost of the rules on real text.
func BenchmarkAnalyzeEvalSet(b *testing.B) {
	cases, err := Cases()
	if err != nil {
		b.Fatal(err)
	}
	a, err := funnel.NewAnalyzer(funnel.Config{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range cases {
			a.Analyze([]funnel.Message{{Text: c.Text}}, funnel.State{})
		}
	}
}
