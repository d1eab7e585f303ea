package store

import (
	"bytes"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// ThreadView is everything the thread view shows, read in one transaction
// so its parts agree with each other: the thread, its newest messages,
// our replies, its outbox, its stage history, its people and the handle's
// teammate's draft.
type ThreadView struct {
	Thread Thread
	// Messages are the thread's newest messages (at most the lastN asked
	// for), oldest first.
	Messages []Message
	// Earlier is set when older messages exist: pass it to
	// MessagesBefore to read them. It is opaque.
	Earlier       string
	Replies       []Reply
	Outbox        []OutboxEntry  // entries not yet sent, oldest first
	History       []StageMove    // oldest first
	Conversations []Conversation // the thread's people, first to write first
	Draft         Draft
	HasDraft      bool
}

// ThreadView reads a thread for the thread view in one read transaction.
// Messages are read from the end of the thread's message index, so a
// thread of thousands of messages opens reading only the lastN shown
// (lastN <= 0 reads them all). The draft is the handle's teammate's (As).
func (s *Store) ThreadView(threadID string, lastN int) (ThreadView, error) {
	var v ThreadView
	err := s.view(func(tx *bolt.Tx) error {
		t, err := loadThread(tx, threadID)
		if err != nil {
			return err
		}
		v = ThreadView{Thread: t.Thread}
		unreadFor(tx, &v.Thread, s.who)
		if v.Messages, v.Earlier, err = messagesBefore(tx, threadID, nil, lastN); err != nil {
			return err
		}
		if v.Replies, err = threadReplies(tx, threadID); err != nil {
			return err
		}
		if v.Outbox, err = threadOutbox(tx, threadID); err != nil {
			return err
		}
		if v.History, err = threadMoves(tx, threadID, ""); err != nil {
			return err
		}
		tc, err := loadConvs(tx, threadID)
		if err != nil {
			return err
		}
		v.Conversations = make([]Conversation, 0, len(tc.list))
		for _, c := range tc.list {
			c.Title = t.Title
			v.Conversations = append(v.Conversations, c.Conversation)
		}
		sortByFirst(v.Conversations)
		v.Draft, _, v.HasDraft, err = draftOf(tx, threadID, s.who)
		return err
	})
	if err != nil {
		return ThreadView{}, fmt.Errorf("read thread view: %w", err)
	}
	return v, nil
}

// MessagesBefore reads up to n messages older than the mark (a
// ThreadView's or an earlier call's Earlier), oldest first, and the mark
// for the ones before those ("" when there are none).
func (s *Store) MessagesBefore(threadID, mark string, n int) ([]Message, string, error) {
	if mark == "" {
		return nil, "", nil
	}
	var (
		out     []Message
		earlier string
	)
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		out, earlier, err = messagesBefore(tx, threadID, []byte(threadID+mark), n)
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("read earlier messages: %w", err)
	}
	return out, earlier, nil
}

// messagesBefore walks the thread's message index backwards from just
// before key (nil: its end) and returns up to n messages (n <= 0: all),
// oldest first, with the mark of the oldest one read when more precede it.
func messagesBefore(tx *bolt.Tx, threadID string, key []byte, n int) ([]Message, string, error) {
	prefix := []byte(threadID)
	msgs := tx.Bucket(bucketMessages)
	c := tx.Bucket(bucketThreadMsgs).Cursor()
	var k, v []byte
	if key == nil {
		// The thread's end: seek past its last possible key.
		k, v = c.Seek(append(bytes.Clone(prefix), 0xff))
	} else {
		k, v = c.Seek(key)
	}
	if k == nil {
		k, v = c.Last()
	} else {
		k, v = c.Prev()
	}
	var out []Message
	var last []byte
	for ; k != nil && bytes.HasPrefix(k, prefix); k, v = c.Prev() {
		if n > 0 && len(out) == n {
			slices.Reverse(out)
			return out, string(last[len(prefix):]), nil
		}
		if len(v) < 1 {
			continue
		}
		rec := msgs.Get(v[1:])
		if rec == nil {
			continue
		}
		m, err := decodeMessage(v[1:], rec)
		if err != nil {
			return nil, "", err
		}
		out = append(out, m)
		last = k
	}
	slices.Reverse(out)
	return out, "", nil
}
