package store

import (
	"bytes"
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"parley/funnel"
)

// threadConvs is a thread's conversations, loaded for one change.
type threadConvs struct {
	threadID string
	list     []*convRec          // the first to write first once settled; load order before
	by       map[string]*convRec // contact ID -> conversation
}

// loadConvs reads a thread's conversations: one key range.
func loadConvs(tx *bolt.Tx, threadID string) (*threadConvs, error) {
	tc := &threadConvs{threadID: threadID, by: map[string]*convRec{}}
	prefix := []byte(threadID)
	c := tx.Bucket(bucketConversations).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		rec, err := decodeConv(k, v)
		if err != nil {
			return nil, err
		}
		tc.list = append(tc.list, &rec)
		tc.by[rec.Contact] = &rec
	}
	return tc, nil
}

// ensure returns contact's conversation, creating it (not yet stored).
func (tc *threadConvs) ensure(contact, feed, name string) *convRec {
	if c := tc.by[contact]; c != nil {
		return c
	}
	c := &convRec{Conversation: Conversation{ThreadID: tc.threadID, Contact: contact, Feed: feed, Name: name}}
	tc.list = append(tc.list, c)
	tc.by[contact] = c
	return c
}

// saveConv writes c and moves its stage index entry and funnel counters
// to match it.
func saveConv(tx *bolt.Tx, c *convRec) error {
	c.Intent = c.Stage == funnel.Intent
	if sk := convStageKey(c.Stage, c.StageAt, c.ThreadID, c.Contact); !bytes.Equal(sk, c.stageKey) {
		st := tx.Bucket(bucketStageConvs)
		if c.stageKey != nil {
			if err := st.Delete(c.stageKey); err != nil {
				return fmt.Errorf("update stage index for conversation %s: %w", c.Ref(), err)
			}
		}
		if err := st.Put(sk, empty); err != nil {
			return fmt.Errorf("update stage index for conversation %s: %w", c.Ref(), err)
		}
		c.stageKey = sk
	}
	convs := tx.Bucket(bucketConversations)
	if err := countConv(tx, convs.Get(convKey(c.ThreadID, c.Contact)), c); err != nil {
		return fmt.Errorf("count conversation %s: %w", c.Ref(), err)
	}
	if err := convs.Put(convKey(c.ThreadID, c.Contact), encodeConv(c)); err != nil {
		return fmt.Errorf("save conversation %s: %w", c.Ref(), err)
	}
	return nil
}

// convFeed is what one conversation reads from the thread: its messages
// for the funnel and the facts of its summary.
type convFeed struct {
	msgs []funnel.Message
}

// refreshOpts says how refreshThread reads conversations.
type refreshOpts struct {
	// touched names the conversations to re-read; nil means all of them.
	touched map[string]bool
	rd      readings
	// reread starts each conversation's analysis from its floor (last
	// manual stage, converted if it has sales) instead of its stage, and
	// lets the stage go down when the rules no longer justify it.
	reread bool
	// skipAnalysis recomputes summaries only (the migration analyses
	// itself).
	skipAnalysis bool
	// convIndex reads the touched conversations from the thread's
	// conv_msgs index when it has one, and builds it when it has none
	// and the thread is long (Ingest; convmsgs.go).
	convIndex bool
}

func (o *refreshOpts) reads(contact string) bool { return o.touched == nil || o.touched[contact] }

// refreshThread recomputes the summaries of the conversations o names
// from the thread's messages and our replies (one pass over each), runs
// the funnel on them, saves them, and rolls the thread up from all its
// conversations (settleThread). It does not save t. It returns the
// contacts whose rollup may have changed.
func refreshThread(tx *bolt.Tx, an analyzer, t *threadRec, tc *threadConvs, now time.Time, o refreshOpts) ([]string, error) {
	feeds, err := readConvs(tx, t, tc, &o)
	if err != nil {
		return nil, err
	}
	var changed []string
	dirty := map[string]bool{}
	for _, c := range tc.list {
		if !o.reads(c.Contact) {
			continue
		}
		dirty[c.Contact] = true
		changed = append(changed, c.Contact)
		if o.skipAnalysis {
			continue
		}
		if err := analyzeConv(tx, an, c, feeds[c.Contact].msgs, now, o.reread); err != nil {
			return nil, err
		}
	}
	return changed, settleThread(tx, t, tc, dirty)
}

