package ui

import (
	"errors"
	"io/fs"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
)

// Autosave. A change is on disk at most draftSaveDelay (plus one write)
// after it was typed. At most one autosave is in flight: changes made
// meanwhile go in the next one, which starts as soon as that one ends if
// they are already draftSaveDelay old. So a 1 MB draft is written a few
// times a second while typing, never once per key, and a flood of keys
// cannot hold a save back: the tick is a message like any key.

// draftSaveDelay bounds what a crash can lose: a change is on disk at most
// this long after it was typed (plus one write).
const draftSaveDelay = 200 * time.Millisecond

// draftWriter writes drafts in the order they were taken from the
// composer: a slow older save never lands over a newer one, and once main
// writes the final drafts (PendingDrafts) no save still in flight can.
type draftWriter struct {
	save func(threadID, text string, now time.Time) error
	// seq numbers saves as Update hands them out (only Update touches it).
	seq uint64

	mu      sync.Mutex
	written map[string]uint64 // the newest seq written, by thread
	closed  bool
}

func newDraftWriter(save func(threadID, text string, now time.Time) error) *draftWriter {
	return &draftWriter{save: save, written: map[string]uint64{}}
}

// drafts is the console's draft writer, made on first use.
func (c *Common) drafts() *draftWriter {
	if c.draftW == nil {
		b := c.B
		c.draftW = newDraftWriter(func(threadID, text string, now time.Time) error {
			return b.SaveDraft(bg, threadID, text, now)
		})
	}
	return c.draftW
}

// write saves text unless a newer save of the thread was written or the
// writer is closed (stale).
func (w *draftWriter) write(threadID, text string, now time.Time, seq uint64) (stale bool, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed || w.written[threadID] > seq {
		return true, nil
	}
	if err := w.save(threadID, text, now); err != nil {
		return false, err
	}
	w.written[threadID] = seq
	return false, nil
}

// close waits for a write in progress and stops the ones after it.
func (w *draftWriter) close() {
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
}

type draftSavedMsg struct {
	threadID string
	text     string
	seq      uint64
	// stale: not written, a newer save of the thread was (or the console
	// is ending and main writes the drafts itself).
	stale bool
	err   error
}

// saveDraft saves text as the thread's draft in a command; the text was
// copied from the composer already.
func (c *Common) saveDraft(threadID, text string) tea.Cmd {
	w := c.drafts()
	w.seq++
	seq, now := w.seq, c.Now()
	c.unsaved[threadID] = text
	return func() tea.Msg {
		stale, err := w.write(threadID, text, now, seq)
		return draftSavedMsg{threadID: threadID, text: text, seq: seq, stale: stale, err: err}
	}
}

// edited schedules the autosave after the composer changed from revision
// rev (nothing when it did not); wasEmpty is whether it was empty then.
func (t *threadScreen) edited(rev uint64, wasEmpty bool) tea.Cmd {
	if t.input.Rev() == rev {
		return nil
	}
	if wasEmpty != t.input.Empty() {
		t.layout() // the composer box appears or goes
	}
	if t.dirtySince.IsZero() {
		t.dirtySince = time.Now()
	}
	return t.scheduleSave()
}

// scheduleSave arms the autosave tick for the oldest change not saved
// yet, unless a tick or a save is under way (its end arms it).
func (t *threadScreen) scheduleSave() tea.Cmd {
	if t.saveDue || t.saving != 0 || t.dirtySince.IsZero() {
		return nil
	}
	t.saveDue = true
	id := t.thread.ID
	wait := max(0, draftSaveDelay-time.Since(t.dirtySince))
	return tea.Tick(wait, func(time.Time) tea.Msg { return draftTickMsg{threadID: id} })
}

// autosave starts the save the tick was for.
func (t *threadScreen) autosave() tea.Cmd {
	t.saveDue = false
	if t.saving != 0 {
		return nil // the save's end schedules the next
	}
	cmd := t.saveIfChanged()
	if cmd != nil {
		t.saving = t.c.drafts().seq
	}
	return cmd
}

// saveIfChanged saves the composer's text now if the store may not hold
// it (leaving the composer, quitting, opening another thread).
func (t *threadScreen) saveIfChanged() tea.Cmd {
	t.dirtySince = time.Time{}
	if t.input.Rev() == t.savedRev {
		return nil
	}
	t.savedRev = t.input.Rev()
	text := t.input.Value()
	if text == t.lastSaved {
		return nil
	}
	return t.c.saveDraft(t.thread.ID, text)
}

