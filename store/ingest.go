package store

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"

	"parley/feeds"
)

// maxLineRunes caps Title and Preview: they are single queue-row lines.
const maxLineRunes = 200

// Ingest stores one poll result in a single transaction: new items
// (deduplicated by ID across all feeds) are threaded and indexed, thread
// summaries, their funnel stage and the queue are updated, their authors'
// contacts are rolled up, and the feed's state is recorded.
// A failed poll (res.Err) only updates the feed state. Ingesting the same
// result again stores nothing new.
func (s *Store) Ingest(res feeds.Result, now time.Time) (IngestResult, error) {
	if res.Feed == "" {
		return IngestResult{}, errors.New("store poll result: it names no feed")
	}
	return s.ingest(res, ingestTime(now), nil)
}

// ingest is Ingest with readings made ahead (see readAhead).
func (s *Store) ingest(res feeds.Result, now time.Time, rd readings) (IngestResult, error) {
	if huge(res) {
		return s.ingestChunked(res, now)
	}
	var out IngestResult
	err := s.update(func(tx *bolt.Tx) (err error) {
		out, err = s.ingestTx(tx, res, now, rd, 0)
		return err
	})
	if err != nil {
		return IngestResult{}, fmt.Errorf("store items from feed %s: %w", res.Feed, err)
	}
	s.ingested(res.Feed, out.Threads)
	return out, nil
}

// ingested publishes a committed poll result (the feed's state changed
// even when no thread did).
func (s *Store) ingested(feed string, threads []string) {
	s.feed.publish(Change{Who: s.who, Kind: ChangeIngest, Feed: feed, Threads: threads})
}

// IngestBatch stores several poll results in one transaction, as Ingest
// would one by one: a cold fetch of hundreds of feeds then pays for one
// commit (one fsync) instead of hundreds. If the batch fails, each result
// is stored on its own, so one bad result cannot keep the others out;
// errs[i] is then that result's error.
func (s *Store) IngestBatch(results []feeds.Result, now time.Time) (outs []IngestResult, errs []error) {
	return s.ingestBatch(results, now, s.readAhead(results, runtime.GOMAXPROCS(0)))
}

// ingestBatch is IngestBatch with readings made ahead.
func (s *Store) ingestBatch(results []feeds.Result, now time.Time, rd readings) (outs []IngestResult, errs []error) {
	now = ingestTime(now)
	if slices.ContainsFunc(results, huge) {
		return s.ingestAround(results, now, rd)
	}
	outs, errs = make([]IngestResult, len(results)), make([]error, len(results))
	err := s.update(func(tx *bolt.Tx) error {
		for i, res := range results {
			if res.Feed == "" {
				return errors.New("store poll result: it names no feed")
			}
			out, err := s.ingestTx(tx, res, now, rd, 0)
			if err != nil {
				return fmt.Errorf("store items from feed %s: %w", res.Feed, err)
			}
			outs[i] = out
		}
		return nil
	})
	if err == nil {
		for i, res := range results {
			s.ingested(res.Feed, outs[i].Threads)
		}
		return outs, errs
	}
	for i, res := range results {
		if res.Feed == "" {
			outs[i], errs[i] = s.Ingest(res, now)
			continue
		}
		outs[i], errs[i] = s.ingest(res, now, rd)
	}
	return outs, errs
}

func ingestTime(now time.Time) time.Time {
	if now.IsZero() {
		now = time.Now()
	}
	return now.UTC()
}

// ingestChunk is how many items of one poll result a transaction stores.
// A write transaction keeps every page it changes in memory, and bbolt
// copies all of them again each time the file grows: one transaction for
// an 80,000-item poll took 560 MB of heap. A larger result is stored in
// transactions of this many items (see ingestChunked). A variable for the
// tests.
var ingestChunk = 2000

// huge reports a result that ingestChunked stores.
func huge(res feeds.Result) bool {
	return res.Err == nil && !res.NotModified && len(res.Items) > ingestChunk
}