// readConvs is refreshThread's pass over the thread: it resets and
// recomputes the summary of every conversation o reads, and gathers their
// funnel messages, oldest first (on equal times a feed message before a
// recorded reply: a reply recorded in the same instant cannot have been
// answered).
func readConvs(tx *bolt.Tx, t *threadRec, tc *threadConvs, o *refreshOpts) (map[string]*convFeed, error) {
	out := map[string]*convFeed{}
	for _, c := range tc.list {
		if o.reads(c.Contact) {
			out[c.Contact] = &convFeed{}
			c.Messages, c.Replies = 0, 0
			c.First, c.LastTheirs, c.LastOurs, c.WaitingSince = time.Time{}, time.Time{}, time.Time{}, time.Time{}
		}
	}
	if len(out) == 0 {
		return out, nil
	}
	var build *convIndexBuild
	read := func(k, id, rec []byte) error {
		mv, err := decodeMessageView(id, rec)
		if err != nil {
			return err
		}
		if build != nil {
			build.add(k, id, &mv)
		}
		at := timedKeyTime(k)
		if mv.ours {
			if len(mv.contact) == 0 {
				// Addressed to nobody (written before anyone spoke): every
				// conversation reads it, none counts it as a reply.
				if !mv.posted {
					for _, f := range out {
						f.msgs = append(f.msgs, funnel.Message{Text: string(mv.text), Ours: true, At: at})
					}
				}
				return nil
			}
			f := out[string(mv.contact)] // no allocation for the lookup
			if f == nil {
				return nil
			}
			c := tc.by[string(mv.contact)]
			c.LastOurs = later(c.LastOurs, at)
			if mv.posted {
				return nil // its reply record stands for it
			}
			c.Replies++
			f.msgs = append(f.msgs, funnel.Message{Text: string(mv.text), Ours: true, At: at})
			return nil
		}
		f, c := out[string(mv.contact)], tc.by[string(mv.contact)]
		if len(mv.contact) == 0 { // a message stored before schema 5 that the migration has not seen
			contact := contactID(string(mv.feed), strings.TrimSpace(string(mv.author)))
			f, c = out[contact], tc.by[contact]
		}
		if f == nil {
			return nil
		}
		if c.Messages == 0 {
			c.First = at
			c.Feed = string(mv.feed)
			c.Name = strings.TrimSpace(string(mv.author))
		}
		c.Messages++
		if !at.Before(c.LastTheirs) {
			c.LastTheirs = at
			c.Preview = cmp.Or(previewLine(string(mv.text)), c.Preview)
			c.Link = cmp.Or(string(mv.link), c.Link)
		}
		var r *funnel.Reading
		if o.rd != nil {
			r = o.rd[string(id)]
		}
		f.msgs = append(f.msgs, funnel.Message{Text: string(mv.text), At: at, Reading: r})
		return nil
	}
	var err error
	switch indexed := o.convIndex && convIndexed(tx, t.ID); {
	case indexed && o.touched != nil:
		// The messages of the conversations read, and ours to nobody:
		// the only ones read would not skip.
		err = eachConvMessage(tx, t.ID, slices.Sorted(maps.Keys(out)), read)
	default:
		if o.convIndex && !indexed {
			build = &convIndexBuild{}
		}
		err = eachThreadMessage(tx, t.ID, read)
		if err == nil && build != nil {
			err = build.write(tx, t.ID)
		}
	}
	if err != nil {
		return nil, err
	}
	replies := map[string][]funnel.Message{}
	prefix := []byte(t.ID)
	rc := tx.Bucket(bucketReplies).Cursor()
	for k, v := rc.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = rc.Next() {
		r, err := decodeReply(v)
		if err != nil {
			return nil, err
		}
		if out[r.To] == nil {
			continue
		}
		c := tc.by[r.To]
		c.Replies++
		c.LastOurs = later(c.LastOurs, r.At)
		replies[r.To] = append(replies[r.To], funnel.Message{Text: r.Text, Ours: true, At: r.At})
	}
	for contact, f := range out {
		f.msgs = mergeByTime(f.msgs, replies[contact])
		c := tc.by[contact]
		for _, m := range f.msgs {
			if !m.Ours && m.At.After(c.LastOurs) {
				c.WaitingSince = m.At
				break
			}
		}
	}
	return out, nil
}

