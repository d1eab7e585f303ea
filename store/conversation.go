package store

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"parley/funnel"
)

// Conversation is one person in one thread: their messages and our
// replies to them. Stage, mood, signals, touches, the tracked ref and
// sales belong to it; the thread and the contact roll conversations up.
type Conversation struct {
	ThreadID string
	Contact  string // contact ID of the person (16 hex chars)
	Feed     string // feed of their first message in the thread
	Name     string // their name as first written here
	// Title is the thread's title, filled by the reads that list
	// conversations of several threads (and by Conversations).
	Title    string
	Started  bool // they are the thread's starter (Thread.Contact)
	Messages int  // their messages in the thread
	Replies  int  // our replies to them: recorded, or ours fetched back, each once

	First        time.Time // their first message here
	LastTheirs   time.Time // their newest message
	LastOurs     time.Time // our newest reply to them
	WaitingSince time.Time // their oldest message after LastOurs; zero: not waiting
	Preview      string    // first line of their newest message
	Link         string    // link of their newest message

	Stage       funnel.Stage
	StageAt     time.Time // when Stage last changed (zero: never moved)
	Unhappy     bool      // their latest message reads unhappy (funnel's vote: score and model)
	Intent      bool      // Stage is intent
	Mood        float64   // compound score of their latest message
	WonBack     bool      // went from unhappy to positive after our reply
	Conversions int       // sales attributed to this conversation

	// Cause, CauseManual and CauseWho are those of the move that put the
	// conversation at Stage (StageMove's Cause, Manual, Who), kept on the
	// record so lists show why without reading each history. Empty when
	// it never moved.
	Cause       string
	CauseManual bool
	CauseWho    string
}

// convRefLen is how much of the contact ID a conversation ref carries.
const convRefLen = 6

// ConversationRef is the ref of a person's conversation in a thread: the
// thread's ref, "-", and the first 6 hex chars of the contact ID. ctrl+l
// inserts it (track_link's {thread}), so an imported sale names the
// person who bought.
func ConversationRef(threadID, contactID string) string {
	t := Thread{ID: threadID}
	c := contactID
	if len(c) > convRefLen {
		c = c[:convRefLen]
	}
	return t.Ref() + "-" + c
}

// Ref is the conversation's ref (see ConversationRef).
func (c Conversation) Ref() string { return ConversationRef(c.ThreadID, c.Contact) }

// Waiting reports whether they wrote after our last reply to them.
func (c Conversation) Waiting() bool { return !c.WaitingSince.IsZero() }

