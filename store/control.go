package store

// The control socket: the parley that holds the database (its lock is
// exclusive, so no other process can even read the file) answers requests
// from other parley processes of the same user on <db>.sock. One request
// per connection, one line each way:
//
//	backup /absolute/path\n  ->  ok <bytes> <threads>\n  |  error <message>\n

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

const (
	// controlMaxRequest bounds a request line: "backup " and a path of
	// at most PATH_MAX bytes, with room to spare.
	controlMaxRequest = 8 << 10
	// controlMaxAnswer bounds an answer line (an error message).
	controlMaxAnswer = 8 << 10
)

// controlIOTimeout is how long a client has to send its request, and to
// take its answer, so a stuck one cannot wedge the server (a var so tests
// need not wait it out).
var controlIOTimeout = 5 * time.Second

// ErrNoControl means no parley answered on the database's control socket:
// none runs, or one too old to serve requests.
var ErrNoControl = errors.New("no parley answered on the control socket")

// controlUID is whose connections the server accepts; tests replace it to
// play a different user.
var controlUID = os.Getuid

// ControlSocket is the path of the control socket of the database at
// dbPath: beside it, in the same private directory.
func ControlSocket(dbPath string) string {
	if abs, err := filepath.Abs(dbPath); err == nil {
		dbPath = abs
	}
	return dbPath + ".sock"
}

// ServeControl listens on the database's control socket (0600) and
// answers requests until ctx ends or stop is called. stop waits for a
// request in progress (a backup finishes) and removes the socket; call it
// before Close. A socket file left by a parley that died is replaced; one
// that answers means another server, and ServeControl refuses.
func (s *Store) ServeControl(ctx context.Context) (stop func(), err error) {
	sock := ControlSocket(s.path)
	if err := clearStaleSocket(sock); err != nil {
		return nil, err
	}
	ln, err := net.Listen("unix", sock)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", sock, err)
	}
	// The directory is 0700 already; the mode keeps the socket private
	// even in a directory the user opened up. Peers are checked as well.
	if err := os.Chmod(sock, 0o600); err != nil {
		_ = ln.Close()
		return nil, fmt.Errorf("set permissions on %s: %w", sock, err)
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		// One connection at a time: two backups at once would only
		// compete for the disk.
		for {
			c, err := ln.Accept()
			if errors.Is(err, net.ErrClosed) {
				return // stopped
			}
			if err != nil {
				// Out of file descriptors, say: keep serving once it passes.
				select {
				case <-ctx.Done():
				case <-time.After(100 * time.Millisecond):
				}
				continue
			}
			s.serveControlConn(ctx, c)
		}
	}()
	go func() {
		<-ctx.Done()
		_ = ln.Close() // also removes the socket file
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			cancel()
			<-done
		})
	}, nil
}

// clearStaleSocket removes a socket file nobody answers on (its parley
// was killed) and refuses one that answers or is not a socket.
func clearStaleSocket(sock string) error {
	fi, err := os.Lstat(sock)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("check %s: %w", sock, err)
	}
	if fi.Mode().Type() != fs.ModeSocket {
		return fmt.Errorf("%s exists and is not a socket: move it away so parley can serve backups there", sock)
	}
	c, err := net.DialTimeout("unix", sock, time.Second)
	if err == nil {
		_ = c.Close()
		return fmt.Errorf("another parley already answers on %s for this database", sock)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		return fmt.Errorf("cannot tell whether %s is in use (remove it if no parley runs): %w", sock, err)
	}
	if err := os.Remove(sock); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove the stale socket %s: %w", sock, err)
	}
	return nil
}

// serveControlConn answers one request.
func (s *Store) serveControlConn(ctx context.Context, c net.Conn) {
	defer c.Close()
	answer := func(format string, args ...any) {
		_ = c.SetWriteDeadline(time.Now().Add(controlIOTimeout))
		// Messages carry paths and errors: keep the answer one line.
		line := strings.NewReplacer("\n", " ", "\r", " ").Replace(fmt.Sprintf(format, args...))
		_, _ = io.WriteString(c, line+"\n")
	}
	if uid, err := peerUID(c); err != nil {
		answer("error cannot tell who is asking: %v", err)
		return
	} else if uid >= 0 && uid != controlUID() {
		answer("error only the user who runs this parley may ask it")
		return
	}
	_ = c.SetReadDeadline(time.Now().Add(controlIOTimeout))
	// A quitting parley cuts a silent client short instead of waiting.
	defer context.AfterFunc(ctx, func() { _ = c.SetReadDeadline(time.Now()) })()
	line, err := bufio.NewReader(io.LimitReader(c, controlMaxRequest)).ReadString('\n')
	if err != nil {
		if line != "" || !errors.Is(err, io.EOF) {
			answer("error a request is one line of at most %d bytes, ended by a newline", controlMaxRequest)
		}
		return
	}
	verb, arg, _ := strings.Cut(strings.TrimSuffix(line, "\n"), " ")
	switch verb {
	case "backup":
		if !filepath.IsAbs(arg) {
			answer("error backup needs an absolute path, got %q", arg)
			return
		}
		info, err := s.Backup(filepath.Clean(arg))
		if err != nil {
			answer("error %v", err)
			return
		}
		answer("ok %d %d", info.Bytes, info.Threads)
	default:
		answer("error unknown request %q (this parley answers: backup PATH)", verb)
	}
}

// RequestBackup asks the parley holding the database at dbPath to write a
// copy to target, waiting at most timeout for the answer. It fails with
// ErrNoControl when no parley answers on the socket.
func RequestBackup(dbPath, target string, timeout time.Duration) (BackupInfo, error) {
	sock := ControlSocket(dbPath)
	abs, err := filepath.Abs(target)
	if err != nil {
		return BackupInfo{}, fmt.Errorf("backup target %s: %w", target, err)
	}
	if strings.ContainsAny(abs, "\n\r") {
		return BackupInfo{}, fmt.Errorf("backup target %q: a file name with a line break is not supported", target)
	}
	c, err := net.DialTimeout("unix", sock, timeout)
	if err != nil {
		return BackupInfo{}, fmt.Errorf("ask for a backup on %s: %w: %w", sock, ErrNoControl, err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(timeout))
	// A server that refuses at once (another user) may close before the
	// request is written: its answer is still there to read.
	_, werr := io.WriteString(c, "backup "+abs+"\n")
	line, err := bufio.NewReader(io.LimitReader(c, controlMaxAnswer)).ReadString('\n')
	if err != nil && werr != nil {
		return BackupInfo{}, fmt.Errorf("ask for a backup on %s: %w", sock, werr)
	}
	if err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return BackupInfo{}, fmt.Errorf("the parley using %s did not finish the backup within %s", dbPath, timeout)
		}
		return BackupInfo{}, fmt.Errorf("the parley using %s gave no answer to the backup request: %w", dbPath, err)
	}
	verb, rest, _ := strings.Cut(strings.TrimSuffix(line, "\n"), " ")
	switch verb {
	case "ok":
		var info BackupInfo
		b, t, _ := strings.Cut(rest, " ")
		if info.Bytes, err = strconv.ParseInt(b, 10, 64); err == nil {
			info.Threads, err = strconv.Atoi(t)
		}
		if err != nil {
			return BackupInfo{}, fmt.Errorf("the parley using %s answered %q to a backup request", dbPath, line)
		}
		return info, nil
	case "error":
		return BackupInfo{}, errors.New(rest)
	}
	return BackupInfo{}, fmt.Errorf("the parley using %s answered %q to a backup request", dbPath, line)
}
