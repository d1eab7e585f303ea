// Package server is `parley serve`'s SSH side: one engine (the database's
// single writer, run by main) and a console for every teammate who logs
// in with one of their keys. Each SSH session is its own Bubble Tea
// program over the session (wish's bubbletea middleware) with its own
// ui.App and engine.Session; the change feed keeps every screen current.
//
// What the server lets in is narrow on purpose: public keys listed in the
// config's [[teammate]] tables, an interactive session with a terminal,
// and nothing else (no password, no command, no subsystem, no port, agent
// or X11 forwarding).
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"charm.land/ssh"
	"charm.land/wish/v2"
	"charm.land/wish/v2/bubbletea"
	gossh "golang.org/x/crypto/ssh"

	"parley/engine"
	"parley/feeds"
	"parley/ui"
)

// DefaultListen is where parley serve listens unless told otherwise:
// loopback, so exposing it to a network is a decision (--listen).
const DefaultListen = "127.0.0.1:2222"

// handshakeTimeout bounds a connection that has not logged in.
const handshakeTimeout = 30 * time.Second

// shutdownWait is how long a console gets to save and quit on Shutdown
// before its program is killed (a wedged client can stall the renderer);
// its drafts are written either way.
const shutdownWait = 2 * time.Second

// Config is what a server runs.
type Config struct {
	// Engine is the running engine every console shares (started and
	// closed by the caller, after Shutdown).
	Engine *engine.Engine
	// Teammates are who may log in, and with which keys.
	Teammates []feeds.Teammate
	// HostKey signs the server's side of the handshake (LoadHostKey).
	HostKey gossh.Signer
	// UI is the console each session opens; Backend and User are set per
	// session.
	UI ui.Deps
}

// Server serves consoles over SSH. Build it with New, run it with Serve,
// stop it with Shutdown.
type Server struct {
	cfg  Config
	ssh  *ssh.Server
	keys map[string]int // marshalled public key -> index in cfg.Teammates
	fan  *fanout

	mu       sync.Mutex
	sessions map[ssh.Session]*console
	closing  bool
	local    []*ssh.Server  // ServeLocal's
	wg       sync.WaitGroup // open consoles, until their drafts are written
}

// New builds a server; nothing listens until Serve.
func New(cfg Config) (*Server, error) {
	if cfg.Engine == nil || cfg.HostKey == nil {
		return nil, errors.New("server: an engine and a host key are required")
	}
	s := &Server{cfg: cfg, keys: map[string]int{}, fan: newFanout(), sessions: map[ssh.Session]*console{}}
	for i, tm := range cfg.Teammates {
		for _, k := range tm.SSHKeys {
			s.keys[string(k.Marshal())] = i
		}
	}
	// Not wish.NewServer: it writes a key file of its own when given none.
	srv := &ssh.Server{}
	for _, opt := range []ssh.Option{
		wish.WithPublicKeyAuth(s.allowKey),
		// The last middleware runs first: guard refuses what is not a
		// console before a program is built.
		wish.WithMiddleware(s.afterConsole, bubbletea.MiddlewareWithProgramHandler(s.program), s.guard),
	} {
		if err := srv.SetOption(opt); err != nil {
			return nil, err
		}
	}
	srv.HostSigners = []ssh.Signer{cfg.HostKey}
	srv.HandshakeTimeout = handshakeTimeout
	srv.Version = "parley"
	// Only sessions, with the requests a console needs; the library's
	// defaults are process-wide maps, so these are the server's own.
	srv.ChannelHandlers = map[string]ssh.ChannelHandler{"session": sessionWithoutForwarding}
	srv.RequestHandlers = map[string]ssh.RequestHandler{}
	srv.SubsystemHandlers = map[string]ssh.SubsystemHandler{}
	srv.ConnectionFailedCallback = func(conn net.Conn, err error) {
		slog.Debug("ssh connection failed", "remote", conn.RemoteAddr(), "err", err)
	}
	s.ssh = srv
	go s.fan.run(cfg.Engine.Events())
	return s, nil
}

// Serve accepts connections on l until Shutdown; it then returns nil.
func (s *Server) Serve(l net.Listener) error {
	err := s.ssh.Serve(l)
	if errors.Is(err, ssh.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops listening, asks every open console to save and quit
// (as the local console does on a signal), waits for their drafts to be
// written, and closes the connections. ctx bounds the wait.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing = true
	open := make([]*console, 0, len(s.sessions))
	for _, c := range s.sessions {
		open = append(open, c)
	}
	local := s.local
	s.mu.Unlock()
	// Listeners first, so no console opens while the others close.
	_ = s.ssh.Shutdown(expired())
	for _, l := range local {
		_ = l.Shutdown(expired())
	}
	for _, c := range open {
		c.shutdown()
	}
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = fmt.Errorf("%d console(s) did not finish saving: %w", s.open(), ctx.Err())
	}
	_ = s.ssh.Close()
	for _, l := range local {
		_ = l.Close()
	}
	return err
}

// open counts the consoles still running.
func (s *Server) open() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// expired is a context that is already done: ssh.Server.Shutdown then
// only closes the listeners, and the consoles are closed our way.
func expired() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

// allowKey is the only way in: a key of a teammate. Everyone else is
// refused during authentication, before any session exists.
func (s *Server) allowKey(ctx ssh.Context, key ssh.PublicKey) bool {
	if _, ok := s.keys[string(key.Marshal())]; ok {
		return true
	}
	slog.Info("ssh key refused: not a teammate's (add it to a [[teammate]] ssh_keys in the config to let its owner in)",
		"user", ctx.User(), "remote", ctx.RemoteAddr(), "key", gossh.FingerprintSHA256(key))
	return false
}

// teammate is who the session logged in as. It is read from the key the
// connection authenticated with (kept by the ssh package once
// authentication succeeded), never from what the authentication callback
// saw last: a client may offer several keys before signing with one.
func (s *Server) teammate(sess ssh.Session) (feeds.Teammate, bool) {
	if _, local := sess.Context().Value(localUserKey{}).(localUser); local {
		// Set only by ServeLocal: the kernel's word, not a key.
		i, ok := s.localTeammate(sess.Context())
		if !ok {
			return feeds.Teammate{}, false
		}
		return s.cfg.Teammates[i], true
	}
	key := sess.PublicKey()
	if key == nil {
		return feeds.Teammate{}, false
	}
	i, ok := s.keys[string(key.Marshal())]
	if !ok {
		return feeds.Teammate{}, false
	}
	return s.cfg.Teammates[i], true
}
