package main

import (
	"fmt"
	"io"
	"time"

	"parley/store"
)

// upgradeQuiet is how long a schema upgrade step runs before its
// progress is shown: a shorter wait is not worth a line.
const upgradeQuiet = time.Second

// withOpenProgress sets o's Progress and Step to print how far store.Open
// is on w: a schema upgrade step once it has run for upgradeQuiet
// ("parley: upgrading the database (schema 5: conversations): 40%"), a
// re-read as rereadProgress does. Nil w prints nothing.
func withOpenProgress(o store.Options, w io.Writer) store.Options {
	if w == nil {
		return o
	}
	p := newOpenProgress(w)
	o.Progress, o.Step = p.progress, p.startStep
	return o
}

func newOpenProgress(w io.Writer) *openProgress {
	return &openProgress{w: w, reread: rereadProgress(w), now: time.Now}
}

// openProgress labels what store.Open reports with the step it is in.
type openProgress struct {
	w      io.Writer
	reread func(done, total int)
	now    func() time.Time
	step   string // the upgrade step under way; "": a re-read
	start  time.Time
	shown  bool // a line of this step was printed
}

func (p *openProgress) startStep(name string) {
	p.step, p.start, p.shown = name, p.now(), false
}

func (p *openProgress) progress(done, total int) {
	if p.step == "" {
		p.reread(done, total)
		return
	}
	if total <= 0 || (!p.shown && p.now().Sub(p.start) < upgradeQuiet) {
		return
	}
	p.shown = true
	end := "\r"
	if done >= total {
		end = "\n"
	}
	fmt.Fprintf(p.w, "parley: upgrading the database (%s): %d%%%s", p.step, done*100/total, end)
}
