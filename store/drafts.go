package store

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Drafts are per teammate per thread (schema 6). The draft of who is
// keyed thread ID | 0x00 | who; the draft of "" (the handle of Open, and
// every draft written before schema 6) is keyed by the thread ID alone,
// so older drafts needed no rewrite. A teammate who has no draft of their
// own on a thread reads the "" draft (the legacy one, typed before team
// mode) as theirs, and their first write to their draft adopts it: it is
// deleted as their own is written (see draftOf).

// draftKey is the key of who's draft on a thread.
func draftKey(threadID, who string) []byte {
	if who == "" {
		return []byte(threadID)
	}
	k := make([]byte, 0, len(threadID)+1+len(who))
	k = append(k, threadID...)
	k = append(k, 0)
	return append(k, who...)
}

// splitDraftKey is draftKey's inverse.
func splitDraftKey(k []byte) (threadID, who string) {
	if i := bytes.IndexByte(k, 0); i >= 0 {
		return string(k[:i]), string(k[i+1:])
	}
	return string(k), ""
}

// draftOf finds who's draft on a thread: their own, else (for a named
// teammate) the legacy "" one. key is where it is stored.
func draftOf(tx *bolt.Tx, threadID, who string) (d Draft, key []byte, ok bool, err error) {
	b := tx.Bucket(bucketDrafts)
	key = draftKey(threadID, who)
	v := b.Get(key)
	if v == nil && who != "" {
		key = draftKey(threadID, "")
		v = b.Get(key)
	}
	if v == nil {
		return Draft{}, nil, false, nil
	}
	d, err = decodeDraft([]byte(threadID), v)
	d.Who = who
	return d, key, err == nil, err
}

// putDraft writes who's draft (deleting it when text is blank), and
// deletes the legacy draft it adopts, if that was who's.
func putDraft(tx *bolt.Tx, d *Draft) error {
	_, old, _, err := draftOf(tx, d.ThreadID, d.Who)
	if err != nil {
		return err
	}
	b := tx.Bucket(bucketDrafts)
	if old != nil {
		if err := b.Delete(old); err != nil {
			return err
		}
	}
	if strings.TrimSpace(d.Text) == "" {
		return nil
	}
	return b.Put(draftKey(d.ThreadID, d.Who), encodeDraft(d))
}

// deleteDraftOf deletes who's draft on a thread (a send of theirs): never
// another teammate's.
func deleteDraftOf(tx *bolt.Tx, threadID, who string) error {
	return putDraft(tx, &Draft{ThreadID: threadID, Who: who})
}

// SaveDraft stores the unsent reply text for a thread exactly as typed,
// as the draft of the handle's teammate (As; "" for the plain Store).
// Text that is empty or only whitespace deletes the draft. The thread
// need not exist yet: losing typed text is worse than an orphan draft.
//
// now is when the text was typed. A save typed before a reply by the same
// teammate that was recorded or queued in the outbox since is stale (the
// autosave raced the send) and is ignored, so a sent reply never comes
// back as a draft. Another teammate's reply does not make it stale: their
// send is not this text. (The "" handle, the one local user, counts every
// reply, as before schema 6.)
func (s *Store) SaveDraft(threadID, text string, now time.Time) error {
	if threadID == "" {
		return fmt.Errorf("save draft: no thread given")
	}
	stale := false
	err := s.update(func(tx *bolt.Tx) error {
		stale = false
		if strings.TrimSpace(text) != "" {
			var err error
			if stale, err = sentSince(tx, threadID, s.who, now.UTC()); err != nil || stale {
				return err
			}
		}
		return putDraft(tx, &Draft{ThreadID: threadID, Who: s.who, Text: text, Updated: now.UTC()})
	})
	if err != nil {
		return fmt.Errorf("save draft for thread %s: %w", threadID, err)
	}
	if !stale {
		s.changed(ChangeDraft, "", threadID)
	}
	return nil
}

// sentSince reports whether who (any teammate for "") recorded or queued
// a reply to the thread at or after t.
func sentSince(tx *bolt.Tx, threadID, who string, t time.Time) (bool, error) {
	prefix := []byte(threadID)
	// Replies and outbox_threads keys both start thread ID | time.
	after := timedKey(threadID, t, 0)
	c := tx.Bucket(bucketReplies).Cursor()
	for k, v := c.Seek(after); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if who == "" {
			return true, nil
		}
		r, err := decodeReply(v)
		if err != nil {
			return false, err
		}
		if r.Who == who {
			return true, nil
		}
	}
	c = tx.Bucket(bucketOutboxThreads).Cursor()
	for k, _ := c.Seek(after); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if who == "" {
			return true, nil
		}
		if len(k) <= len(prefix)+8 {
			continue
		}
		e, err := loadOutbox(tx, string(k[len(prefix)+8:]))
		if err != nil {
			return false, err
		}
		if e.Who == who {
			return true, nil
		}
	}
	return false, nil
}

// Draft returns the handle's teammate's draft for a thread (their own,
// else the legacy one; see draftOf) and whether there is one.
func (s *Store) Draft(threadID string) (Draft, bool, error) {
	var (
		d  Draft
		ok bool
	)
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		d, _, ok, err = draftOf(tx, threadID, s.who)
		return err
	})
	if err != nil {
		return Draft{}, false, fmt.Errorf("read draft for thread %s: %w", threadID, err)
	}
	return d, ok, nil
}

// Drafts returns every draft of every teammate, ordered by thread ID then
// teammate (the legacy "" first).
func (s *Store) Drafts() ([]Draft, error) {
	var out []Draft
	err := s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDrafts).ForEach(func(k, v []byte) error {
			id, who := splitDraftKey(k)
			d, err := decodeDraft([]byte(id), v)
			if err != nil {
				return err
			}
			d.Who = who
			out = append(out, d)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read drafts: %w", err)
	}
	return out, nil
}
