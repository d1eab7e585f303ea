package engine

import (
	"context"
	"time"

	"parley/events"
	"parley/funnel"
	"parley/store"
)

// Session is one console's way into the engine: the reads and actions of
// the screens (it implements ui.Backend), with who the user is. Team mode
// gives each connected teammate a Session on the one engine.
type Session struct {
	e    *Engine
	user string
	// st is the store as the user (store.As): their drafts, and their
	// name on the changes their writes publish.
	st *store.Store
	// presenceLeft: Leave was called (presence.go; guarded by the
	// engine's presence table).
	presenceLeft bool
}

// Session opens a console's session for user (who makes manual stage
// moves; replies carry their own Who).
func (e *Engine) Session(user string) *Session {
	return &Session{e: e, user: user, st: e.st.As(user)}
}

// The reads go straight to the store: bbolt reads run beside the writer.

func (s *Session) Queue(_ context.Context, now time.Time) ([]store.Thread, error) {
	return s.st.Queue(now)
}

func (s *Session) QueueLen(_ context.Context, now time.Time) (int, error) {
	return s.st.QueueLen(now)
}

func (s *Session) QueueWindow(_ context.Context, now time.Time, at store.QueueAnchor, before, after int) (store.QueueWindow, error) {
	return s.st.QueueWindow(now, at, before, after)
}

func (s *Session) Thread(_ context.Context, id string) (store.Thread, error) {
	return s.st.Thread(id)
}

func (s *Session) Messages(_ context.Context, id string) ([]store.Message, error) {
	return s.st.Messages(id)
}

func (s *Session) Replies(_ context.Context, id string) ([]store.Reply, error) {
	return s.st.Replies(id)
}

func (s *Session) Outbox(_ context.Context, id string) ([]store.OutboxEntry, error) {
	return s.st.Outbox(id)
}

func (s *Session) StageHistory(_ context.Context, id string) ([]store.StageMove, error) {
	return s.st.StageHistory(id)
}

func (s *Session) Draft(_ context.Context, id string) (store.Draft, bool, error) {
	return s.st.Draft(id)
}

func (s *Session) ThreadView(_ context.Context, id string, lastN int) (store.ThreadView, error) {
	return s.st.ThreadView(id, lastN)
}

func (s *Session) MessagesBefore(_ context.Context, id, mark string, n int) ([]store.Message, string, error) {
	return s.st.MessagesBefore(id, mark, n)
}

func (s *Session) StageWindow(_ context.Context, stage funnel.Stage, at store.StageAnchor, before, after int) (store.StageWindow, error) {
	return s.st.ConversationsInStageWindow(stage, at, before, after)
}

func (s *Session) Funnel(_ context.Context, now time.Time) (store.FunnelReport, error) {
	return s.st.Funnel(now)
}

func (s *Session) ConversationsInStage(_ context.Context, stage funnel.Stage) ([]store.Conversation, error) {
	return s.st.ConversationsInStage(stage)
}

func (s *Session) ContactConversations(_ context.Context, id string) ([]store.Conversation, error) {
	return s.st.ContactConversations(id)
}

func (s *Session) Conversations(_ context.Context, threadID string) ([]store.Conversation, error) {
	return s.st.Conversations(threadID)
}

func (s *Session) ConversationHistory(_ context.Context, threadID, contactID string) ([]store.StageMove, error) {
	return s.st.ConversationHistory(threadID, contactID)
}

func (s *Session) ThreadsInStage(_ context.Context, stage funnel.Stage) ([]store.Thread, error) {
	return s.st.ThreadsInStage(stage)
}

func (s *Session) Contacts(_ context.Context) ([]store.Contact, error) { return s.st.Contacts() }

func (s *Session) ContactsWindow(_ context.Context, at store.ContactAnchor, before, after int) (store.ContactsWindow, error) {
	return s.st.ContactsWindow(at, before, after)
}

func (s *Session) ContactThreads(_ context.Context, id string) ([]store.Thread, error) {
	return s.st.ContactThreads(id)
}

func (s *Session) FeedStates(_ context.Context) ([]store.FeedState, error) {
	return s.st.FeedStates()
}

func (s *Session) MarkRead(_ context.Context, id string) error { return s.st.MarkRead(id) }

func (s *Session) SaveDraft(_ context.Context, id, text string, now time.Time) error {
	return s.st.SaveDraft(id, text, now)
}

func (s *Session) SetDone(_ context.Context, id string, done bool) error {
	return s.st.SetDone(id, done)
}

func (s *Session) Snooze(_ context.Context, id string, until time.Time) error {
	return s.e.snooze(s.st, id, until)
}

func (s *Session) SetStage(_ context.Context, id, contactID string, to funnel.Stage, at time.Time) (store.StageMove, error) {
	return s.st.SetStage(id, contactID, to, s.user, at)
}

// Assign assigns the thread to teammate to ("" unassigns), as the
// session's user.
func (s *Session) Assign(_ context.Context, id, to string) error {
	return s.st.SetAssignee(id, to, s.user)
}

func (s *Session) RecordReply(_ context.Context, r store.Reply) error { return s.st.RecordReply(r) }

func (s *Session) QueueReply(ctx context.Context, r store.Reply) (store.OutboxEntry, error) {
	return s.e.QueueReply(ctx, r)
}

func (s *Session) TwoWay(feed string) bool { return s.e.cfg.Repliers[feed] != nil }

func (s *Session) PollNow(_ context.Context) bool {
	if len(s.e.cfg.Feeds) == 0 {
		return false
	}
	s.e.PollNow()
	return true
}

func (s *Session) Events() <-chan events.Event { return s.e.Events() }

// changeBuffer is how many changes wait for a console; one that falls
// further behind reloads everything once (a Resync).
const changeBuffer = 256

// Changes subscribes to the store's change feed. The subscription ends
// when ctx does, when the engine closes, or with the store.
func (s *Session) Changes(ctx context.Context) events.ChangeSource {
	sub := s.e.st.Subscribe(changeBuffer)
	context.AfterFunc(ctx, sub.Close)
	context.AfterFunc(s.e.life, sub.Close)
	return sub
}
