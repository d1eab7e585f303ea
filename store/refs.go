package store

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// ErrAmbiguousRef means a ref matches more than one thread.
var ErrAmbiguousRef = errors.New("ref matches more than one thread")

// RefLen is the length of a thread's ref: the first RefLen hex chars of
// its ID. 40 bits: at 100k threads the chance of any two sharing a ref is
// under 1%, and ThreadByRef reports the rare clash instead of guessing.
const RefLen = 10

// minRefLen is the shortest prefix ThreadByRef accepts: shorter ones
// match too many threads to be worth a lookup (24 bits).
const minRefLen = 6

// Ref is the thread's short stable reference, used in tracked links
// (track_link's {thread}) and in imported conversions.
func (t Thread) Ref() string {
	if len(t.ID) < RefLen {
		return t.ID
	}
	return t.ID[:RefLen]
}

// ThreadByRef finds the thread a ref (or any unique ID prefix of at least
// 6 chars) names: ErrNotFound or ErrAmbiguousRef otherwise. A
// conversation ref names its thread. Case and surrounding space are
// ignored.
func (s *Store) ThreadByRef(ref string) (Thread, error) {
	var t Thread
	err := s.view(func(tx *bolt.Tx) error {
		id, _, err := resolveConvRef(tx, ref)
		if err != nil {
			return err
		}
		rec, err := loadThread(tx, id)
		t = rec.Thread
		return err
	})
	if err != nil {
		return Thread{}, fmt.Errorf("find thread by ref: %w", err)
	}
	return t, nil
}

// normRef lower-cases and trims a ref as users and shops type it.
func normRef(ref string) string { return strings.ToLower(strings.TrimSpace(ref)) }

// resolveRef returns the ID of the one thread whose ID starts with ref.
// Thread IDs are the keys of bucketThreads, so one Seek finds the first
// match and one Next says whether there is a second.
func resolveRef(tx *bolt.Tx, ref string) (string, error) {
	ref = normRef(ref)
	if len(ref) < minRefLen || len(ref) > threadIDLen || strings.Trim(ref, "0123456789abcdef") != "" {
		return "", fmt.Errorf("ref %q: %w (a ref is %d to %d hex characters)", ref, ErrNotFound, minRefLen, threadIDLen)
	}
	prefix := []byte(ref)
	c := tx.Bucket(bucketThreads).Cursor()
	k, _ := c.Seek(prefix)
	if k == nil || !bytes.HasPrefix(k, prefix) {
		return "", fmt.Errorf("ref %q: no such thread: %w", ref, ErrNotFound)
	}
	id := string(k)
	if k, _ = c.Next(); k != nil && bytes.HasPrefix(k, prefix) {
		return "", fmt.Errorf("ref %q: %w; give more of the thread ID", ref, ErrAmbiguousRef)
	}
	return id, nil
}

// resolveConvRef returns the conversation a ref names: "threadref-xxxxxx"
// names the one person in the thread whose contact ID starts with xxxxxx
// (one Seek in the thread's key range); a thread ref names the starter
// (contact "" for the caller to pick, see pickConv).
func resolveConvRef(tx *bolt.Tx, ref string) (threadID, contact string, err error) {
	ref = normRef(ref)
	tref, cref, isConv := strings.Cut(ref, "-")
	if threadID, err = resolveRef(tx, tref); err != nil {
		return "", "", err
	}
	if !isConv {
		return threadID, "", nil
	}
	if len(cref) < minContactRef || len(cref) > contactIDLen || strings.Trim(cref, "0123456789abcdef") != "" {
		return "", "", fmt.Errorf("ref %q: %w (after the dash: %d to %d hex characters of the person)", ref, ErrNotFound, minContactRef, contactIDLen)
	}
	prefix := append([]byte(threadID), cref...)
	c := tx.Bucket(bucketConversations).Cursor()
	k, _ := c.Seek(prefix)
	if k == nil || !bytes.HasPrefix(k, prefix) {
		return "", "", fmt.Errorf("ref %q: no such person in the thread: %w", ref, ErrNotFound)
	}
	contact = string(k[threadIDLen:])
	if k, _ = c.Next(); k != nil && bytes.HasPrefix(k, prefix) {
		return "", "", fmt.Errorf("ref %q: %w; give more of the person's ID", ref, ErrAmbiguousRef)
	}
	return threadID, contact, nil
}

// minContactRef is the shortest person part of a conversation ref.
const minContactRef = 4
