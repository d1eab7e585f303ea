package store

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// SaveDraft stores the unsent reply text for a thread exactly as typed.
// Text that is empty or only whitespace deletes the draft. The thread
// need not exist yet: losing typed text is worse than an orphan draft.
//
// now is when the text was typed. A save typed before a reply that was
// recorded or queued in the outbox since is stale (the autosave raced the
// send) and is ignored, so a sent reply never comes back as a draft.
func (s *Store) SaveDraft(threadID, text string, now time.Time) error {
	if threadID == "" {
		return fmt.Errorf("save draft: no thread given")
	}
	stale := false
	err := s.update(func(tx *bolt.Tx) error {
		stale = false
		b := tx.Bucket(bucketDrafts)
		if strings.TrimSpace(text) == "" {
			return b.Delete([]byte(threadID))
		}
		// Replies and outbox keys both start thread ID | time.
		after := timedKey(threadID, now.UTC(), 0)
		for _, b := range [][]byte{bucketReplies, bucketOutboxThreads} {
			if k, _ := tx.Bucket(b).Cursor().Seek(after); k != nil && bytes.HasPrefix(k, []byte(threadID)) {
				stale = true
				return nil
			}
		}
		d := Draft{ThreadID: threadID, Text: text, Updated: now.UTC()}
		return b.Put([]byte(threadID), encodeDraft(&d))
	})
	if err != nil {
		return fmt.Errorf("save draft for thread %s: %w", threadID, err)
	}
	if !stale {
		s.changed(ChangeDraft, "", threadID)
	}
	return nil
}

// Draft returns the draft for a thread and whether there is one.
func (s *Store) Draft(threadID string) (Draft, bool, error) {
	var (
		d  Draft
		ok bool
	)
	err := s.view(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketDrafts).Get([]byte(threadID))
		if v == nil {
			return nil
		}
		var err error
		d, err = decodeDraft([]byte(threadID), v)
		ok = err == nil
		return err
	})
	if err != nil {
		return Draft{}, false, fmt.Errorf("read draft for thread %s: %w", threadID, err)
	}
	return d, ok, nil
}

// Drafts returns every draft, ordered by thread ID.
func (s *Store) Drafts() ([]Draft, error) {
	var out []Draft
	err := s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDrafts).ForEach(func(k, v []byte) error {
			d, err := decodeDraft(k, v)
			if err != nil {
				return err
			}
			out = append(out, d)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read drafts: %w", err)
	}
	return out, nil
}
