package ui

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// pipedConsole runs app as main does (own signal handling, no renderer
// output), reading its keys as bytes from a pipe: the terminal reader
// parses them as it parses a tty.
type pipedConsole struct {
	p    *tea.Program
	in   *io.PipeWriter
	done chan error
}

func runPiped(t *testing.T, app *App) *pipedConsole {
	t.Helper()
	pr, pw := io.Pipe()
	p := tea.NewProgram(app, tea.WithInput(pr), tea.WithOutput(io.Discard), tea.WithoutSignalHandler(),
		tea.WithWindowSize(100, 30), tea.WithEnvironment([]string{"TERM=xterm-256color"}))
	c := &pipedConsole{p: p, in: pw, done: make(chan error, 1)}
	go func() {
		_, err := p.Run()
		c.done <- err
	}()
	t.Cleanup(func() {
		p.Kill()
		pw.Close()
	})
	return c
}

// typeBytes writes text as a terminal without bracketed paste sends a
// paste (CR for a newline) and returns once the console has read it all.
// The bound only turns a hang into a failure.
func (c *pipedConsole) typeBytes(t *testing.T, text string) {
	t.Helper()
	wrote := make(chan error, 1)
	go func() {
		_, err := c.in.Write([]byte(strings.ReplaceAll(text, "\n", "\r")))
		wrote <- err
	}()
	select {
	case err := <-wrote:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the console had not read the paste after 60 s")
	}
}

// A 16 KB paste arriving as plain keys into a 256 KB draft: every
// character reaches the disk by autosave, without leaving the composer,
// and the 1 MB-class draft is not written once per key.
func TestPlainKeyPasteInto256KBDraftReachesTheDisk(t *testing.T) {
	st := testStore(t)
	base := proseText(256<<10, 3)
	typed := proseText(16<<10, 5)
	app, id := composingApp(t, st, base)
	var saves atomic.Int64
	app.c.draftW = newDraftWriter(func(threadID, text string, now time.Time) error {
		saves.Add(1)
		return st.SaveDraft(threadID, text, now)
	})
	c := runPiped(t, app)
	c.typeBytes(t, typed)

	want := base + typed
	deadline := time.Now().Add(60 * time.Second)
	for {
		d, _, err := st.Draft(id)
		if err != nil {
			t.Fatal(err)
		}
		if d.Text == want {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the stored draft never became the typed text: %d chars stored, want %d; it ends %q",
				len(d.Text), len(want), d.Text[max(0, len(d.Text)-40):])
		}
		time.Sleep(20 * time.Millisecond)
	}
	n := saves.Load()
	t.Logf("%d keys, %d draft saves", len(typed), n)
	if n > int64(len(typed)/100) {
		t.Errorf("%d saves for %d keys: the draft is saved per key, not debounced", n, len(typed))
	}
	c.p.Quit()
	<-c.done
}

// A signal right after a paste (the keys read, most not yet handled):
// the console handles every key before it quits, and what main then
// saves (PendingDrafts) is all of it.
func TestShutdownRightAfterAPasteKeepsEveryKey(t *testing.T) {
	st := testStore(t)
	base := proseText(256<<10, 3)
	typed := proseText(16<<10, 6) + " and ten more"
	app, id := composingApp(t, st, base)
	c := runPiped(t, app)
	c.typeBytes(t, typed)
	c.p.Send(ShutdownMsg{})
	// main kills the program after 2 s; here the bound only turns a hang
	// into a failure.
	kill := time.AfterFunc(60*time.Second, c.p.Kill)
	defer kill.Stop()
	if err := <-c.done; err != nil {
		t.Fatalf("the console did not quit by itself after the signal: %v", err)
	}
	for tid, text := range app.PendingDrafts() {
		if err := st.SaveDraft(tid, text, testNow); err != nil {
			t.Fatal(err)
		}
	}
	d, _, err := st.Draft(id)
	if err != nil {
		t.Fatal(err)
	}
	if want := base + typed; d.Text != want {
		t.Fatalf("saved draft has %d chars, want %d: it ends %q", len(d.Text), len(want), d.Text[max(0, len(d.Text)-40):])
	}
}

// A save that loses the race to a newer one never lands over it, and
// once main takes over (close) no save still in flight writes.
func TestDraftWriterKeepsTheNewestText(t *testing.T) {
	st := testStore(t)
	w := newDraftWriter(st.SaveDraft)
	if stale, err := w.write("t1", "newer", testNow, 2); stale || err != nil {
		t.Fatalf("first write: stale %v, err %v", stale, err)
	}
	if stale, _ := w.write("t1", "older", testNow, 1); !stale {
		t.Error("an older save was written after a newer one")
	}
	w.close()
	if stale, _ := w.write("t1", "after close", testNow, 3); !stale {
		t.Error("a save was written after close")
	}
	if d, _, _ := st.Draft("t1"); d.Text != "newer" {
		t.Errorf("draft = %q, want %q", d.Text, "newer")
	}
}

// Disk full: the status line says so first, so a 60-column terminal
// shows it, and the log has the whole error every time.
func TestDraftNotSavedStatusShowsTheCauseFirst(t *testing.T) {
	var logged bytes.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logged, nil)))
	defer slog.SetDefault(prev)

	st := testStore(t)
	app, id := composingApp(t, st, "")
	app.c.draftW = newDraftWriter(func(threadID, _ string, _ time.Time) error {
		return fmt.Errorf("save draft for thread %s: %w", threadID,
			&fs.PathError{Op: "write", Path: "/home/someone/.local/share/parley/parley.db", Err: syscall.ENOSPC})
	})
	app.Update(tea.WindowSizeMsg{Width: 60, Height: 20})
	for i := 0; i < 2; i++ {
		app.Update(press('h'))
		_, cmd := app.Update(draftTickMsg{threadID: id})
		if cmd == nil {
			t.Fatal("the autosave tick started no save")
		}
		app.Update(cmd())
		lines := strings.Split(ansi.Strip(app.render()), "\n")
		status := lines[len(lines)-1]
		if !strings.Contains(status, "no space left") {
			t.Fatalf("status line at width 60 is %q: the cause is cut off", status)
		}
	}
	if n := strings.Count(logged.String(), "no space left on device"); n != 2 {
		t.Errorf("%d log lines with the error for 2 failed saves:\n%s", n, logged.String())
	}
	if !strings.Contains(logged.String(), "/home/someone/.local/share/parley/parley.db") {
		t.Errorf("the log lacks the full error:\n%s", logged.String())
	}
	// The text is still there for the next save or the quit.
	if p := app.PendingDrafts(); p[id] != "hh" {
		t.Errorf("pending drafts = %q, want the typed text", p)
	}
}
