package store

import (
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"testing"
)

// staleSocket leaves a socket file at sock that nothing answers on, as a
// parley killed with kill -9 does.
func staleSocket(t *testing.T, sock string) {
	t.Helper()
	mustNil(t, EnsurePrivateDir(filepath.Dir(sock)))
	ln, err := net.Listen("unix", sock)
	mustNil(t, err)
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	mustNil(t, ln.Close())
	if fi, err := os.Lstat(sock); err != nil || fi.Mode().Type() != fs.ModeSocket {
		t.Fatalf("no stale socket at %s: %v", sock, err)
	}
}

func TestOpenRemovesAStaleControlSocket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parley.db")
	sock := ControlSocket(path)
	staleSocket(t, sock)
	if st, sockGot, _ := ControlSocketStatus(path); st != SocketStale || sockGot != sock {
		t.Errorf("status before Open = %v at %s, want stale at %s", st, sockGot, sock)
	}
	s, err := Open(path, Options{NoSync: true})
	mustNil(t, err)
	defer s.Close()
	if _, err := os.Lstat(sock); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the stale socket is still there after Open: %v", err)
	}
	if s.RemovedStaleSocket() != sock {
		t.Errorf("RemovedStaleSocket = %q, want %q", s.RemovedStaleSocket(), sock)
	}
	// The console serves there as usual.
	stop, err := s.ServeControl(t.Context())
	mustNil(t, err)
	defer stop()
	if st, _, _ := ControlSocketStatus(path); st != SocketLive {
		t.Errorf("status while served = %v, want live", st)
	}
}

// Open leaves alone what is not a dead parley's socket: a file that is
// not a socket, and a socket something answers on.
func TestOpenLeavesOtherFilesAtTheSocketPath(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "parley.db")
	sock := ControlSocket(path)
	mustNil(t, os.WriteFile(sock, []byte("notes"), 0o600))
	s, err := Open(path, Options{NoSync: true})
	mustNil(t, err)
	if b, err := os.ReadFile(sock); err != nil || string(b) != "notes" || s.RemovedStaleSocket() != "" {
		t.Errorf("a plain file at the socket path: %q, %v, removed %q", b, err, s.RemovedStaleSocket())
	}
	if st, _, why := ControlSocketStatus(path); st != SocketForeign || why == "" {
		t.Errorf("status of a plain file = %v (%q), want foreign with a reason", st, why)
	}
	s.Close()

	mustNil(t, os.Remove(sock))
	ln, err := net.Listen("unix", sock)
	mustNil(t, err)
	defer ln.Close()
	s, err = Open(path, Options{NoSync: true})
	mustNil(t, err)
	defer s.Close()
	if _, err := os.Lstat(sock); err != nil || s.RemovedStaleSocket() != "" {
		t.Errorf("a socket that answers was removed: %v, removed %q", err, s.RemovedStaleSocket())
	}
}

// A socket nothing answers on while the database is held is not called
// stale: the parley holding it may be a fetch of its own, or starting.
func TestControlSocketStatusWhileTheDatabaseIsHeld(t *testing.T) {
	s := openTest(t)
	staleSocket(t, ControlSocket(s.Path()))
	if st, _, _ := ControlSocketStatus(s.Path()); st != SocketRefused {
		t.Errorf("status = %v, want refused (the database is in use)", st)
	}
	s.Close()
	if st, _, _ := ControlSocketStatus(s.Path()); st != SocketStale {
		t.Errorf("status after Close = %v, want stale", st)
	}
	if st, _, _ := ControlSocketStatus(filepath.Join(t.TempDir(), "none.db")); st != SocketNone {
		t.Errorf("status without a socket = %v, want none", st)
	}
}
