//go:build unix

package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/charmbracelet/x/term"

	"parley/store"
)

// A panic in one of the console's own goroutines (the engine's writer,
// the poller, the control socket), or a kill -9, ends the process before
// Bubble Tea can restore the terminal: the shell is left in raw mode on
// the alternate screen. No code runs in a process after that, so a small
// guard process (this binary, ttyGuardArg) notes the terminal's state
// before the console takes it over and puts it back if the console exits
// without saying it ended cleanly.

// ttyGuardArg runs the binary as the guard; main checks it first.
const ttyGuardArg = "__parley-tty-guard"

// guardClean is what the console sends when it ended cleanly (the
// terminal is already restored).
var guardClean = []byte("clean")

// ttyGuard is the console's end of a running guard.
type ttyGuard struct{ ctl *os.File }

// startTTYGuard starts the guard when the console runs in a terminal, and
// returns once it has noted the terminal's state (or after a moment).
// The crash's own trace goes to the log too: on the alternate screen,
// which the guard leaves, it would be lost.
func startTTYGuard(logPath string) *ttyGuard {
	if !term.IsTerminal(os.Stdin.Fd()) || !term.IsTerminal(os.Stdout.Fd()) {
		return nil
	}
	if f, err := store.OpenPrivateFile(logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600); err == nil {
		_ = debug.SetCrashOutput(f, debug.CrashOptions{})
		f.Close() // SetCrashOutput keeps its own copy
	}
	exe, err := os.Executable()
	if err != nil {
		return nil
	}
	ctlR, ctlW, err := os.Pipe()
	if err != nil {
		return nil
	}
	readyR, readyW, err := os.Pipe()
	if err != nil {
		ctlR.Close()
		ctlW.Close()
		return nil
	}
	cmd := exec.Command(exe, ttyGuardArg)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.ExtraFiles = []*os.File{ctlR, readyW} // fds 3 and 4
	err = cmd.Start()
	ctlR.Close()
	readyW.Close()
	if err != nil {
		ctlW.Close()
		readyR.Close()
		return nil
	}
	go cmd.Wait() // reap it; it outlives us only after a crash
	ready := make(chan struct{})
	go func() { io.ReadAll(readyR); readyR.Close(); close(ready) }()
	select {
	case <-ready:
	case <-time.After(time.Second):
	}
	return &ttyGuard{ctl: ctlW}
}

// release tells the guard the console ended cleanly.
func (g *ttyGuard) release() {
	if g == nil {
		return
	}
	g.ctl.Write(guardClean)
	g.ctl.Close()
}

// runTTYGuard is the guard process: it notes the terminal's state, then
// waits for the console to end; unless it ended cleanly, it restores the
// terminal and says what happened.
func runTTYGuard() int {
	// The guard must outlive the console and reach the terminal after the
	// shell took it back: no job-control or terminal signal may stop it.
	signal.Ignore(syscall.SIGINT, syscall.SIGQUIT, syscall.SIGTERM, syscall.SIGHUP,
		syscall.SIGTSTP, syscall.SIGTTIN, syscall.SIGTTOU)
	ctl, ready := os.NewFile(3, "ctl"), os.NewFile(4, "ready")
	if ctl == nil || ready == nil {
		return 2
	}
	state, err := term.GetState(os.Stdin.Fd())
	ready.Close()
	if err != nil {
		return 0
	}
	said, _ := io.ReadAll(ctl) // until the console exits, one way or another
	if bytes.Equal(said, guardClean) {
		return 0
	}
	_ = term.Restore(os.Stdin.Fd(), state)
	// Leave the alternate screen, show the cursor, stop mouse reports and
	// bracketed paste, as Bubble Tea does on a clean exit.
	os.Stdout.WriteString("\x1b[?1049l\x1b[?25h\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?2004l\r")
	fmt.Fprintln(os.Stderr, "parley: the console stopped without restoring the terminal (killed, or an internal error: its trace is in the log); the terminal is restored, and drafts saved before it are kept")
	return 0
}
