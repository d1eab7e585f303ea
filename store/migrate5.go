package store

import (
	"bytes"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"parley/funnel"
)

// migrateConversations (schema 5) splits every thread into conversations,
// one per person, and reads their stages from the stored messages:
//
//   - every message gets its Contact: the author's for theirs; ours (and
//     every recorded reply, and every unsent outbox entry) the person
//     they answer, by the rule Ingest uses (see "Our replies fetched
//     back"), walking the thread in time order;
//   - the old per-thread history is replaced by per-conversation ones:
//     the thread's manual moves and conversion moves go to its starter's
//     conversation (so do its conversions); every stage moved by a signal
//     is read again per person, with its cause;
//   - the per-thread stage index (stage_threads) is dropped for the
//     per-conversation one; threads are rolled up and re-queued under
//     their Waiter; contacts are rolled up from their conversations.
//
// It is the one step that deletes moves: the old signal moves were
// caused by whoever wrote in the thread, so they would credit the wrong
// person. It also records the rules version the stages were read with.
//
// It commits in batches (migrate5batch.go): in one transaction, bbolt
// holds every page it changed, and a fresh index bucket as one node that
// random puts keep splicing into until commit, so a 100k-thread file
// never finished. Threads are split in key order, then contacts rolled up
// in key order, with meta/migrate5 saying how far it got.
func migrateConversations(db *bolt.DB, env migrateEnv) error {
	r := &migrate5Run{env: env}
	for {
		finished := false
		err := db.Update(func(tx *bolt.Tx) (err error) {
			finished, err = r.batch(tx)
			return err
		})
		if err != nil {
			return err
		}
		if r.total > 0 && env.progress != nil {
			env.progress(r.done, r.total)
		}
		if finished {
			return nil
		}
		if migrate5AfterBatch != nil {
			if err := migrate5AfterBatch(); err != nil {
				return err
			}
		}
	}
}

