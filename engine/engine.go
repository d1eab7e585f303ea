// Package engine is parley's single writer: the one owner of a database
// while a console (or, later, `parley serve`) runs. It stores poll
// results through one group-commit writer, sends replies from the outbox
// (the only caller of store.MarkSending), wakes snoozed threads at
// their time, and serves other parley commands on the database's control
// socket (control.go). The console, `parley fetch` and the demo all go
// through it, so each of these is written once.
package engine

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"parley/events"
	"parley/feeds"
	"parley/store"
)

// Config is what an engine runs on.
type Config struct {
	Store *store.Store
	// Feeds are polled in the background after Start, and by FetchOnce.
	Feeds []feeds.Feed
	// Fetch are the fetcher's options ([fetch] in the config).
	Fetch feeds.Options
	// Repliers post replies by feed name; nil builds them from the
	// fetcher for every two-way feed. A reply to a feed without one is
	// given up (the text goes back into the draft).
	Repliers map[string]feeds.Replier
	// User names who makes manual changes (stage moves, replies).
	User string
	// Clock is the time and the timers; nil is the real clock.
	Clock Clock
	// ConfigPath names the config the feeds come from: its absolute path,
	// or a name such as "(demo)". A fetch on the control socket naming
	// another config is refused; "" accepts any.
	ConfigPath string
	// NoConfig: there is no config file at ConfigPath (Fetch says so).
	NoConfig bool
	// AfterFetch runs after each Fetch (the demo imports its built-in
	// conversions, as it does on start).
	AfterFetch func() error
	// Control, when set, has Start serve other parley commands on the
	// database's control socket until Close (control.go).
	Control *Control
	// FirstPollDelay holds the background polling's first round back
	// this long after Start (feeds.Poller.FirstDelay): the console's
	// first screen comes before the fetches.
	FirstPollDelay time.Duration
	// RetryDelays overrides the waits between attempts of a failed send
	// (tests); nil means DefaultRetryDelays.
	RetryDelays []time.Duration
}

// Engine owns the writes of one database. Build it with New, Start its
// background work, Close it before closing the store.
type Engine struct {
	cfg     Config
	st      *store.Store
	clock   Clock
	fetcher *feeds.Fetcher

	w *writer

	// mail is what the engine reports to whoever listens (the console).
	mail *mailbox

	// life ends with Close: it cuts attempts in flight short, so a quit
	// does not wait out a slow server (the entry stays in the outbox).
	life    context.Context
	endLife context.CancelFunc

	mu      sync.Mutex
	poller  *feeds.Poller
	cancel  context.CancelFunc
	started bool
	closed  bool
	// sending holds the outbox keys with an attempt in flight: one reply
	// is never sent by two attempts at once, whoever asked.
	sending map[string]bool
	// retries are the timers of failed sends waiting for NextTry.
	retries map[string]Timer
	// filterIdx is the filter index (filter.go), built on first use.
	filterIdx filterIndex
	// snoozeT wakes the next snoozed thread.
	snoozeT Timer
	// stopControl stops the control socket (ServeControl).
	stopControl func()
	// presence is who views or drafts which thread (presence.go).
	presence presenceTable

	wg sync.WaitGroup // attempts and background loops, for Close
}

// New builds an engine on an open store. Nothing runs until Start, but
// FetchOnce and the reads work at once.
func New(cfg Config) *Engine {
	if cfg.Clock == nil {
		cfg.Clock = RealClock{}
	}
	f := feeds.NewFetcher(cfg.Fetch)
	if cfg.Repliers == nil {
		cfg.Repliers = map[string]feeds.Replier{}
		for _, fd := range cfg.Feeds {
			if r := f.Replier(fd); r != nil {
				cfg.Repliers[fd.Name] = r
			}
		}
	}
	e := &Engine{cfg: cfg, st: cfg.Store, clock: cfg.Clock, fetcher: f,
		mail: newMailbox(), sending: map[string]bool{}, retries: map[string]Timer{}}
	e.life, e.endLife = context.WithCancel(context.Background())
	e.w = startWriter(cfg.Store, cfg.Clock.Now, max(len(cfg.Feeds), 64))
	return e
}