// ingestAround is ingestBatch for a batch holding huge results: each of
// those is stored in chunks, and the results between them together, as
// before, in their order.
func (s *Store) ingestAround(results []feeds.Result, now time.Time, rd readings) (outs []IngestResult, errs []error) {
	outs, errs = make([]IngestResult, len(results)), make([]error, len(results))
	for i := 0; i < len(results); {
		if huge(results[i]) {
			outs[i], errs[i] = s.ingestChunked(results[i], now)
			i++
			continue
		}
		j := i + 1
		for j < len(results) && !huge(results[j]) {
			j++
		}
		o, e := s.ingestBatch(results[i:j], now, rd)
		copy(outs[i:j], o)
		copy(errs[i:j], e)
		i = j
	}
	return outs, errs
}

// ingestChunked stores a huge result in transactions of ingestChunk items,
// oldest first (so parents come before replies, as in one transaction),
// and records the feed's state, with its ETag, only with the last: a
// result cut short by a crash is fetched whole again, and what was stored
// counts as a duplicate. Funnel readings are made ahead for one chunk at a
// time.
func (s *Store) ingestChunked(res feeds.Result, now time.Time) (IngestResult, error) {
	if res.Feed == "" {
		return IngestResult{}, errors.New("store poll result: it names no feed")
	}
	now = ingestTime(now)
	// An order, not a sorted copy: the result is the one big thing held,
	// and each chunk copies only its own items.
	order := make([]int32, len(res.Items))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int {
		return storedTime(res.Items[a].Published, now).Compare(storedTime(res.Items[b].Published, now))
	})
	var total IngestResult
	seen := map[string]bool{}
	chunk := make([]feeds.Item, 0, ingestChunk)
	for start := 0; start < len(order); start += ingestChunk {
		chunk = chunk[:0]
		for _, i := range order[start:min(start+ingestChunk, len(order))] {
			chunk = append(chunk, res.Items[i])
		}
		part := res
		part.Items = chunk
		last := start+ingestChunk >= len(order)
		rd := s.readAhead([]feeds.Result{part}, runtime.GOMAXPROCS(0))
		var out IngestResult
		err := s.update(func(tx *bolt.Tx) (err error) {
			if last {
				out, err = s.ingestTx(tx, part, now, rd, total.New)
			} else {
				out, err = s.storeItemsTx(tx, part, now, rd)
			}
			return err
		})
		if err != nil {
			return total, fmt.Errorf("store items from feed %s (%d of %d stored): %w", res.Feed, start, len(order), err)
		}
		s.ingested(res.Feed, out.Threads) // each chunk is visible once committed
		total.New += out.New
		total.Duplicate += out.Duplicate
		for _, id := range out.Threads {
			if !seen[id] {
				seen[id] = true
				total.Threads = append(total.Threads, id)
			}
		}
	}
	return total, nil
}

// ingestTx is Ingest's work inside a write transaction. before counts the
// messages of the same result stored by earlier transactions
// (ingestChunked), for the feed's state.
func (s *Store) ingestTx(tx *bolt.Tx, res feeds.Result, now time.Time, rd readings, before int) (IngestResult, error) {
	var out IngestResult
	fs, err := loadFeedState(tx, res.Feed)
	if err != nil {
		return out, err
	}
	fs.LastFetch = now
	if res.Err != nil {
		fs.LastError = res.Err.Error()
		return out, putFeedState(tx, &fs)
	}
	if !res.NotModified {
		fs.ETag = res.State.ETag
		fs.LastModified = res.State.LastModified
		if out, err = s.storeItemsTx(tx, res, now, rd); err != nil {
			return IngestResult{}, err
		}
	}
	fs.LastSuccess = now
	fs.LastError = ""
	fs.LastNew = before + out.New
	fs.Items += before + out.New
	return out, putFeedState(tx, &fs)
}

