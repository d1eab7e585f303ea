package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"
)

// All record encoding lives in this file so the format can be changed in
// one place. Records are a version byte followed by fields in a fixed
// order: strings and byte slices as uvarint length + bytes, ints as
// varints, times as a presence byte + varint seconds + uvarint nanos
// (exact for any time.Time, unlike UnixNano), bools as one byte. This is
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

// str and bytes copy: bbolt memory is only valid inside the transaction.
func (d *decoder) str() string { return string(d.raw()) }

func (d *decoder) bytes() []byte {
	p := d.raw()
	if len(p) == 0 {
		return nil
	}
	return append([]byte(nil), p...)
}

func (d *decoder) int() int { return int(d.varint()) }

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
}

func encodeThread(t *threadRec) []byte {
	e := newEncoder(96 + len(t.Title) + len(t.Author) + len(t.Preview) + len(t.Feed) + len(t.Link))
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
	return e.b
}

func decodeThread(id []byte, v []byte) (threadRec, error) {
	d := newDecoder("thread", id, v)
	var t threadRec
	decodeThreadFields(&d, id, &t.Thread)
	t.queueKey = d.bytes()
	t.authorAt = d.time()
	t.Link = d.str()
	return t, d.done()
}

// decodeThreadSummary decodes only the public Thread, skipping the
// bookkeeping fields: the Queue hot path.
func decodeThreadSummary(id []byte, v []byte) (Thread, error) {
	d := newDecoder("thread", id, v)
	var t Thread
	decodeThreadFields(&d, id, &t)
	d.raw()  // queueKey
	d.time() // authorAt
	t.Link = d.str()
	return t, d.done()
}

// decodeThreadFields copies the ID and the four strings into a single
// allocation: Queue decodes every queued thread, and one allocation
// instead of five is most of its cost.
func decodeThreadFields(d *decoder, id []byte, t *Thread) {
	feed, title, author, preview := d.raw(), d.raw(), d.raw(), d.raw()
	var sb strings.Builder
	sb.Grow(len(id) + len(feed) + len(title) + len(author) + len(preview))
	for _, p := range [][]byte{id, feed, title, author, preview} {
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
	t.Created = d.time()
	t.LastTheirs = d.time()
	t.LastOurs = d.time()
	t.WaitingSince = d.time()
	t.Messages = d.int()
	t.Unread = d.int()
	t.Done = d.bool()
	t.SnoozedUntil = d.time()
}

func encodeMessage(m *Message) []byte {
	e := newEncoder(64 + len(m.ThreadID) + len(m.Feed) + len(m.Author) + len(m.Title) +
		len(m.Link) + len(m.Text) + len(m.InReplyTo))
	e.str(m.ThreadID)
	e.str(m.Feed)
	e.str(m.Author)
	e.str(m.Title)
	e.str(m.Link)
	e.time(m.Published)
	e.str(m.Text)
	e.bool(m.Ours)
	e.str(m.InReplyTo)
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

func encodeReply(r *Reply) []byte {
	e := newEncoder(32 + len(r.ThreadID) + len(r.Text) + len(r.Via))
	e.str(r.ThreadID)
	e.str(r.Text)
	e.time(r.At)
	e.str(r.Via)
	return e.b
}

func decodeReply(v []byte) (Reply, error) {
	d := newDecoder("reply", nil, v)
	var r Reply
	r.ThreadID = d.str()
	r.Text = d.str()
	r.At = d.time()
	r.Via = d.str()
	return r, d.done()
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
