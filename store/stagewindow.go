package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"

	"parley/funnel"
)

// StageAnchor says where in a stage's list a window is read.
type StageAnchor struct {
	// Conversation is a row read earlier, usually the one under the
	// cursor. The window centres on it where it is listed now; if it has
	// left the stage or moved within it, on the row that now holds its
	// old place (the one after it). Zero means the head of the list.
	Conversation Conversation
	// End reads the tail of the list instead.
	End bool
}

// StageWindow is a slice of a stage's list (ConversationsInStage order:
// the most recently moved first) around an anchor.
type StageWindow struct {
	Conversations []Conversation // Title filled
	// At is the index of the anchor's row; -1 when the stage is empty.
	At int
	// Total is the number of conversations at the stage.
	Total int
	// First and Last: the window holds the head / the tail of the list.
	First, Last bool
}

// ConversationsInStageWindow reads up to before conversations ahead of
// the anchor and up to after from it on (after >= 1 includes the
// anchor's row) in ConversationsInStage's order. It reads only those
// entries of the stage index and their records, plus one record to find
// a moved anchor, so a stage of 100k conversations costs what the
// screen shows.
func (s *Store) ConversationsInStageWindow(st funnel.Stage, a StageAnchor, before, after int) (StageWindow, error) {
	if !st.Valid() {
		return StageWindow{}, fmt.Errorf("read conversations in stage: %v is not a stage", st)
	}
	before, after = max(before, 0), max(after, 1)
	var w StageWindow
	err := s.view(func(tx *bolt.Tx) error {
		w = StageWindow{At: -1, Total: stageTotal(tx, st)}
		idx := tx.Bucket(bucketStageConvs)
		// The list runs from the stage's largest key down: "ahead" in
		// the list is Next on the cursor, "after" is Prev.
		inStage := func(k []byte) bool { return k != nil && k[0] == byte(st) }
		c := idx.Cursor()
		var k []byte
		switch {
		case a.End:
			k, _ = c.Seek([]byte{byte(st)})
			if !inStage(k) {
				k = nil
			}
		case a.Conversation.ThreadID != "":
			ak := stageAnchorKey(tx, st, a.Conversation)
			k, _ = c.Seek(ak)
			if !bytes.Equal(k, ak) {
				// Not listed there now: the row after its old place.
				k, _ = prevOrLast(c, k)
			}
			if !inStage(k) {
				// Past the tail: the last row.
				k, _ = c.Seek([]byte{byte(st)})
				if !inStage(k) {
					k = nil
				}
			}
		default:
			k, _ = prevOrLast(c, seekFirst(c, []byte{byte(st) + 1}))
			if !inStage(k) {
				k = nil
			}
		}
		if k == nil {
			w.First, w.Last = true, true
			return nil
		}
		anchor := bytes.Clone(k)
		list := newConvLister(tx)
		row := func(k []byte) (Conversation, bool, error) { return list.read(k[1+8:]) }
		var ahead []Conversation
		back := idx.Cursor()
		back.Seek(anchor)
		bk, _ := back.Next()
		for ; inStage(bk) && len(ahead) < before; bk, _ = back.Next() {
			r, ok, err := row(bk)
			if err != nil {
				return err
			}
			if ok {
				ahead = append(ahead, r)
			}
		}
		w.First = !inStage(bk)
		slices.Reverse(ahead)
		w.Conversations = ahead
		w.At = len(ahead)
		if a.End {
			after = 1
		}
		fwd := idx.Cursor()
		fk, _ := fwd.Seek(anchor)
		for ; inStage(fk) && len(w.Conversations)-w.At < after; fk, _ = fwd.Prev() {
			r, ok, err := row(fk)
			if err != nil {
				return err
			}
			if ok {
				w.Conversations = append(w.Conversations, r)
			}
		}
		w.Last = !inStage(fk)
		return nil
	})
	if err != nil {
		return StageWindow{}, fmt.Errorf("read conversations in stage %s: %w", st, err)
	}
	return w, nil
}

// stageAnchorKey is where to seek for c in stage st's list: its current
// stage index key if it is still at st, else the key it had as read.
func stageAnchorKey(tx *bolt.Tx, st funnel.Stage, c Conversation) []byte {
	if v := tx.Bucket(bucketConversations).Get(convKey(c.ThreadID, c.Contact)); v != nil {
		if rec, err := decodeConv(convKey(c.ThreadID, c.Contact), v); err == nil && rec.Stage == st {
			return rec.stageKey
		}
	}
	return convStageKey(st, c.StageAt, c.ThreadID, c.Contact)
}

// seekFirst seeks and returns the key found (nil past the end).
func seekFirst(c *bolt.Cursor, k []byte) []byte {
	k, _ = c.Seek(k)
	return k
}

// prevOrLast steps back from where the cursor stands after a Seek that
// found k: Prev, or Last when the Seek went past the end.
func prevOrLast(c *bolt.Cursor, k []byte) ([]byte, []byte) {
	if k == nil {
		return c.Last()
	}
	return c.Prev()
}

// stageTotal sums the stage's funnel counters over feeds: one short
// range, not the stage's index.
func stageTotal(tx *bolt.Tx, st funnel.Stage) int {
	n := 0
	prefix := []byte{countStageFeed, byte(st)}
	c := tx.Bucket(bucketFunnelCounts).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if len(v) >= 8 {
			n += int(binary.BigEndian.Uint64(v))
		}
	}
	return n
}
