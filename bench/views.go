package main

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// viewFrame is a key pressed in the start-up run's console and how long
// its frame took: from the keystroke (tmux send-keys, a few ms of which
// are tmux's) to the output that made the screen show it.
type viewFrame struct {
	Name string
	Time time.Duration
	// Mem is the console's memory once the view's output settled: its
	// peak so far says which view raised it.
	Mem memory
}

// viewSteps walk the console through every view after the start-up run's
// keys (which leave a thread open in the queue). Steps with a nil want are
// moves between measurements, not timed.
var viewSteps = []struct {
	name, key string
	want      *regexp.Regexp
}{
	{"", "Escape", nil}, // close the thread the enter opened
	{"view 2 (funnel)", "2", regexp.MustCompile(`Funnel · [\d,]+ conversations?|The funnel is empty`)},
	{"view 2, enter on a stage (its list)", "Enter", regexp.MustCompile(`(?m)conversations? · enter: open[\s\S]*^› `)},
	{"", "Escape", nil},
	{"view 3 (contacts)", "3", regexp.MustCompile(`(?m)CONTACTS \(\d+\)[\s\S]*^› `)},
	{"view 4 (feeds)", "4", regexp.MustCompile(`(?m)FEED\s+WAITING\s+UNREAD\s+ITEMS\s+FETCHED[\s\S]*^› `)},
	{"view 1 (queue)", "1", regexp.MustCompile(`(?m)WAITING FOR A REPLY \(\d+\)[\s\S]*^› `)},
	{"open a thread (enter in the queue)", "Enter", regexp.MustCompile(`r reply • (p next person • )?esc back`)},
}

// viewFrames measures each view's first frame in the running console t,
// then the peak RSS after all four were shown.
func (h *harness) viewFrames(ctx context.Context, t *term) error {
	for _, s := range viewSteps {
		if s.want == nil {
			if _, err := t.keyBytes(ctx, s.key, h.cfg.Quiet); err != nil {
				return fmt.Errorf("views: %s: %w", s.key, err)
			}
			continue
		}
		d, err := t.keyFrame(ctx, s.key, s.want, h.cfg.Quiet, h.cfg.ParleyStart)
		if err != nil {
			return fmt.Errorf("views: %s: %w", s.name, err)
		}
		if _, err := t.settle(ctx, h.cfg.Quiet, 60*time.Second); err != nil {
			return err
		}
		m, err := t.memory()
		if err != nil {
			return err
		}
		h.res.Views = append(h.res.Views, viewFrame{Name: s.name, Time: d, Mem: m})
		h.log("  parley: %s: frame after %s; peak RSS so far %s (now %s anonymous, %s mapped files)", s.name, fmtDur(d),
			fmtBytes(m.Peak), fmtBytes(m.Anon), fmtBytes(m.File))
	}
	if _, err := t.settle(ctx, h.cfg.Quiet, 60*time.Second); err != nil {
		return err
	}
	m, err := t.memory()
	if err != nil {
		return err
	}
	h.res.ViewsMem = m
	h.log("  parley: peak RSS after every view %s (now: %s anonymous, %s mapped files)", fmtBytes(m.Peak), fmtBytes(m.Anon), fmtBytes(m.File))
	return nil
}

// keyFrame presses key once the output has settled and returns the time
// from the keystroke to the output after which the screen matches want.
func (t *term) keyFrame(ctx context.Context, key string, want *regexp.Regexp, quiet, limit time.Duration) (time.Duration, error) {
	if _, err := t.settle(ctx, quiet, 30*time.Second); err != nil {
		return 0, err
	}
	last := t.written()
	start := time.Now()
	if err := t.keys(ctx, key); err != nil {
		return 0, err
	}
	wctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-wctx.Done():
			scr, _ := t.screen(context.Background())
			return 0, fmt.Errorf("screen never matched %s: %w; it shows:\n%s", want, context.Cause(wctx), scr)
		case <-tick.C:
		}
		n := t.written()
		if n == last {
			continue
		}
		at := time.Now()
		last = n
		if scr, err := t.screen(wctx); err == nil && want.MatchString(scr) {
			return at.Sub(start), nil
		}
	}
}

