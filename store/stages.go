package store

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"parley/funnel"
)

// StageMove is one change of a conversation's stage.
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

// ErrSameStage means SetStage was asked to move a conversation to the
// stage it is already at: nothing was recorded.
var ErrSameStage = errors.New("already at that stage")

// analyzer is what the store needs of *funnel.Analyzer; an interface so
// tests can pin signals down without depending on sentiment scores.
type analyzer interface {
	Analyze(msgs []funnel.Message, st funnel.State) funnel.Result
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

// moveTime dates a move: clamped to now, and never before the
// conversation's previous move at prevAt (a late-arriving old message, or
// a conversion dated earlier, cannot move it before it reached the stage
// it leaves), so its history reads in time order and StageAt only grows.
func moveTime(t, now, prevAt time.Time) time.Time {
	t = clampTime(t, now)
	if t.Before(prevAt) {
		return prevAt
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

// moved puts c at m's stage, keeping m's cause on the record: every
// stage change of a conversation goes through here so Cause stays the
// newest move's.
func (c *convRec) moved(m *StageMove) {
	c.Stage, c.StageAt = m.To, m.At
	c.Cause, c.CauseManual, c.CauseWho = m.Cause, m.Manual, m.Who
	c.causeStored = true
}

// fillCause reads the cause of c's newest move when its record predates
// the cause fields (written before they existed and not moved since).
func fillCause(tx *bolt.Tx, c *convRec) error {
	if c.causeStored || c.StageAt.IsZero() {
		return nil
	}
	ms, err := threadMoves(tx, c.ThreadID, c.Contact)
	if err != nil {
		return err
	}
	if len(ms) > 0 {
		m := ms[len(ms)-1]
		c.Cause, c.CauseManual, c.CauseWho = m.Cause, m.Manual, m.Who
	}
	return nil
}

// SetStage moves a conversation's stage by hand (either way), recording
// who and when: contactID's conversation in the thread, or the starter's
// when contactID is "". Signals never move it back below a manual move,
// and its messages at or before the manual move no longer count as
// signals. A zero at means now.
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
		tc, err := loadConvs(tx, t.ID)
		if err != nil {
			return err
		}
		c, err := pickConv(t, tc, contactID)
		if err != nil {
			return err
		}
		if c.Stage == to {
			return fmt.Errorf("conversation %s is already at stage %s: %w", c.Ref(), to, ErrSameStage)
		}
		m = StageMove{ThreadID: t.ID, Contact: c.Contact, At: moveTime(at, at, c.StageAt), From: c.Stage, To: to,
			Cause: "manual", Manual: true, Who: who}
		if err := putMove(tx, &m); err != nil {
			return err
		}
		if err := audit(tx, AuditEntry{At: at, Who: who, Action: AuditStage, ThreadID: t.ID, Contact: c.Contact,
			Detail: m.From.String() + " -> " + m.To.String()}); err != nil {
			return err
		}
		c.moved(&m)
		c.manualAt, c.manualStage = at, to
		if err := settleThread(tx, t, tc, map[string]bool{c.Contact: true}); err != nil {
			return err
		}
		return rollupContacts(tx, nil, c.Contact)
	})
	if err != nil {
		return StageMove{}, err
	}
	return m, nil
}

// pickConv is contactID's conversation in t, or the starter's for "" (a
// thread without a named starter: its first conversation).
func pickConv(t *threadRec, tc *threadConvs, contactID string) (*convRec, error) {
	if contactID == "" {
		contactID = t.Contact
		if c := tc.by[contactID]; c == nil && len(tc.list) > 0 {
			return tc.list[0], nil
		}
	}
	c := tc.by[contactID]
	if c == nil {
		return nil, fmt.Errorf("conversation of %s in thread %s: %w", contactID, t.ID, ErrNotFound)
	}
	return c, nil
}

// StageHistory returns the stage moves of every conversation of a
// thread, oldest first (each names its Contact).
func (s *Store) StageHistory(threadID string) ([]StageMove, error) {
	return s.stageHistory(threadID, "")
}

// ConversationHistory returns one conversation's stage moves, oldest
// first.
func (s *Store) ConversationHistory(threadID, contactID string) ([]StageMove, error) {
	if contactID == "" {
		return nil, fmt.Errorf("read stage history of thread %s: no person given", threadID)
	}
	return s.stageHistory(threadID, contactID)
}

func (s *Store) stageHistory(threadID, contactID string) ([]StageMove, error) {
	var out []StageMove
	err := s.view(func(tx *bolt.Tx) error {
		if _, err := loadThread(tx, threadID); err != nil {
			return err
		}
		var err error
		out, err = threadMoves(tx, threadID, contactID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read stage history: %w", err)
	}
	return out, nil
}

// threadMoves reads a thread's stage moves, oldest first: contactID's
// only, or everyone's when it is "".
func threadMoves(tx *bolt.Tx, threadID, contactID string) ([]StageMove, error) {
	var out []StageMove
	prefix := []byte(threadID)
	c := tx.Bucket(bucketStageMoves).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		m, err := decodeMove(k, v)
		if err != nil {
			return nil, err
		}
		if contactID == "" || m.Contact == contactID {
			out = append(out, m)
		}
	}
	return out, nil
}

// ThreadsInStage returns the threads with a conversation at a stage now,
// the most recently moved first, each once (see ConversationsInStage).
func (s *Store) ThreadsInStage(st funnel.Stage) ([]Thread, error) {
	convs, err := s.ConversationsInStage(st)
	if err != nil {
		return nil, err
	}
	var out []Thread
	seen := map[string]bool{}
	err = s.view(func(tx *bolt.Tx) error {
		threads := tx.Bucket(bucketThreads)
		for _, c := range convs {
			if seen[c.ThreadID] {
				continue
			}
			seen[c.ThreadID] = true
			v := threads.Get([]byte(c.ThreadID))
			if v == nil {
				continue
			}
			t, err := decodeThreadSummary([]byte(c.ThreadID), v)
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
