package store

import (
	"fmt"
	"strings"
	"testing"

	"parley/funnel"
)

// fakeAnalyzer follows the rules of DESIGN.md's funnel with tags instead
// of sentiment and patterns, so tests of the store's bookkeeping do not
// depend on VADER scores: "#bad" scores -0.6, "#good" 0.6, "#intent" is
// a buying signal, "#advocate" a recommendation. Like the real one it
// only moves forward and ignores messages at or before State.Since
// (their mood still counts: it is about the latest message).
type fakeAnalyzer struct{}

func (fakeAnalyzer) Analyze(msgs []funnel.Message, st funnel.State) funnel.Result {
	res := funnel.Result{Stage: st.Stage}
	move := func(to funnel.Stage, i int, m funnel.Message, why string) {
		if to <= res.Stage {
			return
		}
		res.Moves = append(res.Moves, funnel.Move{From: res.Stage, To: to, At: m.At, Msg: i + 1,
			Cause: fmt.Sprintf("%s (msg %d)", why, i+1)})
		res.Stage = to
	}
	weReplied, unhappy, answeredUnhappy := false, false, false
	for i, m := range msgs {
		if m.Ours {
			weReplied = true
			answeredUnhappy = unhappy
			continue
		}
		mood := 0.0
		switch {
		case strings.Contains(m.Text, "#bad"):
			mood = -0.6
		case strings.Contains(m.Text, "#good"):
			mood = 0.6
		}
		res.Mood, res.Unhappy = mood, mood <= funnel.UnhappyAt
		if mood >= funnel.PositiveAt && answeredUnhappy && !res.WonBack {
			res.WonBack, res.WonBackAt = true, m.At
		}
		unhappy = res.Unhappy
		if unhappy {
			answeredUnhappy = false
		}
		if !st.Since.IsZero() && !m.At.After(st.Since) {
			continue
		}
		if weReplied {
			move(funnel.Engaged, i, m, "dialogue")
			if mood >= funnel.PositiveAt {
				move(funnel.Trusting, i, m, "positive")
			}
		}
		if strings.Contains(m.Text, "#intent") {
			move(funnel.Intent, i, m, "intent")
		}
		if strings.Contains(m.Text, "#advocate") {
			move(funnel.Advocate, i, m, "advocacy")
		}
	}
	return res
}

// openFake is openTest with the tag-driven analyzer.
func openFake(t testing.TB, ours ...string) *Store {
	t.Helper()
	s := openTest(t, ours...)
	s.an = fakeAnalyzer{}
	return s
}
