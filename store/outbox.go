package store

import (
	"bytes"
	"cmp"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"parley/feeds"
)

// The outbox: a reply to a two-way source is written here before any
// network traffic, so quitting, a crash or a failed send never loses it,
// and its idempotency key (Key) is fixed before the first attempt.
//
//	queued --MarkSending--> sending --MarkSent--> sent (also in replies)
//	                          |  \--MarkFailed(retry)--> failed --MarkSending--> ...
//	                          \--MarkFailed(permanent)--> failed for good (text back in the draft)
//
// An entry found in state sending when the store opens was cut off mid
// send: its post may exist, so Pending reports it Ambiguous.

// OutboxState is where a reply is on its way out.
type OutboxState uint8

const (
	OutboxQueued  OutboxState = iota + 1 // written, not yet tried
	OutboxSending                        // an attempt is under way
	OutboxSent                           // posted; recorded in the reply history
	OutboxFailed                         // the last attempt failed (see Permanent)
)

func (s OutboxState) String() string {
	switch s {
	case OutboxQueued:
		return "queued"
	case OutboxSending:
		return "sending"
	case OutboxSent:
		return "sent"
	case OutboxFailed:
		return "failed"
	}
	return "unknown"
}

// OutboxEntry is one reply on its way to a two-way source.
type OutboxEntry struct {
	// Key is the idempotency key: 32 random hex chars, the same on every
	// attempt (Mastodon's Idempotency-Key header).
	Key      string
	ThreadID string
	Feed     string // the feed (source) to post through
	Text     string
	Via      string // as Reply.Via
	Who      string
	Target   feeds.Target // the message answered (copied at queue time)
	// To and InReplyTo: the person and message answered, as in Reply.
	To        string
	InReplyTo string
	State     OutboxState
	Attempts  int // attempts begun (MarkSending calls)
	// LastError says why the last attempt failed; empty otherwise.
	LastError string
	// Permanent: failed for good (the server refused the request); the
	// text was put back into the thread's draft. Pending skips it.
	Permanent bool
	// Ambiguous: the last attempt may have posted (timeout, cut
	// connection, 5xx, or a crash while sending): look remotely (Find)
	// before trying again.
	Ambiguous bool
	NextTry   time.Time // earliest time of the next attempt (zero: now)
	Queued    time.Time
	Updated   time.Time
	RemoteID  string // feeds.Posted.ItemID, once sent (or seen fetched back)
	URL       string // link to the post, once sent
}

// Failure is how an attempt failed, for MarkFailed.
type Failure struct {
	Err       string
	Permanent bool
	Ambiguous bool
	NextTry   time.Time
}

var (
	// ErrNoTarget: the thread has no message of theirs from a two-way
	// source to answer.
	ErrNoTarget = errors.New("nothing in this thread can be answered through its source")
	// ErrOutboxDone: the entry is already sent or failed for good; the
	// caller must not send it.
	ErrOutboxDone = errors.New("reply already sent or given up")
	// ErrNoEntry: no outbox entry has that key.
	ErrNoEntry = errors.New("no such outbox entry")
)

