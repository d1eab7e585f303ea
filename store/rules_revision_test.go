package store

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"parley/funnel"
	"parley/funnel/evalset"
)

var updateRevision = flag.Bool("update-revision", false, "record the funnel fingerprint of analyzerRevision in testdata/analyzer-revision.txt")

// A database re-reads its conversations when the rules version changes,
// and the version carries analyzerRevision, which is set by hand. A change
// to how funnel reads messages (rules, model, thresholds) without a new
// revision would leave every stored stage as the older rules set it, for
// ever. This fingerprints funnel's reading of every labelled message of
// the evaluation sets and fails when it changed under the same revision.
func TestAnalyzerRevisionFollowsTheRules(t *testing.T) {
	an, err := funnel.NewAnalyzer(funnel.Config{})
	mustNil(t, err)
	var cases []evalset.Case
	for _, set := range []func() ([]evalset.Case, error){evalset.Cases, evalset.HoldOut, evalset.HoldOut2} {
		c, err := set()
		mustNil(t, err)
		cases = append(cases, c...)
	}
	if len(cases) < 300 {
		t.Fatalf("%d labelled messages, want the evaluation sets (300 or more)", len(cases))
	}
	h := sha256.New()
	for _, c := range cases {
		res := an.Analyze([]funnel.Message{{Text: c.Text}}, funnel.State{})
		var kinds []string
		for _, s := range res.Signals {
			kinds = append(kinds, fmt.Sprint(s.Kind))
		}
		slices.Sort(kinds)
		fmt.Fprintf(h, "%s\x00%v\x00%.3f\x00%s\n", res.Stage, res.Unhappy, res.Mood, strings.Join(kinds, ","))
	}
	got := analyzerRevision + " " + hex.EncodeToString(h.Sum(nil))[:16]

	path := filepath.Join("testdata", "analyzer-revision.txt")
	if *updateRevision {
		mustNil(t, os.WriteFile(path, []byte(got+"\n"), 0o644))
	}
	data, err := os.ReadFile(path)
	mustNil(t, err)
	wantRev, wantSum, _ := strings.Cut(strings.TrimSpace(string(data)), " ")
	_, gotSum, _ := strings.Cut(got, " ")
	switch {
	case wantRev == analyzerRevision && wantSum != gotSum:
		t.Fatalf("funnel reads the evaluation messages differently from when analyzerRevision %q was recorded:\n"+
			"set a new analyzerRevision in store/rules.go (every database then re-reads its conversations on start),\n"+
			"then record it: go test ./store -run TestAnalyzerRevisionFollowsTheRules -update-revision", analyzerRevision)
	case wantRev != analyzerRevision:
		t.Fatalf("analyzerRevision is %q, %s records %q: record the new one with\n"+
			"go test ./store -run TestAnalyzerRevisionFollowsTheRules -update-revision", analyzerRevision, path, wantRev)
	}
}
