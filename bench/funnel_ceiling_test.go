package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The ceiling separates what the signals separate: one clearly negative
// text among three, the lexicon reads it, so the ceiling is perfect; the
// same words rated clearly negative once and neutral once are out of reach.
func TestFunnelCeiling(t *testing.T) {
	gt := t.TempDir()
	for _, name := range vaderCorpora {
		body := "1\t-2.9\tThis is the worst, I hate it so much\n2\t-0.4\tmeh\n3\t2.1\tLove it, great work\n"
		if name == "nytEditorialSnippets" {
			body += "4\t-2.5\tThe committee met on Tuesday\n5\t0.1\tThe committee met on Tuesday\n"
		}
		if err := os.WriteFile(filepath.Join(gt, name+"_GroundTruth.txt"), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	if code := cli(context.Background(), []string{"funnel", "-vader-gt", gt, "-ceiling"}, &out, &out); code != 0 {
		t.Fatalf("exit %d:\n%s", code, out.String())
	}
	for _, want := range []string{
		"| tweets | 3 | 1 | 1.000 | 1.000 | 1.000 |",
		"| nytEditorialSnippets | 5 | 2 |",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "| nytEditorialSnippets | 5 | 2 | 1.000 | 1.000 | 1.000 |") {
		t.Errorf("a neutral sentence rated negative is within the ceiling:\n%s", out.String())
	}
}
