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
	Now   int // conversations at this stage now
	// In7 and In30 count conversations that moved into this stage in the
	// last 7 and 30 days, each once: a conversation counts for a stage
	// when a forward move into it falls in the window and it is at that
	// stage or further now (so > > < < counts nothing). For funnel.New,
	// which nothing moves into, conversations that began then.
	In7    int
	In30   int
	Manual int // of In30, those whose newest such move was by hand
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
// conversations are not read.
func countStages(tx *bolt.Tx, stages []StageCount) {
	c := tx.Bucket(bucketStageConvs).Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		if st := int(k[0]); st < len(stages) {
			stages[st].Now++
		}
	}
}

// entered is a conversation's newest forward move into one stage in the
// 30-day window.
type entered struct {
	at     uint64
	manual bool
}

// countMoves counts conversations that entered each stage over the last
// 7 and 30 days by reading that range of the time index: each
// conversation once per stage and window, and only if it is at that
// stage or further now.
func countMoves(tx *bolt.Tx, stages []StageCount, now time.Time) {
	from7, limit := nanos(now.Add(-window7)), nanos(now)
	type into struct {
		conv  string
		stage byte
	}
	seen := map[into]entered{}
	var order []into
	c := tx.Bucket(bucketMovesByTime).Cursor()
	start := binary.BigEndian.AppendUint64(nil, nanos(now.Add(-window30))+1)
	for k, v := c.Seek(start); k != nil; k, v = c.Next() {
		at := binary.BigEndian.Uint64(k)
		if at > limit {
			break
		}
		if len(v) < threadIDLen+3+contactIDLen {
			continue
		}
		from, to := v[threadIDLen], v[threadIDLen+1]
		if to <= from || int(to) >= len(stages) {
			continue // only forward moves enter a stage
		}
		key := into{conv: string(v[:threadIDLen]) + string(v[threadIDLen+3:threadIDLen+3+contactIDLen]), stage: to}
		if _, ok := seen[key]; !ok {
			order = append(order, key)
		}
		seen[key] = entered{at: at, manual: v[threadIDLen+2] != 0} // time order: the newest wins
	}
	convs := tx.Bucket(bucketConversations)
	current := map[string]funnel.Stage{}
	for _, key := range order {
		st, ok := current[key.conv]
		if !ok {
			st = funnel.New
			if v := convs.Get([]byte(key.conv)); v != nil {
				if f, err := decodeConvFacts([]byte(key.conv), v); err == nil {
					st = f.stage
				}
			}
			current[key.conv] = st
		}
		if byte(st) < key.stage {
			continue // it went back since: no longer there
		}
		e := seen[key]
		stages[key.stage].In30++
		if e.at > from7 {
			stages[key.stage].In7++
		}
		if e.manual {
			stages[key.stage].Manual++
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