// QueueReply writes r (ThreadID, Text, Via, Who, To, InReplyTo; At is the
// queue time, zero means now) to the outbox as queued, and deletes the
// thread's draft in the same transaction: from here on the outbox holds
// the text. It answers the person r.To (empty: the thread's Waiter, else
// its starter): r.InReplyTo if that is their message with a Target, else
// their newest message with one. It returns ErrNoTarget, writing nothing,
// when they have none.
func (s *Store) QueueReply(r Reply) (OutboxEntry, error) {
	if r.ThreadID == "" {
		return OutboxEntry{}, errors.New("queue reply: no thread given")
	}
	if strings.TrimSpace(r.Text) == "" {
		return OutboxEntry{}, fmt.Errorf("queue reply to thread %s: the reply is empty; write something first", r.ThreadID)
	}
	queued := orNow(r.At)
	key, err := newOutboxKey()
	if err != nil {
		return OutboxEntry{}, fmt.Errorf("queue reply to thread %s: %w", r.ThreadID, err)
	}
	var e OutboxEntry
	err = s.update(func(tx *bolt.Tx) error {
		t, err := loadThread(tx, r.ThreadID)
		if err != nil {
			return err
		}
		to := cmp.Or(r.To, defaultTo(&t.Thread))
		m, ok, err := replyTarget(tx, r.ThreadID, to, r.InReplyTo)
		if err != nil {
			return err
		}
		if !ok {
			return ErrNoTarget
		}
		if err := checkStale(tx, &r, to); err != nil {
			return err
		}
		if tx.Bucket(bucketOutbox).Get([]byte(key)) != nil {
			return fmt.Errorf("outbox key %s is already taken; try again", key)
		}
		e = OutboxEntry{
			Key:       key,
			ThreadID:  r.ThreadID,
			Feed:      m.Feed,
			Text:      r.Text,
			Via:       r.Via,
			Who:       r.Who,
			Target:    m.Target,
			To:        to,
			InReplyTo: m.ID,
			State:     OutboxQueued,
			Queued:    queued,
			Updated:   queued,
		}
		if err := putOutbox(tx, &e); err != nil {
			return err
		}
		if err := tx.Bucket(bucketOutboxThreads).Put(outboxThreadKey(&e), empty); err != nil {
			return fmt.Errorf("index outbox entry %s: %w", key, err)
		}
		if err := audit(tx, AuditEntry{At: queued, Who: r.Who, Action: AuditReplyQueued, ThreadID: r.ThreadID, Contact: to, Detail: m.Feed}); err != nil {
			return err
		}
		return deleteDraftOf(tx, r.ThreadID, r.Who)
	})
	if err != nil {
		return OutboxEntry{}, fmt.Errorf("queue reply to thread %s: %w", r.ThreadID, err)
	}
	s.changed(ChangeReplyQueued, r.Who, r.ThreadID)
	return e, nil
}

// replyTarget finds the message a reply to person "to" answers: want if
// that is theirs with a Target, else their newest with one (messages from
// read-only sources have none).
func replyTarget(tx *bolt.Tx, threadID, to, want string) (Message, bool, error) {
	if want != "" {
		if v := tx.Bucket(bucketMessages).Get([]byte(want)); v != nil {
			m, err := decodeMessage([]byte(want), v)
			if err != nil {
				return Message{}, false, err
			}
			if m.ThreadID == threadID && !m.Ours && !m.Target.IsZero() && messageContact(&m) == to {
				return m, true, nil
			}
		}
	}
	var (
		found Message
		ok    bool
	)
	err := eachThreadMessage(tx, threadID, func(_, id, rec []byte) error {
		mv, err := decodeMessageView(id, rec)
		if err != nil || mv.ours || !mv.hasTarget {
			return err
		}
		m, err := decodeMessage(id, rec)
		if err != nil {
			return err
		}
		if messageContact(&m) == to {
			found, ok = m, true // oldest first: the last match is the newest
		}
		return nil
	})
	return found, ok, err
}

// messageContact is the contact of a message of theirs (its Contact, or
// for a record older than schema 5 the one its author has).
func messageContact(m *Message) string {
	if m.Contact != "" {
		return m.Contact
	}
	return contactID(m.Feed, strings.TrimSpace(m.Author))
}

// MarkSending records the start of an attempt (Attempts+1, state sending)
// and returns the entry. It returns ErrOutboxDone (with the entry) for a
// sent or given-up entry, so two senders never post one reply twice.
//
// Ambiguous stays as the last failure left it, so the caller knows to
// look for the post (Find) before sending again; an entry still in state
// sending was cut off mid attempt, so it becomes Ambiguous.
func (s *Store) MarkSending(key string, now time.Time) (OutboxEntry, error) {
	now = orNow(now)
	e, err := s.updateOutbox(ChangeReplySending, nil, "start sending reply", key, func(_ *bolt.Tx, e *OutboxEntry) error {
		if e.finished() {
			return ErrOutboxDone
		}
		if e.State == OutboxSending {
			e.Ambiguous = true
		}
		e.State = OutboxSending
		e.Attempts++
		e.Updated = now
		return nil
	})
	return e, err
}