// beginConversations is the batched step's first transaction: it keeps
// the old manual and conversion moves (in bucketMigrate5Kept, under their
// stage_moves keys, until every thread is split) and drops the old
// histories and the per-thread stage index.
func beginConversations(tx *bolt.Tx) error {
	if tx.Bucket(bucketStageThreads) != nil {
		if err := tx.DeleteBucket(bucketStageThreads); err != nil {
			return err
		}
	}
	if tx.Bucket(bucketMigrate5Kept) != nil {
		if err := tx.DeleteBucket(bucketMigrate5Kept); err != nil {
			return err
		}
	}
	kept, err := tx.CreateBucket(bucketMigrate5Kept)
	if err != nil {
		return err
	}
	if b := tx.Bucket(bucketStageMoves); b != nil {
		// stage_moves is in key order, so kept is written in key order.
		err := b.ForEach(func(k, v []byte) error {
			m, err := decodeMove(k, v)
			if err != nil {
				return err
			}
			if m.Manual || strings.HasPrefix(m.Cause, "conversion:") {
				return kept.Put(k, v)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, name := range [][]byte{bucketStageMoves, bucketMovesByTime} {
			if err := tx.DeleteBucket(name); err != nil {
				return err
			}
		}
	}
	return createBuckets(tx)
}

// keptMoves reads the kept moves of one thread, in key order.
func keptMoves(tx *bolt.Tx, id string) ([]StageMove, error) {
	var out []StageMove
	prefix := []byte(id)
	c := tx.Bucket(bucketMigrate5Kept).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		m, err := decodeMove(k, v)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// unsoldThreads maps each thread to its conversions not yet credited to
// a person (Contact ""): on a resumed run, those of threads already split
// are credited and left out.
func unsoldThreads(tx *bolt.Tx) (map[string][]string, error) {
	sales := map[string][]string{} // thread ID -> its conversion IDs
	err := tx.Bucket(bucketConversions).ForEach(func(k, v []byte) error {
		c, err := decodeConversion(k, v)
		if err == nil && c.Contact == "" {
			sales[c.ThreadID] = append(sales[c.ThreadID], string(k))
		}
		return err
	})
	return sales, err
}

// splitThread is migrateConversations for one thread. It returns the
// thread's number of messages (the work it was).
func splitThread(tx *bolt.Tx, env migrateEnv, id string, kept []StageMove, sales []string) (int, error) {
	t, err := loadThread(tx, id)
	if err != nil {
		return 0, err
	}
	tc := &threadConvs{threadID: id, by: map[string]*convRec{}}
	if err := attributeThread(tx, &t.Thread, tc); err != nil {
		return 0, err
	}
	if err := creditStarter(tx, &t, tc, sales); err != nil {
		return 0, err
	}
	o := refreshOpts{}
	feeds, err := readConvs(tx, &t, tc, &o)
	if err != nil {
		return 0, err
	}
	starter, _ := pickConv(&t, tc, "")
	for _, c := range tc.list {
		msgs := feeds[c.Contact].msgs
		if c == starter && len(kept) > 0 {
			if err := replayKept(tx, env, &t, c, msgs, kept); err != nil {
				return 0, err
			}
		}
		if err := analyzeConv(tx, env.analyzer, c, msgs, env.now, false); err != nil {
			return 0, err
		}
	}
	all := map[string]bool{}
	for _, c := range tc.list {
		all[c.Contact] = true
	}
	if err := settleThread(tx, &t, tc, all); err != nil {
		return 0, err
	}
	t.manualAt, t.wonBackAt = time.Time{}, time.Time{} // per conversation now
	return t.Messages, saveThread(tx, &t, t.SnoozedUntil)
}

// replayKept writes the starter's history: the signal moves the messages
// justify before the first kept move, then the kept (manual and
// conversion) moves, in time order. analyzeConv then adds what came after.
func replayKept(tx *bolt.Tx, env migrateEnv, t *threadRec, c *convRec, msgs []funnel.Message, kept []StageMove) error {
	slices.SortStableFunc(kept, func(a, b StageMove) int { return a.At.Compare(b.At) })
	put := func(m StageMove) error {
		m.ThreadID, m.Contact, m.From = c.ThreadID, c.Contact, c.Stage
		m.At = moveTime(m.At, env.now, c.StageAt)
		if err := putMove(tx, &m); err != nil {
			return err
		}
		c.moved(&m)
		return nil
	}
	first := env.analyzer.Analyze(msgs, funnel.State{})
	for _, mv := range first.Moves {
		if !mv.At.Before(kept[0].At) || mv.To <= c.Stage || !mv.To.Valid() {
			continue
		}
		if err := put(StageMove{At: mv.At, To: mv.To, Cause: mv.Cause}); err != nil {
			return err
		}
	}
	for _, m := range kept {
		if !m.Manual && m.To <= c.Stage {
			continue // a conversion after a manual move past converted
		}
		if m.Manual && m.To == c.Stage {
			continue
		}
		if err := put(m); err != nil {
			return err
		}
		if m.Manual {
			c.manualAt, c.manualStage = m.At, m.To
		}
	}
	if !t.manualAt.IsZero() && !c.manualAt.IsZero() {
		c.manualAt = t.manualAt // the exact time signals are hidden up to
	}
	return nil
}

// attributeThread gives each message and reply of the thread its person,
// walking them in time order (feed messages first on equal times), and
// each unsent outbox entry the person whose message it answers. It
// creates the conversations in tc.
func attributeThread(tx *bolt.Tx, t *Thread, tc *threadConvs) error {
	type event struct {
		at  time.Time
		msg *Message
		key []byte // reply key
		r   *Reply
	}
	var evs []event
	err := eachThreadMessage(tx, t.ID, func(k, id, rec []byte) error {
		m, err := decodeMessage(id, rec)
		if err != nil {
			return err
		}
		evs = append(evs, event{at: timedKeyTime(k), msg: &m})
		return nil
	})
	if err != nil {
		return err
	}
	prefix := []byte(t.ID)
	rb := tx.Bucket(bucketReplies)
	c := rb.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		r, err := decodeReply(v)
		if err != nil {
			return err
		}
		evs = append(evs, event{at: r.At, key: append([]byte(nil), k...), r: &r})
	}
	slices.SortStableFunc(evs, func(a, b event) int { return a.at.Compare(b.at) })
	byKey := map[string]string{} // reply key -> person
	msgs := tx.Bucket(bucketMessages)
	ours := func(at time.Time, contact string) {
		if c := tc.by[contact]; c != nil {
			c.LastOurs = later(c.LastOurs, at)
			if !c.LastTheirs.After(c.LastOurs) {
				c.WaitingSince = time.Time{}
			}
		}
	}
	for _, e := range evs {
		switch {
		case e.msg != nil && !e.msg.Ours:
			m := e.msg
			m.Contact = contactID(m.Feed, strings.TrimSpace(m.Author))
			cv := tc.ensure(m.Contact, m.Feed, strings.TrimSpace(m.Author))
			if e.at.After(cv.LastOurs) && cv.WaitingSince.IsZero() {
				cv.WaitingSince = e.at
			}
			cv.LastTheirs = later(cv.LastTheirs, e.at)
			if err := msgs.Put([]byte(m.ID), encodeMessage(m)); err != nil {
				return err
			}
		case e.msg != nil:
			m := e.msg
			m.Contact = ""
			if m.InReplyTo != "" {
				if v := msgs.Get([]byte(m.InReplyTo)); v != nil {
					if mv, err := decodeMessageView([]byte(m.InReplyTo), v); err == nil {
						if !mv.ours {
							m.Contact = contactID(string(mv.feed), strings.TrimSpace(string(mv.author)))
						} else {
							m.Contact = string(mv.contact)
						}
					}
				}
			}
			if m.Contact == "" && m.ReplyKey != "" {
				m.Contact = byKey[m.ReplyKey]
			}
			if m.Contact == "" || tc.by[m.Contact] == nil {
				m.Contact = ruleAnswered(t, tc, m.Text)
			}
			if m.ReplyKey != "" && byKey[m.ReplyKey] == "" {
				byKey[m.ReplyKey] = m.Contact
			}
			ours(e.at, m.Contact)
			if err := msgs.Put([]byte(m.ID), encodeMessage(m)); err != nil {
				return err
			}
		default:
			r := e.r
			if r.To == "" {
				r.To = byKey[r.Key]
			}
			if r.To == "" || tc.by[r.To] == nil {
				r.To = ruleAnswered(t, tc, r.Text)
			}
			if r.Key == "" {
				key, err := newOutboxKey()
				if err != nil {
					return err
				}
				r.Key = key
			} else if byKey[r.Key] == "" {
				byKey[r.Key] = r.To
			}
			ours(e.at, r.To)
			if err := rb.Put(e.key, encodeReply(r)); err != nil {
				return err
			}
		}
	}
	return eachThreadEntry(tx, t.ID, func(k, v []byte) error {
		e, err := decodeOutbox(k, v)
		if err != nil || e.To != "" {
			return err
		}
		e.To = byKey[e.Key]
		for _, ev := range evs {
			if ev.msg != nil && !ev.msg.Ours && e.To == "" && ev.msg.Target.ID != "" && ev.msg.Target.ID == e.Target.ID {
				e.To, e.InReplyTo = ev.msg.Contact, ev.msg.ID
			}
		}
		if e.To == "" {
			e.To = defaultTo(t)
		}
		return putOutbox(tx, &e)
	})
}

// creditStarter gives the thread's conversions (sales: their IDs) to its
// starter's conversation: old refs named the thread, and credited its
// starter.
func creditStarter(tx *bolt.Tx, t *threadRec, tc *threadConvs, sales []string) error {
	starter, err := pickConv(t, tc, "")
	if err != nil || len(sales) == 0 {
		return nil // nobody to credit: a thread of ours alone
	}
	b := tx.Bucket(bucketConversions)
	for _, id := range sales {
		c, err := decodeConversion([]byte(id), b.Get([]byte(id)))
		if err != nil {
			return err
		}
		c.Contact = starter.Contact
		starter.Conversions++
		if err := b.Put([]byte(id), encodeConversion(&c)); err != nil {
			return err
		}
	}
	return nil
}
