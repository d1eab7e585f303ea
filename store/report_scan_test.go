package store

import (
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"parley/funnel"
)

// funnelByScan is Funnel as it was before schema 7: it scans every
// thread and conversation record. Kept as the oracle the counters are
// checked against, and the baseline of BenchmarkFunnel.
//
// It reads the funnel report at now. Stage counts come from the stage
// index and moves from the time index (a range, not a scan); the per-feed
// lines and flags need one pass over the thread records, which reads them
// without decoding strings.
func (s *Store) funnelByScan(now time.Time) (FunnelReport, error) {
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
		feedOf := func(name []byte) *FeedFunnel {
			ff := feeds[string(name)] // no allocation for the lookup
			if ff == nil {
				ff = &FeedFunnel{Feed: string(name)}
				feeds[ff.Feed] = ff
			}
			return ff
		}
		err := tx.Bucket(bucketThreads).ForEach(func(k, v []byte) error {
			f, err := decodeThreadFacts(k, v)
			if err != nil {
				return err
			}
			feedOf(f.feed).Threads++
			r.Threads++
			return nil
		})
		if err != nil {
			return err
		}
		from30 := now.Add(-window30)
		err = tx.Bucket(bucketConversations).ForEach(func(k, v []byte) error {
			f, err := decodeConvFacts(k, v)
			if err != nil {
				return err
			}
			ff := feedOf(f.feed)
			ff.Conversations++
			if f.stage.Valid() {
				ff.Stages[f.stage]++
			}
			r.Conversations++
			if !f.first.After(now) {
				if f.first.After(from30) {
					r.Stages[funnel.New].In30++
				}
				if f.first.After(now.Add(-window7)) {
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
		r.People = tx.Bucket(bucketContacts).Stats().KeyN
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

// countStages counts the stage index's keys per stage: keys only, the
// conversations are not read.
func countStages(tx *bolt.Tx, stages []StageCount) {
	c := tx.Bucket(bucketStageConvs).Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		if st := int(k[0]); st < len(stages) {
			stages[st].Now++
		}
	}
}
