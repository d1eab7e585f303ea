package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"parley/feeds"
	"parley/funnel"
)

// All record encoding lives in this file so the format can be changed in
// one place. Records are a version byte followed by fields in a fixed
// order: strings and byte slices as uvarint length + bytes, ints as
// varints, times as a presence byte + varint seconds + uvarint nanos
// (exact for any time.Time, unlike UnixNano), bools as one byte, floats
// as a uvarint of their byte-swapped bits (exact; zero is one byte). This is
// several times smaller and faster to decode than JSON, which matters for
// Queue over large databases. A key is never repeated inside its value.
//
// New fields are appended at the end; decoders treat missing trailing
// fields as zero so older records stay readable. A record whose version
// byte is unknown was written by a newer parley and is refused.

const recordV1 byte = 1

// errCorrupt marks a record that cannot be decoded.
var errCorrupt = errors.New("damaged record")

type encoder struct{ b []byte }

func newEncoder(size int) *encoder {
	e := &encoder{b: make([]byte, 0, size)}
	e.b = append(e.b, recordV1)
	return e
}

func (e *encoder) str(s string) {
	e.b = binary.AppendUvarint(e.b, uint64(len(s)))
	e.b = append(e.b, s...)
}

func (e *encoder) bytes(p []byte) {
	e.b = binary.AppendUvarint(e.b, uint64(len(p)))
	e.b = append(e.b, p...)
}

func (e *encoder) int(v int) { e.b = binary.AppendVarint(e.b, int64(v)) }

func (e *encoder) int64(v int64) { e.b = binary.AppendVarint(e.b, v) }

// float is the IEEE bits as a uvarint of the byte-reversed value: zero
// (the common Mood) takes one byte, and any float round-trips exactly.
func (e *encoder) float(f float64) {
	e.b = binary.AppendUvarint(e.b, reverseBytes64(math.Float64bits(f)))
}

func reverseBytes64(v uint64) uint64 {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], v)
	return binary.LittleEndian.Uint64(b[:])
}

func (e *encoder) bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

func (e *encoder) time(t time.Time) {
	if t.IsZero() {
		e.b = append(e.b, 0)
		return
	}
	e.b = append(e.b, 1)
	e.b = binary.AppendVarint(e.b, t.Unix())
	e.b = binary.AppendUvarint(e.b, uint64(t.Nanosecond()))
}

// decoder reads fields in order. The first error sticks and later reads
// return zero values, so callers check done once at the end. Running out
// of input exactly at a field boundary is not an error: that field was
// added after the record was written.
type decoder struct {
	b    []byte
	kind string // "thread", "message", …: names the record in errors
	key  []byte // only read when building an error, inside the transaction
	err  error
}

func newDecoder(kind string, key, b []byte) decoder {
	d := decoder{b: b, kind: kind, key: key}
	switch {
	case len(b) == 0:
		d.fail()
	case b[0] != recordV1:
		d.err = fmt.Errorf("%s %q: record format %d is newer than this parley understands; upgrade parley",
			kind, key, b[0])
		d.b = nil
	default:
		d.b = b[1:]
	}
	return d
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = fmt.Errorf("%s %q: %w", d.kind, d.key, errCorrupt)
	}
	d.b = nil
}

func (d *decoder) done() error { return d.err }

