package store

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// threadDropEvery is how many threads a scan of every message reads between two
// dropMapped: their messages lie all over the file (at 2,000 threads
// the 100k benchmark database had 280 MB of it resident between drops).
const threadDropEvery = 250

// FilterTexts calls fn with each thread's ID and texts (its title, then
// every message's text), every thread in ID order, in one read
// transaction. The texts alias the database: valid only inside fn. It
// gives back the file's pages as it goes (dropMapped), so reading every
// message keeps the resident set to what fn keeps.
func (s *Store) FilterTexts(fn func(id string, texts [][]byte) error) error {
	err := s.view(func(tx *bolt.Tx) error {
		defer dropMapped(tx)
		n := 0
		var texts [][]byte
		return tx.Bucket(bucketThreads).ForEach(func(id, v []byte) error {
			if n++; n%threadDropEvery == 0 {
				dropMapped(tx)
			}
			t, err := decodeThreadSummary(id, v)
			if err != nil {
				return err
			}
			texts = append(texts[:0], []byte(t.Title))
			err = eachThreadMessage(tx, string(id), func(_, mid, rec []byte) error {
				m, err := decodeMessageView(mid, rec)
				if err != nil {
					return err
				}
				texts = append(texts, m.text)
				return nil
			})
			if err != nil {
				return err
			}
			return fn(string(id), texts)
		})
	})
	if err != nil {
		return fmt.Errorf("read messages for the filter: %w", err)
	}
	return nil
}

// FilterContacts calls fn for each contact of ids (nil: every contact, in
// ID order, giving back the file's pages as it goes) in one read
// transaction; an ID not stored is skipped.
func (s *Store) FilterContacts(ids []string, fn func(Contact) error) error {
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketContacts)
		if ids == nil {
			defer dropMapped(tx)
			n := 0
			return b.ForEach(func(k, v []byte) error {
				if n++; n%(20*threadDropEvery) == 0 {
					dropMapped(tx)
				}
				c, err := decodeContact(k, v)
				if err != nil {
					return err
				}
				return fn(c)
			})
		}
		for _, id := range ids {
			v := b.Get([]byte(id))
			if v == nil {
				continue
			}
			c, err := decodeContact([]byte(id), v)
			if err != nil {
				return err
			}
			if err := fn(c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("read contacts for the filter: %w", err)
	}
	return nil
}

// ConvKey names a conversation: a person in a thread.
type ConvKey struct{ Thread, Contact string }

// ConversationsByKey reads the conversations of keys, in that order, in
// one read transaction, as the stage lists show them (Title filled); a
// key not stored is left out.
func (s *Store) ConversationsByKey(keys []ConvKey) ([]Conversation, error) {
	out := make([]Conversation, 0, len(keys))
	err := s.view(func(tx *bolt.Tx) error {
		list := newConvLister(tx)
		for _, k := range keys {
			c, ok, err := list.read(convKey(k.Thread, k.Contact))
			if err != nil {
				return err
			}
			if ok {
				out = append(out, c)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read conversations: %w", err)
	}
	return out, nil
}

// ContactsByID reads the contacts of ids, in that order; an ID not stored
// is left out.
func (s *Store) ContactsByID(ids []string) ([]Contact, error) {
	if len(ids) == 0 {
		return nil, nil // FilterContacts reads every contact for nil ids
	}
	out := make([]Contact, 0, len(ids))
	err := s.FilterContacts(ids, func(c Contact) error {
		out = append(out, c)
		return nil
	})
	return out, err
}

// decodeFilterPerson decodes of a conversation record only what the
// filter index keeps (decodeConv's fields, in its order): the preview,
// link and cause are skipped, not copied.
func decodeFilterPerson(k, v []byte) (FilterPerson, error) {
	d := newDecoder("conversation", k, v)
	if len(k) != threadIDLen+contactIDLen {
		d.fail()
		return FilterPerson{}, d.done()
	}
	p := FilterPerson{Contact: string(k[threadIDLen:])}
	d.raw() // Feed
	p.Name = d.str()
	d.bool() // Started
	d.int()  // Messages
	d.int()  // Replies
	d.time() // First
	p.LastTheirs = d.time()
	d.time() // LastOurs
	d.time() // WaitingSince
	d.raw()  // Preview
	d.raw()  // Link
	p.Stage = d.stage()
	p.StageAt = d.time()
	p.Unhappy = d.bool()
	return p, d.done()
}
