package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/jonreiter/govader"

	"parley/funnel"
	"parley/funnel/evalset"
)

// funnelCmd prints the quality of the funnel's signals on the embedded
// evaluation set (funnel/evalset), and optionally the unhappy flag on
// TweetEval's sentiment split, against plain VADER at the same threshold.
func funnelCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("funnel", flag.ContinueOnError)
	fs.SetOutput(stderr)
	misses := fs.Bool("misses", false, "list every message where a signal disagrees with its label")
	tweetEval := fs.String("tweeteval", "", "a directory with TweetEval sentiment files (val_text.txt, val_labels.txt, test_…): also score unhappy on them (label 0 = negative)")
	vaderGT := fs.String("vader-gt", "", "a directory with VADER's *_GroundTruth.txt (hutto_ICWSM_2014): also score unhappy on them")
	ceiling := fs.Bool("ceiling", false, "with -vader-gt: also print the best F1 any vote of score and model could reach on each set, fitted on the set itself (an upper bound)")
	senti4sd := fs.String("senti4sd", "", "a directory with Senti4SD's test1326itemPOLARITY.csv: also score unhappy on it")
	if err := parse(fs, args); err != nil {
		return err
	}
	cases, err := evalset.Cases()
	if err != nil {
		return err
	}
	a, err := funnel.NewAnalyzer(funnel.Config{})
	if err != nil {
		return err
	}
	v := govader.NewSentimentIntensityAnalyzer()
	vader := func(s string) float64 { return v.PolarityScores(s).Compound }
	held, err := evalset.HoldOut()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Command: `go run ./bench funnel` (from the repository root)\n\n")
	evalset.Run(a, vader, "eval.tsv", cases).Write(stdout, *misses)
	held2, err := evalset.HoldOut2()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nHold-out 1, written after the first rules; the rules after commit 846f5f4 saw its misses:\n\n")
	evalset.Run(a, vader, "holdout.tsv", held).Write(stdout, *misses)
	fmt.Fprintf(stdout, "\nHold-out 2, written at commit 846f5f4 and never looked at message by message:\n\n")
	evalset.Run(a, vader, "holdout2.tsv", held2).Write(stdout, false)
	if *vaderGT != "" {
		if err := ratedReport(stdout, a, vader, *vaderGT); err != nil {
			return err
		}
		if *ceiling {
			if err := ceilingReport(stdout, a, *vaderGT); err != nil {
				return err
			}
		}
	}
	if *senti4sd != "" {
		if err := senti4sdReport(stdout, a, vader, *senti4sd); err != nil {
			return err
		}
	}
	if *tweetEval == "" {
		return nil
	}
	fmt.Fprintf(stdout, "\nUnhappy on TweetEval sentiment (negative = label 0):\n\n| split | tweets | negative | parley P | R | F1 | plain VADER P | R | F1 |\n|---|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, split := range []string{"val", "test"} {
		texts, err := readLines(filepath.Join(*tweetEval, split+"_text.txt"))
		if err != nil {
			return err
		}
		labels, err := readLines(filepath.Join(*tweetEval, split+"_labels.txt"))
		if err != nil {
			return err
		}
		if len(texts) != len(labels) {
			return fmt.Errorf("tweeteval %s: %d texts, %d labels", split, len(texts), len(labels))
		}
		truth := make([]bool, len(labels))
		neg := 0
		for i, l := range labels {
			truth[i] = l == "0"
			if truth[i] {
				neg++
			}
		}
		p, b := evalset.Unhappy(a, vader, texts, truth)
		fmt.Fprintf(stdout, "| %s | %d | %d | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |\n", split, len(texts), neg,
			p.Precision(), p.Recall(), p.F1(), b.Precision(), b.Recall(), b.F1())
	}
	return nil
}

func readLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines, sc.Err()
}