// storeItemsTx stores res's items, without touching the feed's state.
func (s *Store) storeItemsTx(tx *bolt.Tx, res feeds.Result, now time.Time, rd readings) (IngestResult, error) {
	var out IngestResult
	in := ingester{
		an:       s.an,
		readings: rd,
		tx:       tx,
		msgs:     tx.Bucket(bucketMessages),
		index:    tx.Bucket(bucketThreadMsgs),
		ours:     s.oursSnapshot(),
		touched:  map[string]*touchedThread{},
		contacts: newContactBook(tx),
		out:      &out,
	}
	// A fetch adds keys in runs (one feed's messages, one thread's
	// index), so pages split fuller than bbolt's half leave fewer pages to
	// write at each commit; later inserts still split them as needed.
	in.msgs.FillPercent = ingestFillPercent
	in.index.FillPercent = ingestFillPercent
	if err := in.run(res, now); err != nil {
		return IngestResult{}, err
	}
	return out, nil
}

// ingestFillPercent is how full ingest leaves the pages it splits in the
// message and thread-index buckets (bbolt's default is 0.5).
var ingestFillPercent = 0.9

// touchedThread is a thread changed during one Ingest; it is written once
// at the end however many messages it got.
type touchedThread struct {
	rec        threadRec
	prevSnooze time.Time
	convs      *threadConvs
	// touched names the conversations that got messages; all means every
	// one must be re-read (a message of ours addressed to nobody).
	touched map[string]bool
	all     bool
	// prevContact is rec.Contact as loaded: if an earlier message makes
	// someone else the Author, that contact stops being the starter.
	prevContact string
	// before is each stored conversation's share of its contact's
	// roll-up as loaded, to roll contacts up from the change.
	before map[string]convShare
	// convIndexed: the thread has a conv_msgs index to keep (convmsgs.go).
	convIndexed bool
}

type ingester struct {
	an       analyzer
	readings readings // made ahead, for some new messages
	tx       *bolt.Tx
	msgs     *bolt.Bucket
	index    *bolt.Bucket
	ours     []string
	touched  map[string]*touchedThread
	order    []string // touched thread IDs, in first-touched order
	contacts *contactBook
	out      *IngestResult
}

type pendingItem struct {
	item      feeds.Item
	published time.Time
}

func (in *ingester) run(res feeds.Result, now time.Time) error {
	items := make([]pendingItem, len(res.Items))
	for i, it := range res.Items {
		items[i] = pendingItem{item: it, published: storedTime(it.Published, now)}
	}
	// Oldest first, so a parent in the same result is stored before its
	// replies and thread summaries see messages in time order.
	slices.SortStableFunc(items, func(a, b pendingItem) int {
		return a.published.Compare(b.published)
	})
	for i := range items {
		if err := in.add(&items[i], res.Feed, now); err != nil {
			return err
		}
	}
	for _, id := range in.order {
		tt := in.touched[id]
		o := refreshOpts{touched: tt.touched, rd: in.readings, convIndex: true}
		if tt.all {
			o.touched = nil
		}
		changed, err := refreshThread(in.tx, in.an, &tt.rec, tt.convs, now, o)
		if err != nil {
			return err
		}
		if err := saveThread(in.tx, &tt.rec, tt.prevSnooze); err != nil {
			return err
		}
		in.contacts.thread(id, tt.prevContact, tt.rec.Contact)
		in.contacts.changed(changed...)
	}
	// Every conversation Ingest changes is in a touched thread, so their
	// before and after are all the contacts' roll-ups need.
	deltas := newContactDeltas()
	for _, id := range in.order {
		tt := in.touched[id]
		for _, c := range tt.convs.list {
			deltas.conv(c.Contact, tt.before[c.Contact], shareOf(c))
		}
	}
	in.contacts.deltas = deltas
	return in.contacts.flush()
}

