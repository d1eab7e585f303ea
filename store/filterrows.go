package store

import (
	"bytes"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"parley/funnel"
)

// FilterRow is what the console's filter index (package filter) keeps of
// a thread: its summary, its people and the text to search.
type FilterRow struct {
	Thread Thread
	People []FilterPerson
	// Texts are its title and every message's text. They alias the
	// database: valid only inside the callback, copy what you keep.
	Texts [][]byte
}

// FilterPerson is one conversation of the thread: who, and how far.
type FilterPerson struct {
	Name  string
	Stage funnel.Stage
}

// FilterRows calls fn for each thread of ids (nil: every thread, in ID
// order) in one read transaction; an ID not stored is skipped (fn is not
// called for it). It reads each thread's record, its conversations (one
// seek: they are keyed by thread) and its messages: the filter index is
// built from it once and then kept up to date from the change feed, so
// no keystroke reads the database.
func (s *Store) FilterRows(ids []string, fn func(FilterRow) error) error {
	err := s.view(func(tx *bolt.Tx) error {
		threads := tx.Bucket(bucketThreads)
		n := 0
		row := func(id, v []byte) error {
			// Every message is read: the pages go from the resident set
			// as it goes (the console held the whole file, 1.1 GB at
			// 100k threads, once view 4 had built the index).
			if n++; n%dropEvery == 0 {
				dropMapped(tx)
			}
			t, err := decodeThreadSummary(id, v)
			if err != nil {
				return err
			}
			r := FilterRow{Thread: t, Texts: [][]byte{[]byte(t.Title)}}
			convs := tx.Bucket(bucketConversations).Cursor()
			for k, cv := convs.Seek(id); k != nil && bytes.HasPrefix(k, id); k, cv = convs.Next() {
				c, err := decodeConv(k, cv)
				if err != nil {
					return err
				}
				r.People = append(r.People, FilterPerson{Name: c.Name, Stage: c.Stage})
			}
			err = eachThreadMessage(tx, string(id), func(_, mid, rec []byte) error {
				m, err := decodeMessageView(mid, rec)
				if err != nil {
					return err
				}
				r.Texts = append(r.Texts, m.text)
				return nil
			})
			if err != nil {
				return err
			}
			return fn(r)
		}
		if ids == nil {
			return threads.ForEach(row)
		}
		for _, id := range ids {
			if v := threads.Get([]byte(id)); v != nil {
				if err := row([]byte(id), v); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("read threads for the filter: %w", err)
	}
	return nil
}

// ThreadsByID reads the threads of ids in that order, in one transaction,
// with the handle's teammate's drafts among them marked (as QueueWindow
// does). An ID not stored is left out.
func (s *Store) ThreadsByID(ids []string) ([]Thread, map[string]bool, error) {
	out := make([]Thread, 0, len(ids))
	drafts := map[string]bool{}
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketThreads)
		for _, id := range ids {
			v := b.Get([]byte(id))
			if v == nil {
				continue
			}
			t, err := decodeThreadSummary([]byte(id), v)
			if err != nil {
				return err
			}
			out = append(out, t)
			_, _, ok, err := draftOf(tx, id, s.who)
			if err != nil {
				return err
			}
			if ok {
				drafts[id] = true
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("read threads: %w", err)
	}
	return out, drafts, nil
}
