package feeds

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// nextEvent returns the poller's next event, failing the test if none comes
// in a generous while (a guard against hangs, not a timing assumption).
func nextEvent(t *testing.T, p *Poller) Event {
	t.Helper()
	select {
	case ev, ok := <-p.Events():
		if !ok {
			t.Fatal("Events closed early")
		}
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10s")
	}
	panic("unreachable")
}

func describe(ev Event) string {
	switch {
	case ev.Started:
		return "started " + ev.Feed
	case ev.Result != nil:
		return "result " + ev.Feed
	}
	return "empty " + ev.Feed
}

func TestPollerStartedResultAndPollNow(t *testing.T) {
	releaseA := make(chan struct{})
	var hitsA, hitsB atomic.Int32
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/a" {
			hitsA.Add(1)
			select { // A stays in flight until the test lets it go
			case <-releaseA:
			case <-r.Context().Done():
				return
			}
		} else {
			hitsB.Add(1)
		}
		fmt.Fprint(w, tinyFeed)
	})
	list := []Feed{
		{Name: "A", URL: srv.URL + "/a", Every: time.Hour},
		{Name: "B", URL: srv.URL + "/b", Every: time.Hour},
	}
	var stateCalls atomic.Int32
	p := NewPoller(NewFetcher(Options{Client: srv.Client()}), list, func(name string) ConditionalState {
		stateCalls.Add(1)
		return ConditionalState{ETag: "etag-" + name}
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p.Start(ctx)

	expect := func(want string) Event {
		t.Helper()
		ev := nextEvent(t, p)
		if got := describe(ev); got != want {
			t.Fatalf("event %q, want %q", got, want)
		}
		if ev.Started && ev.Result != nil {
			t.Fatalf("event %+v is both Started and a Result", ev)
		}
		return ev
	}
	expect("started A")
	expect("started B")
	before := time.Now()
	ev := expect("result B")
	if ev.Result.Err != nil || len(ev.Result.Items) != 1 {
		t.Fatalf("B result: err=%v items=%d", ev.Result.Err, len(ev.Result.Items))
	}
	if ev.Next.Before(before.Add(time.Hour-time.Minute)) || ev.Next.After(time.Now().Add(time.Hour)) {
		t.Errorf("B next poll at %v, want about an hour from now", ev.Next)
	}
	if got := p.Next("B"); !got.Equal(ev.Next) {
		t.Errorf("Next(B) = %v, want %v as in the event", got, ev.Next)
	}
	if got := p.Next("A"); !got.IsZero() {
		t.Errorf("Next(A) = %v while A is in flight, want zero", got)
	}

	// A is still in flight: PollNow must refetch B only. Started events of
	// one pass come in feed order, so "started B" with no "started A"
	// before it proves A was skipped.
	p.PollNow()
	expect("started B")
	expect("result B")

	close(releaseA)
	ev = expect("result A")
	if ev.Result.Err != nil {
		t.Fatalf("A result: %v", ev.Result.Err)
	}
	if a, b := hitsA.Load(), hitsB.Load(); a != 1 || b != 2 {
		t.Errorf("server saw A %d times and B %d times, want 1 and 2", a, b)
	}
	if n := stateCalls.Load(); n != 3 {
		t.Errorf("state func called %d times, want once per fetch (3)", n)
	}

	cancel()
	for ev := range p.Events() { // must end: the poller closes Events
		if ev.Started {
			t.Errorf("fetch started after cancel: %+v", ev)
		}
	}
}

func TestPollerRepollsOnInterval(t *testing.T) {
	var hits atomic.Int32
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Error(w, "down", http.StatusServiceUnavailable)
	})
	const every = 30 * time.Millisecond
	p := NewPoller(NewFetcher(Options{Client: srv.Client()}), []Feed{{Name: "F", URL: srv.URL, Every: every}}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p.Start(ctx)

	var lastNext time.Time
	for round := range 3 {
		ev := nextEvent(t, p)
		if !ev.Started {
			t.Fatalf("round %d: got %q, want started", round, describe(ev))
		}
		if round > 0 && time.Now().Before(lastNext) {
			t.Errorf("round %d started before its scheduled time %v", round, lastNext)
		}
		ev = nextEvent(t, p)
		if ev.Result == nil || ev.Result.Err == nil {
			t.Fatalf("round %d: got %q, want a failed result", round, describe(ev))
		}
		// A failing feed keeps its interval (no backoff yet).
		if d := ev.Next.Sub(ev.Result.Started.Add(ev.Result.Duration)); d < every || d > every+time.Second {
			t.Errorf("round %d: next poll %v after the fetch ended, want %v", round, d, every)
		}
		lastNext = ev.Next
	}
	cancel()
	for range p.Events() {
	}
	if n := hits.Load(); n < 3 {
		t.Errorf("server saw %d requests, want at least 3", n)
	}
}

