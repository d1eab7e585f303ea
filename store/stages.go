package store

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"parley/funnel"
)

// StageMove is one change of a thread's stage.
type StageMove struct {
	ThreadID string
	Contact  string // whose conversation moved (contact ID)
	At       time.Time
	From, To funnel.Stage
	// Cause says why: a signal's cause from funnel ("intent: ... (msg 3)"),
	// "conversion: 49.00 EUR (ref 3fa2c1d9e0)", or "manual".
	Cause  string
	Manual bool
	Who    string // who moved it by hand (empty for signals)
}

// ErrSameStage means SetStage was asked to move a thread to the stage it
// is already at: nothing was recorded.
var ErrSameStage = errors.New("thread is already at that stage")

// analyzer is what the store needs of *funnel.Analyzer; an interface so
// tests can pin signals down without depending on sentiment scores.
type analyzer interface {
	Analyze(msgs []funnel.Message, st funnel.State) funnel.Result
}

// refreshFunnel re-reads a thread's messages and our recorded replies and
// applies what the analyzer finds: mood, the unhappy flag, won back, and
// forward moves (each stored with its cause). It does not save t.
//
// Analysis starts from the stored stage, and signals only move forward,
// so running it again over the same messages moves nothing: that is what
// keeps Ingest idempotent.
func refreshFunnel(tx *bolt.Tx, an analyzer, t *threadRec, now time.Time) error {
	return refreshFunnelRead(tx, an, t, now, nil)
}

// refreshFunnelRead is refreshFunnel with readings made ahead for some of
// the messages (see readAhead).
func refreshFunnelRead(tx *bolt.Tx, an analyzer, t *threadRec, now time.Time, rd readings) error {
	msgs, err := funnelMessages(tx, t.ID, rd)
	if err != nil {
		return err
	}
	res := an.Analyze(msgs, funnel.State{Stage: t.Stage, Since: t.manualAt})
	t.Mood, t.Unhappy = res.Mood, res.Unhappy
	for _, mv := range res.Moves {
		if mv.To <= t.Stage || !mv.To.Valid() {
			continue // signals only move forward, whatever the analyzer says
		}
		m := StageMove{ThreadID: t.ID, At: moveTime(mv.At, now, t), From: t.Stage, To: mv.To, Cause: mv.Cause}
		if err := putMove(tx, &m); err != nil {
			return err
		}
		t.Stage, t.StageAt = m.To, m.At
	}
	t.Intent = t.Stage == funnel.Intent
	if res.WonBack && !t.WonBack {
		// Sticky: a won-back customer who later grumbles was still won
		// back once, and the report counts that.
		t.WonBack = true
		t.wonBackAt = clampTime(res.WonBackAt, now)
	}
	return nil
}

// funnelMessages is a thread's messages (from the feed) and our recorded
// replies, merged oldest first. On equal times the feed message comes
// first: a reply recorded in the same instant cannot have been answered.
func funnelMessages(tx *bolt.Tx, threadID string, rd readings) ([]funnel.Message, error) {
	var feed, ours []funnel.Message
	prefix := []byte(threadID)
	err := eachThreadMessage(tx, threadID, func(k, id, rec []byte) error {
		text, isOurs, posted, err := decodeMessageFunnel(id, rec)
		if err != nil {
			return err
		}
		if posted {
			return nil // its reply record below stands for it
		}
		var r *funnel.Reading
		if rd != nil && !isOurs {
			r = rd[string(id)]
		}
		feed = append(feed, funnel.Message{Text: text, Ours: isOurs, At: timedKeyTime(k), Reading: r})
		return nil
	})
	if err != nil {
		return nil, err
	}
	rc := tx.Bucket(bucketReplies).Cursor()
	for k, v := rc.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = rc.Next() {
		r, err := decodeReply(v)
		if err != nil {
			return nil, err
		}
		ours = append(ours, funnel.Message{Text: r.Text, Ours: true, At: r.At})
	}
	if len(ours) == 0 {
		return feed, nil
	}
	out := make([]funnel.Message, 0, len(feed)+len(ours))
	i, j := 0, 0
	for i < len(feed) || j < len(ours) {
		if j == len(ours) || (i < len(feed) && !ours[j].At.Before(feed[i].At)) {
			out = append(out, feed[i])
			i++
		} else {
			out = append(out, ours[j])
			j++
		}
	}
	return out, nil
}

