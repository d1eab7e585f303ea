// Package pacer keeps an idle console idle.
//
// Bubble Tea v2.1.1 draws from a ticker (Program.startRenderer) that
// wakes fps times a second for the program's whole life and compares the
// last view with the current one, even when nothing happened: 60 wakes a
// second cost an idle console about 1.7% of a core, and a server with 20
// teammates 20 times that. The library has no option to stop it (WithFPS
// stops at 1 a second, and a frame then waits up to a second; the
// renderer interface is unexported), so the pacer drives the library's
// own ticker: it runs at the program's frame rate from the moment a
// message arrives until the screen has been quiet for a second, and is
// stopped in between. A stopped ticker wakes no one (Go 1.23 timers),
// so an idle console costs nothing, and a key still reaches the screen
// within one frame interval of its Update (the first after idle within
// wakeTick of it).
//
// The ticker is a private field, reached by reflection; if a Bubble Tea
// upgrade renames it, the pacer does nothing (the program runs as the
// library made it, at 60 wakes a second) and TestPacerFindsTheTicker
// fails. Upstream pull requests charmbracelet/bubbletea#1776 and #1796
// make the renderer demand-driven; once one is released this package
// can go.
package pacer

import (
	"log/slog"
	"reflect"
	"sync"
	"time"
	"unsafe"

	tea "charm.land/bubbletea/v2"
)

// frameInterval is Bubble Tea's default frame rate (60 a second), the
// rate the ticker runs at while it runs.
const frameInterval = time.Second / 60

// quiet is how long the ticker keeps running after the last message or
// view: the frame drawn after the last Update is flushed on the next
// tick, so one interval would do; a second keeps it running through
// typing and moving (a restart costs the next key up to an interval).
const quiet = time.Second

// wakeTick is the ticker's period for wakeWindow after it restarts, so
// the first frame after idle is flushed as soon as its Update is done
// instead of a whole interval later.
const (
	wakeTick   = 2 * time.Millisecond
	wakeWindow = frameInterval / 2
)

// Filter is a tea.WithFilter function.
type Filter func(tea.Model, tea.Msg) tea.Msg

// NewProgram is tea.NewProgram with the renderer's ticker paced: filter
// (nil for none) runs on every message, as tea.WithFilter would; it
// replaces any filter in opts.
func NewProgram(model tea.Model, filter Filter, opts ...tea.ProgramOption) *tea.Program {
	return newProgram(model, filter, quiet, opts...)
}

func newProgram(model tea.Model, filter Filter, quiet time.Duration, opts ...tea.ProgramOption) *tea.Program {
	p := newPacer(frameInterval, quiet)
	prog := tea.NewProgram(&pacedModel{inner: model, p: p}, append(opts, tea.WithFilter(p.filter(filter)))...)
	p.prog = prog
	return prog
}

// pacer starts the renderer's ticker on activity and stops it after quiet.
type pacer struct {
	interval, quiet time.Duration
	prog            *tea.Program

	mu      sync.Mutex
	found   bool // looked for the ticker (on the first message)
	ticker  *time.Ticker
	running bool
	last    time.Time   // the last message or view
	check   *time.Timer // the pending quiet check, while running
}

func newPacer(interval, quiet time.Duration) *pacer {
	return &pacer{interval: interval, quiet: quiet, running: true}
}

// filter notes every message (it runs on the program's event loop, before
// the message is handled) and then runs next.
func (p *pacer) filter(next Filter) Filter {
	return func(m tea.Model, msg tea.Msg) tea.Msg {
		p.active()
		if next != nil {
			return next(m, msg)
		}
		return msg
	}
}

// active notes a message or a view made: the ticker runs from now until
// quiet. A view made after a long Update (longer than quiet) starts it
// again, so its frame is flushed.
func (p *pacer) active() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.found {
		// On the event loop, after the program started its renderer (and
		// wrote its ticker): the first message comes after.
		p.found = true
		p.ticker = rendererTicker(p.prog)
	}
	if p.ticker == nil {
		return
	}
	p.last = time.Now()
	if !p.running {
		p.ticker.Reset(wakeTick)
		p.running = true
		time.AfterFunc(wakeWindow, p.settle)
	}
	if p.check == nil {
		p.check = time.AfterFunc(p.quiet, p.stopIfQuiet)
	}
}

// settle puts a restarted ticker back to the frame rate.
func (p *pacer) settle() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.running {
		p.ticker.Reset(p.interval)
	}
}

// stopIfQuiet stops the ticker once nothing happened for quiet; otherwise
// it looks again later.
func (p *pacer) stopIfQuiet() {
	p.mu.Lock()
	defer p.mu.Unlock()
	since := time.Since(p.last)
	if since < p.quiet {
		p.check = time.AfterFunc(max(p.quiet-since, p.interval), p.stopIfQuiet)
		return
	}
	p.ticker.Stop()
	p.running = false
	p.check = nil
}

// isRunning says whether the renderer's ticker runs (for tests).
func (p *pacer) isRunning() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.running
}

// pacedModel is the program's model: the console, with its views noted.
type pacedModel struct {
	inner tea.Model
	p     *pacer
}

func (m *pacedModel) Init() tea.Cmd { return m.inner.Init() }

func (m *pacedModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	m.inner, cmd = m.inner.Update(msg)
	return m, cmd
}

// View follows every Update (the program draws after each).
func (m *pacedModel) View() tea.View {
	v := m.inner.View()
	m.p.active()
	return v
}

// rendererTicker is the program's frame ticker (the private field
// Program.ticker of Bubble Tea v2.1.1), or nil when it is not there.
func rendererTicker(prog *tea.Program) *time.Ticker {
	if prog == nil {
		return nil
	}
	f := reflect.ValueOf(prog).Elem().FieldByName("ticker")
	if !f.IsValid() || f.Type() != reflect.TypeFor[*time.Ticker]() {
		slog.Warn("Bubble Tea's renderer has no ticker field: an idle console keeps waking 60 times a second (see package pacer)")
		return nil
	}
	// Read only: the ticker is the library's; its methods are safe to
	// call from any goroutine.
	return *(**time.Ticker)(unsafe.Pointer(f.UnsafeAddr()))
}
