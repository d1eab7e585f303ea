package main

import (
	"os"
	"path/filepath"
	"testing"
)

// A graded target: a comment with a clear label is 1, one with only a mild
// label is mildTarget, any other 0; the vote's dev label (clear) follows
// clearEmotions whatever the model trains on.
func TestGoEmotionsGradedTarget(t *testing.T) {
	dir := t.TempDir()
	labels := "anger\nannoyance\njoy\nsadness\n"
	rows := "I hate this\t0\ta\n" +
		"That is odd\t1\tb\n" +
		"So happy\t2\tc\n" +
		"Annoyed and sad\t1,3\td\n"
	for name, body := range map[string]string{"labels.txt": labels, "train.tsv": rows} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	defer func(u, m, c string, y float64) {
		unhappyEmotions, mildEmotions, clearEmotions, mildTarget = u, m, c, y
	}(unhappyEmotions, mildEmotions, clearEmotions, mildTarget)
	unhappyEmotions, mildEmotions, clearEmotions, mildTarget = "anger,sadness", "annoyance", "anger", 0.3

	exs, err := loadGoEmotions(filepath.Join(dir, "train.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		y     float64
		clear bool
	}{{1, true}, {0.3, false}, {0, false}, {1, false}}
	if len(exs) != len(want) {
		t.Fatalf("%d examples, want %d", len(exs), len(want))
	}
	for i, w := range want {
		if exs[i].y != w.y || exs[i].clear != w.clear {
			t.Errorf("%q: target %.1f clear %v, want %.1f %v", exs[i].text, exs[i].y, exs[i].clear, w.y, w.clear)
		}
	}

	// Without mild labels (the default) the target is the old 0/1.
	mildEmotions = ""
	exs, err = loadGoEmotions(filepath.Join(dir, "train.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	if exs[1].y != 0 {
		t.Errorf("no mild labels: %q has target %.1f, want 0", exs[1].text, exs[1].y)
	}
}
