package filter

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// The frozen words answer as the map did: an index frozen every few
// postings, and updated after, finds what one never frozen finds.
func TestFrozenWordsFindWhatTheMapFinds(t *testing.T) {
	vocab := []string{"refund", "refunds", "refer", "plan", "plans", "team", "trial", "sync", "notes", "linux", "a", "ab", "zeta", "épée", "über"}
	rng := rand.New(rand.NewPCG(1, 2))
	text := func() string {
		var ws []string
		for range 1 + rng.IntN(6) {
			ws = append(ws, vocab[rng.IntN(len(vocab))])
		}
		return strings.Join(ws, " ")
	}
	var rows []Row
	for i := range 300 {
		rows = append(rows, row(fmt.Sprintf("t%03d", i), "Forum", text(), nil, text()))
	}
	var updates []Row
	for i := range 40 {
		updates = append(updates, row(fmt.Sprintf("t%03d", rng.IntN(300)), "Forum", text(), nil, text()))
		updates = append(updates, row(fmt.Sprintf("n%03d", i), "Forum", text(), nil))
	}
	build := func(every int) *Index {
		old := freezeEvery
		freezeEvery = every
		defer func() { freezeEvery = old }()
		ix := NewIndex()
		for _, r := range rows {
			ix.Put(r)
		}
		ix.Match(Query{}, Env{Now: now}) // a query between: freezes stay right
		for _, r := range updates {
			ix.Put(r)
		}
		return ix
	}
	plain, frozen, compacted := build(1<<30), build(7), build(7)
	compacted.Compact()
	if len(frozen.words.segs) < 2 || len(plain.words.segs) != 0 || len(compacted.words.segs) != 1 {
		t.Fatalf("segments: frozen %d, plain %d, compacted %d: the test does not test freezing",
			len(frozen.words.segs), len(plain.words.segs), len(compacted.words.segs))
	}
	for _, q := range []string{"refund", "ref", "re", "r", "a", "ab", "plan team", `"team plan"`, "-sync", "épé", "über", "zeta -linux", "nothing"} {
		env := Env{Now: now}
		want, got, gotc := ids(t, plain, q, env), ids(t, frozen, q, env), ids(t, compacted, q, env)
		if !slices.Equal(got, want) || !slices.Equal(gotc, want) {
			t.Errorf("%q: frozen finds %v, compacted %v, the map %v", q, got, gotc, want)
		}
		if q == "refund" && len(want) == 0 {
			t.Fatal("the corpus finds nothing")
		}
	}
}
