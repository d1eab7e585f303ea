package ui

import (
	"context"
	"fmt"
	"os"
	"strings"

	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/editor"

	"parley/events"
	"parley/funnel"
	"parley/store"
)

// Every disk and network access of the console lives here, in commands:
// Update and View only ever see the results.

// bg is the context of the backend calls: a command cannot be cancelled
// once Bubble Tea runs it, and each call is short or bounded by the
// backend (a send's attempts run in the engine, not here).
var bg = context.Background()

type threadLoadedMsg struct {
	thread   store.Thread
	messages []store.Message // the newest ones (threadFits), oldest first
	// earlier marks the older messages not read yet ("": none), for
	// MessagesBefore as the user scrolls up.
	earlier string
	replies []store.Reply
	outbox  []store.OutboxEntry
	draft   string
	// draftAt is when the draft was last changed (zero: no draft).
	draftAt time.Time
	// history is the thread's stage moves, oldest first. historyErr is
	// kept for screens that read it apart (it is read with the rest).
	history    []store.StageMove
	historyErr error
	// convs are the thread's people, one conversation each, first to
	// write first.
	convs []store.Conversation
	// readAt is the clock just before the read: every reply stored
	// before it is in replies or outbox (the stale-reply guard's Seen).
	readAt time.Time
	err    error
}

// threadFits is how many of a thread's newest messages to read for a
// screen h lines tall: every message takes at least two lines (name,
// text), so h of them more than fill it.
func threadFits(h int) int { return max(h, 20) }

// loadThread reads a thread for its view in one read (ThreadView: its
// newest lastN messages, not all of them) and marks it read: opening a
// thread is reading it.
func loadThread(b Backend, id string, now func() time.Time, lastN int) tea.Cmd {
	return func() tea.Msg {
		msg := threadLoadedMsg{readAt: now()}
		v, err := b.ThreadView(bg, id, lastN)
		if err != nil {
			return threadLoadedMsg{err: err}
		}
		msg.thread, msg.messages, msg.earlier = v.Thread, v.Messages, v.Earlier
		msg.replies, msg.outbox, msg.history, msg.convs = v.Replies, v.Outbox, v.History, v.Conversations
		if v.HasDraft {
			msg.draft, msg.draftAt = v.Draft.Text, v.Draft.Updated
		}
		if msg.thread.Unread > 0 {
			if err := b.MarkRead(bg, id); err != nil {
				return threadLoadedMsg{err: err}
			}
		}
		return msg
	}
}

// threadInfoMsg refreshes an open thread's record and stage history
// after a change (a stage move), leaving its composer alone.
type threadInfoMsg struct {
	thread     store.Thread
	convs      []store.Conversation
	history    []store.StageMove
	historyErr error
	err        error
}

// loadThreadInfo reads them in one read (a ThreadView of one message).
func loadThreadInfo(b Backend, id string) tea.Cmd {
	return func() tea.Msg {
		v, err := b.ThreadView(bg, id, 1)
		if err != nil {
			return threadInfoMsg{err: err}
		}
		return threadInfoMsg{thread: v.Thread, convs: v.Conversations, history: v.History}
	}
}

// earlierMsg brings a thread's messages before mark, read as the user
// scrolled up; earlier marks the ones before those.
type earlierMsg struct {
	threadID, mark string
	messages       []store.Message
	earlier        string
	// top: the user asked for the thread's start (g): all of them.
	top bool
	err error
}

func loadEarlier(b Backend, id, mark string, n int, top bool) tea.Cmd {
	return func() tea.Msg {
		msgs, earlier, err := b.MessagesBefore(bg, id, mark, n)
		return earlierMsg{threadID: id, mark: mark, messages: msgs, earlier: earlier, top: top, err: err}
	}
}

// stageMovedMsg reports a manual stage move (> or <) of one person's
// conversation.
type stageMovedMsg struct {
	threadID string
	title    string
	// name is the person whose conversation moved.
	name string
	move store.StageMove
	// atEnd: the conversation is at the first or last stage already, so
	// nothing moved; stage is where it is.
	atEnd bool
	stage funnel.Stage
	delta int
	err   error
	// undo: the move undoes an earlier one (u), and is not itself undone.
	undo bool
}

