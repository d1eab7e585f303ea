package store

import (
	"maps"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"

	"parley/feeds"
	"parley/funnel"
)

// reader is an analyzer that can read messages ahead of Analyze, on any
// goroutine (*funnel.Analyzer is one; the tests' fake is not).
type reader interface {
	Read(text string) *funnel.Reading
}

// readings are funnel readings of messages about to be stored, by message
// ID. Reading a message (its sentences, sentiment and signal sentences) is
// most of what analysing a thread costs, and needs no transaction, so it
// is done for new messages on every core before the write transaction,
// which is the one serial part of a fetch (see Prepare and IngestBatch).
type readings map[string]*funnel.Reading

// Prepared is a poll result with the work done that storing it needs no
// transaction for (see readings). A caller storing results as they come
// (parley fetch) can prepare each on arrival, beside the commits, and
// store many at once with IngestPrepared.
type Prepared struct {
	feeds.Result
	readings readings
}

// Prepare prepares res for IngestPrepared. It only reads the store, so it
// may run beside writes: a message stored meanwhile just had its reading
// made for nothing. The caller must not change res until it is stored.
//
// It reads on one core fewer than there are: results are prepared while
// the one writer commits earlier ones, and the writer, not the reading,
// is what a fetch waits for at the end. Given every core, the reading
// took most of the writer's.
func (s *Store) Prepare(res feeds.Result) Prepared {
	return Prepared{Result: res, readings: s.readAhead([]feeds.Result{res}, max(1, runtime.GOMAXPROCS(0)-1))}
}

// IngestPrepared stores prepared results as IngestBatch stores results:
// in one transaction, or each on its own if that fails.
func (s *Store) IngestPrepared(ps []Prepared, now time.Time) (outs []IngestResult, errs []error) {
	results := make([]feeds.Result, len(ps))
	n := 0
	for i, p := range ps {
		results[i] = p.Result
		n += len(p.readings)
	}
	// One lookup for the whole batch: a thread can take messages from
	// several results.
	var rd readings
	if n > 0 {
		rd = make(readings, n)
		for _, p := range ps {
			maps.Copy(rd, p.readings)
		}
	}
	return s.ingestBatch(results, now, rd)
}

// readAhead reads the messages of results that the store will analyse:
// items not already stored and not ours. It is only a head start: a
// message without a reading here is read in the transaction as before,
// and a reading nothing asks for is dropped. workers goroutines read.
func (s *Store) readAhead(results []feeds.Result, workers int) readings {
	rd, ok := s.an.(reader)
	if !ok {
		return nil
	}
	type job struct {
		id   string
		text string
	}
	var jobs []job
	ours := s.oursSnapshot()
	_ = s.view(func(tx *bolt.Tx) error {
		msgs := tx.Bucket(bucketMessages)
		for _, res := range results {
			if res.Err != nil || res.NotModified || huge(res) {
				continue // a huge result is read a chunk at a time
			}
			for i := range res.Items {
				it := &res.Items[i]
				if it.Ours || isOurs(ours, it.Author) {
					continue
				}
				id := it.ID
				if id == "" {
					id = fallbackID(it, res.Feed)
				}
				if msgs.Get([]byte(id)) == nil {
					jobs = append(jobs, job{id, it.Text})
				}
			}
		}
		return nil
	})
	if len(jobs) == 0 {
		return nil
	}
	out := make([]*funnel.Reading, len(jobs))
	var (
		next atomic.Int64
		wg   sync.WaitGroup
	)
	for range min(workers, len(jobs)) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(jobs); i = int(next.Add(1) - 1) {
				out[i] = rd.Read(jobs[i].text)
			}
		})
	}
	wg.Wait()
	m := make(readings, len(jobs))
	for i, j := range jobs {
		m[j.id] = out[i]
	}
	return m
}
