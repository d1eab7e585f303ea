package main

import (
	"fmt"
	"math"

	"parley/funnel"
	"parley/funnel/model"
)

// voteInput is what funnel's unhappy vote reads of a text: the rules' score
// c and the model's log-odds l (abstain: the rules know the story ended
// well, and the score decides alone).
type voteInput struct {
	c, l    float64
	abstain bool
	neg     bool
}

// fitVote fits a vote like funnel/unhappy.go's, but linear: a logistic
// regression over the rules' score and the model's log-odds, on dev (texts
// the model did not train on), at the cut with the best F1 there, and
// prints it with the score alone and the model alone on the same texts.
func fitVote(m *model.Model, dev []example) error {
	a, err := funnel.NewAnalyzer(funnel.Config{})
	if err != nil {
		return err
	}
	var in []voteInput
	for _, e := range dev {
		in = append(in, voteInput{c: a.Sentiment(e.text), l: m.Logit(e.text), abstain: a.ModelAbstains(e.text), neg: e.clear})
	}
	// Batch gradient descent: two weights and a bias converge in a few
	// thousand steps over a few thousand texts.
	var b, wc, wl float64
	for range 3000 {
		var gb, gc, gl float64
		for _, x := range in {
			if x.abstain {
				continue
			}
			y := 0.0
			if x.neg {
				y = 1
			}
			g := 1/(1+math.Exp(-(b+wc*x.c+wl*x.l))) - y
			gb, gc, gl = gb+g, gc+g*x.c, gl+g*x.l
		}
		n := float64(len(in))
		b, wc, wl = b-0.5*gb/n, wc-0.5*gc/n, wl-0.5*gl/n
	}
	bestF1, bestCut := 0.0, 0.0
	for cut := -3.0; cut <= 3; cut += 0.05 {
		if s := voteScore(in, func(x voteInput) bool { return b+wc*x.c+wl*x.l >= cut }); s.f1() > bestF1 {
			bestF1, bestCut = s.f1(), cut
		}
	}
	fmt.Printf("vote dev: %d texts (%d clearly unhappy)\n", len(in), voteScore(in, func(voteInput) bool { return true }).tp)
	for _, v := range []struct {
		name string
		says func(voteInput) bool
	}{
		{"rules' score <= UnhappyAt", func(x voteInput) bool { return x.c <= funnel.UnhappyAt }},
		{"model p >= 0.5", func(x voteInput) bool { return x.l >= 0 }},
		{"vote", func(x voteInput) bool { return b+wc*x.c+wl*x.l >= bestCut }},
	} {
		s := voteScore(in, v.says)
		fmt.Printf("  %-28s precision %.3f recall %.3f F1 %.3f\n", v.name, s.precision(), s.recall(), s.f1())
	}
	fmt.Printf("fitted vote: unhappy when %.3f + %.3f*score + %.3f*log-odds >= 0\n", b-bestCut, wc, wl)
	return nil
}

type score struct{ tp, fp, fn int }

func (s score) precision() float64 { return float64(s.tp) / float64(s.tp+s.fp) }
func (s score) recall() float64    { return float64(s.tp) / float64(s.tp+s.fn) }
func (s score) f1() float64 {
	p, r := s.precision(), s.recall()
	if p+r == 0 || math.IsNaN(p) {
		return 0
	}
	return 2 * p * r / (p + r)
}

// voteScore scores says on in; an abstaining model leaves the rules' score
// alone, as funnel does.
func voteScore(in []voteInput, says func(voteInput) bool) (s score) {
	for _, x := range in {
		got := says(x)
		if x.abstain {
			got = x.c <= funnel.UnhappyAt
		}
		switch {
		case got && x.neg:
			s.tp++
		case got:
			s.fp++
		case x.neg:
			s.fn++
		}
	}
	return s
}
