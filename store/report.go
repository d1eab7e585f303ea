package store

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"parley/funnel"
)

// StageCount is one stage's line of the funnel report.
type StageCount struct {
	Stage funnel.Stage
	Now   int // threads at this stage now
	// In7 and In30 count moves into this stage in the last 7 and 30
	// days; for funnel.New, which nothing moves into, threads that began
	// then (new conversations).
	In7    int
	In30   int
	Manual int // of In30, moved by hand
}

// FeedFunnel is one feed's line of the funnel report.
type FeedFunnel struct {
	Feed    string
	Threads int
	// Conversations in the feed's threads.
	Conversations int
	Stages        [6]int // conversations per stage now, indexed by funnel.Stage
	Conversions   int
	Revenue       []Money // per currency, largest first
}

// FunnelReport is the funnel view's whole picture, read in one
// transaction.
type FunnelReport struct {
	Stages        []StageCount // one per funnel.Stages, in order
	Threads       int
	Conversations int // one per person per thread
	People        int // contacts
	Unhappy       int // conversations whose latest message from them is unhappy
	WonBack       int // conversations won back (ever)
	WonBack30     int // ... in the last 30 days
	Conversions   int
	Revenue       []Money // per currency, largest first
	Feeds         []FeedFunnel
}

// Report windows: "in the last N days" is (now-N days, now].
const (
	window7  = 7 * 24 * time.Hour
	window30 = 30 * 24 * time.Hour
)

// Funnel reads the funnel report at now. Stage counts come from the stage
// index and moves from the time index (a range, not a scan); the per-feed
// lines and flags need one pass over the thread records, which reads them
// without decoding strings.
func (s *Store) Funnel(now time.Time) (FunnelReport, error) {
	if now.IsZero() {
		now = time.Now()
	}
	now = now.UTC()
	var r FunnelReport
	err := s.view(func(tx *bolt.Tx) error {
		r = FunnelReport{Stages: make([]StageCount, len(funnel.Stages))}
		for i, st := range funnel.Stages {
			r.Stages[i].Stage = st
		}
		countStages(tx, r.Stages)
		countMoves(tx, r.Stages, now)

		feeds := map[string]*FeedFunnel{}
		from30 := now.Add(-window30)
		err := tx.Bucket(bucketThreads).ForEach(func(k, v []byte) error {
			f, err := decodeThreadFacts(k, v)
			if err != nil {
				return err
			}
			ff := feeds[string(f.feed)] // no allocation for the lookup
			if ff == nil {
				ff = &FeedFunnel{Feed: string(f.feed)}
				feeds[ff.Feed] = ff
			}
			ff.Threads++
			if f.stage.Valid() {
				ff.Stages[f.stage]++
			}
			r.Threads++
			if !f.created.After(now) {
				if f.created.After(from30) {
					r.Stages[funnel.New].In30++
				}
				if f.created.After(now.Add(-window7)) {
					r.Stages[funnel.New].In7++
				}
			}
			if f.unhappy {
				r.Unhappy++
			}
			if f.wonBack {
				r.WonBack++
				if f.wonBackAt.After(from30) && !f.wonBackAt.After(now) {
					r.WonBack30++
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		err = forEachConversion(tx, func(feed string, c *conversionRec) {
			r.Conversions++
			r.Revenue = revenueAdd(r.Revenue, c.Amount)
			ff := feeds[feed]
			if ff == nil { // its thread is gone: count it under its feed anyway
				ff = &FeedFunnel{Feed: feed}
				feeds[feed] = ff
			}
			ff.Conversions++
			ff.Revenue = revenueAdd(ff.Revenue, c.Amount)
		})
		if err != nil {
			return err
		}
		sortRevenue(r.Revenue)
		r.Feeds = make([]FeedFunnel, 0, len(feeds))
		for _, ff := range feeds {
			sortRevenue(ff.Revenue)
			r.Feeds = append(r.Feeds, *ff)
		}
		return nil
	})
	if err != nil {
		return FunnelReport{}, fmt.Errorf("read funnel: %w", err)
	}
	slices.SortFunc(r.Feeds, compareFeedFunnel)
	return r, nil
}

// compareFeedFunnel puts the feeds that earn most first. Currencies are
// not converted: revenue compares by the sum of cents over currencies,
// which is exact for the usual single-currency shop.
func compareFeedFunnel(a, b FeedFunnel) int {
	if c := cmp.Compare(totalCents(b.Revenue), totalCents(a.Revenue)); c != 0 {
		return c
	}
	if c := cmp.Compare(b.Conversions, a.Conversions); c != 0 {
		return c
	}
	if c := cmp.Compare(b.Threads, a.Threads); c != 0 {
		return c
	}
	return cmp.Compare(a.Feed, b.Feed)
}

func totalCents(rev []Money) int64 {
	var n int64
	for _, m := range rev {
		n += m.Cents
	}
	return n
}

// countStages counts the stage index's keys per stage: keys only, the
// threads are not read.
func countStages(tx *bolt.Tx, stages []StageCount) {
	c := tx.Bucket(bucketStageThreads).Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		if st := int(k[0]); st < len(stages) {
			stages[st].Now++
		}
	}
}

// countMoves counts moves into each stage over the last 30 days by
// reading that range of the time index.
func countMoves(tx *bolt.Tx, stages []StageCount, now time.Time) {
	from7, limit := nanos(now.Add(-window7)), nanos(now)
	c := tx.Bucket(bucketMovesByTime).Cursor()
	start := binary.BigEndian.AppendUint64(nil, nanos(now.Add(-window30))+1)
	for k, v := c.Seek(start); k != nil; k, v = c.Next() {
		at := binary.BigEndian.Uint64(k)
		if at > limit {
			break
		}
		if len(v) < threadIDLen+3 {
			continue
		}
		to := int(v[threadIDLen+1])
		if to >= len(stages) {
			continue
		}
		stages[to].In30++
		if at > from7 {
			stages[to].In7++
		}
		if v[threadIDLen+2] != 0 {
			stages[to].Manual++
		}
	}
}

// forEachConversion calls fn with every stored conversion and the feed of
// its thread. Conversions are few next to threads, so a Get per distinct
// thread is cheaper than a map over all threads.
func forEachConversion(tx *bolt.Tx, fn func(feed string, c *conversionRec)) error {
	threads := tx.Bucket(bucketThreads)
	feedOf := map[string]string{}
	return tx.Bucket(bucketConversions).ForEach(func(k, v []byte) error {
		c, err := decodeConversion(k, v)
		if err != nil {
			return err
		}
		feed, ok := feedOf[c.ThreadID]
		if !ok {
			if tv := threads.Get([]byte(c.ThreadID)); tv != nil {
				f, err := decodeThreadFacts([]byte(c.ThreadID), tv)
				if err != nil {
					return err
				}
				feed = string(f.feed)
			}
			feedOf[c.ThreadID] = feed
		}
		fn(feed, &c)
		return nil
	})
}
