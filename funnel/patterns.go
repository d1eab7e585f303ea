package funnel

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// PatternError is a config pattern NewAnalyzer refuses. List is the config
// key ("intent", "advocacy" or "competitors") and Index the 1-based entry,
// so the config loader can point at the line.
type PatternError struct {
	List    string
	Index   int
	Pattern string
	Reason  string // "is empty", "has no letters"
}

func (e *PatternError) Error() string {
	return fmt.Sprintf("funnel.%s: entry %d (%q) %s (expected words to look for, e.g. %s)",
		e.List, e.Index, e.Pattern, e.Reason, patternExample(e.List))
}

func patternExample(list string) string {
	switch list {
	case "advocacy":
		return `"highly recommend"`
	case "competitors":
		return `"Notewell"`
	}
	return `"free trial"`
}

// checkPatterns reports the first entry of list that cannot match anything.
func checkPatterns(name string, list []string) error {
	for i, p := range list {
		switch {
		case strings.TrimSpace(p) == "":
			return &PatternError{List: name, Index: i + 1, Pattern: p, Reason: "is empty"}
		case !strings.ContainsFunc(p, unicode.IsLetter):
			// "$$$" or "2024" would match nothing or everything dated.
			return &PatternError{List: name, Index: i + 1, Pattern: p, Reason: "has no letters"}
		}
	}
	return nil
}

// withDefaults returns cfg with nil lists replaced by (copies of) the
// defaults; the lists are copied so the Analyzer owns what it matches.
func withDefaults(cfg Config) Config {
	if cfg.Intent == nil {
		cfg.Intent = DefaultIntent
	}
	if cfg.Advocacy == nil {
		cfg.Advocacy = DefaultAdvocacy
	}
	cfg.Intent = slices.Clone(cfg.Intent)
	cfg.Advocacy = slices.Clone(cfg.Advocacy)
	cfg.Competitors = slices.Clone(cfg.Competitors)
	return cfg
}

// phrases is a compiled pattern list: each pattern is a run of whole words,
// read the way message text is (case, punctuation and the white space
// between words do not matter; "price" does not match "priceless").
type phrases struct {
	list    [][]string
	byFirst map[string][]int // first word -> indexes into list
}

func compilePhrases(patterns []string) *phrases {
	p := &phrases{byFirst: make(map[string][]int)}
	for _, pat := range patterns {
		ws := splitWords(pat)
		if len(ws) == 0 {
			continue
		}
		p.byFirst[ws[0]] = append(p.byFirst[ws[0]], len(p.list))
		p.list = append(p.list, ws)
	}
	return p
}

// at returns how many words the longest pattern starting at ws[i] spans, or
// 0. With sameClause a pattern must not run across a comma or a "but".
func (p *phrases) at(ws []word, i int, sameClause bool) int {
	best := 0
	for _, idx := range p.byFirst[ws[i].w] {
		pat := p.list[idx]
		if len(pat) <= best || i+len(pat) > len(ws) {
			continue
		}
		ok := true
		for k, w := range pat[1:] {
			got := ws[i+1+k]
			if got.w != w || (sameClause && got.clause != ws[i].clause) {
				ok = false
				break
			}
		}
		if ok {
			best = len(pat)
		}
	}
	return best
}

// in reports whether any pattern occurs in ws.
func (p *phrases) in(ws []word) bool {
	for i := range ws {
		if p.at(ws, i, false) > 0 {
			return true
		}
	}
	return false
}

// wordSet builds a set of single words.
func wordSet(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
