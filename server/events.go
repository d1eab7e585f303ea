package server

import (
	"context"
	"sync"

	"parley/events"
)

// fanout hands the engine's events to every open console. The engine has
// one Events channel, which suits one console: several consoles reading
// it would each get some of the events. Each console gets its own queue,
// unbounded like the engine's, so a slow or stuck session never holds up
// the others or the engine.
type fanout struct {
	mu     sync.Mutex
	subs   map[*eventQueue]struct{}
	closed bool
}

func newFanout() *fanout { return &fanout{subs: map[*eventQueue]struct{}{}} }

// run forwards src until it closes (the engine stopped), then closes
// every console's channel.
func (f *fanout) run(src <-chan events.Event) {
	for ev := range src {
		f.mu.Lock()
		for q := range f.subs {
			if q.wants(ev) {
				q.post(ev)
			}
		}
		f.mu.Unlock()
	}
	f.mu.Lock()
	f.closed = true
	for q := range f.subs {
		q.stop()
		delete(f.subs, q)
	}
	f.mu.Unlock()
}

// subscribe gives user's console its channel of events, until ctx ends.
func (f *fanout) subscribe(ctx context.Context, user string) <-chan events.Event {
	q := &eventQueue{user: user, wake: make(chan struct{}, 1), done: make(chan struct{}), out: make(chan events.Event)}
	go q.forward()
	f.mu.Lock()
	if f.closed {
		q.stop()
	} else {
		f.subs[q] = struct{}{}
	}
	f.mu.Unlock()
	context.AfterFunc(ctx, func() {
		f.mu.Lock()
		if _, ok := f.subs[q]; ok {
			delete(f.subs, q)
			q.stop()
		}
		f.mu.Unlock()
	})
	return q.out
}

// eventQueue is one console's events.
type eventQueue struct {
	user string
	mu   sync.Mutex
	q    []events.Event
	wake chan struct{}
	done chan struct{}
	once sync.Once
	out  chan events.Event
}

// wants says whether the event is for this console. The outcome of a
// send is its author's to see ("Reply sent", or the refused text back in
// the composer), not every teammate's: the others see the reply itself
// through the change feed. Everything else is everyone's.
func (q *eventQueue) wants(ev events.Event) bool {
	if s := ev.Send; s != nil && !s.Started && s.Entry.Who != "" {
		return s.Entry.Who == q.user
	}
	return true
}

func (q *eventQueue) post(ev events.Event) {
	q.mu.Lock()
	q.q = append(q.q, ev)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

func (q *eventQueue) stop() { q.once.Do(func() { close(q.done) }) }

// forward delivers the queue in order, and closes out once stopped.
func (q *eventQueue) forward() {
	defer close(q.out)
	for {
		q.mu.Lock()
		if len(q.q) == 0 {
			q.mu.Unlock()
			select {
			case <-q.wake:
				continue
			case <-q.done:
				return
			}
		}
		ev := q.q[0]
		q.q[0] = events.Event{}
		q.q = q.q[1:]
		q.mu.Unlock()
		select {
		case q.out <- ev:
		case <-q.done:
			return
		}
	}
}