func (d *decoder) uvarint() uint64 {
	if d.err != nil || len(d.b) == 0 {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	if d.err != nil || len(d.b) == 0 {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

// raw returns the next length-prefixed field without copying.
func (d *decoder) raw() []byte {
	if d.err != nil || len(d.b) == 0 {
		return nil
	}
	n := d.uvarint()
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.b)) {
		d.fail()
		return nil
	}
	p := d.b[:n]
	d.b = d.b[n:]
	return p
}

// str copies: bbolt memory is only valid inside the transaction.
func (d *decoder) str() string { return string(d.raw()) }

func (d *decoder) int() int { return int(d.varint()) }

func (d *decoder) int64() int64 { return d.varint() }

func (d *decoder) float() float64 {
	if d.err != nil || len(d.b) == 0 {
		return 0
	}
	return math.Float64frombits(reverseBytes64(d.uvarint()))
}

func (d *decoder) stage() funnel.Stage {
	v := d.varint()
	if v < 0 || v > math.MaxUint8 {
		d.fail()
		return funnel.New
	}
	return funnel.Stage(v)
}

func (d *decoder) bool() bool {
	if d.err != nil || len(d.b) == 0 {
		return false
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v != 0
}

func (d *decoder) time() time.Time {
	if d.err != nil || len(d.b) == 0 {
		return time.Time{}
	}
	present := d.b[0]
	d.b = d.b[1:]
	if present == 0 {
		return time.Time{}
	}
	sec := d.varint()
	nsec := d.uvarint()
	if d.err != nil || nsec >= uint64(time.Second) {
		d.fail()
		return time.Time{}
	}
	return time.Unix(sec, int64(nsec)).UTC()
}

// threadRec is a Thread plus the bookkeeping needed to maintain indexes.
type threadRec struct {
	Thread
	// queueKey is the thread's current key in bucketQueue, nil when it is
	// not queued, so the old key can be deleted when the thread changes.
	queueKey []byte
	// authorAt is when Author wrote the message that made them the
	// thread's Author, so an earlier message arriving later can take over.
	authorAt time.Time
	// manualAt is the time of the last manual stage move: messages at or
	// before it no longer count as signals (funnel.State.Since).
	manualAt time.Time
	// wonBackAt is when WonBack became true, for "won back this month".
	wonBackAt time.Time
	// ourMsgs counts our replies: recorded in parley plus our messages
	// from the feed (export and contact rollups read it without scans).
	ourMsgs int
}

// Thread record fields, in order. The funnel fields (Stage onwards) were
// added in schema 2 and read as zero from older records; the Waiter and
// WaitingPeople in schema 5.
func encodeThread(t *threadRec) []byte {
	w := &t.Waiter
	e := newEncoder(160 + len(t.Title) + len(t.Author) + len(t.Preview) + len(t.Feed) + len(t.Link) + len(t.Contact) +
		len(w.Contact) + len(w.Name) + len(w.Preview) + len(w.Link))
	e.str(t.Feed)
	e.str(t.Title)
	e.str(t.Author)
	e.str(t.Preview)
	e.time(t.Created)
	e.time(t.LastTheirs)
	e.time(t.LastOurs)
	e.time(t.WaitingSince)
	e.int(t.Messages)
	e.int(t.Unread)
	e.bool(t.Done)
	e.time(t.SnoozedUntil)
	e.bytes(t.queueKey)
	e.time(t.authorAt)
	e.str(t.Link)
	// schema 2: the funnel
	e.int(int(t.Stage))
	e.time(t.StageAt)
	e.bool(t.Unhappy)
	e.bool(t.Intent)
	e.float(t.Mood)
	e.bool(t.WonBack)
	e.int(t.Conversions)
	e.str(t.Contact)
	e.time(t.manualAt)
	e.time(t.wonBackAt)
	e.int(t.ourMsgs)
	// schema 5: the queue row's person. Their name, words and link are
	// most often the thread's Author, Preview and Link: a flag says so
	// instead of a second copy (the queue holds a third).
	e.str(w.Contact)
	same := waiterSame(t)
	e.int(int(same))
	if same&sameName == 0 {
		e.str(w.Name)
	}
	if same&samePreview == 0 {
		e.str(w.Preview)
	}
	if same&sameLink == 0 {
		e.str(w.Link)
	}
	e.int(int(w.Stage))
	e.float(w.Mood)
	e.bool(w.Unhappy)
	e.bool(w.Intent)
	e.int(t.WaitingPeople)
	e.str(t.Assignee)
	return e.b
}

// Flags of a thread record's Waiter fields that repeat the thread's.
const (
	sameName    = 1 << 0 // Waiter.Name == Author
	samePreview = 1 << 1 // Waiter.Preview == Preview
	sameLink    = 1 << 2 // Waiter.Link == Link
)

func waiterSame(t *threadRec) int {
	same := 0
	if t.Waiter.Name == t.Author {
		same |= sameName
	}
	if t.Waiter.Preview == t.Preview {
		same |= samePreview
	}
	if t.Waiter.Link == t.Link {
		same |= sameLink
	}
	return same
}

func decodeThread(id []byte, v []byte) (threadRec, error) {
	d := newDecoder("thread", id, v)
	var t threadRec
	qk := decodeThreadFields(&d, id, &t)
	if len(qk) > 0 {
		t.queueKey = append([]byte(nil), qk...)
	}
	if err := d.done(); err != nil {
		return threadRec{}, err
	}
	return t, nil
}

// decodeThreadSummary decodes only the public Thread: the Queue hot path.
func decodeThreadSummary(id []byte, v []byte) (Thread, error) {
	d := newDecoder("thread", id, v)
	var t threadRec
	decodeThreadFields(&d, id, &t)
	return t.Thread, d.done()
}

// decodeThreadFields decodes every field and returns the raw queue key. It
// copies the ID and all strings into a single allocation: Queue decodes
// every queued thread, and one allocation instead of eleven is most of
// its cost.
func decodeThreadFields(d *decoder, id []byte, r *threadRec) (queueKey []byte) {
	t := &r.Thread
	feed, title, author, preview := d.raw(), d.raw(), d.raw(), d.raw()
	t.Created = d.time()
	t.LastTheirs = d.time()
	t.LastOurs = d.time()
	t.WaitingSince = d.time()
	t.Messages = d.int()
	t.Unread = d.int()
	t.Done = d.bool()
	t.SnoozedUntil = d.time()
	queueKey = d.raw()
	r.authorAt = d.time()
	link := d.raw()
	t.Stage = d.stage()
	t.StageAt = d.time()
	t.Unhappy = d.bool()
	t.Intent = d.bool()
	t.Mood = d.float()
	t.WonBack = d.bool()
	t.Conversions = d.int()
	contact := d.raw()
	r.manualAt = d.time()
	r.wonBackAt = d.time()
	r.ourMsgs = d.int()
	w := &t.Waiter
	wContact := d.raw()
	same := d.int()
	wName, wPreview, wLink := author, preview, link
	if same&sameName == 0 {
		wName = d.raw()
	}
	if same&samePreview == 0 {
		wPreview = d.raw()
	}
	if same&sameLink == 0 {
		wLink = d.raw()
	}
	w.Stage = d.stage()
	w.Mood = d.float()
	w.Unhappy = d.bool()
	w.Intent = d.bool()
	t.WaitingPeople = d.int()
	if a := d.raw(); len(a) > 0 { // schema 6; most threads have none
		t.Assignee = string(a)
	}

	var sb strings.Builder
	parts := [...][]byte{id, feed, title, author, preview, link, contact, wContact}
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	sb.Grow(n)
	for _, p := range parts {
		sb.Write(p)
	}
	all := sb.String()
	next := func(n int) string {
		s := all[:n]
		all = all[n:]
		return s
	}
	t.ID = next(len(id))
	t.Feed = next(len(feed))
	t.Title = next(len(title))
	t.Author = next(len(author))
	t.Preview = next(len(preview))
	t.Link = next(len(link))
	t.Contact = next(len(contact))
	w.Contact = next(len(wContact))
	// The Waiter's strings share the thread's when the flags say so;
	// else they are their own (a second, rarer allocation).
	w.Name, w.Preview, w.Link = t.Author, t.Preview, t.Link
	if same&(sameName|samePreview|sameLink) != sameName|samePreview|sameLink {
		if same&sameName == 0 {
			w.Name = string(wName)
		}
		if same&samePreview == 0 {
			w.Preview = string(wPreview)
		}
		if same&sameLink == 0 {
			w.Link = string(wLink)
		}
	}
	return queueKey
}

// threadFacts is what the funnel report and contact rollups need of a
// thread, read without allocating.
type threadFacts struct {
	feed        []byte // aliases the record: valid only inside the transaction
	created     time.Time
	stage       funnel.Stage
	unhappy     bool
	wonBack     bool
	conversions int
	wonBackAt   time.Time
	ourMsgs     int
}

func decodeThreadFacts(id, v []byte) (threadFacts, error) {
	d := newDecoder("thread", id, v)
	var f threadFacts
	f.feed = d.raw()
	d.raw() // title
	d.raw() // author
	d.raw() // preview
	f.created = d.time()
	for range 3 {
		d.time() // LastTheirs, LastOurs, WaitingSince
	}
	d.varint() // Messages
	d.varint() // Unread
	d.bool()   // Done
	d.time()   // SnoozedUntil
	d.raw()    // queueKey
	d.time()   // authorAt
	d.raw()    // Link
	f.stage = d.stage()
	d.time() // StageAt
	f.unhappy = d.bool()
	d.bool()    // Intent
	d.uvarint() // Mood
	f.wonBack = d.bool()
	f.conversions = d.int()
	d.raw()  // Contact
	d.time() // manualAt
	f.wonBackAt = d.time()
	f.ourMsgs = d.int()
	return f, d.done()
}

func encodeMessage(m *Message) []byte {
	e := newEncoder(64 + len(m.ThreadID) + len(m.Feed) + len(m.Author) + len(m.Title) +
		len(m.Link) + len(m.Text) + len(m.InReplyTo) + targetLen(&m.Target) + len(m.ReplyKey) + len(m.Contact))
	e.str(m.ThreadID)
	e.str(m.Feed)
	e.str(m.Author)
	e.str(m.Title)
	e.str(m.Link)
	e.time(m.Published)
	e.str(m.Text)
	e.bool(m.Ours)
	e.str(m.InReplyTo)
	// schema 3: two-way sources
	e.target(&m.Target)
	e.str(m.ReplyKey)
	// schema 5: whose conversation it is in
	e.str(m.Contact)
	return e.b
}

func decodeMessage(id []byte, v []byte) (Message, error) {
	d := newDecoder("message", id, v)
	var m Message
	m.ID = string(id)
	m.ThreadID = d.str()
	m.Feed = d.str()
	m.Author = d.str()
	m.Title = d.str()
	m.Link = d.str()
	m.Published = d.time()
	m.Text = d.str()
	m.Ours = d.bool()
	m.InReplyTo = d.str()
	m.Target = d.target()
	m.ReplyKey = d.str()
	m.Contact = d.str()
	return m, d.done()
}

// decodeMessageThread reads only the thread ID, the first field, which is
// all threading needs from a parent message.
func decodeMessageThread(v []byte) string {
	d := newDecoder("message", nil, v)
	id := d.str()
	if d.err != nil {
		return ""
	}
	return id
}

// msgView is what conversations and the funnel need of a stored
// message, read without copying: the slices alias the record and are
// valid only inside the transaction.
type msgView struct {
	feed, author, link, text, inReplyTo, contact []byte
	ours, posted                                 bool // posted: a reply parley sent, fetched back (ReplyKey set)
	hasTarget                                    bool
}

func decodeMessageView(id []byte, v []byte) (msgView, error) {
	d := newDecoder("message", id, v)
	var m msgView
	d.raw() // ThreadID
	m.feed = d.raw()
	m.author = d.raw()
	d.raw() // Title
	m.link = d.raw()
	d.time() // Published
	m.text = d.raw()
	m.ours = d.bool()
	m.inReplyTo = d.raw()
	t := d.target()
	m.hasTarget = !t.IsZero()
	m.posted = len(d.raw()) > 0
	m.contact = d.raw()
	return m, d.done()
}

func encodeReply(r *Reply) []byte {
	e := newEncoder(32 + len(r.ThreadID) + len(r.Text) + len(r.Via) + len(r.Who) + len(r.Key) +
		len(r.RemoteID) + len(r.URL) + len(r.To) + len(r.InReplyTo))
	e.str(r.ThreadID)
	e.str(r.Text)
	e.time(r.At)
	e.str(r.Via)
	// schema 3: who sent it, and where a reply posted by parley landed
	e.str(r.Who)
	e.str(r.Key)
	e.str(r.RemoteID)
	e.str(r.URL)
	// schema 5: whom it answers
	e.str(r.To)
	e.str(r.InReplyTo)
	return e.b
}

func decodeReply(v []byte) (Reply, error) {
	d := newDecoder("reply", nil, v)
	var r Reply
	r.ThreadID = d.str()
	r.Text = d.str()
	r.At = d.time()
	r.Via = d.str()
	r.Who = d.str()
	r.Key = d.str()
	r.RemoteID = d.str()
	r.URL = d.str()
	r.To = d.str()
	r.InReplyTo = d.str()
	return r, d.done()
}

// A Target is five fields in a row: ID Topic PostNumber Visibility Mention.
func (e *encoder) target(t *feeds.Target) {
	e.str(t.ID)
	e.str(t.Topic)
	e.int(t.PostNumber)
	e.str(t.Visibility)
	e.str(t.Mention)
}

func (d *decoder) target() feeds.Target {
	var t feeds.Target
	t.ID = d.str()
	t.Topic = d.str()
	t.PostNumber = d.int()
	t.Visibility = d.str()
	t.Mention = d.str()
	return t
}

func targetLen(t *feeds.Target) int {
	return 16 + len(t.ID) + len(t.Topic) + len(t.Visibility) + len(t.Mention)
}

// Outbox entry: State Permanent ThreadID Feed Text Via Who Target
// Attempts LastError Ambiguous NextTry Queued Updated RemoteID URL. Key is
// the bucket key. State and Permanent come first so Pending can skip
// finished entries without decoding the text.
func encodeOutbox(o *OutboxEntry) []byte {
	e := newEncoder(64 + len(o.ThreadID) + len(o.Feed) + len(o.Text) + len(o.Via) + len(o.Who) +
		targetLen(&o.Target) + len(o.LastError) + len(o.RemoteID) + len(o.URL) + len(o.To) + len(o.InReplyTo))
	e.int(int(o.State))
	e.bool(o.Permanent)
	e.str(o.ThreadID)
	e.str(o.Feed)
	e.str(o.Text)
	e.str(o.Via)
	e.str(o.Who)
	e.target(&o.Target)
	e.int(o.Attempts)
	e.str(o.LastError)
	e.bool(o.Ambiguous)
	e.time(o.NextTry)
	e.time(o.Queued)
	e.time(o.Updated)
	e.str(o.RemoteID)
	e.str(o.URL)
	// schema 5: whom it answers
	e.str(o.To)
	e.str(o.InReplyTo)
	return e.b
}

func decodeOutbox(key []byte, v []byte) (OutboxEntry, error) {
	d := newDecoder("outbox entry", key, v)
	o := OutboxEntry{Key: string(key)}
	o.State = d.outboxState()
	o.Permanent = d.bool()
	o.ThreadID = d.str()
	o.Feed = d.str()
	o.Text = d.str()
	o.Via = d.str()
	o.Who = d.str()
	o.Target = d.target()
	o.Attempts = d.int()
	o.LastError = d.str()
	o.Ambiguous = d.bool()
	o.NextTry = d.time()
	o.Queued = d.time()
	o.Updated = d.time()
	o.RemoteID = d.str()
	o.URL = d.str()
	o.To = d.str()
	o.InReplyTo = d.str()
	return o, d.done()
}

// decodeOutboxStatus reads only State and Permanent.
func decodeOutboxStatus(key []byte, v []byte) (OutboxState, bool, error) {
	d := newDecoder("outbox entry", key, v)
	st := d.outboxState()
	perm := d.bool()
	return st, perm, d.done()
}

// outboxState refuses a state this build does not know: acting on a
// guess could send a reply twice.
func (d *decoder) outboxState() OutboxState {
	v := d.varint()
	if d.err == nil && (v < int64(OutboxQueued) || v > int64(OutboxFailed)) {
		d.fail()
		return 0
	}
	return OutboxState(v)
}

func encodeDraft(dr *Draft) []byte {
	e := newEncoder(16 + len(dr.Text))
	e.str(dr.Text)
	e.time(dr.Updated)
	return e.b
}

func decodeDraft(threadID []byte, v []byte) (Draft, error) {
	d := newDecoder("draft", threadID, v)
	dr := Draft{ThreadID: string(threadID)}
	dr.Text = d.str()
	dr.Updated = d.time()
	return dr, d.done()
}

func encodeFeedState(f *FeedState) []byte {
	e := newEncoder(64 + len(f.URL) + len(f.ETag) + len(f.LastModified) + len(f.LastError))
	e.str(f.URL)
	e.str(f.ETag)
	e.str(f.LastModified)
	e.time(f.LastFetch)
	e.time(f.LastSuccess)
	e.str(f.LastError)
	e.int(f.Items)
	e.int(f.LastNew)
	return e.b
}

func decodeFeedState(name []byte, v []byte) (FeedState, error) {
	d := newDecoder("feed state", name, v)
	f := FeedState{Name: string(name)}
	f.URL = d.str()
	f.ETag = d.str()
	f.LastModified = d.str()
	f.LastFetch = d.time()
	f.LastSuccess = d.time()
	f.LastError = d.str()
	f.Items = d.int()
	f.LastNew = d.int()
	return f, d.done()
}

// Stage move: From To Cause Manual Who Contact. ThreadID and At are in
// the key.
func encodeMove(m *StageMove) []byte {
	e := newEncoder(16 + len(m.Cause) + len(m.Who) + len(m.Contact))
	e.int(int(m.From))
	e.int(int(m.To))
	e.str(m.Cause)
	e.bool(m.Manual)
	e.str(m.Who)
	e.str(m.Contact) // schema 5
	return e.b
}

func decodeMove(k []byte, v []byte) (StageMove, error) {
	d := newDecoder("stage move", k, v)
	m := StageMove{
		ThreadID: string(k[:threadIDLen]),
		At:       timedKeyTime(k),
	}
	m.From = d.stage()
	m.To = d.stage()
	m.Cause = d.str()
	m.Manual = d.bool()
	m.Who = d.str()
	m.Contact = d.str()
	return m, d.done()
}

// Contact: Feed Name Stage Unhappy Messages Replies FirstSeen LastSeen Threads.
func encodeContact(c *Contact) []byte {
	e := newEncoder(48 + len(c.Feed) + len(c.Name))
	e.str(c.Feed)
	e.str(c.Name)
	e.int(int(c.Stage))
	e.bool(c.Unhappy)
	e.int(c.Messages)
	e.int(c.Replies)
	e.time(c.FirstSeen)
	e.time(c.LastSeen)
	e.int(c.Threads)
	return e.b
}

func decodeContact(id []byte, v []byte) (Contact, error) {
	d := newDecoder("contact", id, v)
	c := Contact{ID: string(id)}
	c.Feed = d.str()
	c.Name = d.str()
	c.Stage = d.stage()
	c.Unhappy = d.bool()
	c.Messages = d.int()
	c.Replies = d.int()
	c.FirstSeen = d.time()
	c.LastSeen = d.time()
	c.Threads = d.int()
	return c, d.done()
}

// conversionRec is a stored conversion.
type conversionRec struct {
	ThreadID   string
	Contact    string // the conversation credited (schema 5; older: the starter's)
	Ref        string
	Amount     Money
	At         time.Time
	ImportedAt time.Time
}

// Conversion: ThreadID Ref Currency Cents At ImportedAt Contact.
func encodeConversion(c *conversionRec) []byte {
	e := newEncoder(48 + len(c.ThreadID) + len(c.Ref) + len(c.Amount.Currency) + len(c.Contact))
	e.str(c.ThreadID)
	e.str(c.Ref)
	e.str(c.Amount.Currency)
	e.int64(c.Amount.Cents)
	e.time(c.At)
	e.time(c.ImportedAt)
	e.str(c.Contact)
	return e.b
}

func decodeConversion(id []byte, v []byte) (conversionRec, error) {
	d := newDecoder("conversion", id, v)
	var c conversionRec
	c.ThreadID = d.str()
	c.Ref = d.str()
	c.Amount.Currency = d.str()
	c.Amount.Cents = d.int64()
	c.At = d.time()
	c.ImportedAt = d.time()
	c.Contact = d.str()
	return c, d.done()
}

// convRec is a Conversation plus the bookkeeping its indexes and the
// funnel need.
type convRec struct {
	Conversation
	// manualAt and manualStage are the last manual move: messages at or
	// before manualAt carry no signals (funnel.State.Since), and a re-read
	// starts from manualStage.
	manualAt    time.Time
	manualStage funnel.Stage
	wonBackAt   time.Time // when WonBack became true
	// causeStored is false for a record written before the cause fields:
	// its cause is read from its newest move (fillCause).
	causeStored bool
	// stageKey is its stage index entry as stored (derived, not encoded;
	// nil for a conversation not yet stored).
	stageKey []byte
}

// Conversation: Feed Name Started Messages Replies First LastTheirs
// LastOurs WaitingSince Preview Link Stage StageAt Unhappy Intent Mood
// WonBack Conversions manualAt manualStage wonBackAt Cause CauseManual
// CauseWho. ThreadID and Contact are the key.
func encodeConv(c *convRec) []byte {
	e := newEncoder(96 + len(c.Feed) + len(c.Name) + len(c.Preview) + len(c.Link) + len(c.Cause) + len(c.CauseWho))
	e.str(c.Feed)
	e.str(c.Name)
	e.bool(c.Started)
	e.int(c.Messages)
	e.int(c.Replies)
	e.time(c.First)
	e.time(c.LastTheirs)
	e.time(c.LastOurs)
	e.time(c.WaitingSince)
	e.str(c.Preview)
	e.str(c.Link)
	e.int(int(c.Stage))
	e.time(c.StageAt)
	e.bool(c.Unhappy)
	e.bool(c.Intent)
	e.float(c.Mood)
	e.bool(c.WonBack)
	e.int(c.Conversions)
	e.time(c.manualAt)
	e.int(int(c.manualStage))
	e.time(c.wonBackAt)
	e.str(c.Cause)
	e.bool(c.CauseManual)
	e.str(c.CauseWho)
	return e.b
}

func decodeConv(k []byte, v []byte) (convRec, error) {
	d := newDecoder("conversation", k, v)
	var c convRec
	if len(k) != threadIDLen+contactIDLen {
		d.fail()
		return c, d.done()
	}
	c.ThreadID = string(k[:threadIDLen])
	c.Contact = string(k[threadIDLen:])
	c.Feed = d.str()
	c.Name = d.str()
	c.Started = d.bool()
	c.Messages = d.int()
	c.Replies = d.int()
	c.First = d.time()
	c.LastTheirs = d.time()
	c.LastOurs = d.time()
	c.WaitingSince = d.time()
	c.Preview = d.str()
	c.Link = d.str()
	c.Stage = d.stage()
	c.StageAt = d.time()
	c.Unhappy = d.bool()
	c.Intent = d.bool()
	c.Mood = d.float()
	c.WonBack = d.bool()
	c.Conversions = d.int()
	c.manualAt = d.time()
	c.manualStage = d.stage()
	c.wonBackAt = d.time()
	c.causeStored = len(d.b) > 0
	c.Cause = d.str()
	c.CauseManual = d.bool()
	c.CauseWho = d.str()
	if err := d.done(); err != nil {
		return convRec{}, err
	}
	c.stageKey = convStageKey(c.Stage, c.StageAt, c.ThreadID, c.Contact)
	return c, nil
}

// convFacts is what the funnel report and contact rollups need of a
// conversation, read without allocating.
type convFacts struct {
	feed      []byte // aliases the record: valid only inside the transaction
	first     time.Time
	replies   int
	stage     funnel.Stage
	unhappy   bool
	wonBack   bool
	wonBackAt time.Time
}

func decodeConvFacts(k, v []byte) (convFacts, error) {
	d := newDecoder("conversation", k, v)
	var f convFacts
	f.feed = d.raw()
	d.raw()  // Name
	d.bool() // Started
	d.int()  // Messages
	f.replies = d.int()
	f.first = d.time()
	for range 3 {
		d.time() // LastTheirs LastOurs WaitingSince
	}
	d.raw() // Preview
	d.raw() // Link
	f.stage = d.stage()
	d.time() // StageAt
	f.unhappy = d.bool()
	d.bool()    // Intent
	d.uvarint() // Mood
	f.wonBack = d.bool()
	d.int()  // Conversions
	d.time() // manualAt
	d.stage()
	f.wonBackAt = d.time()
	return f, d.done()
}
