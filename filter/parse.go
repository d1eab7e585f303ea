package filter

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"parley/funnel"
)

// keys are the term names, for error messages in this order.
var keys = []string{"stage", "is", "feed", "from", "since"}

// Parse reads a query. A quote left open (the user is still typing it)
// runs to the end. The error, an *Error, names the term and what it
// accepts.
func Parse(s string) (Query, error) {
	q := Query{Source: strings.TrimSpace(s)}
	p := parser{s: s}
	for {
		p.skipSpace()
		if p.i >= len(p.s) {
			return q, nil
		}
		start := p.i
		not := false
		if p.s[p.i] == '-' && p.i+1 < len(p.s) && !isSpace(p.s[p.i+1]) {
			not = true
			p.i++
		}
		if p.s[p.i] == '"' {
			if words := Words(p.quoted()); len(words) > 0 {
				q.Terms = append(q.Terms, Term{Kind: Text, Not: not, Words: words})
			}
			continue
		}
		word := p.bare()
		name, value, hasColon := strings.Cut(word, ":")
		if !hasColon || name == "" {
			if words := Words(word); len(words) > 0 {
				// "e-mail" is one word to the user: its parts in a row.
				q.Terms = append(q.Terms, Term{Kind: Text, Not: not, Words: words})
			}
			continue
		}
		if value == "" && p.i < len(p.s) && p.s[p.i] == '"' {
			value = p.quoted()
		}
		t, err := term(strings.ToLower(name), value)
		if err != nil {
			return q, &Error{Pos: start, Msg: err.Error()}
		}
		t.Not = not
		q.Terms = append(q.Terms, t)
	}
}

type parser struct {
	s string
	i int
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

func (p *parser) skipSpace() {
	for p.i < len(p.s) && isSpace(p.s[p.i]) {
		p.i++
	}
}

// bare reads up to the next space or quote.
func (p *parser) bare() string {
	start := p.i
	for p.i < len(p.s) && !isSpace(p.s[p.i]) && p.s[p.i] != '"' {
		p.i++
	}
	return p.s[start:p.i]
}

// quoted reads a quoted string at p.i; an open quote runs to the end.
func (p *parser) quoted() string {
	p.i++ // the opening quote
	start := p.i
	end := strings.IndexByte(p.s[start:], '"')
	if end < 0 {
		p.i = len(p.s)
		return p.s[start:]
	}
	p.i = start + end + 1
	return p.s[start : start+end]
}

func term(name, value string) (Term, error) {
	shown := name + ":" + value
	switch name {
	case "stage":
		st, err := funnel.ParseStage(strings.ToLower(value))
		if err != nil || value == "" {
			return Term{}, fmt.Errorf("unknown term %s — stages are %s", shown, stageList())
		}
		return Term{Kind: Stage, Stage: st}, nil
	case "is":
		if strings.EqualFold(value, "unreplied") {
			// DESIGN.md's example: nobody has answered them yet.
			return Term{Kind: Is, Flag: Waiting}, nil
		}
		for i, n := range flagNames {
			if strings.EqualFold(value, n) {
				return Term{Kind: Is, Flag: Flag(i)}, nil
			}
		}
		return Term{}, fmt.Errorf("unknown term %s — is: takes %s", shown, strings.Join(flagNames, ", "))
	case "feed", "from":
		v := strings.ToLower(strings.TrimSpace(value))
		if v == "" {
			return Term{}, fmt.Errorf("%s: needs a name — %s:NAME, or %s:\"two words\"", name, name, name)
		}
		k := Feed
		if name == "from" {
			k = From
		}
		return Term{Kind: k, Value: v}, nil
	case "since":
		d, ok := parseAge(value)
		if !ok {
			return Term{}, fmt.Errorf("unknown term %s — since: takes hours, days or weeks: since:12h, since:7d, since:2w", shown)
		}
		return Term{Kind: Since, Within: d}, nil
	}
	return Term{}, fmt.Errorf("unknown term %s — terms are %s: (quote text with a colon: \"%s\")", shown, strings.Join(keys, ":, "), shown)
}

// parseAge reads N followed by h, d or w.
func parseAge(v string) (time.Duration, bool) {
	if len(v) < 2 {
		return 0, false
	}
	n, err := strconv.Atoi(v[:len(v)-1])
	if err != nil || n <= 0 || n > 100*52 {
		return 0, false
	}
	unit := map[byte]time.Duration{'h': time.Hour, 'd': 24 * time.Hour, 'w': 7 * 24 * time.Hour}[v[len(v)-1]|0x20]
	if unit == 0 {
		return 0, false
	}
	return time.Duration(n) * unit, true
}

// Words splits text into lower-cased words of letters and digits, as the
// index stores them.
func Words(s string) []string {
	var out []string
	start := -1
	for i, r := range s {
		word := unicode.IsLetter(r) || unicode.IsDigit(r)
		switch {
		case word && start < 0:
			start = i
		case !word && start >= 0:
			out = append(out, strings.ToLower(s[start:i]))
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, strings.ToLower(s[start:]))
	}
	return out
}

// String gives the query back in the language (normalised), for the
// header and tests.
func (q Query) String() string {
	var parts []string
	for _, t := range q.Terms {
		var s string
		switch t.Kind {
		case Text:
			s = strings.Join(t.Words, " ")
			if len(t.Words) > 1 {
				s = `"` + s + `"`
			}
		case Stage:
			s = "stage:" + t.Stage.String()
		case Is:
			s = "is:" + t.Flag.String()
		case Feed, From:
			name := "feed:"
			if t.Kind == From {
				name = "from:"
			}
			s = name + quoteIfNeeded(t.Value)
		case Since:
			s = "since:" + formatAge(t.Within)
		}
		if t.Not {
			s = "-" + s
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

// Quote makes a feed or person name one value: feed:"Blog comments".
func Quote(name string) string { return quoteIfNeeded(name) }

func quoteIfNeeded(v string) string {
	// Every byte the tokenizer splits on (isSpace), and the quote itself.
	if strings.ContainsAny(v, " \t\n\r\"") || v == "" {
		return `"` + strings.ReplaceAll(v, `"`, "") + `"`
	}
	return v
}

func formatAge(d time.Duration) string {
	switch {
	case d%(7*24*time.Hour) == 0:
		return strconv.Itoa(int(d/(7*24*time.Hour))) + "w"
	case d%(24*time.Hour) == 0:
		return strconv.Itoa(int(d/(24*time.Hour))) + "d"
	}
	return strconv.Itoa(int(d/time.Hour)) + "h"
}
