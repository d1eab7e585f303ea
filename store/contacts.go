package store

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"parley/funnel"
)

// Contact is an author on a source, rolled up over their threads.
type Contact struct {
	ID        string // 16 hex chars: hash of feed and lower-cased name
	Feed      string
	Name      string       // as first seen, trimmed
	Stage     funnel.Stage // furthest stage of their conversations (New if none)
	Unhappy   bool         // any of their conversations is unhappy now
	Messages  int          // messages they wrote
	Replies   int          // our replies to them
	FirstSeen time.Time    // time of their earliest message
	LastSeen  time.Time    // time of their latest message
	Threads   int          // threads they wrote in
}

// Touches is messages exchanged: theirs plus our replies to them.
func (c Contact) Touches() int { return c.Messages + c.Replies }

// rollupFacts is what decides a thread's contact links; when it does not
// change, no contact need be rolled up for the thread itself (writes that
// change conversations roll up their people).
type rollupFacts struct {
	contact string
}

func contactFacts(t *threadRec) rollupFacts {
	return rollupFacts{contact: t.Contact}
}

// contactBook collects the contact changes of one transaction (Ingest,
// the migration) so each contact and link is written once, after the
// threads are saved: the rollup reads the saved threads.
type contactBook struct {
	tx    *bolt.Tx
	recs  map[string]*Contact // loaded or new, message counters applied
	links map[string][]string // thread ID -> contacts whose link to it is (re)written
	// starters is each touched thread's contact (Thread.Contact) after
	// the change: the link flag says whether the contact started it.
	starters map[string]string
	dirty    []string // contacts to roll up, first touched first
	isDirty  map[string]bool
	// deltas, when set (Ingest), rolls contacts up from what changed
	// (contactdelta.go); nil reads every contact in full.
	deltas *contactDeltas
}

func newContactBook(tx *bolt.Tx) *contactBook {
	return &contactBook{
		tx:       tx,
		recs:     map[string]*Contact{},
		links:    map[string][]string{},
		starters: map[string]string{},
		isDirty:  map[string]bool{},
	}
}

// saw counts a newly stored message: its author's contact is created or
// updated and linked to the thread. Our messages and nameless ones have
// no contact.
func (b *contactBook) saw(m *Message) error {
	name := strings.TrimSpace(m.Author)
	if m.Ours || name == "" {
		return nil
	}
	id := m.Contact // set by Ingest; the schema 2 migration leaves it to us
	if id == "" {
		id = contactID(m.Feed, name)
	}
	c, ok := b.recs[id]
	if !ok {
		c = &Contact{ID: id, Feed: m.Feed, Name: name}
		if v := b.tx.Bucket(bucketContacts).Get([]byte(id)); v != nil {
			stored, err := decodeContact([]byte(id), v)
			if err != nil {
				return err
			}
			c = &stored
		}
		b.recs[id] = c
	}
	c.Messages++
	if c.FirstSeen.IsZero() || m.Published.Before(c.FirstSeen) {
		c.FirstSeen = m.Published
	}
	if m.Published.After(c.LastSeen) {
		c.LastSeen = m.Published
	}
	b.link(m.ThreadID, id)
	return nil
}

func (b *contactBook) link(threadID, contact string) {
	if !slices.Contains(b.links[threadID], contact) {
		b.links[threadID] = append(b.links[threadID], contact)
	}
	if !b.isDirty[contact] {
		b.isDirty[contact] = true
		b.dirty = append(b.dirty, contact)
	}
}

// changed marks contacts whose conversations changed, to roll up.
func (b *contactBook) changed(ids ...string) {
	for _, id := range ids {
		if id != "" && !b.isDirty[id] {
			b.isDirty[id] = true
			b.dirty = append(b.dirty, id)
		}
	}
}

// thread records a changed thread's contact before and after the change:
// when an earlier message makes someone else its Author, the old
// contact's link loses the started flag and the new one gains it, and
// both are rolled up.
func (b *contactBook) thread(threadID, before, after string) {
	if before != "" {
		b.link(threadID, before)
	}
	if after != "" {
		b.link(threadID, after)
	}
	b.starters[threadID] = after
}

// flush writes the links with their flags, then rolls up every touched
// contact. Call it after the touched threads are saved.
func (b *contactBook) flush() error {
	ct := b.tx.Bucket(bucketContactThreads)
	for tid, contacts := range b.links {
		starter, ok := b.starters[tid]
		if !ok {
			t, err := loadThread(b.tx, tid)
			if err != nil {
				return err
			}
			starter = t.Contact
		}
		for _, cid := range contacts {
			var flags byte
			if cid == starter {
				flags |= flagStarted
			}
			key := contactThreadKey(cid, tid)
			if b.deltas != nil && ct.Get(key) == nil {
				b.deltas.newLinks[cid]++
			}
			if err := ct.Put(key, []byte{flags}); err != nil {
				return fmt.Errorf("link contact %s to thread %s: %w", cid, tid, err)
			}
		}
	}
	return rollupContactsWith(b.tx, b.recs, b.deltas, b.dirty)
}

