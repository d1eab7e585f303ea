package store

import (
	"cmp"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// ExportRow is one conversation as `parley export` prints it: a person in
// a thread.
type ExportRow struct {
	Thread       Thread
	Conversation Conversation
	Contact      string  // the person's name
	Replies      int     // our replies to them: recorded in parley plus ours in the feed
	Conversions  int     // sales attributed to them here
	Revenue      []Money // theirs, per currency, largest first
}

// Export calls fn for every thread, oldest first (Created, then ID), with
// what `parley export` prints. It stops at fn's first error and returns
// it. The rows are read in one transaction and fn runs after it ends, so
// a slow writer (a pipe, a disk) never holds the database.
func (s *Store) Export(fn func(ExportRow) error) error {
	var rows []ExportRow
	err := s.view(func(tx *bolt.Tx) error {
		revenue := map[string][]Money{}
		err := forEachConversion(tx, func(_ string, c *conversionRec) {
			revenue[c.ThreadID] = revenueAdd(revenue[c.ThreadID], c.Amount)
		})
		if err != nil {
			return err
		}
		b := tx.Bucket(bucketThreads)
		rows = make([]ExportRow, 0, b.Stats().KeyN)
		return b.ForEach(func(k, v []byte) error {
			t, err := decodeThread(k, v)
			if err != nil {
				return err
			}
			rev := revenue[t.ID]
			sortRevenue(rev)
			rows = append(rows, ExportRow{
				Thread:      t.Thread,
				Contact:     t.Author,
				Replies:     t.ourMsgs,
				Conversions: t.Conversions,
				Revenue:     rev,
			})
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("export threads: %w", err)
	}
	slices.SortStableFunc(rows, func(a, b ExportRow) int {
		if c := a.Thread.Created.Compare(b.Thread.Created); c != 0 {
			return c
		}
		return cmp.Compare(a.Thread.ID, b.Thread.ID)
	})
	for _, r := range rows {
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}