// moveStage moves one person's conversation in a thread one stage
// forward (delta 1) or back (-1) by hand (contactID "": the starter's).
// It reads the conversation first, so the move starts from the stage on
// disk, not from a row that may be stale.
func moveStage(b Backend, id, contactID string, delta int, now time.Time) tea.Cmd {
	return func() tea.Msg {
		t, err := b.Thread(bg, id)
		if err != nil {
			return stageMovedMsg{threadID: id, delta: delta, err: err}
		}
		convs, err := b.Conversations(bg, id)
		if err != nil {
			return stageMovedMsg{threadID: id, delta: delta, err: err}
		}
		c, ok := findConversation(convs, contactID)
		if !ok {
			return stageMovedMsg{threadID: id, title: t.Title, delta: delta,
				err: fmt.Errorf("nobody in %q to move: the thread has no conversation of that person", t.Title)}
		}
		msg := stageMovedMsg{threadID: id, title: t.Title, name: c.Name, stage: c.Stage, delta: delta}
		to := int(c.Stage) + delta
		if to < 0 || to >= len(funnel.Stages) {
			msg.atEnd = true
			return msg
		}
		msg.move, msg.err = b.SetStage(bg, id, c.Contact, funnel.Stage(to), now)
		return msg
	}
}

// findConversation is contactID's conversation among convs; "" (or a
// person no longer there) is the starter's, else the first to write.
func findConversation(convs []store.Conversation, contactID string) (store.Conversation, bool) {
	if len(convs) == 0 {
		return store.Conversation{}, false
	}
	for _, c := range convs {
		if contactID != "" && c.Contact == contactID {
			return c, true
		}
	}
	if contactID != "" {
		return store.Conversation{}, false
	}
	for _, c := range convs {
		if c.Started {
			return c, true
		}
	}
	return convs[0], true
}

// funnelLoadedMsg carries the funnel report; gen drops answers to loads
// that a newer one replaced.
type funnelLoadedMsg struct {
	gen    int
	report store.FunnelReport
	err    error
}

func loadFunnel(b Backend, gen int, now time.Time) tea.Cmd {
	return func() tea.Msg {
		r, err := b.Funnel(bg, now)
		return funnelLoadedMsg{gen: gen, report: r, err: err}
	}
}

// convRow is a conversation listed in view 2 or 3, with the cause of
// the move that put it at its stage as lists show it ("" when it never
// moved).
type convRow struct {
	store.Conversation
	Cause string
}

// convRows lists conversations with their causes. The store keeps each
// conversation's newest move on its record (Conversation.Cause), so
// this reads nothing: a stage of any size shows every row's cause.
func convRows(cs []store.Conversation) []convRow {
	out := make([]convRow, len(cs))
	for i, c := range cs {
		out[i].Conversation = c
		if !c.StageAt.IsZero() {
			out[i].Cause = moveCause(store.StageMove{Cause: c.Cause, Manual: c.CauseManual, Who: c.CauseWho})
		}
	}
	return out
}

// moveCause says why a move happened, as lists show it.
func moveCause(m store.StageMove) string {
	if m.Manual {
		if m.Who != "" {
			return "manual, by " + m.Who
		}
		return "manual"
	}
	return m.Cause
}

// stageListName names a stage's list in its windowMsg.
func stageListName(st funnel.Stage) string { return "stage:" + st.String() }

// loadStageWindow reads a window of a stage's list (StageWindow: the rows
// asked for, not the stage).
func loadStageWindow(b Backend, stage funnel.Stage, r windowReq[convRow]) tea.Cmd {
	return func() tea.Msg {
		w, err := b.StageWindow(bg, stage, store.StageAnchor{Conversation: r.at.Conversation, End: r.end}, r.before, r.after)
		return windowMsg[convRow]{list: stageListName(stage), seq: r.seq, jump: r.jump, items: convRows(w.Conversations),
			at: w.At, total: w.Total, first: w.First, last: w.Last, err: err}
	}
}

// loadContactsWindow reads a window of the contacts list from the
// store's index kept in its order (ContactsWindow).
func loadContactsWindow(b Backend, r windowReq[store.Contact]) tea.Cmd {
	return func() tea.Msg {
		w, err := b.ContactsWindow(bg, store.ContactAnchor{Contact: r.at, End: r.end}, r.before, r.after)
		return windowMsg[store.Contact]{list: "contacts", seq: r.seq, jump: r.jump, items: w.Contacts,
			at: w.At, total: w.Total, first: w.First, last: w.Last, err: err}
	}
}

// contactConvsMsg lists one contact's conversations across threads and
// feeds.
type contactConvsMsg struct {
	gen       int
	contactID string
	convs     []convRow
	err       error
	filtered  bool // the view's filter was applied (filterlists.go)
}

func loadContactConvs(b Backend, gen int, id string) tea.Cmd {
	return func() tea.Msg {
		cs, err := b.ContactConversations(bg, id)
		if err != nil {
			return contactConvsMsg{gen: gen, contactID: id, err: err}
		}
		return contactConvsMsg{gen: gen, contactID: id, convs: convRows(cs)}
	}
}

type replyRecordedMsg struct {
	reply store.Reply
	link  string
	err   error
}