func TestBackoffGrowsCapsAndHonoursRetryAfter(t *testing.T) {
	fail := errors.New("connection refused")
	slow := &HTTPStatusError{StatusCode: 429, Status: "429 Too Many Requests", RetryAfter: 3 * time.Hour}
	tests := []struct {
		name     string
		every    time.Duration
		failures int
		err      error
		want     time.Duration
	}{
		{"success keeps the interval", 5 * time.Minute, 0, nil, 5 * time.Minute},
		{"first failure keeps the interval", 5 * time.Minute, 1, fail, 5 * time.Minute},
		{"second failure doubles", 5 * time.Minute, 2, fail, 10 * time.Minute},
		{"fourth failure: 8x", 5 * time.Minute, 4, fail, 40 * time.Minute},
		{"capped at an hour", 5 * time.Minute, 30, fail, time.Hour},
		{"a long interval is its own cap", 2 * time.Hour, 5, fail, 2 * time.Hour},
		{"zero interval is the default", 0, 0, nil, DefaultEvery},
		{"Retry-After beyond the backoff wins", 5 * time.Minute, 1, fmt.Errorf("fetch: %w", slow), 3 * time.Hour},
	}
	for _, tt := range tests {
		if got := backoff(tt.every, tt.failures, tt.err); got != tt.want {
			t.Errorf("%s: backoff(%s, %d) = %s, want %s", tt.name, tt.every, tt.failures, got, tt.want)
		}
	}
}

// A feed that keeps failing is polled less and less often, and its events
// say how many times in a row it failed; one success resets it.
func TestPollerBacksOffAFailingFeed(t *testing.T) {
	var fail atomic.Bool
	fail.Store(true)
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if fail.Load() {
			http.Error(w, "down", http.StatusBadGateway)
			return
		}
		fmt.Fprint(w, tinyFeed)
	})
	p := NewPoller(NewFetcher(Options{Client: srv.Client()}), []Feed{{Name: "F", URL: srv.URL, Every: time.Minute}}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p.Start(ctx)

	result := func() Event {
		t.Helper()
		for {
			if ev := nextEvent(t, p); ev.Result != nil {
				return ev
			}
		}
	}
	for i, wantWait := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute} {
		before := time.Now()
		ev := result()
		if ev.Failures != i+1 {
			t.Fatalf("poll %d: Failures = %d, want %d", i+1, ev.Failures, i+1)
		}
		if wait := ev.Next.Sub(before); wait < wantWait-time.Second || wait > wantWait+5*time.Second {
			t.Errorf("poll %d: next poll in %s, want about %s", i+1, wait.Round(time.Second), wantWait)
		}
		p.PollNow()
	}
	fail.Store(false)
	before := time.Now()
	ev := result()
	if ev.Failures != 0 || ev.Result.Err != nil {
		t.Fatalf("after recovery: Failures = %d, err = %v", ev.Failures, ev.Result.Err)
	}
	if wait := ev.Next.Sub(before); wait > time.Minute+5*time.Second {
		t.Errorf("after recovery the next poll is in %s, want the normal minute", wait.Round(time.Second))
	}
}

// FirstDelay holds the first round back (a console draws its first screen
// first), and PollNow does not wait for it.
func TestPollerFirstDelay(t *testing.T) {
	var hits atomic.Int32
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		fmt.Fprint(w, tinyFeed)
	})
	list := []Feed{{Name: "F", URL: srv.URL, Every: time.Hour}}

	const delay = 150 * time.Millisecond
	p := NewPoller(NewFetcher(Options{Client: srv.Client()}), list, nil)
	p.FirstDelay = delay
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start := time.Now()
	p.Start(ctx)
	if ev := nextEvent(t, p); !ev.Started {
		t.Fatalf("got %q, want started", describe(ev))
	}
	if waited := time.Since(start); waited < delay {
		t.Errorf("the first round started after %v, before its delay of %v", waited, delay)
	}
	cancel()
	for range p.Events() {
	}

	// PollNow during the delay starts the round at once.
	q := NewPoller(NewFetcher(Options{Client: srv.Client()}), list, nil)
	q.FirstDelay = time.Hour
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	q.Start(ctx2)
	q.PollNow()
	if ev := nextEvent(t, q); !ev.Started {
		t.Fatalf("got %q, want started", describe(ev))
	}
	cancel2()
	for range q.Events() {
	}
}
