package store

import (
	"bytes"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"parley/funnel"
)

// Funnel counters (schema 7), kept in the transaction of every change
// they count, so the funnel view reads O(stages × feeds) records instead
// of every thread and conversation. Keys in bucketFunnelCounts, values a
// uint64 (BE) unless said:
//
//	'p'                              contacts
//	'u'                              conversations now unhappy
//	'w'                              conversations won back
//	's' | stage (1) | feed           conversations at the stage, per feed
//	't' | feed                       threads, per feed
//	'c' | feed | 0x00 | currency     conversions: count (8) | cents (8, int64)
//
// A counter that drops to zero is deleted, so the feeds listed are the
// ones with something to count. Two time indexes answer "in the last N
// days" with a key range: conv_firsts (a conversation's First | thread |
// contact) and won_back (wonBackAt | thread | contact, won back ones only).
const (
	countPeople      = 'p'
	countUnhappy     = 'u'
	countWonBack     = 'w'
	countStageFeed   = 's'
	countThreadsFeed = 't'
	countConversions = 'c'
)

// The single counters' keys, allocated once.
var (
	keyPeople  = []byte{countPeople}
	keyUnhappy = []byte{countUnhappy}
	keyWonBack = []byte{countWonBack}
)

// addCount adds delta to the uint64 counter at key (creating or deleting
// it): summed over the transaction when it has a pending sum
// (countbatch.go), else at once. A nil bucket (a migration before schema
// 7 runs the write paths) counts nothing: schema 7 builds the counters
// afresh.
func addCount(b *bolt.Bucket, key []byte, delta int64) error {
	if b == nil || delta == 0 || sumCount(b, key, delta) {
		return nil
	}
	return writeCount(b, key, delta)
}

func stageFeedKey(st funnel.Stage, feed string) []byte {
	return append([]byte{countStageFeed, byte(st)}, feed...)
}

func threadsFeedKey(feed string) []byte { return append([]byte{countThreadsFeed}, feed...) }

func conversionsKey(feed, currency string) []byte {
	k := append([]byte{countConversions}, feed...)
	k = append(k, 0)
	return append(k, currency...)
}

// timeConvKey: time nanos (8, BE) | thread ID | contact ID.
func timeConvKey(at uint64, threadID, contact string) []byte {
	k := make([]byte, 0, 8+threadIDLen+contactIDLen)
	k = binary.BigEndian.AppendUint64(k, at)
	k = append(k, threadID...)
	return append(k, contact...)
}

// countConv moves the counters and time indexes of a conversation from
// what was stored (old; nil for a new one) to c.
func countConv(tx *bolt.Tx, old []byte, c *convRec) error {
	counts := tx.Bucket(bucketFunnelCounts)
	if counts == nil {
		return nil
	}
	firsts, won := tx.Bucket(bucketConvFirsts), tx.Bucket(bucketWonBack)
	var was convFacts
	if old != nil {
		f, err := decodeConvFacts(convKey(c.ThreadID, c.Contact), old)
		if err != nil {
			return err
		}
		was = f
	}
	if old == nil || was.stage != c.Stage || string(was.feed) != c.Feed {
		if old != nil {
			if err := addCount(counts, stageFeedKey(was.stage, string(was.feed)), -1); err != nil {
				return err
			}
		}
		if err := addCount(counts, stageFeedKey(c.Stage, c.Feed), 1); err != nil {
			return err
		}
	}
	if err := addCount(counts, keyUnhappy, boolDelta(old != nil && was.unhappy, c.Unhappy)); err != nil {
		return err
	}
	if err := addCount(counts, keyWonBack, boolDelta(old != nil && was.wonBack, c.WonBack)); err != nil {
		return err
	}
	if err := moveTimeKey(firsts, old != nil, nanos(was.first), true, nanos(c.First), c); err != nil {
		return err
	}
	return moveTimeKey(won, old != nil && was.wonBack, nanos(was.wonBackAt), c.WonBack, nanos(c.wonBackAt), c)
}

// moveTimeKey replaces c's entry in a time index: had/at the old one,
// has/now the new one.
func moveTimeKey(b *bolt.Bucket, had bool, at uint64, has bool, now uint64, c *convRec) error {
	if had == has && at == now {
		return nil
	}
	if had {
		if err := b.Delete(timeConvKey(at, c.ThreadID, c.Contact)); err != nil {
			return err
		}
	}
	if has {
		return b.Put(timeConvKey(now, c.ThreadID, c.Contact), empty)
	}
	return nil
}

func boolDelta(was, is bool) int64 {
	switch {
	case is && !was:
		return 1
	case was && !is:
		return -1
	}
	return 0
}

