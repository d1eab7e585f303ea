package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// unhappyEmotions are the GoEmotions labels that make a comment unhappy.
// Not remorse, embarrassment, nervousness or fear: "So sorry!" and "I'm
// nervous about the launch" are not a displeased customer.
var unhappyEmotions = "anger,annoyance,disappointment,disapproval,disgust,sadness,grief"

// mildEmotions (none by default) are labels of a displeased but not clearly
// negative comment ("That is odd."): alone they make the target mildTarget,
// between unhappy (1) and not (0), a graded target for a model that should
// learn how strongly a text leans. Use with -emotions set to the clear ones.
var (
	mildEmotions = ""
	mildTarget   = 0.3
)

// clearEmotions make a GoEmotions comment clearly unhappy in the dev split
// that -fit-vote fits on (stack.go), whatever the model trains on: the
// judges' question is "clearly negative", and annoyance or disapproval
// alone is mostly not.
var clearEmotions = "anger,disappointment,disgust,sadness,grief"

// loadGoEmotions reads a GoEmotions split: text, comma-separated label ids,
// comment id. The ids index labels.txt in the same directory.
func loadGoEmotions(path string) ([]example, error) {
	names, err := os.ReadFile(filepath.Join(filepath.Dir(path), "labels.txt"))
	if err != nil {
		return nil, err
	}
	unhappy, mild, clear := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for i, name := range strings.Fields(string(names)) {
		if strings.Contains(","+clearEmotions+",", ","+name+",") {
			clear[fmt.Sprint(i)] = true
		}
		if strings.Contains(","+unhappyEmotions+",", ","+name+",") {
			unhappy[fmt.Sprint(i)] = true
		}
		if strings.Contains(","+mildEmotions+",", ","+name+",") {
			mild[fmt.Sprint(i)] = true
		}
	}
	if len(unhappy) == 0 {
		return nil, fmt.Errorf("%s names none of %s", filepath.Join(filepath.Dir(path), "labels.txt"), unhappyEmotions)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var exs []example
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 2 {
			continue
		}
		neg, displeased, clearly := false, false, false
		for _, l := range strings.Split(cols[1], ",") {
			neg = neg || unhappy[l]
			displeased = displeased || mild[l]
			clearly = clearly || clear[l]
		}
		e := featurize(cols[0], neg)
		e.clear = clearly
		if !neg && displeased {
			e.y = mildTarget
		}
		exs = append(exs, e)
	}
	return exs, sc.Err()
}

// loadKotzias reads sentence<TAB>label lines (0 negative, 1 positive) of
// the three files, skipping lines that are not English review sentences
// (the copy found online has chat lines in Vietnamese added, labelled 0-2).
func loadKotzias(dir string) ([]example, error) {
	var exs []example
	for _, name := range []string{"amazon_cells_labelled.txt", "imdb_labelled.txt", "yelp_labelled.txt"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		for _, line := range strings.Split(string(b), "\n") {
			text, label, ok := strings.Cut(strings.TrimRight(line, "\r"), "\t")
			label = strings.TrimSpace(label)
			if !ok || (label != "0" && label != "1") || !latin1(text) || len(strings.Fields(text)) < 3 {
				continue
			}
			exs = append(exs, featurize(text, label == "0"))
		}
	}
	return exs, nil
}

func latin1(s string) bool {
	for _, r := range s {
		if r > 0xff {
			return false
		}
	}
	return true
}

// loadSenti4SD reads id;polarity;text lines (positive, negative, neutral)
// of the train partition.
func loadSenti4SD(dir string) ([]example, error) {
	b, err := os.ReadFile(filepath.Join(dir, "train3098itemPOLARITY.csv"))
	if err != nil {
		return nil, err
	}
	var exs []example
	for _, line := range strings.Split(string(b), "\n") {
		cols := strings.SplitN(strings.TrimRight(line, "\r"), ";", 3)
		if len(cols) != 3 {
			continue
		}
		exs = append(exs, featurize(cols[2], cols[1] == "negative"))
	}
	return exs, nil
}
