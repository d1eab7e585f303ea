// Command train makes funnel/model/weights.bin: logistic regression, by
// AdaGrad, over model.Features of GoEmotions' Reddit comments, a comment
// being unhappy when its raters' emotions fall in the "negative" group
// (anger, annoyance, disappointment, disapproval, disgust, embarrassment,
// fear, grief, nervousness, remorse, sadness).
//
//	go run ./funnel/model/train -data DIR -out funnel/model/weights.bin
//
// DIR holds GoEmotions' sentiment-grouped split (train.tsv, dev.tsv: text,
// comma-separated label ids, comment id; label 1 = negative), as published
// in github.com/monologg/GoEmotions-pytorch data/group (Apache-2.0, from
// google-research/goemotions). Training is deterministic (fixed seed).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"parley/funnel/evalset"
	"parley/funnel/model"
)

type example struct {
	feats []uint32
	neg   bool
}

func main() {
	data := flag.String("data", "", "directory with GoEmotions' train.tsv, dev.tsv and labels.txt (the 28-label split)")
	flag.StringVar(&unhappyEmotions, "emotions", unhappyEmotions, "GoEmotions labels that count as unhappy")
	out := flag.String("out", "", "weights file to write (none: only report)")
	epochs := flag.Int("epochs", 6, "passes over the training set")
	l2 := flag.Float64("l2", 1e-6, "L2 penalty per update")
	rate := flag.Float64("rate", 0.2, "AdaGrad learning rate")
	flag.StringVar(&kotziasDir, "kotzias", "", "directory with Kotzias et al.'s sentiment labelled sentences (*_labelled.txt): train on them too")
	flag.IntVar(&kotziasRepeat, "kotzias-repeat", 4, "how many times each Kotzias sentence counts")
	flag.IntVar(&evalRepeat, "eval-repeat", 0, "how many times each message of funnel/evalset's eval.tsv (the tuning set, never the hold-outs) counts")
	flag.StringVar(&senti4sdDir, "senti4sd", "", "directory with Senti4SD's train3098itemPOLARITY.csv (Stack Overflow posts): train on them too")
	flag.IntVar(&senti4sdRepeat, "senti4sd-repeat", 3, "how many times each Senti4SD post counts")
	gt := flag.String("gt", "", "directory with VADER's *_GroundTruth.txt: report on them (a test set, never trained on)")
	flag.Parse()
	if err := run(*data, *out, *epochs, *l2, *rate, *gt); err != nil {
		fmt.Fprintln(os.Stderr, "train:", err)
		os.Exit(1)
	}
}

func run(data, out string, epochs int, l2, rate float64, gt string) error {
	train, err := load(filepath.Join(data, "train.tsv"))
	if err != nil {
		return err
	}
	dev, err := load(filepath.Join(data, "dev.tsv"))
	if err != nil {
		return err
	}
	if kotziasDir != "" {
		k, err := loadKotzias(kotziasDir)
		if err != nil {
			return err
		}
		for range kotziasRepeat {
			train = append(train, k...)
		}
	}
	if senti4sdDir != "" {
		posts, err := loadSenti4SD(filepath.Join(senti4sdDir, "train3098itemPOLARITY.csv"))
		if err != nil {
			return err
		}
		for range senti4sdRepeat {
			train = append(train, posts...)
		}
	}
	if evalRepeat > 0 {
		cases, err := evalset.Cases()
		if err != nil {
			return err
		}
		for _, c := range cases {
			e := example{neg: c.Unhappy}
			model.Features(c.Text, func(b uint32) { e.feats = append(e.feats, b) })
			for range evalRepeat {
				train = append(train, e)
			}
		}
	}
	m := fit(train, epochs, l2, rate)
	if out != "" {
		b := m.Encode()
		if m, err = model.Decode(b); err != nil { // report what ships: quantised
			return err
		}
		if err := os.WriteFile(out, b, 0o644); err != nil {
			return err
		}
	}
	for _, cut := range []float64{0.5, 0.6, 0.7, 0.8} {
		var tp, fp, fn int
		for _, e := range dev {
			p := prob(m, e.feats) >= cut
			switch {
			case p && e.neg:
				tp++
			case p:
				fp++
			case e.neg:
				fn++
			}
		}
		pr, re := float64(tp)/float64(tp+fp), float64(tp)/float64(tp+fn)
		fmt.Printf("dev (%d comments) p>=%.1f: precision %.3f recall %.3f F1 %.3f\n", len(dev), cut, pr, re, 2*pr*re/(pr+re))
	}
	if gt != "" {
		return evalGT(gt, m)
	}
	return nil
}

