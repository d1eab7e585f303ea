package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"charm.land/wish/v2/bubbletea"
	gossh "golang.org/x/crypto/ssh"

	"parley/engine"
	"parley/pacer"
	"parley/ui"
)

// Messages for what the server does not do; one line each, on stderr.
const (
	needsTerminal = "parley serve needs a terminal: ssh -t %s"
	noCommands    = "parley serve opens a console only and runs no commands (%q refused): ssh -t %s"
)

// console is one teammate's open console.
type console struct {
	name string
	app  *ui.App
	prog *tea.Program
	b    *backend
	// stop ends the session's own context (its change feed and events).
	stop     context.CancelFunc
	quitOnce sync.Once
}

// shutdown asks the console to save and quit, the way the local console
// does on SIGHUP/SIGTERM: a last Update saves what is typed; a console
// that does not quit in time (a wedged client) is killed, and its drafts
// are written after either.
func (c *console) shutdown() {
	c.quitOnce.Do(func() {
		c.prog.Send(ui.ShutdownMsg{})
		time.AfterFunc(shutdownWait, c.prog.Kill)
	})
}

// editorKey is the composer's "edit in $EDITOR" key.
var editorKey = ui.DefaultKeyMap().Compose.Editor

// consoleFilter keeps an SSH console a console. $EDITOR would run on the
// server, as the server's user, and any editor can start a shell (vi's
// :!sh) beside the database and the host key: the key is dropped. A
// suspend (ctrl+z) resumes at once, as wish's own filter does: there is
// no job control to return to.
func consoleFilter(_ tea.Model, msg tea.Msg) tea.Msg {
	switch m := msg.(type) {
	case tea.SuspendMsg:
		return tea.ResumeMsg{}
	case tea.KeyPressMsg:
		if key.Matches(m, editorKey) {
			return nil
		}
	}
	return msg
}

// afterConsole runs the work after a console's program ends (after).
func (s *Server) afterConsole(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		s.after(sess)
		next(sess)
	}
}

// guard lets through only what becomes a console: a session with a
// terminal and no command. It runs before a program is built.
func (s *Server) guard(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		host := sshTarget(sess)
		if cmd := sess.RawCommand(); cmd != "" {
			slog.Info("ssh command refused", "user", sess.User(), "remote", sess.RemoteAddr(), "command", cmd)
			refuse(sess, fmt.Sprintf(noCommands, cmd, host))
			return
		}
		if _, _, ok := sess.Pty(); !ok {
			refuse(sess, fmt.Sprintf(needsTerminal, host))
			return
		}
		next(sess)
	}
}

// refuse writes one line to the session's stderr and ends it with exit
// status 1.
func refuse(sess ssh.Session, line string) {
	nl := "\n"
	if _, _, pty := sess.Pty(); pty {
		nl = "\r\n" // the client's terminal is raw
	}
	_, _ = io.WriteString(sess.Stderr(), line+nl)
	_ = sess.Exit(1)
}

// sshTarget is what a teammate types to come back: the address the
// connection reached.
func sshTarget(sess ssh.Session) string {
	host, port, err := net.SplitHostPort(sess.LocalAddr().String())
	if err != nil {
		return sess.User() + "@HOST"
	}
	if port == "22" {
		return sess.User() + "@" + host
	}
	return "-p " + port + " " + sess.User() + "@" + host
}