func recordReply(b Backend, r store.Reply, link string) tea.Cmd {
	return func() tea.Msg {
		return replyRecordedMsg{reply: r, link: link, err: b.RecordReply(bg, r)}
	}
}

// threadChangedMsg reports a done/snooze/undo on a thread.
type threadChangedMsg struct {
	threadID string
	title    string
	action   action
	err      error
}

type action struct {
	kind  string // "done", "snooze", "reopen", "undo-" + one of them
	until time.Time
	// at is when a done or snooze was asked for: its undo refuses over a
	// teammate's action since (undo.go).
	at time.Time
}

func changeThread(b Backend, id, title string, a action) tea.Cmd {
	return func() tea.Msg {
		var err error
		switch a.kind {
		case "done":
			a.at = time.Now() // the store's clock: the audit log's
			err = b.SetDone(bg, id, true)
		case "snooze":
			a.at = time.Now()
			err = b.Snooze(bg, id, a.until)
		case "undo-done":
			err = b.Undo(bg, id, store.AuditDone, a.at)
		case "undo-snooze":
			err = b.Undo(bg, id, store.AuditSnoozed, a.at)
		case "reopen":
			a.at = time.Now()
			err = b.SetDone(bg, id, false)
		case "undo-reopen":
			err = b.SetDone(bg, id, true)
		}
		return threadChangedMsg{threadID: id, title: title, action: a, err: err}
	}
}

// engineMsg is one event of the backend's background work (a poll, a
// send, snoozes woken).
type engineMsg events.Event

// waitEvent delivers the backend's next event; App re-arms it after each
// one.
func waitEvent(ch <-chan events.Event) tea.Cmd {
	return func() tea.Msg {
		ev, ok := <-ch
		if !ok {
			return nil
		}
		return engineMsg(ev)
	}
}

type feedStatesMsg struct {
	states []store.FeedState
	err    error
}

func loadFeedStates(b Backend) tea.Cmd {
	return func() tea.Msg {
		s, err := b.FeedStates(bg)
		return feedStatesMsg{states: s, err: err}
	}
}

// clockMsg refreshes ages on screen (the backend wakes snoozes).
type clockMsg time.Time

func clockTick() tea.Cmd {
	return tea.Tick(time.Minute, func(t time.Time) tea.Msg { return clockMsg(t) })
}

// statusMsg puts a line in the footer.
type statusMsg struct {
	text  string
	isErr bool
}

// ShutdownMsg asks the console to save and quit; main sends it on SIGHUP
// and SIGTERM so a dropped SSH session loses nothing.
type ShutdownMsg struct{}

// Composing in $EDITOR takes three steps so no IO happens in Update:
// write the draft to a private temp file, run the editor (tea.ExecProcess
// hands it the terminal), read the file back.
type (
	editorFileMsg struct {
		threadID, path string
		err            error
	}
	editorDoneMsg struct {
		threadID, path string
		err            error
	}
	editedMsg struct {
		threadID, text string
		err            error
	}
)

func writeEditorFile(threadID, text string) tea.Cmd {
	return func() tea.Msg {
		// CreateTemp makes the file 0600: a draft is private on a shared box.
		f, err := os.CreateTemp("", "parley-draft-*.txt")
		if err != nil {
			return editorFileMsg{threadID: threadID, err: err}
		}
		// No trailing newline: an editor that appends (or a script's >>)
		// then continues the reply's last line instead of starting one the
		// user did not type; readEditorFile strips the newline editors add
		// on save, so a file opened and saved unchanged gives the same text.
		_, err = f.WriteString(editorText(text))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return editorFileMsg{threadID: threadID, path: f.Name(), err: err}
	}
}

func runEditor(m editorFileMsg) tea.Cmd {
	cmd, err := editor.Cmd("parley", m.path, editor.EndOfLine())
	if err != nil {
		return emit(editorDoneMsg{threadID: m.threadID, path: m.path, err: err})
	}
	return tea.ExecProcess(cmd, func(err error) tea.Msg {
		return editorDoneMsg{threadID: m.threadID, path: m.path, err: err}
	})
}

func readEditorFile(m editorDoneMsg) tea.Cmd {
	return func() tea.Msg {
		defer os.Remove(m.path)
		if m.err != nil {
			return editedMsg{threadID: m.threadID, err: fmt.Errorf("editor: %w", m.err)}
		}
		b, err := os.ReadFile(m.path)
		return editedMsg{threadID: m.threadID, text: editorText(string(b)), err: err}
	}
}

// editorText is a draft as it goes to and comes back from $EDITOR: without
// the line endings at its end (LF or CRLF), which are no part of a reply,
// so both directions agree.
func editorText(s string) string { return strings.TrimRight(s, "\r\n") }