// Store is the database the engine writes.
func (e *Engine) Store() *store.Store { return e.st }

// Start begins the background work: polling every feed, sending what the
// outbox holds, and the snooze clock. It returns at once; ctx (or Close)
// stops it. Calls after the first do nothing.
func (e *Engine) Start(ctx context.Context) {
	e.mu.Lock()
	if e.started || e.closed {
		e.mu.Unlock()
		return
	}
	e.started = true
	ctx, e.cancel = context.WithCancel(ctx)
	if len(e.cfg.Feeds) > 0 {
		e.poller = feeds.NewPoller(e.fetcher, e.cfg.Feeds, e.st.ConditionalState)
		e.poller.FirstDelay = e.cfg.FirstPollDelay
	}
	p := e.poller
	e.mu.Unlock()

	go e.mail.forward(ctx)
	if p != nil {
		p.Start(ctx)
		e.wg.Add(1)
		go func() {
			defer e.wg.Done()
			e.pump(p)
		}()
	}
	e.resumeOutbox()
	e.wakeSnoozed()
	if e.cfg.Control != nil {
		if err := e.ServeControl(ctx); err != nil {
			slog.Warn("no control socket: other parley commands cannot use the database while this engine runs", "err", err)
		}
	}
}

// Close stops the control socket and the background work, and waits for
// requests and attempts in flight and for every result handed to the
// writer to be stored. The store stays open (its owner closes it).
func (e *Engine) Close() {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return
	}
	e.closed = true
	stopControl := e.stopControl
	e.mu.Unlock()
	// First: a fetch in progress on the socket still needs the writer,
	// and a command must not find the socket once nothing answers on it.
	if stopControl != nil {
		stopControl()
	}
	e.mu.Lock()
	e.endLife()
	if e.cancel != nil {
		e.cancel()
	}
	for k, t := range e.retries {
		t.Stop()
		delete(e.retries, k)
	}
	if e.snoozeT != nil {
		e.snoozeT.Stop()
	}
	e.mu.Unlock()
	e.wg.Wait() // the pump ends when the poller closes its events
	e.w.close()
}

// The events the engine reports live in package events, so that the
// console's Backend does not depend on the engine; these names stay for
// the engine's callers.
type (
	Event     = events.Event
	PollEvent = events.PollEvent
	SendEvent = events.SendEvent
)

// Events delivers the engine's events in order, from Start until its
// context ends. Nothing is dropped: a slow reader only lets them queue.
func (e *Engine) Events() <-chan Event { return e.mail.out }

// PollNow asks for every feed to be polled now (no-op before Start or
// without feeds).
func (e *Engine) PollNow() {
	e.mu.Lock()
	p := e.poller
	e.mu.Unlock()
	if p != nil {
		p.PollNow()
	}
}

// mailbox queues events without bound, so the writer and the senders
// never wait for a screen.
type mailbox struct {
	mu   sync.Mutex
	q    []Event
	wake chan struct{}
	out  chan Event
}

func newMailbox() *mailbox {
	return &mailbox{wake: make(chan struct{}, 1), out: make(chan Event)}
}

func (m *mailbox) post(ev Event) {
	m.mu.Lock()
	m.q = append(m.q, ev)
	m.mu.Unlock()
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

func (m *mailbox) forward(ctx context.Context) {
	defer close(m.out)
	for {
		m.mu.Lock()
		if len(m.q) == 0 {
			m.mu.Unlock()
			select {
			case <-m.wake:
				continue
			case <-ctx.Done():
				return
			}
		}
		ev := m.q[0]
		m.q[0] = Event{}
		m.q = m.q[1:]
		m.mu.Unlock()
		select {
		case m.out <- ev:
		case <-ctx.Done():
			return
		}
	}
}
