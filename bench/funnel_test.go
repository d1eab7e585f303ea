package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFunnelCmd(t *testing.T) {
	var out bytes.Buffer
	if code := cli(context.Background(), []string{"funnel"}, &out, &out); code != 0 {
		t.Fatalf("exit %d:\n%s", code, out.String())
	}
	for _, want := range []string{"eval.tsv", "holdout.tsv", "holdout2.tsv", "| intent |", "| **unhappy** (parley) |", "plain VADER <= -0.3"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}

	// -tweeteval reads the split files; here two tweets, one negative.
	dir := t.TempDir()
	for name, body := range map[string]string{
		"val_text.txt": "I hate this so much, worst day ever\nLovely weather today\n", "val_labels.txt": "0\n2\n",
		"test_text.txt": "The app crashed and wiped my notes\nok\n", "test_labels.txt": "0\n1\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	out.Reset()
	if code := cli(context.Background(), []string{"funnel", "-tweeteval", dir}, &out, &out); code != 0 {
		t.Fatalf("exit %d:\n%s", code, out.String())
	}
	if !strings.Contains(out.String(), "| val | 2 | 1 | 1.000 | 1.000 | 1.000 |") || !strings.Contains(out.String(), "| test | 2 | 1 | 1.000 | 1.000 | 1.000 | 0.000 |") {
		t.Errorf("TweetEval rows wrong:\n%s", out.String())
	}

	// -vader-gt reads VADER's ground truth files (id, mean rating, text):
	// here one clear complaint and one mild grumble per corpus.
	gt := t.TempDir()
	for _, name := range vaderCorpora {
		body := "1\t-2.9\tThis is the worst, I hate it so much\n2\t-0.4\tmeh\n3\t2.1\tLove it, great work\n"
		if err := os.WriteFile(filepath.Join(gt, name+"_GroundTruth.txt"), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	s4sd := t.TempDir()
	if err := os.WriteFile(filepath.Join(s4sd, "test1326itemPOLARITY.csv"), []byte("t1;negative;This is a terrible idea; it breaks everything\nt2;positive;Excellent, happy to help!\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if code := cli(context.Background(), []string{"funnel", "-vader-gt", gt, "-senti4sd", s4sd}, &out, &out); code != 0 {
		t.Fatalf("exit %d:\n%s", code, out.String())
	}
	for _, want := range []string{
		"| tweets | -1.0 | 3 | 1 | 1.000 | 1.000 | 1.000 |",
		"| nytEditorialSnippets | -1.5 | 3 | 1 |",
		"| senti4sd test | 2 | 1 | 1.000 | 1.000 | 1.000 |",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}

	out.Reset()
	if code := cli(context.Background(), []string{"funnel", "-vader-gt", filepath.Join(gt, "missing")}, &out, &out); code != 1 {
		t.Errorf("missing ground truth dir: exit %d, want 1:\n%s", code, out.String())
	}
	out.Reset()
	if code := cli(context.Background(), []string{"funnel", "-tweeteval", filepath.Join(dir, "missing")}, &out, &out); code != 1 {
		t.Errorf("missing TweetEval dir: exit %d, want 1:\n%s", code, out.String())
	}
	if code := cli(context.Background(), []string{"funnel", "extra"}, &out, &out); code != 2 {
		t.Errorf("extra argument: exit %d, want 2", code)
	}
}
