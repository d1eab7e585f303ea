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
	r := Run(a, func(s string) float64 { return v.PolarityScores(s).Compound }, cases)
	var b strings.Builder
	r.Write(&b, testing.Verbose() && os.Getenv("EVAL_MISSES") != "")
	t.Log("\n" + b.String())
}
