package funnel

import (
	"go/ast"
	"go/parser"
	"go/token"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/jonreiter/govader"
)

// govaderRef is the reference vaderLex must match; building it parses the
// lexicon, so tests share one.
var govaderRef = govader.NewSentimentIntensityAnalyzer()

func checkVader(t testing.TB, l *vaderLex, text string) {
	t.Helper()
	got, want := l.compound(text), govaderRef.PolarityScores(text).Compound
	if math.Float64bits(got) != math.Float64bits(want) {
		t.Errorf("compound(%q) = %v, govader says %v", text, got, want)
	}
}

// testCorpus is every string literal in the funnel tests: the messages the
// tests reason about.
func testCorpus(t testing.TB) []string {
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	fset := token.NewFileSet()
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil {
					out = append(out, strings.TrimPrefix(s, "us: "))
				}
			}
			return true
		})
	}
	if len(out) < 300 {
		t.Fatalf("only %d strings in the test corpus", len(out))
	}
	return out
}

// vaderWords are the words whose handling has a rule in VADER, plus plain
// lexicon words, as written in several cases.
var vaderWords = []string{
	"no", "or", "nor", "not", "never", "so", "this", "without", "doubt", "least", "at", "very",
	"kind", "of", "sort", "just", "enough", "but", "BUT", "the", "shit", "bomb", "bad", "ass", "badass",
	"yeah", "right", "kiss", "death", "to", "die", "for", "cut", "mustard", "don't", "isn't", "wasn't",
	"cant", "nope", "hardly", "barely", "extremely", "really", "kinda", "sorta", "more", "most",
	"good", "GOOD", "Good", "great", "love", "hate", "bad", "BAD", "terrible", "happy", "sad",
	"awesome", "broken", "thanks", "Thanks!", "great!", "bad?", "wow", ":)", ":(", ":-)", "<3",
	"lol", "LOL", "ok", "it", "is", "was", "app", "sync", "a", "I", "we", "!!", "?", "??", "...",
	"'good'", "(bad)", "good.", "\"love\"", "no.", "least,", "at", "😀", "👍", "💔", "©", "e\u0301",
	"ÉNORME", "İyi", "\u212a", "\xff", "\xe2\x80", "don’t", "\t", "\n", "", " ",
}

func randomText(r *rand.Rand) string {
	var b strings.Builder
	for n := r.IntN(14); n >= 0; n-- {
		w := vaderWords[r.IntN(len(vaderWords))]
		if r.IntN(8) == 0 {
			w = strings.ToUpper(w)
		}
		b.WriteString(w)
		switch r.IntN(12) {
		case 0:
			b.WriteString("  ")
		case 1:
			b.WriteString("!")
		case 2:
			b.WriteString(", ")
		default:
			b.WriteString(" ")
		}
	}
	return b.String()
}

func TestVaderMatchesGovader(t *testing.T) {
	l := newVaderLex(govaderRef)
	for _, s := range testCorpus(t) {
		checkVader(t, l, s)
	}
	// Every lexicon and booster word, alone and after the words that
	// change it.
	var lex []string
	for w := range govaderRef.Lexicon {
		lex = append(lex, w)
	}
	slices.Sort(lex)
	for i, w := range lex {
		checkVader(t, l, w)
		checkVader(t, l, vaderWords[i%len(vaderWords)]+" "+vaderWords[(i/7)%len(vaderWords)]+" "+strings.ToUpper(w)+" it")
	}
	for w := range govaderRef.Constants.BoosterDict {
		checkVader(t, l, "it is "+w+" good but "+w+" bad")
	}
	// Idioms and multi-word boosters at every position near a sentiment word.
	var grams []string
	for k := range govaderRef.Constants.SpecialCaseIdioms {
		grams = append(grams, k)
	}
	for k := range govaderRef.Constants.BoosterDict {
		if strings.Contains(k, " ") {
			grams = append(grams, k)
		}
	}
	slices.Sort(grams)
	for _, g := range grams {
		for pre := range 5 {
			for post := range 4 {
				for _, w := range []string{"good", "bad", "never so", "without doubt"} {
					checkVader(t, l, strings.Repeat("it ", pre)+g+" "+strings.Repeat(w+" ", post)+"ok")
					checkVader(t, l, strings.Repeat(w+" ", pre)+g+" "+strings.Repeat("it ", post)+"ok")
				}
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 50_000 {
		checkVader(t, l, randomText(r))
	}
}

func FuzzVaderMatchesGovader(f *testing.F) {
	for _, s := range testCorpus(f) {
		f.Add(s)
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 200 {
		f.Add(randomText(r))
	}
	l := newVaderLex(govaderRef)
	f.Fuzz(func(t *testing.T, s string) {
		checkVader(t, l, s)
		if got, want := collapseSpace(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Errorf("collapseSpace(%q) = %q, want %q", s, got, want)
		}
	})
}