// clampTime keeps stored times out of the future (a source's clock, or a
// conversion time, can be ahead of ours): "moved this week" counts moves
// up to now. A zero time means now.
func clampTime(t, now time.Time) time.Time {
	if t.IsZero() || t.After(now) {
		return now
	}
	return t.UTC()
}

// moveTime dates a move: clamped to now, and never before the thread's
// previous move (a late-arriving old message, or a conversion dated
// earlier, cannot move a thread before it reached the stage it leaves),
// so a thread's history reads in time order and StageAt only grows.
func moveTime(t, now time.Time, prev *threadRec) time.Time {
	t = clampTime(t, now)
	if t.Before(prev.StageAt) {
		return prev.StageAt
	}
	return t
}

// putMove stores a move in the thread's history and in the time index,
// under one sequence number. Moves are never deleted.
func putMove(tx *bolt.Tx, m *StageMove) error {
	b := tx.Bucket(bucketStageMoves)
	seq, err := b.NextSequence()
	if err != nil {
		return fmt.Errorf("record stage move of thread %s: %w", m.ThreadID, err)
	}
	if err := b.Put(timedKey(m.ThreadID, m.At, seq), encodeMove(m)); err != nil {
		return fmt.Errorf("record stage move of thread %s: %w", m.ThreadID, err)
	}
	if err := tx.Bucket(bucketMovesByTime).Put(movesByTimeKey(m.At, seq), movesByTimeValue(m)); err != nil {
		return fmt.Errorf("record stage move of thread %s: %w", m.ThreadID, err)
	}
	return nil
}

// SetStage moves a thread's stage by hand (either way), recording who and
// when. Signals never move it back below a manual move, and messages at or
// before the manual move no longer count as signals. A zero at means now.
//
// It moves one conversation: contactID's in the thread, or the starter's
// when contactID is "".
func (s *Store) SetStage(threadID, contactID string, to funnel.Stage, who string, at time.Time) (StageMove, error) {
	if !to.Valid() {
		return StageMove{}, fmt.Errorf("set stage of thread %s: %v is not a stage", threadID, to)
	}
	if at.IsZero() {
		at = time.Now()
	}
	at = at.UTC()
	var m StageMove
	err := s.updateThread(ChangeStage, who, "set stage", threadID, func(tx *bolt.Tx, t *threadRec) error {
		if t.Stage == to {
			return fmt.Errorf("thread %s is already at stage %s: %w", threadID, to, ErrSameStage)
		}
		m = StageMove{ThreadID: t.ID, At: moveTime(at, at, t), From: t.Stage, To: to, Cause: "manual", Manual: true, Who: who}
		if err := putMove(tx, &m); err != nil {
			return err
		}
		t.Stage, t.StageAt, t.manualAt = to, m.At, at
		t.Intent = to == funnel.Intent
		return nil
	})
	if err != nil {
		return StageMove{}, err
	}
	return m, nil
}

// StageHistory returns a thread's stage moves, oldest first.
func (s *Store) StageHistory(threadID string) ([]StageMove, error) {
	var out []StageMove
	err := s.view(func(tx *bolt.Tx) error {
		if _, err := loadThread(tx, threadID); err != nil {
			return err
		}
		prefix := []byte(threadID)
		c := tx.Bucket(bucketStageMoves).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			m, err := decodeMove(k, v)
			if err != nil {
				return err
			}
			out = append(out, m)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read stage history: %w", err)
	}
	return out, nil
}

// ThreadsInStage returns the threads at a stage now, most recently moved
// first. It reads the stage index backwards from the end of the stage's
// key range, so it touches only that stage's threads.
func (s *Store) ThreadsInStage(st funnel.Stage) ([]Thread, error) {
	if !st.Valid() {
		return nil, fmt.Errorf("read threads in stage: %v is not a stage", st)
	}
	var out []Thread
	err := s.view(func(tx *bolt.Tx) error {
		threads := tx.Bucket(bucketThreads)
		c := tx.Bucket(bucketStageThreads).Cursor()
		k, _ := c.Seek([]byte{byte(st) + 1})
		if k == nil {
			k, _ = c.Last()
		} else {
			k, _ = c.Prev()
		}
		for ; k != nil && k[0] == byte(st); k, _ = c.Prev() {
			id := k[1+8:]
			v := threads.Get(id)
			if v == nil {
				continue
			}
			t, err := decodeThreadSummary(id, v)
			if err != nil {
				return err
			}
			out = append(out, t)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read threads in stage %s: %w", st, err)
	}
	return out, nil
}
