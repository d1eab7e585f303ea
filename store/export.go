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

// Export calls fn for every conversation, by thread oldest first
// (Created, then ID), and in a thread the first to write first, with what
// `parley export` prints. It stops at fn's first error and returns it.
// The rows are read in one transaction and fn runs after it ends, so a
// slow writer (a pipe, a disk) never holds the database.
func (s *Store) Export(fn func(ExportRow) error) error {
	var rows []ExportRow
	err := s.view(func(tx *bolt.Tx) error {
		revenue := map[string][]Money{} // conversation key -> revenue
		err := forEachConversion(tx, func(_ string, c *conversionRec) {
			k := c.ThreadID + c.Contact
			revenue[k] = revenueAdd(revenue[k], c.Amount)
		})
		if err != nil {
			return err
		}
		// Every thread record is read (a damaged page shows here, not in
		// a later write), then its conversations: one key range each.
		threads := tx.Bucket(bucketThreads)
		rows = make([]ExportRow, 0, tx.Bucket(bucketConversations).Stats().KeyN)
		return threads.ForEach(func(k, v []byte) error {
			t, err := decodeThreadSummary(k, v)
			if err != nil {
				return err
			}
			tc, err := loadConvs(tx, t.ID)
			if err != nil {
				return err
			}
			for _, c := range tc.list {
				c.Title = t.Title
				rev := revenue[t.ID+c.Contact]
				sortRevenue(rev)
				rows = append(rows, ExportRow{
					Thread:       t,
					Conversation: c.Conversation,
					Contact:      c.Name,
					Replies:      c.Replies,
					Conversions:  c.Conversions,
					Revenue:      rev,
				})
			}
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("export conversations: %w", err)
	}
	slices.SortStableFunc(rows, func(a, b ExportRow) int {
		if c := a.Thread.Created.Compare(b.Thread.Created); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Thread.ID, b.Thread.ID); c != 0 {
			return c
		}
		if c := a.Conversation.First.Compare(b.Conversation.First); c != 0 {
			return c
		}
		return cmp.Compare(a.Conversation.Contact, b.Conversation.Contact)
	})
	for _, r := range rows {
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}