// goBench is one line of the ui package's benchmarks the harness runs.
type goBench struct {
	Name string
	Op   time.Duration
	Line string
}

// uiBenchmarks are the in-process figures: j/k Update+View in every list
// (the queue, a stage's list, the contacts) and opening a thread of 5,000
// messages (with the former read-everything way as its baseline).
const uiBenchmarks = "^(BenchmarkQueueMove|BenchmarkListMove|BenchmarkOpenLongThread)$"

// goBenches runs uiBenchmarks and keeps the 100k lines and the thread's.
func (h *harness) goBenches(ctx context.Context) error {
	h.log("go test -bench '%s' ./ui/", uiBenchmarks)
	_, out, err := timed(ctx, os.Environ(), h.root, "go", "test", "-run", "^$", "-bench", uiBenchmarks, "-benchtime", "200x", "./ui/")
	if err != nil {
		return err
	}
	for line := range strings.Lines(out) {
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || !(strings.Contains(f[0], "=100000") || strings.Contains(f[0], "OpenLongThread")) {
			continue
		}
		for i := 1; i < len(f); i++ {
			if f[i] != "ns/op" {
				continue
			}
			if ns, err := strconv.ParseFloat(f[i-1], 64); err == nil {
				b := goBench{Name: f[0], Op: time.Duration(ns), Line: strings.TrimSpace(line)}
				h.res.GoBenches = append(h.res.GoBenches, b)
				if strings.HasPrefix(b.Name, "BenchmarkQueueMove/") {
					h.res.QueueMove, h.res.QueueMoveLine = b.Op, b.Line
				}
			}
		}
	}
	if len(h.res.GoBenches) == 0 {
		h.res.note("the ui benchmarks printed no 100k line:\n%s", tail(out, 1000))
	}
	return nil
}

// dbSize names the start-up database the console figures were taken on
// (100k threads, or 200k / 1M messages with -million), "" before it is
// known.
func (r *results) dbSize() string {
	if r.DB.Threads == 0 {
		return ""
	}
	return fmt.Sprintf(" (%s threads / %s messages)", thousands(r.DB.Threads), thousands(r.DB.Messages))
}

// viewRows are the table rows of the views' figures.
func (r *results) viewRows(add func(scenario, parley, target, met string)) {
	for _, v := range r.Views {
		add(v.Name+": key to frame"+r.dbSize(), fmtDur(v.Time), "< 200 ms", verdict(v.Time < 200*time.Millisecond))
	}
	if r.ViewsMem.Peak > 0 {
		add("peak RSS after every view"+r.dbSize(), fmtBytes(r.ViewsMem.Peak), "< 100 MB", verdict(r.ViewsMem.Peak < 100e6))
	}
	for _, b := range r.GoBenches {
		switch {
		case strings.HasPrefix(b.Name, "BenchmarkQueueMove/"):
			// its own row (QueueMove)
		case strings.Contains(b.Name, "OpenLongThread/fits"):
			add("open a thread of 5,000 messages to its first screen (BenchmarkOpenLongThread/fits)", fmtDur(b.Op), "< 100 ms", verdict(b.Op < 100*time.Millisecond))
		case strings.Contains(b.Name, "OpenLongThread/all"):
			add("… reading all its messages first, as before (BenchmarkOpenLongThread/all)", fmtDur(b.Op), "", "")
		default:
			add("j/k Update+View at 100k ("+b.Name+")", fmtDur(b.Op), "< 1 ms", verdict(b.Op < time.Millisecond))
		}
	}
}

// viewMemory is the details line that says which view raised the peak.
func (r *results) viewMemory() string {
	var parts []string
	for _, v := range r.Views {
		if v.Mem.Peak > 0 {
			parts = append(parts, fmt.Sprintf("%s %s (%s anon + %s file)", v.Name, fmtBytes(v.Mem.Peak), fmtBytes(v.Mem.Anon), fmtBytes(v.Mem.File)))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "parley's peak RSS after each view (resident then): " + strings.Join(parts, "; ")
}
