package store

import (
	"bytes"
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

// exportChunk is how many threads Export reads per read transaction: its
// memory is a chunk's rows, whatever the size of the database.
var exportChunk = 500

// Export calls fn for every conversation, by thread oldest first
// (Created, then ID), and in a thread the first to write first, with what
// `parley export` prints. It stops at fn's first error and returns it.
//
// It walks the threads_by_created index a chunk of threads at a time:
// each chunk is read in one transaction and fn runs after it ends, so a
// slow writer (a pipe, a disk) never holds the database, and memory stays
// flat: the rows of one chunk on the heap, and the file pages it read
// dropped from the resident set after it (dropMapped). A thread stored during an export, older than the chunk being
// read, is in the next export. Sales are read once, first (they are few
// next to conversations).
func (s *Store) Export(fn func(ExportRow) error) error {
	var (
		revenue map[string][]Money // conversation key -> revenue
		after   []byte             // the last index key read
	)
	for {
		var rows []ExportRow
		end := false
		err := s.view(func(tx *bolt.Tx) error {
			if revenue == nil {
				revenue = map[string][]Money{}
				err := forEachConversion(tx, func(_ string, c *conversionRec) {
					k := c.ThreadID + c.Contact
					revenue[k] = revenueAdd(revenue[k], c.Amount)
				})
				if err != nil {
					return err
				}
				// Every thread record is read once (decoding no strings),
				// so a damaged page shows here, not in a later write: the
				// index walk below would Get around it.
				seen := 0
				if err := tx.Bucket(bucketThreads).ForEach(func(k, v []byte) error {
					if seen++; seen%dropEvery == 0 {
						dropMapped(tx)
					}
					_, err := decodeThreadFacts(k, v)
					return err
				}); err != nil {
					return err
				}
			}
			threads := tx.Bucket(bucketThreads)
			c := tx.Bucket(bucketThreadsByAge).Cursor()
			var k []byte
			if after == nil {
				k, _ = c.First()
			} else if k, _ = c.Seek(after); bytes.Equal(k, after) {
				k, _ = c.Next()
			}
			for n := 0; k != nil && n < exportChunk; k, _ = c.Next() {
				if n++; n%dropEvery == 0 {
					dropMapped(tx)
				}
				after = bytes.Clone(k)
				id := k[8:]
				v := threads.Get(id)
				if v == nil {
					continue
				}
				t, err := decodeThreadSummary(id, v)
				if err != nil {
					return err
				}
				tc, err := loadConvs(tx, t.ID)
				if err != nil {
					return err
				}
				slices.SortStableFunc(tc.list, func(a, b *convRec) int {
					if c := a.First.Compare(b.First); c != 0 {
						return c
					}
					return cmp.Compare(a.Contact, b.Contact)
				})
				for _, c := range tc.list {
					c.Title = t.Title
					rev := slices.Clone(revenue[t.ID+c.Contact])
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
			}
			end = k == nil
			dropMapped(tx)
			return nil
		})
		if err != nil {
			return fmt.Errorf("export conversations: %w", err)
		}
		for _, r := range rows {
			if err := fn(r); err != nil {
				return err
			}
		}
		if end {
			return nil
		}
	}
}