// storedTime is the time a message is stored under. Zero, and the epoch
// that broken feeds emit for "no date", mean the source gave no time: the
// first time we saw it stands in.
func storedTime(p, now time.Time) time.Time {
	if p.IsZero() || p.Unix() <= 0 {
		p = now
	}
	return p.UTC()
}

func (in *ingester) add(p *pendingItem, feed string, now time.Time) error {
	it := &p.item
	id := it.ID
	if id == "" {
		id = fallbackID(it, feed)
	}
	if in.msgs.Get([]byte(id)) != nil {
		in.out.Duplicate++
		return nil
	}
	m := Message{
		ID:        id,
		ThreadID:  in.threadID(it, id),
		Feed:      cmp.Or(it.Feed, feed),
		Author:    it.Author,
		Title:     it.Title,
		Link:      it.Link,
		Published: p.published,
		Text:      it.Text,
		Ours:      it.Ours || isOurs(in.ours, it.Author),
		InReplyTo: it.InReplyTo,
		Target:    it.Target,
	}
	tt, err := in.thread(m.ThreadID, m.Feed)
	if err != nil {
		return err
	}
	confirms, to, err := in.recognise(&m)
	if err != nil {
		return err
	}
	in.attribute(tt, &m, to)
	if err := in.msgs.Put([]byte(id), encodeMessage(&m)); err != nil {
		return fmt.Errorf("save message %s: %w", id, err)
	}
	seq, err := in.index.NextSequence()
	if err != nil {
		return fmt.Errorf("index message %s: %w", id, err)
	}
	tmKey := timedKey(m.ThreadID, m.Published, seq)
	if err := in.index.Put(tmKey, threadMsgValue(m.Ours, id)); err != nil {
		return fmt.Errorf("index message %s: %w", id, err)
	}
	if tt.convIndexed {
		if err := putConvMsg(in.tx, tmKey, &m); err != nil {
			return err
		}
	}
	applyMessage(&tt.rec, &m)
	if confirms != nil {
		// The post of a send we never heard back from: it is sent, and
		// recorded as MarkSent would, dated when it was posted so their
		// answers to it still wait for us.
		if err := settleSent(in.tx, confirms, feeds.Posted{ItemID: m.ID, URL: m.Link}, now); err != nil {
			return err
		}
		if err := putOutbox(in.tx, confirms); err != nil {
			return err
		}
		r := confirms.reply(clampTime(m.Published, now))
		if err := putReply(in.tx, &tt.rec, &r); err != nil {
			return err
		}
	}
	if err := in.contacts.saw(&m); err != nil {
		return err
	}
	in.out.New++
	return nil
}

// recognise tells whether m, about to be stored, is a reply we sent or
// copied (see "Our replies fetched back" in the package doc). If so m
// becomes ours and gets the reply's key, so it is not counted again, and
// to is the person that reply answered; the entry returned, if any, is
// one whose send m confirms.
func (in *ingester) recognise(m *Message) (confirms *OutboxEntry, to string, err error) {
	if key := in.tx.Bucket(bucketOutboxRemote).Get([]byte(m.ID)); key != nil {
		m.Ours = true
		m.ReplyKey = string(key)
		if e, err := loadOutbox(in.tx, m.ReplyKey); err == nil {
			to = e.To
		}
		return nil, to, nil
	}
	if !m.Ours {
		return nil, "", nil
	}
	e, ok, err := unconfirmedEcho(in.tx, m)
	if err != nil {
		return nil, "", err
	}
	if ok {
		m.ReplyKey = e.Key
		return &e, e.To, nil
	}
	r, ok, err := copiedEcho(in.tx, m)
	if err != nil || !ok {
		return nil, "", err
	}
	m.ReplyKey = r.Key
	return nil, r.To, nil
}

