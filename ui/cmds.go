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
	messages []store.Message
	replies  []store.Reply
	outbox   []store.OutboxEntry
	draft    string
	// draftAt is when the draft was last changed (zero: no draft).
	draftAt time.Time
	// history is the thread's stage moves, oldest first. A failure to
	// read it does not keep the thread closed: historyErr says why it
	// is missing.
	history    []store.StageMove
	historyErr error
	err        error
}

// loadThread reads a whole thread and marks it read: opening a thread is
// reading it.
func loadThread(b Backend, id string) tea.Cmd {
	return func() tea.Msg {
		msg := threadLoadedMsg{}
		var err error
		if msg.thread, err = b.Thread(bg, id); err != nil {
			return threadLoadedMsg{err: err}
		}
		if msg.messages, err = b.Messages(bg, id); err != nil {
			return threadLoadedMsg{err: err}
		}
		if msg.replies, err = b.Replies(bg, id); err != nil {
			return threadLoadedMsg{err: err}
		}
		if msg.outbox, err = b.Outbox(bg, id); err != nil {
			return threadLoadedMsg{err: err}
		}
		d, ok, err := b.Draft(bg, id)
		if err != nil {
			return threadLoadedMsg{err: err}
		}
		if ok {
			msg.draft, msg.draftAt = d.Text, d.Updated
		}
		msg.history, msg.historyErr = b.StageHistory(bg, id)
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
	history    []store.StageMove
	historyErr error
	err        error
}

func loadThreadInfo(b Backend, id string) tea.Cmd {
	return func() tea.Msg {
		t, err := b.Thread(bg, id)
		if err != nil {
			return threadInfoMsg{err: err}
		}
		h, herr := b.StageHistory(bg, id)
		return threadInfoMsg{thread: t, history: h, historyErr: herr}
	}
}

// stageMovedMsg reports a manual stage move (> or <).
type stageMovedMsg struct {
	threadID string
	title    string
	move     store.StageMove
	// atEnd: the thread is at the first or last stage already, so
	// nothing moved; stage is where it is.
	atEnd bool
	stage funnel.Stage
	delta int
	err   error
}

// moveStage moves a thread one stage forward (delta 1) or back (-1) by
// hand. It reads the thread first, so the move starts from the stage on
// disk, not from a row that may be stale.
func moveStage(b Backend, id string, delta int, now time.Time) tea.Cmd {
	return func() tea.Msg {
		t, err := b.Thread(bg, id)
		if err != nil {
			return stageMovedMsg{threadID: id, delta: delta, err: err}
		}
		msg := stageMovedMsg{threadID: id, title: t.Title, stage: t.Stage, delta: delta}
		to := int(t.Stage) + delta
		if to < 0 || to >= len(funnel.Stages) {
			msg.atEnd = true
			return msg
		}
		msg.move, msg.err = b.SetStage(bg, id, funnel.Stage(to), now)
		return msg
	}
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

// stageThreadsMsg lists the threads at one stage.
type stageThreadsMsg struct {
	gen     int
	stage   funnel.Stage
	threads []store.Thread
	err     error
}

func loadStageThreads(b Backend, gen int, stage funnel.Stage) tea.Cmd {
	return func() tea.Msg {
		ts, err := b.ThreadsInStage(bg, stage)
		return stageThreadsMsg{gen: gen, stage: stage, threads: ts, err: err}
	}
}

type contactsLoadedMsg struct {
	gen      int
	contacts []store.Contact
	err      error
}

func loadContacts(b Backend, gen int) tea.Cmd {
	return func() tea.Msg {
		cs, err := b.Contacts(bg)
		return contactsLoadedMsg{gen: gen, contacts: cs, err: err}
	}
}

// contactThreadsMsg lists one contact's threads across feeds.
type contactThreadsMsg struct {
	gen       int
	contactID string
	threads   []store.Thread
	err       error
}

func loadContactThreads(b Backend, gen int, id string) tea.Cmd {
	return func() tea.Msg {
		ts, err := b.ContactThreads(bg, id)
		return contactThreadsMsg{gen: gen, contactID: id, threads: ts, err: err}
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
	kind  string // "done", "snooze", "undo"
	until time.Time
}

func changeThread(b Backend, id, title string, a action) tea.Cmd {
	return func() tea.Msg {
		var err error
		switch a.kind {
		case "done":
			err = b.SetDone(bg, id, true)
		case "snooze":
			err = b.Snooze(bg, id, a.until)
		case "undo-done":
			err = b.SetDone(bg, id, false)
		case "undo-snooze":
			err = b.Snooze(bg, id, time.Time{})
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
		_, err = f.WriteString(text)
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
		// Editors end files with a newline the user did not type.
		return editedMsg{threadID: m.threadID, text: strings.TrimRight(string(b), "\n"), err: err}
	}
}
