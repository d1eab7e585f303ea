package store

// The change feed: after every write transaction that committed, the
// Store publishes one Change to every Subscription (see "Change feed" in
// doc.go). Nothing here knows bbolt: a Postgres store would publish the
// same Changes from LISTEN/NOTIFY.

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"
)

// ChangeKind says what a write did.
type ChangeKind uint8

// The kinds of Change, one per exported write (or group of writes that do
// the same thing to what a console shows).
const (
	// ChangeResync is the zero kind, so a Change nobody classified
	// reads the safe way: reload everything.
	ChangeResync        ChangeKind = iota // Resync: changes were dropped, reload everything
	ChangeIngest                          // Ingest, IngestBatch, IngestPrepared: a poll was stored
	ChangeDraft                           // SaveDraft (also an empty save, which deletes the draft)
	ChangeRead                            // MarkRead
	ChangeDone                            // SetDone(id, true)
	ChangeUndone                          // SetDone(id, false)
	ChangeSnooze                          // Snooze with a time
	ChangeUnsnooze                        // Snooze with a zero time, WakeSnoozed
	ChangeStage                           // SetStage
	ChangeReplyRecorded                   // RecordReply
	ChangeReplyQueued                     // QueueReply (the draft went into the outbox)
	ChangeReplySending                    // MarkSending
	ChangeReplySent                       // MarkSent
	ChangeReplyFailed                     // MarkFailed (permanent: the text is back in the draft)
	ChangeConversions                     // ImportConversions that stored at least one
	ChangeReread                          // Reread: every conversation read again (AllThreads)
	ChangeAssign                          // SetAssignee
	ChangePresence                        // PublishPresence: not a write (presence.go)
)

var changeKindNames = [...]string{
	ChangeResync:        "resync",
	ChangeIngest:        "ingest",
	ChangeDraft:         "draft",
	ChangeRead:          "read",
	ChangeDone:          "done",
	ChangeUndone:        "undone",
	ChangeSnooze:        "snooze",
	ChangeUnsnooze:      "unsnooze",
	ChangeStage:         "stage",
	ChangeReplyRecorded: "reply recorded",
	ChangeReplyQueued:   "reply queued",
	ChangeReplySending:  "reply sending",
	ChangeReplySent:     "reply sent",
	ChangeReplyFailed:   "reply failed",
	ChangeConversions:   "conversions",
	ChangeReread:        "reread",
	ChangeAssign:        "assign",
	ChangePresence:      "presence",
}

func (k ChangeKind) String() string {
	if int(k) < len(changeKindNames) {
		return changeKindNames[k]
	}
	return "unknown"
}

// MaxChangeThreads is how many thread IDs a Change lists. A write that
// touched more (a cold fetch, a big import) lists none and sets
// AllThreads: refreshing everything is then cheaper than matching IDs.
const MaxChangeThreads = 64

// Change is one committed write. It is small and holds no database
// handle, so it can cross a channel, a goroutine or, later, a wire.
type Change struct {
	// Seq numbers the changes of one Store, from 1, in commit order per
	// process: it is not persisted (see doc.go).
	Seq  uint64
	Time time.Time // when it was published, just after the commit (UTC)
	// Who made it: the write's own who (SetStage, Reply.Who), else the
	// handle's (Store.As), else "" (the local user, or the engine).
	Who  string
	Kind ChangeKind
	// Threads are the IDs of the threads it changed, at most
	// MaxChangeThreads, in no promised order; nil with AllThreads set
	// when there were more. Every subscriber shares the slice: read only.
	Threads    []string
	AllThreads bool
	Feed       string // the feed an Ingest stored a poll of
	// Resync means this subscriber fell behind and changes were dropped:
	// reload everything. Seq is then the newest change published.
	Resync bool
}

// ErrClosed is what Next returns once the subscription or its Store is
// closed.
var ErrClosed = errors.New("change feed closed")

// changeFeed numbers changes and hands them to subscriptions. Publish
// holds mu only to number and queue: it never waits for a subscriber.
type changeFeed struct {
	mu     sync.Mutex
	seq    uint64
	subs   []*Subscription
	closed bool
}