// saved takes the report of a save of this thread's draft.
func (t *threadScreen) saved(msg draftSavedMsg) tea.Cmd {
	if msg.threadID != t.thread.ID {
		return nil
	}
	if msg.seq == t.saving {
		t.saving = 0
	}
	switch {
	case msg.err != nil:
		// Not on disk: the next change or the quit tries again, with
		// this text in it.
		t.savedRev = 0
	case !msg.stale && msg.seq > t.savedSeq:
		t.savedSeq, t.lastSaved = msg.seq, msg.text
	}
	return t.scheduleSave()
}

// draftSaved: the store answered a draft save.
func (a *App) draftSaved(msg draftSavedMsg) tea.Cmd {
	var cmd tea.Cmd
	if a.thread != nil {
		cmd = a.thread.saved(msg)
	}
	if msg.err != nil {
		slog.Error("draft not saved", "thread", msg.threadID, "chars", len(msg.text), "err", msg.err)
		a.setStatus(draftErrStatus(msg.err), true)
		return cmd
	}
	if msg.stale {
		return cmd
	}
	if a.c.unsaved[msg.threadID] == msg.text {
		delete(a.c.unsaved, msg.threadID)
	}
	if strings.TrimSpace(msg.text) == "" {
		delete(a.queue.drafts, msg.threadID)
	} else {
		a.queue.drafts[msg.threadID] = true
	}
	return cmd
}

// draftErrStatus says why a draft was not saved, cause first so a narrow
// terminal still shows it: "Draft NOT saved: no space left on device
// (…/parley.db) — free some space; your text is kept in memory".
func draftErrStatus(err error) string {
	cause, where := err.Error(), ""
	var pe *fs.PathError
	if errors.As(err, &pe) {
		cause, where = pe.Err.Error(), " (…/"+filepath.Base(pe.Path)+")"
	} else {
		// The innermost error is the cause; the wrappers are context.
		for u := errors.Unwrap(err); u != nil; u = errors.Unwrap(u) {
			cause = u.Error()
		}
	}
	todo := "see parley.log"
	switch {
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		todo = "free some space"
	case errors.Is(err, syscall.EROFS):
		todo = "the disk is read-only"
	case errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		todo = "check the database file's permissions"
	}
	return "Draft NOT saved: " + cause + where + " — " + todo + "; your text is kept in memory and saved on the next change or quit"
}

// PendingDrafts are draft texts (by thread ID) not confirmed on disk: the
// composer's current text if changed, and saves still in flight. main
// writes them after the program ends, whatever ended it. From this call
// on no autosave still in flight writes, so main's writes are the last.
func (a *App) PendingDrafts() map[string]string {
	a.c.drafts().close()
	pending := make(map[string]string, len(a.c.unsaved)+1)
	for id, text := range a.c.unsaved {
		pending[id] = text
	}
	if t := a.thread; t != nil {
		if text := t.input.Value(); text != t.lastSaved {
			pending[t.thread.ID] = text
		}
	}
	return pending
}

// shutdownQuiet: after a signal, the console quits once no key has come
// for this long. The keys the terminal sent before the signal are already
// read (a paste as plain keys can be thousands) and arrive back to back;
// quitting at once would drop them.
const shutdownQuiet = 100 * time.Millisecond

type shutdownTickMsg struct{}

// shutdownState is App's part in ending on a signal.
type shutdownState struct {
	stopping bool
	// input counts keys and pastes since the signal; seen is the count
	// at the last tick.
	input, seen int
}

// startShutdown saves the draft at once, then waits for the keys still
// coming (see shutdownQuiet) before quitting. main kills the program if
// this takes too long and saves PendingDrafts either way.
func (a *App) startShutdown() tea.Cmd {
	if a.stop.stopping {
		return nil
	}
	a.stop.stopping = true
	var save tea.Cmd
	if a.thread != nil {
		save = a.thread.saveIfChanged()
	}
	return tea.Batch(save, tea.Tick(shutdownQuiet, func(time.Time) tea.Msg { return shutdownTickMsg{} }))
}

func (a *App) shutdownTick() tea.Cmd {
	if a.stop.input != a.stop.seen {
		a.stop.seen = a.stop.input
		return tea.Tick(shutdownQuiet, func(time.Time) tea.Msg { return shutdownTickMsg{} })
	}
	return a.quit()
}
