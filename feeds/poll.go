package feeds

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Event is what a Poller reports.
type Event struct {
	Feed    string
	Started bool      // a fetch of Feed has begun (Result nil)
	Result  *Result   // a fetch finished
	Next    time.Time // when Feed will next be polled; zero while a fetch is in flight
	// Failures counts the feed's consecutive failed polls (with Result):
	// above zero, Next is pushed back (see backoff).
	Failures int
}

// Poller polls a fixed list of feeds in the background: all at once when
// started, then each on its own interval, counted from the end of its last
// fetch. A feed is never fetched twice at the same time.
type Poller struct {
	f      *Fetcher
	feeds  []Feed
	state  func(name string) ConditionalState
	events chan Event
	now    chan struct{} // PollNow requests; buffered 1, extra requests merge

	startOnce sync.Once

	// FirstDelay holds the first round back this long after Start, so a
	// console draws its first screen before hundreds of fetches compete
	// with it for the CPU (at 1M messages and 1,000 feeds they made the
	// first rows 2.5x slower). PollNow does not wait for it. Set it
	// before Start.
	FirstDelay time.Duration

	mu   sync.Mutex
	next map[string]time.Time
}

// NewPoller prepares a poller; nothing happens until Start. state gives the
// conditional-GET state to send for a feed; it is called from the poller's
// goroutine, so it must be safe to call concurrently with the caller's own
// code (e.g. a read from the store).
func NewPoller(f *Fetcher, list []Feed, state func(name string) ConditionalState) *Poller {
	return &Poller{
		f:      f,
		feeds:  append([]Feed(nil), list...),
		state:  state,
		events: make(chan Event, 2*len(list)+8),
		now:    make(chan struct{}, 1),
		next:   map[string]time.Time{},
	}
}

// Start begins polling and returns immediately. Every feed is polled at
// once, then each on its Every (DefaultEvery if zero). Polling stops when
// ctx is cancelled; Events is then closed once in-flight fetches have
// returned. Calls after the first do nothing.
func (p *Poller) Start(ctx context.Context) {
	p.startOnce.Do(func() { go p.run(ctx) })
}

// Events delivers Started and Result events in order: a feed's Started
// always precedes its Result. The consumer must keep reading (a Bubble Tea
// command that re-arms after each event); a full buffer pauses polling
// rather than dropping results.
func (p *Poller) Events() <-chan Event { return p.events }

// PollNow asks for every feed to be polled now; feeds already being fetched
// are skipped. It never blocks.
func (p *Poller) PollNow() {
	select {
	case p.now <- struct{}{}:
	default: // a request is already pending; it covers this one
	}
}

// Next is when the named feed will next be polled: zero if unknown or while
// it is being fetched.
func (p *Poller) Next(name string) time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.next[name]
}

// pollState is the scheduler's view of one feed. Only run touches it.
type pollState struct {
	feed     Feed
	due      time.Time
	inFlight bool
	failures int // consecutive failed polls, for backoff
}

// maxBackoff caps the wait of a feed that keeps failing, so it recovers
// within the hour once its server does (unless its interval is longer).
const maxBackoff = time.Hour

// interval is how long to wait after a fetch of s that ended with r: the
// feed's interval, doubled for each consecutive failure beyond the first
// (capped at maxBackoff, or the interval if longer), and never less than
// the wait a server asked for (429/503 Retry-After).
func (p *Poller) interval(s *pollState, r Result) time.Duration {
	return backoff(s.feed.Every, s.failures, r.Err)
}

func backoff(every time.Duration, failures int, err error) time.Duration {
	if every <= 0 {
		every = DefaultEvery
	}
	d := every
	if failures > 1 {
		limit := max(every, maxBackoff)
		for i := 1; i < failures && d < limit; i++ {
			d *= 2
		}
		d = min(d, limit)
	}
	var se *HTTPStatusError
	if errors.As(err, &se) && se.RetryAfter > d {
		d = se.RetryAfter
	}
	return d
}

type pollDone struct {
	i int
	r Result
}

// run is the scheduler. It alone owns the pollState slice and sends on
// events, which keeps Started-before-Result ordering trivially true.
func (p *Poller) run(ctx context.Context) {
	defer close(p.events)
	var wg sync.WaitGroup
	defer wg.Wait() // runs before close: no fetch outlives the poller

	feeds := make([]*pollState, len(p.feeds))
	first := time.Now().Add(p.FirstDelay)
	for i, f := range p.feeds {
		feeds[i] = &pollState{feed: f, due: first}
	}
	// At most one fetch per feed is in flight, so fetches never block here.
	done := make(chan pollDone, len(feeds))

	launch := func(i int) bool {
		s := feeds[i]
		s.inFlight = true
		p.setNext(s.feed.Name, time.Time{})
		var st ConditionalState
		if p.state != nil {
			st = p.state(s.feed.Name)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			done <- pollDone{i, p.f.Fetch(ctx, s.feed, st)}
		}()
		return p.emit(ctx, Event{Feed: s.feed.Name, Started: true})
	}
	// launchIdle starts every idle feed that due says should go now.
	launchIdle := func(due func(*pollState) bool) bool {
		for i, s := range feeds {
			if !s.inFlight && due(s) && !launch(i) {
				return false
			}
		}
		return true
	}

	// finish records an ended fetch and reports its result.
	finish := func(d pollDone) bool {
		s := feeds[d.i]
		s.inFlight = false
		if d.r.Err != nil {
			s.failures++
		} else {
			s.failures = 0
		}
		s.due = time.Now().Add(p.interval(s, d.r))
		p.setNext(s.feed.Name, s.due)
		return p.emit(ctx, Event{Feed: s.feed.Name, Result: &d.r, Next: s.due, Failures: s.failures})
	}

	if p.FirstDelay <= 0 && !launchIdle(func(*pollState) bool { return true }) {
		return
	}
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		// Arm the timer for the earliest idle feed; with none idle, only a
		// finished fetch can make anything due.
		var earliest time.Time
		for _, s := range feeds {
			if !s.inFlight && (earliest.IsZero() || s.due.Before(earliest)) {
				earliest = s.due
			}
		}
		if earliest.IsZero() {
			timer.Stop()
		} else {
			timer.Reset(time.Until(earliest))
		}

		ok := true
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
			now := time.Now()
			ok = launchIdle(func(s *pollState) bool { return !s.due.After(now) })
		case <-p.now:
			// Fetches that have ended are finished first: they are not in
			// flight, so this request starts them again (R in the console
			// waits for an answer from every feed that began after it).
			for drained := false; ok && !drained; {
				select {
				case d := <-done:
					ok = finish(d)
				default:
					drained = true
				}
			}
			ok = ok && launchIdle(func(*pollState) bool { return true })
		case d := <-done:
			ok = finish(d)
		}
		if !ok {
			return
		}
	}
}

func (p *Poller) setNext(name string, t time.Time) {
	p.mu.Lock()
	p.next[name] = t
	p.mu.Unlock()
}

// emit delivers ev unless ctx ends first; false means stop.
func (p *Poller) emit(ctx context.Context, ev Event) bool {
	select {
	case p.events <- ev:
		return true
	case <-ctx.Done():
		return false
	}
}