// Conversations returns a thread's conversations, the first to write
// first, with the thread's Title.
func (s *Store) Conversations(threadID string) ([]Conversation, error) {
	var out []Conversation
	err := s.view(func(tx *bolt.Tx) error {
		t, err := loadThread(tx, threadID)
		if err != nil {
			return err
		}
		tc, err := loadConvs(tx, threadID)
		if err != nil {
			return err
		}
		for _, c := range tc.list {
			c.Title = t.Title
			out = append(out, c.Conversation)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read conversations: %w", err)
	}
	sortByFirst(out)
	return out, nil
}

func sortByFirst(cs []Conversation) {
	slices.SortFunc(cs, func(a, b Conversation) int {
		if c := a.First.Compare(b.First); c != 0 {
			return c
		}
		return cmp.Compare(a.Contact, b.Contact)
	})
}

// Conversation returns one person's conversation in a thread (contactID
// "": the starter's), or an error wrapping ErrNotFound.
func (s *Store) Conversation(threadID, contactID string) (Conversation, error) {
	var out Conversation
	err := s.view(func(tx *bolt.Tx) error {
		c, err := loadConv(tx, threadID, contactID)
		out = c.Conversation
		return err
	})
	if err != nil {
		return Conversation{}, fmt.Errorf("read conversation: %w", err)
	}
	return out, nil
}

// loadConv reads one conversation with its thread's Title; contactID ""
// is the starter's.
func loadConv(tx *bolt.Tx, threadID, contactID string) (convRec, error) {
	t, err := loadThread(tx, threadID)
	if err != nil {
		return convRec{}, err
	}
	var c *convRec
	if contactID == "" {
		tc, err := loadConvs(tx, threadID)
		if err != nil {
			return convRec{}, err
		}
		if c, err = pickConv(&t, tc, ""); err != nil {
			return convRec{}, err
		}
	} else {
		k := convKey(threadID, contactID)
		v := tx.Bucket(bucketConversations).Get(k)
		if v == nil {
			return convRec{}, fmt.Errorf("conversation of %s in thread %s: %w", contactID, threadID, ErrNotFound)
		}
		rec, err := decodeConv(k, v)
		if err != nil {
			return convRec{}, err
		}
		c = &rec
	}
	c.Title = t.Title
	return *c, nil
}

// ConversationByRef finds the conversation a ref names: a conversation
// ref ("3fa2c1d9e0-7b21aa"), or an old thread ref, which names the
// thread's starter. Errors wrap ErrNotFound or ErrAmbiguousRef.
func (s *Store) ConversationByRef(ref string) (Conversation, error) {
	var out Conversation
	err := s.view(func(tx *bolt.Tx) error {
		tid, contact, err := resolveConvRef(tx, ref)
		if err != nil {
			return err
		}
		c, err := loadConv(tx, tid, contact)
		out = c.Conversation
		return err
	})
	if err != nil {
		return Conversation{}, fmt.Errorf("find conversation by ref: %w", err)
	}
	return out, nil
}

// ConversationsInStage returns the conversations at a stage now, most
// recently moved first, with their thread's Title. It reads the stage
// index backwards from the end of the stage's key range, so it touches
// only that stage's conversations.
func (s *Store) ConversationsInStage(st funnel.Stage) ([]Conversation, error) {
	if !st.Valid() {
		return nil, fmt.Errorf("read conversations in stage: %v is not a stage", st)
	}
	var out []Conversation
	err := s.view(func(tx *bolt.Tx) error {
		list := newConvLister(tx)
		c := tx.Bucket(bucketStageConvs).Cursor()
		k, _ := c.Seek([]byte{byte(st) + 1})
		if k == nil {
			k, _ = c.Last()
		} else {
			k, _ = c.Prev()
		}
		for ; k != nil && k[0] == byte(st); k, _ = c.Prev() {
			conv, ok, err := list.read(k[1+8:])
			if err != nil {
				return err
			}
			if ok {
				out = append(out, conv)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read conversations in stage %s: %w", st, err)
	}
	return out, nil
}

// convLister reads conversations for the lists (views 2 and 3): each
// with its cause and its thread's Title, titles read once per thread.
type convLister struct {
	tx      *bolt.Tx
	convs   *bolt.Bucket
	threads *bolt.Bucket
	titles  map[string]string
}

func newConvLister(tx *bolt.Tx) *convLister {
	return &convLister{tx: tx, convs: tx.Bucket(bucketConversations), threads: tx.Bucket(bucketThreads),
		titles: map[string]string{}}
}

// read returns the conversation at key ck; false when there is none.
func (l *convLister) read(ck []byte) (Conversation, bool, error) {
	v := l.convs.Get(ck)
	if v == nil {
		return Conversation{}, false, nil
	}
	rec, err := decodeConv(ck, v)
	if err == nil {
		err = fillCause(l.tx, &rec)
	}
	if err == nil {
		err = withTitle(l.threads, l.titles, &rec.Conversation)
	}
	return rec.Conversation, err == nil, err
}

// withTitle fills c.Title from its thread, remembering titles read.
func withTitle(threads *bolt.Bucket, titles map[string]string, c *Conversation) error {
	if t, ok := titles[c.ThreadID]; ok {
		c.Title = t
		return nil
	}
	if v := threads.Get([]byte(c.ThreadID)); v != nil {
		t, err := decodeThreadSummary([]byte(c.ThreadID), v)
		if err != nil {
			return err
		}
		c.Title = t.Title
	}
	titles[c.ThreadID] = c.Title
	return nil
}

// ContactConversations returns a contact's conversations, newest activity
// first, with their thread's Title.
func (s *Store) ContactConversations(contactID string) ([]Conversation, error) {
	var out []Conversation
	err := s.view(func(tx *bolt.Tx) error {
		if _, err := loadContact(tx, contactID); err != nil {
			return err
		}
		list := newConvLister(tx)
		prefix := []byte(contactID)
		c := tx.Bucket(bucketContactThreads).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			conv, ok, err := list.read(convKey(string(k[contactIDLen:]), contactID))
			if err != nil {
				return err
			}
			if ok {
				out = append(out, conv)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read conversations of contact: %w", err)
	}
	slices.SortFunc(out, func(a, b Conversation) int {
		if c := later(b.LastTheirs, b.LastOurs).Compare(later(a.LastTheirs, a.LastOurs)); c != 0 {
			return c
		}
		return cmp.Compare(a.ThreadID, b.ThreadID)
	})
	return out, nil
}
