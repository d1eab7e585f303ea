package store

// A parley killed with kill -9 (or one that crashed) leaves its control
// socket file behind: the kernel drops the listener, not the file. Nothing
// answers on it any more (a connect is refused) and the database's lock
// is free. Commands already take that as "no parley answered" and open
// the database themselves; Open then removes the file, so the next
// command does not dial a dead socket and doctor has nothing to report.

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// SocketState is what is at a database's control socket path.
type SocketState int

const (
	// SocketNone: no file; no parley serves the database.
	SocketNone SocketState = iota
	// SocketLive: a parley answers on it.
	SocketLive
	// SocketStale: left by a parley that died: nothing answers on it
	// and the database's lock is free.
	SocketStale
	// SocketRefused: nothing answers on it, but the database is in use
	// (a parley fetch of its own, an older parley, or one starting).
	SocketRefused
	// SocketForeign: not a socket, not yours, or in a directory that is
	// not private: parley leaves it alone and cannot serve there.
	SocketForeign
)

// ControlSocketStatus says what is at the control socket of the database
// at dbPath, for doctor: the state, the socket's path and, for
// SocketForeign, why. It only looks: it removes nothing and sends
// nothing but a connect.
func ControlSocketStatus(dbPath string) (state SocketState, sock string, why string) {
	if abs, err := filepath.Abs(dbPath); err == nil {
		dbPath = abs
	}
	sock = ControlSocket(dbPath)
	fi, err := os.Lstat(sock)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return SocketNone, sock, ""
	case err != nil:
		return SocketForeign, sock, err.Error()
	case fi.Mode().Type() != fs.ModeSocket:
		return SocketForeign, sock, "is not a socket: move it away so parley can serve other commands there while the console runs"
	}
	if uid := fileUID(fi); uid >= 0 && uid != os.Geteuid() {
		return SocketForeign, sock, fmt.Sprintf("belongs to %s, not you: remove it (as its owner or root)", ownerName(uid))
	}
	if err := CheckPrivateDir(filepath.Dir(sock)); err != nil {
		return SocketForeign, sock, err.Error()
	}
	c, err := net.DialTimeout("unix", sock, time.Second)
	if err == nil {
		_ = c.Close()
		return SocketLive, sock, ""
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		return SocketForeign, sock, fmt.Sprintf("cannot tell whether it is in use: %v", err)
	}
	if lockFree(dbPath) {
		return SocketStale, sock, ""
	}
	return SocketRefused, sock, ""
}

// removeStaleSocket removes the control socket of the database at dbPath
// if a dead parley left it, and returns its path ("" when it removed
// nothing). Call it only while holding the database's exclusive lock:
// then no parley serves this database, and a socket nothing answers on is
// stale. Only a socket of this user in a private directory is removed
// (nobody else can swap the file between the check and the removal).
func removeStaleSocket(dbPath string) string {
	sock := ControlSocket(dbPath)
	fi, err := os.Lstat(sock)
	if err != nil || fi.Mode().Type() != fs.ModeSocket {
		return ""
	}
	if uid := fileUID(fi); uid >= 0 && uid != os.Geteuid() {
		return ""
	}
	if CheckPrivateDir(filepath.Dir(sock)) != nil {
		return ""
	}
	c, err := net.DialTimeout("unix", sock, time.Second)
	if err == nil {
		_ = c.Close() // something answers: not a parley's, and not ours to judge
		return ""
	}
	if !errors.Is(err, syscall.ECONNREFUSED) || os.Remove(sock) != nil {
		return ""
	}
	return sock
}

// RemovedStaleSocket is the control socket a dead parley left that Open
// removed, or "".
func (s *Store) RemovedStaleSocket() string { return s.staleSocket }

func (st SocketState) String() string {
	switch st {
	case SocketNone:
		return "none"
	case SocketLive:
		return "live"
	case SocketStale:
		return "stale"
	case SocketRefused:
		return "refused"
	case SocketForeign:
		return "foreign"
	}
	return fmt.Sprintf("SocketState(%d)", int(st))
}