// unhappyEmotions are the GoEmotions labels that make a comment unhappy.
// Not remorse, embarrassment, nervousness or fear: "So sorry!" and "I'm
// nervous about the launch" are not a displeased customer.
var unhappyEmotions = "anger,annoyance,disappointment,disapproval,disgust,sadness,grief"

// load reads a GoEmotions split: text, comma-separated label ids, id. The
// ids index labels.txt in the same directory.
func load(path string) ([]example, error) {
	names, err := os.ReadFile(filepath.Join(filepath.Dir(path), "labels.txt"))
	if err != nil {
		return nil, err
	}
	unhappy := map[string]bool{}
	for i, name := range strings.Fields(string(names)) {
		if strings.Contains(","+unhappyEmotions+",", ","+name+",") {
			unhappy[fmt.Sprint(i)] = true
		}
	}
	if len(unhappy) == 0 {
		return nil, fmt.Errorf("%s: none of %s", filepath.Join(filepath.Dir(path), "labels.txt"), unhappyEmotions)
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
		e := example{}
		for _, l := range strings.Split(cols[1], ",") {
			e.neg = e.neg || unhappy[l]
		}
		model.Features(cols[0], func(b uint32) { e.feats = append(e.feats, b) })
		exs = append(exs, e)
	}
	return exs, sc.Err()
}

func prob(m *model.Model, feats []uint32) float64 {
	z := float64(m.Bias)
	for _, b := range feats {
		z += float64(m.Weights[b])
	}
	return 1 / (1 + math.Exp(-z))
}

// fit trains by AdaGrad on the logistic loss, lazily applying L2.
func fit(exs []example, epochs int, l2, rate float64) *model.Model {
	m := &model.Model{Weights: make([]float32, 1<<model.Bits)}
	g2 := make([]float64, len(m.Weights))
	var biasG2 float64
	rng := rand.New(rand.NewPCG(1, 2))
	order := rng.Perm(len(exs))
	for ep := 0; ep < epochs; ep++ {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			e := exs[i]
			y := 0.0
			if e.neg {
				y = 1
			}
			g := prob(m, e.feats) - y
			biasG2 += g * g
			m.Bias -= float32(rate * g / math.Sqrt(biasG2+1e-8))
			for _, b := range e.feats {
				w := float64(m.Weights[b])
				gb := g + l2*w
				g2[b] += gb * gb
				m.Weights[b] = float32(w - rate*gb/math.Sqrt(g2[b]+1e-8))
			}
		}
	}
	return m
}

var (
	senti4sdDir    string
	senti4sdRepeat int
	evalRepeat     int
	kotziasDir     string
	kotziasRepeat  int
)

// loadKotzias reads sentence<TAB>label lines (0 negative, 1 positive),
// skipping lines that are not English review sentences (copies of the set
// found online carry others).
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
			if !ok || (label != "0" && label != "1") || !latin(text) || len(strings.Fields(text)) < 3 {
				continue
			}
			e := example{neg: label == "0"}
			model.Features(text, func(b uint32) { e.feats = append(e.feats, b) })
			exs = append(exs, e)
		}
	}
	return exs, nil
}

func latin(s string) bool {
	for _, r := range s {
		if r > 0xff {
			return false
		}
	}
	return true
}

// loadSenti4SD reads id;polarity;text lines (positive, negative, neutral).
func loadSenti4SD(path string) ([]example, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var exs []example
	for _, line := range strings.Split(string(b), "\n") {
		cols := strings.SplitN(strings.TrimRight(line, "\r"), ";", 3)
		if len(cols) != 3 {
			continue
		}
		e := example{neg: cols[1] == "negative"}
		model.Features(cols[2], func(b uint32) { e.feats = append(e.feats, b) })
		exs = append(exs, e)
	}
	return exs, nil
}
