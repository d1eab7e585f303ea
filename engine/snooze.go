package engine

import (
	"log/slog"
	"time"

	"parley/store"
)

// snoozeCheck bounds the snooze clock's wait, so a suspended laptop or a
// changed wall clock wakes threads within a minute of their time.
const snoozeCheck = time.Minute

// wakeSnoozed puts back every thread whose snooze is over and arms the
// clock for the next one.
func (e *Engine) wakeSnoozed() {
	n, err := e.st.WakeSnoozed(e.clock.Now())
	if err != nil {
		slog.Error("wake snoozed threads", "err", err)
	}
	if n > 0 {
		e.mail.post(Event{Woke: n})
	}
	e.armSnooze()
}

// armSnooze sets the snooze clock for the earliest snooze (or the next
// check). Snooze calls it, so a new snooze shorter than the others counts.
func (e *Engine) armSnooze() {
	wait := snoozeCheck
	if next, ok, err := e.st.NextWake(); err != nil {
		slog.Error("read the snoozed threads", "err", err)
	} else if ok {
		wait = min(wait, max(next.Sub(e.clock.Now()), 0))
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed || !e.started {
		return
	}
	if e.snoozeT != nil {
		e.snoozeT.Stop()
	}
	e.snoozeT = e.clock.AfterFunc(wait, func() {
		// Close waits for a wake in progress: it writes the store.
		e.mu.Lock()
		if e.closed {
			e.mu.Unlock()
			return
		}
		e.wg.Add(1)
		e.mu.Unlock()
		defer e.wg.Done()
		e.wakeSnoozed()
	})
}

// Snooze hides a thread until the given time (zero: wakes it now) and
// keeps the snooze clock on time for it.
func (e *Engine) Snooze(threadID string, until time.Time) error {
	return e.snooze(e.st, threadID, until)
}

// snooze snoozes through st: a session's store (store.As), so the change
// and the audit log name its user.
func (e *Engine) snooze(st *store.Store, threadID string, until time.Time) error {
	if err := st.Snooze(threadID, until); err != nil {
		return err
	}
	e.armSnooze()
	return nil
}