// MarkSent records where the reply landed: state sent, and in the same
// transaction the reply goes into the thread's reply history (as
// RecordReply: LastOurs, queue, funnel; the draft is left alone, it may
// hold a newer reply). Calling it again for a sent entry changes nothing;
// for a given-up one it returns ErrOutboxDone.
func (s *Store) MarkSent(key string, p feeds.Posted, now time.Time) (OutboxEntry, error) {
	now = orNow(now)
	var echo []string // another thread the post was fetched into
	return s.updateOutbox(ChangeReplySent, &echo, "record sent reply", key, func(tx *bolt.Tx, e *OutboxEntry) error {
		echo = nil
		switch {
		case e.State == OutboxSent:
			return errUnchanged
		case e.finished():
			return ErrOutboxDone
		}
		if err := settleSent(tx, e, p, now); err != nil {
			return err
		}
		if err := audit(tx, AuditEntry{At: now, Who: e.Who, Action: AuditReplySent, ThreadID: e.ThreadID, Contact: e.To, Detail: e.URL}); err != nil {
			return err
		}
		// A poll may have fetched the post back between Reply and now; if
		// Ingest could not tell it was this reply, it counted as one of our
		// messages: it becomes this reply's copy, so it counts once.
		echoThread, adopted, err := adoptEcho(tx, e.RemoteID, e.Key, e.To)
		if err != nil {
			return err
		}
		if adopted && echoThread != e.ThreadID {
			echo = []string{echoThread}
			err := updateThreadTx(tx, echoThread, func(tx *bolt.Tx, t *threadRec) error {
				t.ourMsgs--
				return refreshAll(tx, s.an, t, now) // it no longer counts as a reply there
			})
			if err != nil {
				return err
			}
		}
		r := e.reply(now)
		return updateThreadTx(tx, e.ThreadID, func(tx *bolt.Tx, t *threadRec) error {
			if adopted && echoThread == t.ID {
				t.ourMsgs--
			}
			return answerThread(tx, s.an, t, &r, now)
		})
	})
}

// MarkFailed records a failed attempt. A permanent failure gives up: the
// text goes back into the thread's draft (before any draft text written
// since, separated by a blank line), so the user can edit and send again;
// nothing is lost. A sent or given-up entry returns ErrOutboxDone.
func (s *Store) MarkFailed(key string, f Failure, now time.Time) (OutboxEntry, error) {
	now = orNow(now)
	return s.updateOutbox(ChangeReplyFailed, nil, "record failed reply", key, func(tx *bolt.Tx, e *OutboxEntry) error {
		if e.finished() {
			return ErrOutboxDone
		}
		e.State = OutboxFailed
		e.LastError = f.Err
		e.Ambiguous = f.Ambiguous
		e.NextTry = f.NextTry
		if !e.NextTry.IsZero() {
			e.NextTry = e.NextTry.UTC()
		}
		e.Updated = now
		if !f.Permanent {
			return nil
		}
		e.Permanent = true
		if err := audit(tx, AuditEntry{At: now, Who: e.Who, Action: AuditReplyRefused, ThreadID: e.ThreadID, Contact: e.To, Detail: f.Err}); err != nil {
			return err
		}
		return restoreDraft(tx, e.ThreadID, e.Who, e.Text, now)
	})
}

