package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// contactOrderKey sorts like the contacts view (Contacts): furthest stage
// first, then most recently seen, then ID:
// 0xff-stage (1) | MaxUint64-LastSeen nanos (8, BE) | contact ID.
func contactOrderKey(c *Contact) []byte {
	k := make([]byte, 0, 1+8+len(c.ID))
	k = append(k, 0xff-byte(c.Stage))
	k = binary.BigEndian.AppendUint64(k, math.MaxUint64-nanos(c.LastSeen))
	return append(k, c.ID...)
}

// orderContact keeps c's contact_order entry and the people counter in
// step with its record; old is the record as stored (nil: a new contact).
func orderContact(tx *bolt.Tx, old []byte, c *Contact) error {
	idx := tx.Bucket(bucketContactOrder)
	if idx == nil {
		return nil // before schema 7: it builds the index afresh
	}
	nk := contactOrderKey(c)
	if old == nil {
		if err := addCount(tx.Bucket(bucketFunnelCounts), keyPeople, 1); err != nil {
			return err
		}
	} else {
		ok, err := storedOrderKey(c.ID, old)
		if err != nil {
			return err
		}
		if bytes.Equal(ok, nk) {
			return nil
		}
		if err := idx.Delete(ok); err != nil {
			return err
		}
	}
	return idx.Put(nk, empty)
}

// storedOrderKey is the contact_order key of a stored contact record,
// decoding only its Stage and LastSeen.
func storedOrderKey(id string, v []byte) ([]byte, error) {
	d := newDecoder("contact", []byte(id), v)
	d.raw() // Feed
	d.raw() // Name
	c := Contact{ID: id, Stage: d.stage()}
	d.bool() // Unhappy
	d.int()  // Messages
	d.int()  // Replies
	d.time() // FirstSeen
	c.LastSeen = d.time()
	return contactOrderKey(&c), d.err
}

// ContactAnchor says where in the contacts list a window is read.
type ContactAnchor struct {
	// Contact is a row read earlier: the window centres on it where it
	// is listed now, or on the row that holds its old place if it has
	// moved. Zero means the head of the list.
	Contact Contact
	// End reads the tail of the list instead.
	End bool
}

// ContactsWindow is a slice of the contacts list (Contacts order).
type ContactsWindow struct {
	Contacts []Contact
	At       int // index of the anchor's row; -1 when there are no contacts
	Total    int
	// First and Last: the window holds the head / the tail of the list.
	First, Last bool
}

// ContactsWindow reads up to before contacts ahead of the anchor and up
// to after from it on (after >= 1 includes the anchor's row), in the
// order of Contacts, from an index kept in that order: its cost is the
// rows read, not the number of contacts.
func (s *Store) ContactsWindow(a ContactAnchor, before, after int) (ContactsWindow, error) {
	before, after = max(before, 0), max(after, 1)
	var w ContactsWindow
	err := s.view(func(tx *bolt.Tx) error {
		w = ContactsWindow{At: -1}
		counts := tx.Bucket(bucketFunnelCounts)
		if v := counts.Get([]byte{countPeople}); len(v) == 8 {
			w.Total = int(binary.BigEndian.Uint64(v))
		}
		idx, contacts := tx.Bucket(bucketContactOrder), tx.Bucket(bucketContacts)
		fwd := idx.Cursor()
		var k []byte
		switch {
		case a.End:
		case a.Contact.ID != "":
			seek := contactOrderKey(&a.Contact)
			if v := contacts.Get([]byte(a.Contact.ID)); v != nil {
				if now, err := decodeContact([]byte(a.Contact.ID), v); err == nil {
					seek = contactOrderKey(&now)
				}
			}
			k, _ = fwd.Seek(seek)
		default:
			k, _ = fwd.First()
		}
		if k == nil {
			k, _ = fwd.Last()
		}
		if k == nil {
			w.First, w.Last = true, true
			return nil
		}
		row := func(k []byte) (Contact, bool, error) {
			id := k[1+8:]
			v := contacts.Get(id)
			if v == nil {
				return Contact{}, false, nil
			}
			c, err := decodeContact(id, v)
			return c, err == nil, err
		}
		back := idx.Cursor()
		back.Seek(k)
		var ahead []Contact
		bk, _ := back.Prev()
		for ; bk != nil && len(ahead) < before; bk, _ = back.Prev() {
			c, ok, err := row(bk)
			if err != nil {
				return err
			}
			if ok {
				ahead = append(ahead, c)
			}
		}
		w.First = bk == nil
		slices.Reverse(ahead)
		w.Contacts = ahead
		w.At = len(ahead)
		if a.End {
			after = 1
		}
		for ; k != nil && len(w.Contacts)-w.At < after; k, _ = fwd.Next() {
			c, ok, err := row(k)
			if err != nil {
				return err
			}
			if ok {
				w.Contacts = append(w.Contacts, c)
			}
		}
		w.Last = k == nil
		return nil
	})
	if err != nil {
		return ContactsWindow{}, fmt.Errorf("read contacts: %w", err)
	}
	return w, nil
}
