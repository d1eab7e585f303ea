package store

import (
	"errors"
	"time"

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
	Unhappy     bool      // their latest message is negative (Mood <= funnel.UnhappyAt)
	Intent      bool      // Stage is intent
	Mood        float64   // compound score of their latest message
	WonBack     bool      // went from unhappy to positive after our reply
	Conversions int       // sales attributed to this conversation
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

var errTODO = errors.New("not implemented yet")

// Conversations returns a thread's conversations, the first to write
// first.
func (s *Store) Conversations(threadID string) ([]Conversation, error) { return nil, errTODO }

// Conversation returns one person's conversation in a thread, or an error
// wrapping ErrNotFound.
func (s *Store) Conversation(threadID, contactID string) (Conversation, error) {
	return Conversation{}, errTODO
}

// ConversationByRef finds the conversation a ref names: a conversation
// ref, or an old thread ref, which names the thread's starter.
func (s *Store) ConversationByRef(ref string) (Conversation, error) { return Conversation{}, errTODO }

// ConversationsInStage returns the conversations at a stage now, most
// recently moved first, with their thread's Title.
func (s *Store) ConversationsInStage(st funnel.Stage) ([]Conversation, error) { return nil, errTODO }

// ContactConversations returns a contact's conversations, newest activity
// first, with their thread's Title.
func (s *Store) ContactConversations(contactID string) ([]Conversation, error) { return nil, errTODO }

// ConversationHistory returns one conversation's stage moves, oldest
// first.
func (s *Store) ConversationHistory(threadID, contactID string) ([]StageMove, error) {
	return nil, errTODO
}
