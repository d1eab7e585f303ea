package engine

import (
	"context"
	"sync"
	"time"

	"parley/feeds"
	"parley/store"
)

// maxGroupItems bounds one commit of the writer: a transaction takes
// every result prepared meanwhile, up to this many items.
const maxGroupItems = 5000

// ingestJob is a prepared result and who to tell once it is committed.
type ingestJob struct {
	p      store.Prepared
	report func(store.IngestResult, error)
}

// writer is the one group-commit writer of poll results. Each result is
// prepared as it arrives (the funnel reads its new messages, beside the
// commits), and the writer commits what has been prepared: each commit
// (one fsync) takes every result prepared meanwhile, up to maxGroupItems
// items, so a cold fetch of hundreds of feeds pays for a few commits
// instead of hundreds, and a warm one still stores each result as soon as
// the writer is free.
type writer struct {
	st   *store.Store
	now  func() time.Time
	mu   sync.RWMutex // held to send on in; Lock to close it
	shut bool
	in   chan ingestJob
	done chan struct{}
}

func startWriter(st *store.Store, now func() time.Time, buf int) *writer {
	w := &writer{st: st, now: now, in: make(chan ingestJob, buf), done: make(chan struct{})}
	go w.run()
	return w
}

func (w *writer) run() {
	defer close(w.done)
	for first := range w.in {
		group := []ingestJob{first}
		for more, n := true, len(first.p.Items); more && n < maxGroupItems; {
			select {
			case j, ok := <-w.in:
				if more = ok; ok {
					group = append(group, j)
					n += len(j.p.Items)
				}
			default:
				more = false // nothing else is ready: store these now
			}
		}
		ps := make([]store.Prepared, len(group))
		for i, j := range group {
			ps[i] = j.p
		}
		outs, errs := w.st.IngestPrepared(ps, w.now())
		for i, j := range group {
			logStoreFailure(j.p.Feed, errs[i])
			j.report(outs[i], errs[i])
		}
	}
}

// submit prepares r and hands it to the writer; report is called from
// the writer once it is committed (or failed). After close, report gets
// errClosed at once.
func (w *writer) submit(r feeds.Result, report func(store.IngestResult, error)) {
	logFetchFailure(r)
	p := w.st.Prepare(r)
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.shut {
		report(store.IngestResult{}, errClosed)
		return
	}
	w.in <- ingestJob{p: p, report: report}
}

// close stores what was submitted and stops the writer.
func (w *writer) close() {
	w.mu.Lock()
	if !w.shut {
		w.shut = true
		close(w.in)
	}
	w.mu.Unlock()
	<-w.done
}

// FetchOnce polls every configured feed once and stores what comes back
// through the writer. emit is called once per feed, from one goroutine at
// a time, after its result is committed (ingestErr says why it could not
// be); FetchOnce returns after the last call.
func (e *Engine) FetchOnce(ctx context.Context, emit func(r feeds.Result, res store.IngestResult, ingestErr error)) {
	var wg sync.WaitGroup
	e.fetcher.FetchAll(ctx, e.cfg.Feeds, e.st.ConditionalState, func(r feeds.Result) {
		wg.Add(1)
		e.w.submit(r, func(res store.IngestResult, err error) {
			defer wg.Done()
			if emit != nil {
				emit(r, res, err)
			}
		})
	})
	wg.Wait()
}

// pump stores the background poller's results through the writer and
// reports each poll event, a result once it is committed.
func (e *Engine) pump(p *feeds.Poller) {
	for ev := range p.Events() {
		if ev.Result == nil {
			e.mail.post(Event{Poll: &PollEvent{Event: ev}})
			continue
		}
		e.w.submit(*ev.Result, func(res store.IngestResult, err error) {
			e.mail.post(Event{Poll: &PollEvent{Event: ev, Stored: res, StoreErr: err}})
		})
	}
}
