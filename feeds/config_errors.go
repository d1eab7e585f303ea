package feeds

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ConfigErrors is every mistake found in one config file, in line order:
// a user fixes them all in one pass instead of one per run.
type ConfigErrors []*ConfigError

// maxMistakesShown keeps a file that is not a config at all (hundreds of
// unknown keys) to a screenful.
const maxMistakesShown = 30

func (e ConfigErrors) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d mistakes (fix them all, then try again):", e[0].Path, len(e))
	for _, ce := range e[:min(len(e), maxMistakesShown)] {
		b.WriteString("\n  " + ce.Error())
	}
	if len(e) > maxMistakesShown {
		fmt.Fprintf(&b, "\n  … and %d more after line %d", len(e)-maxMistakesShown, e[maxMistakesShown-1].Line)
	}
	return b.String()
}

// Unwrap lets errors.As find the first *ConfigError.
func (e ConfigErrors) Unwrap() []error {
	out := make([]error, len(e))
	for i, ce := range e {
		out[i] = ce
	}
	return out
}

// configProblems collects a config's mistakes as ParseConfig checks it.
type configProblems struct {
	path string
	list []*ConfigError
}

func (p *configProblems) add(errs ...error) {
	for _, err := range errs {
		var many ConfigErrors
		var one *ConfigError
		switch {
		case err == nil:
		case errors.As(err, &many):
			p.list = append(p.list, many...)
		case errors.As(err, &one):
			p.list = append(p.list, one)
		default:
			p.list = append(p.list, &ConfigError{Path: p.path, Msg: err.Error()})
		}
	}
}

// errWith is err after adding last.
func (p *configProblems) errWith(last error) error {
	p.add(last)
	return p.err()
}

// err is nil, the one mistake, or ConfigErrors in line order (a mistake
// without a line, about the whole file, first).
func (p *configProblems) err() error {
	list := slices.Clone(p.list)
	slices.SortStableFunc(list, func(a, b *ConfigError) int { return cmp.Compare(a.Line, b.Line) })
	list = slices.CompactFunc(list, func(a, b *ConfigError) bool { return a.Line == b.Line && a.Msg == b.Msg })
	// A value of the wrong type is dropped before the other checks, which
	// may then find it missing ("missing url" after "url must be a
	// string"): on its line, the type is the one mistake to report.
	typed := map[int]bool{}
	for _, ce := range list {
		if ce.wrongType && ce.Line > 0 {
			typed[ce.Line] = true
		}
	}
	list = slices.DeleteFunc(list, func(ce *ConfigError) bool { return typed[ce.Line] && !ce.wrongType })
	switch len(list) {
	case 0:
		return nil
	case 1:
		return list[0]
	}
	return ConfigErrors(list)
}