// mergeByTime merges two time-ordered lists; on equal times feed's come
// first.
func mergeByTime(feed, ours []funnel.Message) []funnel.Message {
	if len(ours) == 0 {
		return feed
	}
	out := make([]funnel.Message, 0, len(feed)+len(ours))
	i, j := 0, 0
	for i < len(feed) || j < len(ours) {
		if j == len(ours) || (i < len(feed) && !ours[j].At.Before(feed[i].At)) {
			out = append(out, feed[i])
			i++
		} else {
			out = append(out, ours[j])
			j++
		}
	}
	return out
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// floor is where a re-read starts: the last manual move's stage, and
// converted when the conversation has sales.
func (c *convRec) floor() funnel.Stage {
	st := funnel.New
	if !c.manualAt.IsZero() {
		st = c.manualStage
	}
	if c.Conversions > 0 && st < funnel.Converted {
		st = funnel.Converted
	}
	return st
}

// analyzeConv applies what the analyzer finds in one conversation: mood,
// the unhappy flag, won back, and forward moves, each stored with its
// cause. Starting from the stored stage, and with signals only moving
// forward, running it again over the same messages moves nothing: that
// keeps Ingest idempotent. A re-read starts from the floor instead, and
// records one move down when the rules no longer justify the stage.
func analyzeConv(tx *bolt.Tx, an analyzer, c *convRec, msgs []funnel.Message, now time.Time, reread bool) error {
	from := c.Stage
	if reread {
		from = c.floor()
	}
	res := an.Analyze(msgs, funnel.State{Stage: from, Since: c.manualAt})
	c.Mood, c.Unhappy = res.Mood, res.Unhappy
	if reread && res.Stage < c.Stage {
		m := StageMove{ThreadID: c.ThreadID, Contact: c.Contact, At: moveTime(now, now, c.StageAt), From: c.Stage, To: res.Stage,
			Cause: fmt.Sprintf("re-read: the rules no longer find %s", c.Stage)}
		if err := putMove(tx, &m); err != nil {
			return err
		}
		c.moved(&m)
	}
	for _, mv := range res.Moves {
		if mv.To <= c.Stage || !mv.To.Valid() {
			continue // signals only move forward, whatever the analyzer says
		}
		m := StageMove{ThreadID: c.ThreadID, Contact: c.Contact, At: moveTime(mv.At, now, c.StageAt), From: c.Stage, To: mv.To, Cause: mv.Cause}
		if err := putMove(tx, &m); err != nil {
			return err
		}
		c.moved(&m)
	}
	if res.WonBack && !c.WonBack {
		// Sticky: a won-back customer who later grumbles was still won
		// back once, and the report counts that.
		c.WonBack = true
		c.wonBackAt = clampTime(res.WonBackAt, now)
	}
	return nil
}

// convRank is a conversation's queue rank (see keys.go).
func convRank(c *convRec) byte {
	switch {
	case c.Unhappy:
		return rankUnhappy
	case c.Stage == funnel.Intent:
		return rankIntent
	}
	return rankOther
}

// moreUrgent orders waiting conversations for the queue row: unhappy,
// then intent, then longest waiting, then contact ID.
func moreUrgent(a, b *convRec) bool {
	if ra, rb := convRank(a), convRank(b); ra != rb {
		return ra < rb
	}
	if c := a.WaitingSince.Compare(b.WaitingSince); c != 0 {
		return c < 0
	}
	return a.Contact < b.Contact
}

// settleThread rolls t up from its conversations: the furthest stage, the
// flags, the sales, the waiting people and the queue row's person. The
// conversations in dirty, and any whose Started flag changes, are saved.
// It does not save t.
func settleThread(tx *bolt.Tx, t *threadRec, tc *threadConvs, dirty map[string]bool) error {
	t.Stage, t.StageAt = funnel.New, time.Time{}
	t.Unhappy, t.Intent, t.WonBack = false, false, false
	t.Conversions, t.WaitingPeople = 0, 0
	t.Waiter, t.WaitingSince = Waiter{}, time.Time{}
	var waiter, newest *convRec
	for _, c := range tc.list {
		if started := c.Contact == t.Contact && t.Contact != ""; started != c.Started {
			c.Started = started
			dirty[c.Contact] = true
		}
		if c.Stage > t.Stage || (c.Stage == t.Stage && c.StageAt.After(t.StageAt)) {
			t.Stage, t.StageAt = c.Stage, c.StageAt
		}
		t.Unhappy = t.Unhappy || c.Unhappy
		t.Intent = t.Intent || c.Stage == funnel.Intent
		t.WonBack = t.WonBack || c.WonBack
		t.Conversions += c.Conversions
		if c.Waiting() {
			t.WaitingPeople++
			if waiter == nil || moreUrgent(c, waiter) {
				waiter = c
			}
		}
		if newest == nil || c.LastTheirs.After(newest.LastTheirs) {
			newest = c
		}
	}
	// The thread's own line names its starter: their newest words, so
	// Author and Preview never pair one person's name with another's.
	if st := tc.by[t.Contact]; st != nil && t.Contact != "" && st.Preview != "" {
		t.Preview, t.Link = st.Preview, cmp.Or(st.Link, t.Link)
	}
	switch {
	case waiter != nil:
		t.Waiter = Waiter{Contact: waiter.Contact, Name: waiter.Name, Preview: waiter.Preview, Link: waiter.Link,
			Stage: waiter.Stage, Mood: waiter.Mood, Unhappy: waiter.Unhappy, Intent: waiter.Stage == funnel.Intent}
		t.WaitingSince = waiter.WaitingSince
		t.Mood = waiter.Mood
	case newest != nil:
		t.Mood = newest.Mood
	default:
		t.Mood = 0
	}
	slices.SortFunc(tc.list, func(a, b *convRec) int {
		if c := a.First.Compare(b.First); c != 0 {
			return c
		}
		return cmp.Compare(a.Contact, b.Contact)
	})
	for _, c := range tc.list {
		if dirty[c.Contact] {
			if err := saveConv(tx, c); err != nil {
				return err
			}
		}
	}
	return nil
}

// refreshAll re-reads every conversation of t (a reply was recorded or
// sent) and rolls up the contacts concerned. It does not save t.
func refreshAll(tx *bolt.Tx, an analyzer, t *threadRec, now time.Time) error {
	tc, err := loadConvs(tx, t.ID)
	if err != nil {
		return err
	}
	changed, err := refreshThread(tx, an, t, tc, now, refreshOpts{})
	if err != nil {
		return err
	}
	return rollupContacts(tx, nil, changed...)
}