// rollupContacts recomputes the rolled-up fields of the given contacts
// (Stage, Unhappy, Replies, Threads) from their linked threads and saves
// them. recs holds records changed in this transaction (may be nil); the
// rest are loaded. An empty or unknown ID is skipped.
func rollupContacts(tx *bolt.Tx, recs map[string]*Contact, ids ...string) error {
	return rollupContactsWith(tx, recs, nil, ids)
}

// rollupContactsWith is rollupContacts rolling up from deltas where they
// allow it (nil: never).
func rollupContactsWith(tx *bolt.Tx, recs map[string]*Contact, deltas *contactDeltas, ids []string) error {
	contacts := tx.Bucket(bucketContacts)
	for _, id := range ids {
		if id == "" {
			continue
		}
		c := recs[id]
		if c == nil {
			v := contacts.Get([]byte(id))
			if v == nil {
				continue
			}
			stored, err := decodeContact([]byte(id), v)
			if err != nil {
				return err
			}
			c = &stored
		}
		if deltas == nil || !deltas.apply(c) {
			if err := rollupContact(tx, c); err != nil {
				return err
			}
		}
		if err := orderContact(tx, contacts.Get([]byte(c.ID)), c); err != nil {
			return fmt.Errorf("index contact %s: %w", c.ID, err)
		}
		if err := contacts.Put([]byte(c.ID), encodeContact(c)); err != nil {
			return fmt.Errorf("save contact %s: %w", c.ID, err)
		}
	}
	return nil
}

// rollupContact reads the contact's links: every linked thread counts in
// Threads; their conversation in each decides Stage (the furthest),
// Unhappy (any) and Replies (the sum).
func rollupContact(tx *bolt.Tx, c *Contact) error {
	c.Stage, c.Unhappy, c.Replies, c.Threads = funnel.New, false, 0, 0
	convs := tx.Bucket(bucketConversations)
	prefix := []byte(c.ID)
	cur := tx.Bucket(bucketContactThreads).Cursor()
	for k, _ := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = cur.Next() {
		c.Threads++
		ck := convKey(string(k[contactIDLen:]), c.ID)
		v := convs.Get(ck)
		if v == nil {
			continue
		}
		f, err := decodeConvFacts(ck, v)
		if err != nil {
			return err
		}
		c.Stage = max(c.Stage, f.stage)
		c.Unhappy = c.Unhappy || f.unhappy
		c.Replies += f.replies
	}
	return nil
}

// Contacts returns every contact, furthest stage first, then most
// recently seen.
func (s *Store) Contacts() ([]Contact, error) {
	var out []Contact
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketContacts)
		out = make([]Contact, 0, b.Stats().KeyN)
		return b.ForEach(func(k, v []byte) error {
			c, err := decodeContact(k, v)
			if err != nil {
				return err
			}
			out = append(out, c)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read contacts: %w", err)
	}
	slices.SortFunc(out, func(a, b Contact) int {
		if c := cmp.Compare(b.Stage, a.Stage); c != 0 {
			return c
		}
		if c := b.LastSeen.Compare(a.LastSeen); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out, nil
}

// Contact returns one contact by ID, or an error wrapping ErrNotFound.
func (s *Store) Contact(id string) (Contact, error) {
	var c Contact
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		c, err = loadContact(tx, id)
		return err
	})
	if err != nil {
		return Contact{}, fmt.Errorf("read contact: %w", err)
	}
	return c, nil
}

func loadContact(tx *bolt.Tx, id string) (Contact, error) {
	v := tx.Bucket(bucketContacts).Get([]byte(id))
	if v == nil {
		return Contact{}, fmt.Errorf("contact %s: %w", id, ErrNotFound)
	}
	return decodeContact([]byte(id), v)
}

// ContactThreads returns a contact's threads, newest activity first.
func (s *Store) ContactThreads(id string) ([]Thread, error) {
	var out []Thread
	err := s.view(func(tx *bolt.Tx) error {
		if _, err := loadContact(tx, id); err != nil {
			return err
		}
		threads := tx.Bucket(bucketThreads)
		prefix := []byte(id)
		c := tx.Bucket(bucketContactThreads).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			tid := k[contactIDLen:]
			v := threads.Get(tid)
			if v == nil {
				continue
			}
			t, err := decodeThreadSummary(tid, v)
			if err != nil {
				return err
			}
			out = append(out, t)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read threads of contact: %w", err)
	}
	slices.SortFunc(out, func(a, b Thread) int {
		if c := lastActivity(&b).Compare(lastActivity(&a)); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out, nil
}

// lastActivity is the time of the newest message or reply in a thread.
func lastActivity(t *Thread) time.Time {
	last := t.Created
	for _, x := range []time.Time{t.LastTheirs, t.LastOurs} {
		if x.After(last) {
			last = x
		}
	}
	return last
}