// attribute sets m.Contact: whose conversation m is in. Theirs: the
// author's. Ours: see "Our replies fetched back" in the package doc; to
// is the person the reply it was recognised as answered.
func (in *ingester) attribute(tt *touchedThread, m *Message, to string) {
	if !m.Ours {
		m.Contact = contactID(m.Feed, strings.TrimSpace(m.Author))
		c := tt.convs.ensure(m.Contact, m.Feed, strings.TrimSpace(m.Author))
		if m.Published.After(c.LastOurs) && (c.WaitingSince.IsZero() || m.Published.Before(c.WaitingSince)) {
			c.WaitingSince = m.Published
		}
		c.LastTheirs = later(c.LastTheirs, m.Published)
		tt.touched[m.Contact] = true
		return
	}
	m.Contact = in.answered(tt, m, to)
	c := tt.convs.by[m.Contact]
	if c == nil {
		m.Contact = ""
		tt.all = true
		return
	}
	c.LastOurs = later(c.LastOurs, m.Published)
	if !c.LastTheirs.After(c.LastOurs) {
		c.WaitingSince = time.Time{}
	}
	tt.touched[m.Contact] = true
}

// answered is the person a message of ours counts for: the person its
// reply record answered, when it is a reply we recorded (our own record
// of whom we chose to answer is exact, while a source may name only the
// topic as the parent); else the author of the message it replies to
// (the source says so); else the one its leading @name names, else the
// one waiting longest, else the starter.
func (in *ingester) answered(tt *touchedThread, m *Message, to string) string {
	if to != "" && tt.convs.by[to] != nil {
		return to
	}
	if m.InReplyTo != "" {
		if v := in.msgs.Get([]byte(m.InReplyTo)); v != nil {
			if mv, err := decodeMessageView([]byte(m.InReplyTo), v); err == nil {
				switch {
				case !mv.ours:
					return contactID(string(mv.feed), strings.TrimSpace(string(mv.author)))
				case len(mv.contact) > 0:
					return string(mv.contact)
				}
			}
		}
	}
	return ruleAnswered(&tt.rec.Thread, tt.convs, m.Text)
}

// ruleAnswered is whom a reply written elsewhere answers: a leading
// @name that names exactly one person in the thread, else the person
// waiting longest, else the starter ("" when the thread has nobody).
func ruleAnswered(t *Thread, tc *threadConvs, text string) string {
	if c := mentioned(tc, text); c != "" {
		return c
	}
	var longest *convRec
	for _, c := range tc.list {
		if !c.WaitingSince.IsZero() && (longest == nil || c.WaitingSince.Before(longest.WaitingSince)) {
			longest = c
		}
	}
	if longest != nil {
		return longest.Contact
	}
	if tc.by[t.Contact] != nil {
		return t.Contact
	}
	if len(tc.list) > 0 {
		return tc.list[0].Contact
	}
	return ""
}

// mentioned is the person a reply's opening names: a leading @name (the
// first word after "@", up to a second "@", the server), or WordPress's
// "In reply to Name." line, compared with each person's name with spaces
// and punctuation dropped, or with its first word. Only a name that fits
// exactly one person counts.
func mentioned(tc *threadConvs, text string) string {
	if rest, ok := strings.CutPrefix(strings.TrimSpace(text), "In reply to "); ok {
		name, _, _ := strings.Cut(rest, "\n")
		// The sanitizer renders WordPress's link to the parent comment
		// as "Name (https://…#comment-N)."
		name, _, _ = strings.Cut(name, " (")
		if want := nameKey(strings.TrimSuffix(strings.TrimSpace(name), ".")); want != "" {
			if c := onlyOne(tc, func(c *convRec) bool { return namedBy(c.Name, want) }); c != "" {
				return c
			}
		}
		// A plain-text description joins the line to the words after it
		// ("In reply to Dr. Helen Park. Thanks, …"): the name it starts with.
		return onlyOne(tc, func(c *convRec) bool { return startsWithName(rest, c.Name) })
	}
	words := strings.Fields(text)
	if len(words) == 0 || !strings.HasPrefix(words[0], "@") {
		return ""
	}
	acct, _, _ := strings.Cut(strings.TrimPrefix(words[0], "@"), "@")
	want := nameKey(acct)
	if want == "" {
		return ""
	}
	return onlyOne(tc, func(c *convRec) bool { return namedBy(c.Name, want) })
}