// program builds the teammate's console for an SSH session (called by
// wish's bubbletea middleware, which runs it with the session's window
// size and forwards resizes). nil ends the session.
func (s *Server) program(sess ssh.Session) *tea.Program {
	tm, ok := s.teammate(sess)
	if !ok {
		// Authentication let in only teammates' keys; this is a guard
		// against a config swapped under a running server, not a path.
		refuse(sess, "parley serve: this key is not a teammate's")
		return nil
	}
	ctx, stop := context.WithCancel(sess.Context())
	b := &backend{Session: s.cfg.Engine.Session(tm.Name), ctx: ctx, events: s.fan.subscribe(ctx, tm.Name)}
	// A console that ends, however, is no longer on any thread.
	context.AfterFunc(ctx, b.Session.Leave)
	deps := s.cfg.UI
	deps.Backend, deps.User = b, tm.Name
	if deps.Teammates == nil {
		deps.Teammates = s.teammateNames()
	}
	deps.Remote = true // o copies: a browser would open on the server
	// The teammate's terminal, not the server's, decides whether a copy
	// (OSC 52) can arrive: TMUX and TERM_PROGRAM come with the session.
	deps.Getenv = sessionEnv(sess.Environ())
	c := &console{name: tm.Name, app: ui.New(deps), b: b, stop: stop}
	// Paced, so an idle console does not wake the server (package
	// pacer); consoleFilter replaces MakeOptions' filter, doing what it
	// did too.
	c.prog = pacer.NewProgram(c.app, consoleFilter, append(bubbletea.MakeOptions(sess),
		// The server handles its signals (Shutdown); a console must not
		// quit on the server's SIGINT without saving.
		tea.WithoutSignalHandler(),
		// Last, replacing the session as input: a session that ends
		// (connection dropped, terminal closed) saves and quits like a
		// console on SIGHUP.
		tea.WithInput(&hangupReader{r: sess, onEOF: c.shutdown}),
	)...)

	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		stop()
		refuse(sess, "parley serve is shutting down")
		return nil
	}
	s.sessions[sess] = c
	s.wg.Add(1)
	s.mu.Unlock()
	if key := sess.PublicKey(); key != nil {
		slog.Info("console opened", "teammate", tm.Name, "remote", sess.RemoteAddr(), "key", gossh.FingerprintSHA256(key))
	} else {
		slog.Info("console opened on the local socket", "teammate", tm.Name, "unix_user", tm.UnixUser)
	}
	return c.prog
}

// after runs once the console's program has ended, whatever ended it
// (quit, dropped connection, Shutdown): it writes the drafts the console
// had not saved, as the local console does after Run.
func (s *Server) after(sess ssh.Session) {
	s.mu.Lock()
	c, ok := s.sessions[sess]
	s.mu.Unlock()
	if !ok {
		return // refused before a console was built
	}
	defer func() {
		s.mu.Lock()
		delete(s.sessions, sess)
		s.mu.Unlock()
		c.stop()
		s.wg.Done()
	}()
	if err := flushDrafts(c.app, c.b.Session); err != nil {
		slog.Error("final draft save", "teammate", c.name, "err", err)
		_, _ = io.WriteString(sess.Stderr(), "parley: could not save a draft: "+err.Error()+"\r\n")
		_ = sess.Exit(1)
		return
	}
	slog.Info("console closed", "teammate", c.name)
}

// flushDrafts writes what the console had typed and not saved. Every
// draft is tried; the errors are joined.
func flushDrafts(app *ui.App, b *engine.Session) error {
	var errs []error
	for id, text := range app.PendingDrafts() {
		if err := b.SaveDraft(context.Background(), id, text, time.Now()); err != nil {
			errs = append(errs, fmt.Errorf("thread %s (%q): %w", id, text, err))
		}
	}
	return errors.Join(errs...)
}

// hangupReader is the console's input: the SSH channel. When it ends (the
// client went away) the console is told to save and quit, rather than
// waiting on input that will never come.
type hangupReader struct {
	r     io.Reader
	onEOF func()
	once  sync.Once
}

func (h *hangupReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	if err != nil {
		h.once.Do(h.onEOF)
	}
	return n, err
}

// sessionWithoutForwarding is the ssh package's session handler with the
// agent and X11 forwarding requests refused: the library accepts an
// agent request by default, and a console needs neither.
func sessionWithoutForwarding(srv *ssh.Server, conn *gossh.ServerConn, newChan gossh.NewChannel, ctx ssh.Context) {
	ssh.DefaultSessionHandler(srv, conn, refusingChannel{newChan}, ctx)
}

// refusedRequests are session requests answered "no" before the session
// sees them.
var refusedRequests = map[string]bool{"auth-agent-req@openssh.com": true, "x11-req": true}

type refusingChannel struct{ gossh.NewChannel }

func (c refusingChannel) Accept() (gossh.Channel, <-chan *gossh.Request, error) {
	ch, reqs, err := c.NewChannel.Accept()
	if err != nil {
		return ch, reqs, err
	}
	out := make(chan *gossh.Request)
	go func() {
		defer close(out)
		for r := range reqs {
			if refusedRequests[r.Type] {
				_ = r.Reply(false, nil)
				continue
			}
			out <- r
		}
	}()
	return ch, out, nil
}

// sessionEnv looks names up in an SSH session's environment (what the
// client sent with SendEnv/SetEnv; often nothing, which reads as "").
func sessionEnv(environ []string) func(string) string {
	return func(name string) string {
		for _, kv := range environ {
			if k, v, ok := strings.Cut(kv, "="); ok && k == name {
				return v
			}
		}
		return ""
	}
}