// restoreDraft puts the text of a reply that will not be sent back into
// its author's draft of the thread, ahead of whatever they typed since.
func restoreDraft(tx *bolt.Tx, threadID, who, text string, now time.Time) error {
	d := Draft{ThreadID: threadID, Who: who, Text: text, Updated: now}
	old, _, ok, err := draftOf(tx, threadID, who)
	if err != nil {
		return err
	}
	if ok {
		d.Text = text + "\n\n" + old.Text
	}
	if err := putDraft(tx, &d); err != nil {
		return fmt.Errorf("put the reply back into the draft of thread %s: %w", threadID, err)
	}
	return nil
}

// Outbox returns a thread's entries that are not sent (queued, sending,
// failed, including given up), oldest first.
func (s *Store) Outbox(threadID string) ([]OutboxEntry, error) {
	var out []OutboxEntry
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		out, err = threadOutbox(tx, threadID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read outbox of thread %s: %w", threadID, err)
	}
	return out, nil
}

// threadOutbox reads a thread's outbox entries not yet sent.
func threadOutbox(tx *bolt.Tx, threadID string) ([]OutboxEntry, error) {
	var out []OutboxEntry
	err := eachThreadEntry(tx, threadID, func(k, v []byte) error {
		st, _, err := decodeOutboxStatus(k, v)
		if err != nil || st == OutboxSent {
			return err
		}
		e, err := decodeOutbox(k, v)
		if err != nil {
			return err
		}
		out = append(out, e)
		return nil
	})
	return out, err
}