// namedBy reports whether a name key (see nameKey) names the person: their
// whole name or its first word.
func namedBy(name, want string) bool {
	first, _, _ := strings.Cut(name, " ")
	return nameKey(name) == want || nameKey(first) == want
}

// onlyOne is the contact of the one person of the thread that fits, ""
// when nobody or several do.
func onlyOne(tc *threadConvs, fits func(c *convRec) bool) string {
	found := ""
	for _, c := range tc.list {
		if fits(c) {
			if found != "" {
				return ""
			}
			found = c.Contact
		}
	}
	return found
}

// startsWithName reports whether text begins with the whole name: what
// follows it is the end, a space, or punctuation, so "Ann" is not "Anna".
func startsWithName(text, name string) bool {
	name = strings.TrimSpace(name)
	if name == "" || len(text) < len(name) || !strings.EqualFold(text[:len(name)], name) {
		return false
	}
	next, _ := utf8.DecodeRuneInString(text[len(name):])
	return len(text) == len(name) || !(unicode.IsLetter(next) || unicode.IsDigit(next))
}

// nameKey is a name lower-cased with everything but letters and digits
// dropped: "@Will_Harper," and "Will Harper" meet.
func nameKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// thread returns the working copy of a thread, loading or creating it on
// first touch.
func (in *ingester) thread(id, feed string) (*touchedThread, error) {
	if tt, ok := in.touched[id]; ok {
		return tt, nil
	}
	tt := &touchedThread{touched: map[string]bool{}}
	if v := in.tx.Bucket(bucketThreads).Get([]byte(id)); v != nil {
		rec, err := decodeThread([]byte(id), v)
		if err != nil {
			return nil, err
		}
		tt.rec = rec
		tt.prevSnooze = rec.SnoozedUntil
		tt.prevContact = rec.Contact
		if tt.convs, err = loadConvs(in.tx, id); err != nil {
			return nil, err
		}
		tt.convIndexed = convIndexed(in.tx, id)
		tt.before = make(map[string]convShare, len(tt.convs.list))
		for _, c := range tt.convs.list {
			tt.before[c.Contact] = shareOf(c)
		}
	} else {
		tt.convs = &threadConvs{threadID: id, by: map[string]*convRec{}}
		tt.rec.ID = id
		tt.rec.Feed = feed
	}
	in.touched[id] = tt
	in.order = append(in.order, id)
	in.out.Threads = append(in.out.Threads, id)
	return tt, nil
}

// threadID decides which thread an item joins; see the package doc.
func (in *ingester) threadID(it *feeds.Item, id string) string {
	for _, parent := range []string{it.InReplyTo, it.Root} {
		if parent == "" || parent == id {
			continue
		}
		if v := in.msgs.Get([]byte(parent)); v != nil {
			if tid := decodeMessageThread(v); tid != "" {
				return tid
			}
		}
	}
	return threadIDFor(threadKey(it, id))
}

// threadKey is what a thread ID hashes. Only a link with a fragment
// joins by URL (comments of one post); a bare link never does, because
// review and forum feeds often point every entry at the same page.
func threadKey(it *feeds.Item, id string) string {
	// The root names the thread where the source says which it is
	// (a Discourse topic, a Mastodon conversation): a reply to a post
	// parley never stored still joins its topic.
	if it.Root != "" && it.Root != id {
		return "id:" + it.Root
	}
	if base, frag, ok := strings.Cut(it.Link, "#"); ok && base != "" && frag != "" {
		return "url:" + base
	}
	if it.InReplyTo != "" {
		return "id:" + it.InReplyTo
	}
	return "id:" + id
}

