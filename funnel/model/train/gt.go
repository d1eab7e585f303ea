package main

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/jonreiter/govader"

	"parley/funnel"
	"parley/funnel/evalset"
	"parley/funnel/model"
)

type rated struct {
	text string
	mean float64
}

func loadGT(path string) ([]rated, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rs []rated
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		cols := strings.SplitN(sc.Text(), "\t", 3)
		if len(cols) != 3 {
			continue
		}
		m, err := strconv.ParseFloat(cols[1], 64)
		if err != nil {
			continue
		}
		rs = append(rs, rated{cols[2], m})
	}
	return rs, sc.Err()
}

type score struct{ tp, fp, fn int }

func (s *score) add(p, t bool) {
	switch {
	case p && t:
		s.tp++
	case p:
		s.fp++
	case t:
		s.fn++
	}
}
func (s score) String() string {
	p, r := float64(s.tp)/float64(s.tp+s.fp), float64(s.tp)/float64(s.tp+s.fn)
	return fmt.Sprintf("P %.3f R %.3f F1 %.3f", p, r, 2*p*r/(p+r))
}

var dump *os.File

func evalGT(dir string, m *model.Model) error {
	if f := os.Getenv("GTDUMP"); f != "" {
		dump, _ = os.Create(f)
	}
	a, err := funnel.NewAnalyzer(funnel.Config{})
	if err != nil {
		return err
	}
	v := govader.NewSentimentIntensityAnalyzer()
	if dump != nil && senti4sdDir != "" {
		b, err := os.ReadFile(filepath.Join(senti4sdDir, "test1326itemPOLARITY.csv"))
		if err != nil {
			return err
		}
		for _, line := range strings.Split(string(b), "\n") {
			cols := strings.SplitN(strings.TrimRight(line, "\r"), ";", 3)
			if len(cols) != 3 {
				continue
			}
			mean := 0.0
			if cols[1] == "negative" {
				mean = -2
			}
			fmt.Fprintf(dump, "s4sd\t%.4f\t%.4f\t%.4f\t%.4f\n", mean, v.PolarityScores(cols[2]).Compound, a.Sentiment(cols[2]), m.Logit(cols[2]))
		}
	}
	if dump != nil {
		for name, load := range map[string]func() ([]evalset.Case, error){"eval": evalset.Cases, "hold1": evalset.HoldOut, "hold2": evalset.HoldOut2} {
			cs, err := load()
			if err != nil {
				return err
			}
			for _, c := range cs {
				mean := 0.0
				if c.Unhappy {
					mean = -2
				}
				fmt.Fprintf(dump, "%s\t%.4f\t%.4f\t%.4f\t%.4f\n", name, mean, v.PolarityScores(c.Text).Compound, a.Sentiment(c.Text), m.Logit(c.Text))
			}
		}
	}
	for _, name := range []string{"tweets", "amazonReviewSnippets", "movieReviewSnippets", "nytEditorialSnippets"} {
		rs, err := loadGT(filepath.Join(dir, name+"_GroundTruth.txt"))
		if err != nil {
			return err
		}
		if dump != nil {
			for _, r := range rs {
				fmt.Fprintf(dump, "%s\t%.4f\t%.4f\t%.4f\t%.4f\n", name, r.mean, v.PolarityScores(r.text).Compound, a.Sentiment(r.text), m.Logit(r.text))
			}
			continue
		}
		for _, cut := range []float64{-0.5, -1, -1.5} {
			var vs, ps, ms, cs score
			betas := []float64{0.5, 1, 1.5, 2}
			ths := []float64{-3, -2, -1.5, -1, -0.5, 0}
			fs := make([][]score, len(betas))
			for i := range fs {
				fs[i] = make([]score, len(ths))
			}
			neg := 0
			for _, r := range rs {
				t := r.mean <= cut
				if t {
					neg++
				}
				vc := v.PolarityScores(r.text).Compound
				pc := a.Sentiment(r.text)
				p := m.Prob(r.text)
				vs.add(vc <= -0.3, t)
				ps.add(pc <= -0.3, t)
				ms.add(p >= 0.5, t)
				cs.add(pc <= -0.3 || p >= 0.5, t)
				for bi, b := range betas {
					for ti, th := range ths {
						fs[bi][ti].add(valence(pc)+b*(m.Logit(r.text)) <= th, t)
					}
				}
			}
			fmt.Printf("%-22s n=%d cut %.1f neg %d | vader %s | rules %s | model %s | or %s\n", name, len(rs), cut, neg, vs, ps, ms, cs)
			for bi, b := range betas {
				fmt.Printf("   beta %.1f:", b)
				for ti, th := range ths {
					fmt.Printf(" [%.1f %s]", th, fs[bi][ti])
				}
				fmt.Println()
			}
		}
	}
	return nil
}

func valence(c float64) float64 {
	c = math.Max(-0.9999, math.Min(0.9999, c))
	return c * math.Sqrt(15/(1-c*c))
}