// Pending returns every entry still to send (not sent, not given up),
// oldest first. An entry left in state sending (a crash mid-send) comes
// back Ambiguous; Pending only reads, MarkSending records that.
func (s *Store) Pending() ([]OutboxEntry, error) {
	var out []OutboxEntry
	err := s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketOutbox).ForEach(func(k, v []byte) error {
			st, perm, err := decodeOutboxStatus(k, v)
			if err != nil || st == OutboxSent || perm {
				return err
			}
			e, err := decodeOutbox(k, v)
			if err != nil {
				return err
			}
			if e.State == OutboxSending {
				e.Ambiguous = true
			}
			out = append(out, e)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	slices.SortFunc(out, func(a, b OutboxEntry) int {
		if c := a.Queued.Compare(b.Queued); c != 0 {
			return c
		}
		return cmp.Compare(a.Key, b.Key)
	})
	return out, nil
}

var (
	// errUnchanged ends an updateOutbox transaction without writing and
	// without an error for the caller.
	errUnchanged = errors.New("unchanged")
	// errStop ends a walk early; the walker's caller drops it.
	errStop = errors.New("stop")
)

// updateOutbox loads an entry, applies fn and saves it, in one
// transaction. fn returning ErrOutboxDone gives the caller the entry as
// stored along with the error; errUnchanged gives it with no error. Once
// fn's changes committed it publishes a Change of kind for the entry's
// thread and the threads fn left in also, by the reply's Who.
func (s *Store) updateOutbox(kind ChangeKind, also *[]string, action, key string, fn func(tx *bolt.Tx, e *OutboxEntry) error) (OutboxEntry, error) {
	var e, loaded OutboxEntry
	err := s.update(func(tx *bolt.Tx) error {
		var err error
		if e, err = loadOutbox(tx, key); err != nil {
			return err
		}
		loaded = e
		if err := fn(tx, &e); err != nil {
			return err
		}
		return putOutbox(tx, &e)
	})
	switch {
	case err == nil:
		threads := []string{e.ThreadID}
		if also != nil {
			threads = append(threads, *also...)
		}
		s.changed(kind, e.Who, threads...)
		return e, nil
	case errors.Is(err, errUnchanged):
		return loaded, nil
	case errors.Is(err, ErrOutboxDone):
		return loaded, fmt.Errorf("%s %s: %w", action, key, err)
	}
	return OutboxEntry{}, fmt.Errorf("%s %s: %w", action, key, err)
}

func (e *OutboxEntry) finished() bool { return e.State == OutboxSent || e.Permanent }

// reply is the reply history record of a sent entry.
func (e *OutboxEntry) reply(at time.Time) Reply {
	return Reply{ThreadID: e.ThreadID, Text: e.Text, At: at, Via: e.Via, Who: e.Who,
		Key: e.Key, RemoteID: e.RemoteID, URL: e.URL, To: e.To, InReplyTo: e.InReplyTo}
}

// settleSent marks e sent where p says and indexes its remote ID. The
// caller saves e and records the reply in the same transaction.
func settleSent(tx *bolt.Tx, e *OutboxEntry, p feeds.Posted, now time.Time) error {
	e.State = OutboxSent
	e.RemoteID, e.URL = p.ItemID, p.URL
	e.LastError, e.Ambiguous, e.NextTry = "", false, time.Time{}
	e.Updated = now
	if e.RemoteID == "" {
		return nil
	}
	b := tx.Bucket(bucketOutboxRemote)
	if other := b.Get([]byte(e.RemoteID)); other != nil && string(other) != e.Key {
		return fmt.Errorf("post %s is already recorded as reply %s", e.RemoteID, other)
	}
	if err := b.Put([]byte(e.RemoteID), []byte(e.Key)); err != nil {
		return fmt.Errorf("index sent reply %s: %w", e.Key, err)
	}
	return nil
}

// adoptEcho makes the stored message remoteID, if it is one of ours not
// yet tied to a reply, the fetched-back copy of reply key. It reports the
// message's thread when it did, so the caller can stop counting it there.
func adoptEcho(tx *bolt.Tx, remoteID, key, to string) (threadID string, adopted bool, err error) {
	if remoteID == "" {
		return "", false, nil
	}
	msgs := tx.Bucket(bucketMessages)
	v := msgs.Get([]byte(remoteID))
	if v == nil {
		return "", false, nil
	}
	m, err := decodeMessage([]byte(remoteID), v)
	if err != nil || !m.Ours || m.ReplyKey != "" {
		return "", false, err
	}
	m.ReplyKey = key
	from := m.Contact
	if to != "" {
		m.Contact = to // it counts for the person the reply answered
	}
	if err := msgs.Put([]byte(remoteID), encodeMessage(&m)); err != nil {
		return "", false, fmt.Errorf("save message %s: %w", remoteID, err)
	}
	if err := moveConvMsg(tx, &m, from); err != nil {
		return "", false, err
	}
	return m.ThreadID, true, nil
}

// echoSlack allows for the source's clock being behind ours when a
// fetched-back post is compared with the time its reply was queued.
const echoSlack = 10 * time.Minute

// unconfirmedEcho finds the outbox entry that m, a message of ours just
// fetched, may be the post of: an entry of m's thread and feed whose
// send was attempted but not confirmed (sending, or failed and still to
// retry), queued before m was published, with the same text once
// whitespace and leading @mentions are set aside. The oldest such entry
// wins, so equal texts pair up in order.
func unconfirmedEcho(tx *bolt.Tx, m *Message) (OutboxEntry, bool, error) {
	var (
		found OutboxEntry
		ok    bool
	)
	want := normaliseReply(m.Text)
	err := eachThreadEntry(tx, m.ThreadID, func(k, v []byte) error {
		st, perm, err := decodeOutboxStatus(k, v)
		if err != nil {
			return err
		}
		if st != OutboxSending && (st != OutboxFailed || perm) {
			return nil
		}
		e, err := decodeOutbox(k, v)
		if err != nil {
			return err
		}
		if e.Feed != m.Feed || m.Published.Before(e.Queued.Add(-echoSlack)) || !sameReply(e.Text, want) {
			return nil
		}
		found, ok = e, true
		return errStop
	})
	if errors.Is(err, errStop) {
		err = nil
	}
	return found, ok, err
}

// copiedEcho finds the reply recorded by hand (Via "clipboard": copied
// with ctrl+s and posted by us outside parley) that m, a message of ours
// just fetched, is the post of: one of m's thread with a Key, not yet
// confirmed (no RemoteID), recorded no later than echoSlack after m was
// published, with the same text once whitespace and leading @mentions
// are set aside. The oldest such reply wins. It is confirmed then and
// there: its record gets m's ID and link.
func copiedEcho(tx *bolt.Tx, m *Message) (Reply, bool, error) {
	want := normaliseReply(m.Text)
	prefix := []byte(m.ThreadID)
	b := tx.Bucket(bucketReplies)
	c := b.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		r, err := decodeReply(v)
		if err != nil {
			return Reply{}, false, err
		}
		if r.Via != "clipboard" || r.Key == "" || r.RemoteID != "" || m.Published.Before(r.At.Add(-echoSlack)) ||
			!sameReply(r.Text, want) {
			continue
		}
		r.RemoteID, r.URL = m.ID, m.Link
		if err := b.Put(append([]byte(nil), k...), encodeReply(&r)); err != nil {
			return Reply{}, false, fmt.Errorf("confirm copied reply %s: %w", r.Key, err)
		}
		return r, true, nil
	}
	return Reply{}, false, nil
}