// countThread counts a thread stored for the first time (old nil) under
// its feed, and keeps its threads_by_created entry at its Created (which
// an earlier message arriving late moves back).
func countThread(tx *bolt.Tx, old []byte, t *threadRec) error {
	byAge := tx.Bucket(bucketThreadsByAge)
	if byAge == nil {
		return nil // before schema 7: it builds them afresh
	}
	now := createdKey(nanos(t.Created), t.ID)
	if old != nil {
		f, err := decodeThreadFacts([]byte(t.ID), old)
		if err != nil {
			return err
		}
		was := createdKey(nanos(f.created), t.ID)
		if bytes.Equal(was, now) {
			return nil
		}
		if err := byAge.Delete(was); err != nil {
			return err
		}
	} else if err := addCount(tx.Bucket(bucketFunnelCounts), threadsFeedKey(t.Feed), 1); err != nil {
		return err
	}
	return byAge.Put(now, empty)
}

// createdKey: Created (8, BE) | thread ID, the threads_by_created key.
func createdKey(created uint64, threadID string) []byte {
	k := make([]byte, 0, 8+threadIDLen)
	k = binary.BigEndian.AppendUint64(k, created)
	return append(k, threadID...)
}

// countConversion counts a conversion stored for the first time under its
// thread's feed.
func countConversion(tx *bolt.Tx, feed string, m Money) error {
	b := tx.Bucket(bucketFunnelCounts)
	if b == nil {
		return nil
	}
	key := conversionsKey(feed, m.Currency)
	var n, cents uint64
	if v := b.Get(key); len(v) >= 16 {
		n, cents = binary.BigEndian.Uint64(v), binary.BigEndian.Uint64(v[8:])
	}
	v := binary.BigEndian.AppendUint64(nil, n+1)
	v = binary.BigEndian.AppendUint64(v, cents+uint64(m.Cents)) // two's complement: refunds subtract
	return b.Put(key, v)
}

// threadFeed is the feed of a stored thread ("" if it is gone).
func threadFeed(tx *bolt.Tx, threadID string) (string, error) {
	v := tx.Bucket(bucketThreads).Get([]byte(threadID))
	if v == nil {
		return "", nil
	}
	f, err := decodeThreadFacts([]byte(threadID), v)
	if err != nil {
		return "", err
	}
	return string(f.feed), nil
}

// readCounts fills the report's counted parts from the counters: stage
// and feed figures, threads, conversations, people, unhappy, won back,
// conversions and revenue.
func readCounts(tx *bolt.Tx, r *FunnelReport, feeds map[string]*FeedFunnel) error {
	feedOf := func(name []byte) *FeedFunnel {
		ff := feeds[string(name)]
		if ff == nil {
			ff = &FeedFunnel{Feed: string(name)}
			feeds[ff.Feed] = ff
		}
		return ff
	}
	return tx.Bucket(bucketFunnelCounts).ForEach(func(k, v []byte) error {
		if len(k) == 0 || len(v) < 8 {
			return fmt.Errorf("funnel counter %q is damaged", k)
		}
		n := int(binary.BigEndian.Uint64(v))
		switch k[0] {
		case countPeople:
			r.People = n
		case countUnhappy:
			r.Unhappy = n
		case countWonBack:
			r.WonBack = n
		case countThreadsFeed:
			feedOf(k[1:]).Threads += n
			r.Threads += n
		case countStageFeed:
			if len(k) < 2 {
				return fmt.Errorf("funnel counter %q is damaged", k)
			}
			ff := feedOf(k[2:])
			ff.Conversations += n
			r.Conversations += n
			if st := funnel.Stage(k[1]); st.Valid() {
				ff.Stages[st] += n
				if int(st) < len(r.Stages) {
					r.Stages[st].Now += n
				}
			}
		case countConversions:
			i := bytes.IndexByte(k[1:], 0)
			if i < 0 || len(v) < 16 {
				return fmt.Errorf("funnel counter %q is damaged", k)
			}
			ff := feedOf(k[1 : 1+i])
			m := Money{Currency: string(k[2+i:]), Cents: int64(binary.BigEndian.Uint64(v[8:]))}
			ff.Conversions += n
			ff.Revenue = revenueAdd(ff.Revenue, m)
			r.Conversions += n
			r.Revenue = revenueAdd(r.Revenue, m)
		}
		return nil
	})
}

// countTimeRange counts the keys of a time index in (from, to].
func countTimeRange(b *bolt.Bucket, from, to uint64) int {
	n := 0
	c := b.Cursor()
	for k, _ := c.Seek(binary.BigEndian.AppendUint64(nil, from+1)); k != nil && binary.BigEndian.Uint64(k) <= to; k, _ = c.Next() {
		n++
	}
	return n
}
