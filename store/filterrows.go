package store

import (
	"bytes"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"parley/funnel"
)

// FilterRow is what the console's filter index (package filter) keeps of
// a thread: its summary, its people and the text to search.
type FilterRow struct {
	Thread Thread
	// People are reused from row to row: valid only inside the callback.
	People []FilterPerson
	// Texts are its title and every message's text. They alias the
	// database: valid only inside the callback, copy what you keep.
	Texts [][]byte
}

// FilterPerson is one conversation of the thread: who, how far, and
// what the stage lists sort and filter it by.
type FilterPerson struct {
	Name       string
	Stage      funnel.Stage
	Contact    string
	StageAt    time.Time
	Unhappy    bool
	LastTheirs time.Time
}

// FilterRows calls fn for each thread of ids (nil: every thread, in ID
// order) in one read transaction; an ID not stored is skipped (fn is not
// called for it); reading every thread, it gives back the file's pages as
// it goes (dropMapped). It reads each thread's record, its conversations (one
// seek: they are keyed by thread) and its messages: the filter index is
// built from it once and then kept up to date from the change feed, so
// no keystroke reads the database.
func (s *Store) FilterRows(ids []string, fn func(FilterRow) error) error {
	return s.filterRows(ids, true, fn)
}

// FilterFacts is FilterRows without the messages: Texts is nil. It reads
// the threads and their conversations, not their messages, so the facts
// of 100k threads cost their summaries' pages.
func (s *Store) FilterFacts(ids []string, fn func(FilterRow) error) error {
	return s.filterRows(ids, false, fn)
}

func (s *Store) filterRows(ids []string, texts bool, fn func(FilterRow) error) error {
	err := s.view(func(tx *bolt.Tx) error {
		threads := tx.Bucket(bucketThreads)
		convs := tx.Bucket(bucketConversations).Cursor()
		var people []FilterPerson // reused: a row is valid inside fn only
		n := 0
		row := func(id, v []byte) error {
			if n++; ids == nil && n%threadDropEvery == 0 {
				dropMapped(tx)
			}
			t, err := decodeThreadSummary(id, v)
			if err != nil {
				return err
			}
			r := FilterRow{Thread: t, People: people[:0]}
			for k, cv := convs.Seek(id); k != nil && bytes.HasPrefix(k, id); k, cv = convs.Next() {
				p, err := decodeFilterPerson(k, cv)
				if err != nil {
					return err
				}
				r.People = append(r.People, p)
			}
			people = r.People
			if !texts {
				return fn(r)
			}
			r.Texts = [][]byte{[]byte(t.Title)}
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
			defer dropMapped(tx)
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