// normaliseReply is the text a reply and its fetched-back post share:
// whitespace collapsed, and the leading @mentions dropped (Mastodon adds
// the one of the author answered, and shows it without the server).
func normaliseReply(s string) string {
	words := strings.Fields(s)
	for len(words) > 0 && strings.HasPrefix(words[0], "@") && len(words[0]) > 1 {
		words = words[1:]
	}
	return strings.Join(words, " ")
}

// sameReply reports whether a post fetched back (its text normalised) is
// the reply written: the same text, or the same text after WordPress's
// "In reply to Name." opening, which a threaded comment gets when it is
// posted (the name may hold dots, so the reply's own words decide where
// the opening ends).
func sameReply(written, fetched string) bool {
	want := normaliseReply(written)
	if want == fetched {
		return true
	}
	return want != "" && strings.HasPrefix(fetched, "In reply to ") && strings.HasSuffix(fetched, " "+want)
}

func loadOutbox(tx *bolt.Tx, key string) (OutboxEntry, error) {
	v := tx.Bucket(bucketOutbox).Get([]byte(key))
	if v == nil {
		return OutboxEntry{}, ErrNoEntry
	}
	return decodeOutbox([]byte(key), v)
}

func putOutbox(tx *bolt.Tx, e *OutboxEntry) error {
	if err := tx.Bucket(bucketOutbox).Put([]byte(e.Key), encodeOutbox(e)); err != nil {
		return fmt.Errorf("save outbox entry %s: %w", e.Key, err)
	}
	return nil
}

// eachThreadEntry calls fn with the key and record of each outbox entry
// of a thread, oldest first. The slices are valid only inside tx.
func eachThreadEntry(tx *bolt.Tx, threadID string, fn func(k, v []byte) error) error {
	ob := tx.Bucket(bucketOutbox)
	prefix := []byte(threadID)
	c := tx.Bucket(bucketOutboxThreads).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if len(k) <= threadIDLen+8 {
			continue
		}
		key := k[threadIDLen+8:]
		v := ob.Get(key)
		if v == nil {
			continue
		}
		if err := fn(key, v); err != nil {
			return err
		}
	}
	return nil
}

// outboxThreadKey: thread ID (16) | Queued unix nanos (8, BE) | key.
func outboxThreadKey(e *OutboxEntry) []byte {
	k := make([]byte, 0, len(e.ThreadID)+8+len(e.Key))
	k = append(k, e.ThreadID...)
	k = binary.BigEndian.AppendUint64(k, nanos(e.Queued))
	return append(k, e.Key...)
}

// newOutboxKey is 32 random lowercase hex chars: unguessable and unique
// enough to serve as the source's idempotency key.
func newOutboxKey() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("make an outbox key: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// orNow is t in UTC, or now when t is zero.
func orNow(t time.Time) time.Time {
	if t.IsZero() {
		return time.Now().UTC()
	}
	return t.UTC()
}
