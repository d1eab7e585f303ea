package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"parley/feeds"
	"parley/store"
)

// Sending replies to two-way sources. The store's outbox is the source of
// truth: QueueReply puts the text safe on disk (the draft goes), then the
// dispatcher makes attempts and records their outcomes. It schedules the
// next attempt of a failed send and, on Start, every pending one, so a
// reply survives quitting, a crash and a dead network, and goes out once:
// an entry with an attempt in flight is never attempted again, whoever
// asks.

// sendTimeout bounds one attempt, Find included.
const sendTimeout = 45 * time.Second

// errClosed answers work handed to an engine after Close.
var errClosed = errors.New("parley is shutting down: try again after it restarts")

// DefaultRetryDelays is the wait before attempt n+1 after n failed ones
// (the last repeats); a server's Retry-After can only lengthen it.
var DefaultRetryDelays = []time.Duration{2 * time.Second, 5 * time.Second, 15 * time.Second, 30 * time.Second,
	time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute}

func retryDelay(delays []time.Duration, attempts int) time.Duration {
	if len(delays) == 0 {
		delays = DefaultRetryDelays
	}
	return delays[min(max(attempts-1, 0), len(delays)-1)]
}

// QueueReply puts r in the outbox and starts sending it. The entry is on
// disk when it returns; the outcome comes as a SendEvent.
func (e *Engine) QueueReply(_ context.Context, r store.Reply) (store.OutboxEntry, error) {
	entry, err := e.st.QueueReply(r)
	if err != nil {
		return entry, err
	}
	e.dispatch(entry)
	return entry, nil
}

// SendNow starts an attempt at the outbox entry key now, unless one is in
// flight already (it returns false then: that attempt covers it). The
// store refuses an entry sent or given up meanwhile.
func (e *Engine) SendNow(key string) bool {
	e.mu.Lock()
	if e.closed || e.sending[key] {
		e.mu.Unlock()
		return false
	}
	e.sending[key] = true
	if t := e.retries[key]; t != nil {
		t.Stop()
		delete(e.retries, key)
	}
	e.wg.Add(1)
	e.mu.Unlock()
	go func() {
		defer e.wg.Done()
		ev := e.attempt(key)
		e.mu.Lock()
		delete(e.sending, key)
		e.mu.Unlock()
		if ev.Err == nil && ev.Entry.State == store.OutboxFailed && !ev.Entry.Permanent {
			e.dispatch(ev.Entry)
		}
		e.mail.post(Event{Send: &ev})
	}()
	return true
}

// dispatch attempts ent now, or at its NextTry.
func (e *Engine) dispatch(ent store.OutboxEntry) {
	wait := ent.NextTry.Sub(e.clock.Now())
	if wait <= 0 {
		e.SendNow(ent.Key)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed || e.sending[ent.Key] {
		return
	}
	if t := e.retries[ent.Key]; t != nil {
		t.Stop()
	}
	key := ent.Key
	e.retries[key] = e.clock.AfterFunc(wait, func() {
		e.mu.Lock()
		delete(e.retries, key)
		e.mu.Unlock()
		e.SendNow(key)
	})
}

// resumeOutbox sends every entry left pending (a quit, a crash, a dead
// network), each at its time.
func (e *Engine) resumeOutbox() {
	pending, err := e.st.Pending()
	if err != nil {
		slog.Error("read the outbox", "err", err)
		return
	}
	if len(pending) > 0 {
		e.mail.post(Event{Resumed: len(pending)})
	}
	for _, ent := range pending {
		e.dispatch(ent)
	}
}

// attempt makes one attempt at sending the outbox entry key. After an
// ambiguous failure (or a crash mid-send) it first looks for the post on
// the server, so a reply is never posted twice.
func (e *Engine) attempt(key string) SendEvent {
	now := e.clock.Now
	ent, err := e.st.MarkSending(key, now())
	if err != nil {
		ent.Key = key
		return SendEvent{Entry: ent, Err: err}
	}
	e.mail.post(Event{Send: &SendEvent{Entry: store.OutboxEntry{Key: key, ThreadID: ent.ThreadID}, Started: true}})
	r := e.cfg.Repliers[ent.Feed]
	if r == nil {
		ent, err = e.st.MarkFailed(key, store.Failure{Permanent: true,
			Err: fmt.Sprintf("feed %q is not a two-way source in the config any more", ent.Feed)}, now())
		return SendEvent{Entry: ent, Err: err}
	}
	ctx, cancel := context.WithTimeout(e.life, sendTimeout)
	defer cancel()
	out := feeds.Outgoing{Key: ent.Key, Text: ent.Text, Target: ent.Target, Queued: ent.Queued}
	if ent.Ambiguous {
		p, found, ferr := r.Find(ctx, out)
		switch {
		case ferr != nil:
			// Still unknown whether it was posted: keep looking first.
			return e.recordFailure(ent, ferr, true)
		case found:
			ent, err = e.st.MarkSent(key, p, now())
			return SendEvent{Entry: ent, Err: err}
		}
	}
	p, serr := r.Reply(ctx, out)
	if serr != nil {
		return e.recordFailure(ent, serr, false)
	}
	ent, err = e.st.MarkSent(key, p, now())
	return SendEvent{Entry: ent, Err: err}
}

// recordFailure stores a failed attempt with the time of the next one.
// stillAmbiguous keeps an unresolved "may have been posted" standing.
func (e *Engine) recordFailure(ent store.OutboxEntry, err error, stillAmbiguous bool) SendEvent {
	now := e.clock.Now()
	f := store.Failure{Err: err.Error(), Ambiguous: stillAmbiguous}
	wait := retryDelay(e.cfg.RetryDelays, ent.Attempts)
	if se, ok := errors.AsType[*feeds.SendError](err); ok {
		f.Permanent = se.Permanent && !stillAmbiguous
		f.Ambiguous = stillAmbiguous || se.Outcome == feeds.MaybePosted
		wait = max(wait, se.RetryAfter)
	} else {
		// Not classified: assume the worst about whether it was posted.
		f.Ambiguous = true
	}
	if !f.Permanent {
		f.NextTry = now.Add(wait)
	}
	ent, serr := e.st.MarkFailed(ent.Key, f, now)
	return SendEvent{Entry: ent, Err: serr}
}
