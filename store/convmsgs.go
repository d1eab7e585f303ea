package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// conv_msgs indexes a long thread's messages by conversation, so a new
// comment in a thread of thousands makes Ingest re-read its person's
// messages (and ours addressed to nobody, which every conversation
// reads), not the whole thread.
//
//	thread ID (16)            -> empty: the thread is indexed
//	thread ID (16) | contact (16) | Published (8 BE) | seq (8 BE)
//	                          -> flags (1: bit 0 = ours) | message ID
//
// contact is the message's Contact (for a message of theirs stored
// before schema 5 without one, its author's contact ID), convNobody for
// ours addressed to nobody; Published | seq are its thread_msgs key's,
// so a conversation's range is in thread order. The index is built by
// Ingest when it reads a thread of at least convIndexMin messages in
// full, and from then on kept with it: a thread's entries are complete
// exactly when it has the marker. Short threads are not indexed: reading
// them whole costs less than writing every message twice. The bucket is
// created by the first build (it is not in allBuckets: a file without it
// has no indexed thread), so no schema change.

// convIndexMin is the thread length from which Ingest indexes a thread
// (a variable so tests can index every thread).
var convIndexMin = 200

// convNobody is the contact of ours addressed to nobody: not hex, so no
// contact ID equals it.
const convNobody = "----------------"

// convIndexed reports whether threadID has a complete conv_msgs index.
func convIndexed(tx *bolt.Tx, threadID string) bool {
	b := tx.Bucket(bucketConvMsgs)
	return b != nil && b.Get([]byte(threadID)) != nil
}

// convMsgContact is the conv_msgs contact of a message: the conversation
// readConvs counts it in.
func convMsgContact(mv *msgView) string {
	switch {
	case len(mv.contact) > 0:
		return string(mv.contact)
	case mv.ours:
		return convNobody
	}
	return contactID(string(mv.feed), strings.TrimSpace(string(mv.author)))
}

// convMsgKey is the conv_msgs key of the message whose thread_msgs key
// is tmKey.
func convMsgKey(tmKey []byte, contact string) []byte {
	k := make([]byte, 0, len(tmKey)+len(contact))
	k = append(k, tmKey[:threadIDLen]...)
	k = append(k, contact...)
	return append(k, tmKey[threadIDLen:]...)
}

// convEntry is one message of a conversation index read.
type convEntry struct {
	tmKey []byte // its thread_msgs key
	id    []byte
}

// eachConvMessage is eachThreadMessage for the messages of the given
// conversations and ours addressed to nobody, in thread order, read from
// the thread's conv_msgs index (the caller checked convIndexed).
func eachConvMessage(tx *bolt.Tx, threadID string, contacts []string, fn func(key, id, rec []byte) error) error {
	c := tx.Bucket(bucketConvMsgs).Cursor()
	var entries []convEntry
	for _, contact := range append(contacts, convNobody) {
		prefix := append([]byte(threadID), contact...)
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if len(k) != len(prefix)+16 || len(v) < 1 {
				continue
			}
			tm := append([]byte(threadID), k[len(prefix):]...)
			entries = append(entries, convEntry{tmKey: tm, id: bytes.Clone(v[1:])})
		}
	}
	slices.SortFunc(entries, func(a, b convEntry) int { return bytes.Compare(a.tmKey, b.tmKey) })
	msgs := tx.Bucket(bucketMessages).Cursor()
	for _, e := range entries {
		mk, rec := msgs.Seek(e.id)
		if rec == nil || !bytes.Equal(mk, e.id) {
			continue
		}
		if err := fn(e.tmKey, e.id, rec); err != nil {
			return err
		}
	}
	return nil
}

// convIndexBuild collects a thread's entries during a full read, to
// index it when it turns out long enough.
type convIndexBuild struct {
	keys, vals [][]byte
	bad        bool // a contact that is not 16 bytes: leave the thread unindexed
}

func (b *convIndexBuild) add(tmKey, id []byte, mv *msgView) {
	contact := convMsgContact(mv)
	if len(contact) != contactIDLen {
		b.bad = true
		return
	}
	b.keys = append(b.keys, convMsgKey(tmKey, contact))
	b.vals = append(b.vals, threadMsgValue(mv.ours, string(id)))
}

// write indexes the thread if it is long enough.
func (b *convIndexBuild) write(tx *bolt.Tx, threadID string) error {
	if b.bad || len(b.keys) < convIndexMin {
		return nil
	}
	cm, err := tx.CreateBucketIfNotExists(bucketConvMsgs)
	if err != nil {
		return fmt.Errorf("create bucket %s: %w", bucketConvMsgs, err)
	}
	for i, k := range b.keys {
		if err := cm.Put(k, b.vals[i]); err != nil {
			return fmt.Errorf("index thread %s by conversation: %w", threadID, err)
		}
	}
	if err := cm.Put([]byte(threadID), empty); err != nil {
		return fmt.Errorf("index thread %s by conversation: %w", threadID, err)
	}
	return nil
}

// putConvMsg indexes a message Ingest just stored in an indexed thread.
func putConvMsg(tx *bolt.Tx, tmKey []byte, m *Message) error {
	contact := m.Contact
	if contact == "" {
		if !m.Ours {
			contact = contactID(m.Feed, strings.TrimSpace(m.Author))
		} else {
			contact = convNobody
		}
	}
	if err := tx.Bucket(bucketConvMsgs).Put(convMsgKey(tmKey, contact), threadMsgValue(m.Ours, m.ID)); err != nil {
		return fmt.Errorf("index message %s by conversation: %w", m.ID, err)
	}
	return nil
}

// moveConvMsg re-files message m (of ours, in its thread's index) from
// contact from to m.Contact: adoptEcho gave it to the person the reply
// answered.
func moveConvMsg(tx *bolt.Tx, m *Message, from string) error {
	if !convIndexed(tx, m.ThreadID) {
		return nil
	}
	from = cmpOrNobody(from)
	to := cmpOrNobody(m.Contact)
	if from == to {
		return nil
	}
	cm := tx.Bucket(bucketConvMsgs)
	prefix := binary.BigEndian.AppendUint64([]byte(m.ThreadID+from), nanos(m.Published))
	c := cm.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if len(v) < 1 || string(v[1:]) != m.ID {
			continue
		}
		tm := append([]byte(m.ThreadID), k[threadIDLen+contactIDLen:]...)
		val := bytes.Clone(v)
		if err := cm.Delete(bytes.Clone(k)); err != nil {
			return fmt.Errorf("re-index message %s: %w", m.ID, err)
		}
		if err := cm.Put(convMsgKey(tm, to), val); err != nil {
			return fmt.Errorf("re-index message %s: %w", m.ID, err)
		}
		return nil
	}
	return fmt.Errorf("re-index message %s: not in its thread's conversation index", m.ID)
}

func cmpOrNobody(contact string) string {
	if contact == "" {
		return convNobody
	}
	return contact
}