// Subscription receives the Changes of one Store, in Seq order, from the
// moment Subscribe returned. Use it from one goroutine at a time.
type Subscription struct {
	feed *changeFeed
	wake chan struct{} // cap 1: something to read, or closed

	// Guarded by feed.mu.
	queue  []Change // ring of cap buf
	head   int
	n      int
	behind bool // a change was dropped: Next owes a Resync
	closed bool
}

// Subscribe starts receiving changes. Up to buf changes wait for Next
// (buf < 1 means 1); when one more is published the subscriber is behind:
// that change and all others until it reads are dropped, and after the
// ones waiting Next returns one Change{Resync: true}. Writers never wait.
// Closing the Store closes every subscription.
func (s *Store) Subscribe(buf int) *Subscription {
	buf = max(buf, 1)
	sub := &Subscription{feed: s.feed, wake: make(chan struct{}, 1), queue: make([]Change, buf)}
	f := s.feed
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		sub.closed = true
		close(sub.wake)
		return sub
	}
	f.subs = append(f.subs, sub)
	return sub
}

// Next returns the next change, waiting for one until ctx is done. It
// returns ErrClosed once the subscription or the Store is closed, even if
// changes were waiting: a closed console has nothing to refresh.
func (sub *Subscription) Next(ctx context.Context) (Change, error) {
	f := sub.feed
	for {
		f.mu.Lock()
		switch {
		case sub.closed:
			f.mu.Unlock()
			return Change{}, ErrClosed
		case sub.n > 0:
			c := sub.queue[sub.head]
			sub.queue[sub.head] = Change{}
			sub.head = (sub.head + 1) % len(sub.queue)
			sub.n--
			f.mu.Unlock()
			return c, nil
		case sub.behind:
			sub.behind = false
			c := Change{Seq: f.seq, Time: time.Now().UTC(), Kind: ChangeResync, Resync: true}
			f.mu.Unlock()
			return c, nil
		}
		f.mu.Unlock()
		select {
		case <-sub.wake:
		case <-ctx.Done():
			return Change{}, ctx.Err()
		}
	}
}

// Close stops delivery: Next returns ErrClosed from now on. Calling it
// twice is harmless.
func (sub *Subscription) Close() {
	f := sub.feed
	f.mu.Lock()
	defer f.mu.Unlock()
	if sub.closed {
		return
	}
	sub.closeLocked()
	if i := slices.Index(f.subs, sub); i >= 0 {
		f.subs = slices.Delete(f.subs, i, i+1)
	}
}

func (sub *Subscription) closeLocked() {
	sub.closed = true
	sub.queue, sub.n = nil, 0
	close(sub.wake)
}

// close closes the feed and every subscription (Store.Close).
func (f *changeFeed) close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return
	}
	f.closed = true
	for _, sub := range f.subs {
		sub.closeLocked()
	}
	f.subs = nil
}

// publish numbers c and queues it for every subscriber. Call it only
// after the write's transaction committed, never inside it.
func (f *changeFeed) publish(c Change) {
	if len(c.Threads) > MaxChangeThreads {
		c.Threads, c.AllThreads = nil, true
	} else if len(c.Threads) > 0 {
		// The caller's slice (an IngestResult's) stays the caller's.
		c.Threads = slices.Clone(c.Threads)
	}
	c.Time = time.Now().UTC()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return
	}
	f.seq++
	c.Seq = f.seq
	for _, sub := range f.subs {
		if sub.behind {
			continue // covered by the Resync it is owed
		}
		if sub.n == len(sub.queue) {
			sub.behind = true
		} else {
			sub.queue[(sub.head+sub.n)%len(sub.queue)] = c
			sub.n++
		}
		select {
		case sub.wake <- struct{}{}:
		default:
		}
	}
}

// changed publishes a change made by this handle's user unless the write
// names its own who.
func (s *Store) changed(kind ChangeKind, who string, threads ...string) {
	if who == "" {
		who = s.who
	}
	s.feed.publish(Change{Who: who, Kind: kind, Threads: threads})
}