// fallbackID stands in for a missing item ID. feeds always sets one; this
// only keeps a bad item from colliding with every other ID-less item.
func fallbackID(it *feeds.Item, feed string) string {
	h := sha256.New()
	for _, s := range []string{cmp.Or(it.Feed, feed), it.Link, it.Title, it.Published.UTC().Format(time.RFC3339Nano), it.Text} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// applyMessage folds a newly stored message into its thread's summary.
// Messages may arrive out of time order across polls, so every field is
// decided by message time, not arrival.
func applyMessage(t *threadRec, m *Message) {
	if t.Messages == 0 || m.Published.Before(t.Created) {
		t.Created = m.Published
		t.Title = cmp.Or(firstLine(m.Title), firstLine(m.Text))
	}
	t.Messages++
	if t.Link == "" {
		t.Link = m.Link
	}
	if m.Ours {
		if m.ReplyKey == "" { // else its reply record counts it
			t.ourMsgs++
		}
		if m.Published.After(t.LastOurs) {
			t.LastOurs = m.Published
		}
		return
	}
	if author := strings.TrimSpace(m.Author); author != "" &&
		(t.Author == "" || m.Published.Before(t.authorAt)) {
		t.Author = author
		t.authorAt = m.Published
		t.Contact = contactID(m.Feed, author)
	}
	if !m.Published.Before(t.LastTheirs) {
		t.LastTheirs = m.Published
		t.Preview = cmp.Or(previewLine(m.Text), firstLine(m.Title))
		t.Link = cmp.Or(m.Link, t.Link)
	}
	t.Unread++
	// New words from them outrank an earlier decision to set it aside.
	t.Done = false
	t.SnoozedUntil = time.Time{}
}

// firstLine is the first non-blank line of s, trimmed and capped.
func firstLine(s string) string {
	for line := range strings.Lines(s) {
		if line = strings.TrimSpace(line); line != "" {
			return capRunes(line, maxLineRunes)
		}
	}
	return ""
}

// previewLine is the first line that says something: WordPress starts
// every threaded comment with "In reply to Name." (a link in the HTML),
// which would make every blog row of the queue read the same.
func previewLine(s string) string {
	first := firstLine(s)
	if !strings.HasPrefix(first, "In reply to ") {
		return first
	}
	_, rest, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return cmp.Or(firstLine(rest), first)
}

func capRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i, count := 0, 0
	for i = range s {
		if count == n-1 {
			break
		}
		count++
	}
	return strings.TrimRightFunc(s[:i], func(r rune) bool { return r == ' ' }) + "…"
}

func loadFeedState(tx *bolt.Tx, name string) (FeedState, error) {
	v := tx.Bucket(bucketFeeds).Get([]byte(name))
	if v == nil {
		return FeedState{Name: name}, nil
	}
	return decodeFeedState([]byte(name), v)
}

func putFeedState(tx *bolt.Tx, f *FeedState) error {
	if err := tx.Bucket(bucketFeeds).Put([]byte(f.Name), encodeFeedState(f)); err != nil {
		return fmt.Errorf("save state of feed %s: %w", f.Name, err)
	}
	return nil
}

// ConditionalState returns the validators for the next poll of feed. On
// any read error it returns none: an unconditional GET is always safe.
func (s *Store) ConditionalState(feed string) feeds.ConditionalState {
	var cs feeds.ConditionalState
	_ = s.view(func(tx *bolt.Tx) error {
		f, err := loadFeedState(tx, feed)
		if err == nil {
			cs = feeds.ConditionalState{ETag: f.ETag, LastModified: f.LastModified}
		}
		return nil
	})
	return cs
}

// FeedStates returns the state of every feed ever ingested, by name.
func (s *Store) FeedStates() ([]FeedState, error) {
	var out []FeedState
	err := s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketFeeds).ForEach(func(k, v []byte) error {
			f, err := decodeFeedState(k, v)
			if err != nil {
				return err
			}
			out = append(out, f)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read feed states: %w", err)
	}
	return out, nil
}
