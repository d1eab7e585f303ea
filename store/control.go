package store

// The control socket: the parley that holds the database (its lock is
// exclusive, so no other process can even read the file) answers requests
// from other parley processes of the same user on <db>.sock. One request
// per connection. Version 1 (control_v1.go) is JSON lines; version 0, one
// line each way, is still answered for an older parley backup:
//
//	backup /absolute/path\n  ->  ok <bytes> <threads>\n  |  error <message>\n

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"runtime"
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

// clientUID is whose server a client talks to; tests replace it to meet a
// server of a different user.
var clientUID = os.Getuid

// maxSocketPath is the longest path a unix socket can have: sun_path
// holds 108 bytes on Linux, the terminating NUL included (104 on the BSDs
// and macOS).
var maxSocketPath = map[bool]int{true: 107, false: 103}[runtime.GOOS == "linux"]

// ControlSocket is the path of the control socket of the database at
// dbPath: beside it, in the same private directory, unless that path is
// too long for a unix socket (see ControlSocketPlace).
func ControlSocket(dbPath string) string {
	p, _ := ControlSocketPlace(dbPath)
	return p
}

// ControlSocketPlace returns the path of the control socket of the
// database at dbPath and why it is there (doctor says so). A path beside
// the database that is too long for a unix socket moves to
// $XDG_RUNTIME_DIR/parley, or, without a usable one, to a private
// directory under the temp dir, named by a hash of the database's path so
// that every parley of the user finds the same one.
func ControlSocketPlace(dbPath string) (path, why string) {
	if abs, err := filepath.Abs(dbPath); err == nil {
		dbPath = abs
	}
	beside := dbPath + ".sock"
	if len(beside) <= maxSocketPath {
		return beside, "beside the database"
	}
	real := dbPath
	if dir, err := filepath.EvalSymlinks(filepath.Dir(dbPath)); err == nil {
		real = filepath.Join(dir, filepath.Base(dbPath))
	}
	sum := sha256.Sum256([]byte(real))
	name := hex.EncodeToString(sum[:8]) + ".sock"
	why = fmt.Sprintf("the path beside the database would be %d bytes, over the %d-byte limit of a unix socket path", len(beside), maxSocketPath)
	rt := os.Getenv("XDG_RUNTIME_DIR")
	var rtWhy string
	switch {
	case rt == "":
		rtWhy = "$XDG_RUNTIME_DIR is not set"
	case !filepath.IsAbs(rt):
		rtWhy = "$XDG_RUNTIME_DIR is not an absolute path"
	default:
		if err := CheckPrivateDir(rt); err != nil {
			rtWhy = "$XDG_RUNTIME_DIR is not private (" + err.Error() + ")"
		} else {
			return filepath.Join(rt, "parley", name), why + ", so it is in $XDG_RUNTIME_DIR"
		}
	}
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("parley-%d", os.Geteuid()))
	return filepath.Join(dir, name), why + "; " + rtWhy + ", so it is in a private directory under " + os.TempDir()
}

// ServeControl listens on the database's control socket (0600) and
// answers requests until ctx ends or stop is called. stop waits for a
// request in progress (a backup finishes) and removes the socket; call it
// before Close. A socket file left by a parley that died is replaced; one
// that answers means another server, and ServeControl refuses.
func (s *Store) ServeControl(ctx context.Context) (stop func(), err error) {
	return s.ServeControlWith(ctx, ControlHandlers{})
}

// ServeControlWith is ServeControl that also answers what needs more than
// the store (export, fetch) with h. Requests are served side by side, so
// a long fetch does not keep a second console from hearing who is open.
func (s *Store) ServeControlWith(ctx context.Context, h ControlHandlers) (stop func(), err error) {
	cs := newControlServer(s, h)
	sock := ControlSocket(s.path)
	// Beside the database this is the directory Open checked; elsewhere
	// (a path too long) it is created here.
	if err := EnsurePrivateDir(filepath.Dir(sock)); err != nil {
		return nil, fmt.Errorf("control socket: %w", err)
	}
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
	var conns sync.WaitGroup
	// Bounds the connections served at once (each holds a goroutine and
	// a file descriptor); the rest wait in the kernel's queue.
	slots := make(chan struct{}, 16)
	go func() {
		defer close(done)
		defer conns.Wait()
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
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				_ = c.Close()
				continue
			}
			conns.Add(1)
			go func() {
				defer conns.Done()
				defer func() { <-slots }()
				cs.serveConn(ctx, c)
			}()
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
	if uid := fileUID(fi); !mine(uid) {
		// Not even dialled: it is not ours to judge or to remove.
		return &unsafePathError{sock, fmt.Sprintf("belongs to %s, not you: parley does not use it; remove it "+
			"(as its owner or root) so parley can serve backups there", ownerName(uid))}
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

// serveConn answers one request.
func (cs *controlServer) serveConn(ctx context.Context, c net.Conn) {
	s := cs.s
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
	lr := &io.LimitedReader{R: c, N: controlMaxRequest}
	br := bufio.NewReader(lr)
	line, err := br.ReadString('\n')
	if err == nil && strings.HasPrefix(line, "{") {
		cs.serveV1(ctx, c, lr, br, line)
		return
	}
	if err != nil {
		if line != "" || !errors.Is(err, io.EOF) {
			answer("error a request is one line of at most %d bytes, ended by a newline", controlMaxRequest)
		}
		return
	}
	if clientGone(c) {
		// It gave up while this parley was stopped (ctrl+z) or busy:
		// a copy written now would surprise it, and a retry with the same
		// name would find the file taken.
		return
	}
	verb, arg, _ := strings.Cut(strings.TrimSuffix(line, "\n"), " ")
	switch verb {
	case "backup":
		if !filepath.IsAbs(arg) {
			answer("error backup needs an absolute path, got %q", arg)
			return
		}
		cs.backupMu.Lock()
		info, err := s.Backup(filepath.Clean(arg))
		cs.backupMu.Unlock()
		if err != nil {
			answer("error %v", err)
			return
		}
		answer("ok %d %d", info.Bytes, info.Threads)
	default:
		answer("error unknown request %q (this parley answers: backup PATH, and control protocol version %d requests)", verb, ControlVersion)
	}
}

// controlNoticeAfter is how long a backup request runs before the client
// says what it waits for; controlPollStopped how often it checks that the
// server is not stopped meanwhile.
var (
	controlNoticeAfter = time.Second
	controlPollStopped = 200 * time.Millisecond
)

// clientGone reports whether the client of c has closed its end: a
// client waits for its answer, so end of file means it left.
func clientGone(c net.Conn) bool {
	// A deadline already past fails before looking; a short one reads
	// the pending end of file at once and costs a live client 10 ms.
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
	var b [1]byte
	_, err := c.Read(b[:])
	return errors.Is(err, io.EOF)
}

// RequestBackup asks the parley holding the database at dbPath to write a
// copy to target, waiting at most timeout for the answer. It fails with
// ErrNoControl when no parley answers on the socket.
func RequestBackup(dbPath, target string, timeout time.Duration) (BackupInfo, error) {
	return RequestBackupNotify(dbPath, target, timeout, nil)
}

// RequestBackupNotify is RequestBackup that calls waiting once (when not
// nil) with what it waits for, if the answer takes more than a second.
//
// Before it sends anything it checks that the socket is yours and that
// the process listening on it runs as you: another user's socket would
// learn where your backup goes and could answer "ok" for a copy never
// written. A server that is stopped (ctrl+z) fails the request at once.
func RequestBackupNotify(dbPath, target string, timeout time.Duration, waiting func(string)) (BackupInfo, error) {
	sock := ControlSocket(dbPath)
	abs, err := filepath.Abs(target)
	if err != nil {
		return BackupInfo{}, fmt.Errorf("backup target %s: %w", target, err)
	}
	if strings.ContainsAny(abs, "\n\r") {
		return BackupInfo{}, fmt.Errorf("backup target %q: a file name with a line break is not supported", target)
	}
	fi, err := os.Lstat(sock)
	if errors.Is(err, fs.ErrNotExist) {
		return BackupInfo{}, fmt.Errorf("ask for a backup: %w: no socket at %s", ErrNoControl, sock)
	}
	if err != nil {
		return BackupInfo{}, fmt.Errorf("check %s: %w", sock, err)
	}
	if err := CheckPrivateDir(filepath.Dir(sock)); err != nil {
		return BackupInfo{}, err
	}
	switch {
	case fi.Mode().Type() == fs.ModeSymlink:
		return BackupInfo{}, &unsafePathError{sock, "is a symlink: parley talks only to the socket it made; remove the link"}
	case fi.Mode().Type() != fs.ModeSocket:
		return BackupInfo{}, fmt.Errorf("ask for a backup: %w: %s is not a socket", ErrNoControl, sock)
	}
	if uid := fileUID(fi); !mine(uid) {
		return BackupInfo{}, &unsafePathError{sock, fmt.Sprintf("belongs to %s, not you: parley sends it nothing "+
			"(it would learn where your backup goes); remove it (as its owner or root)", ownerName(uid))}
	}
	c, err := net.DialTimeout("unix", sock, min(timeout, 5*time.Second))
	if err != nil {
		return BackupInfo{}, fmt.Errorf("ask for a backup on %s: %w: %w", sock, ErrNoControl, err)
	}
	defer c.Close()
	uid, pid, err := peerCred(c)
	if err != nil {
		return BackupInfo{}, fmt.Errorf("cannot tell who listens on %s: %w", sock, err)
	}
	if uid >= 0 && uid != clientUID() {
		return BackupInfo{}, &unsafePathError{sock, fmt.Sprintf("is served by a process (pid %d) of %s, not yours: "+
			"parley sends it nothing (it would learn where your backup goes)", pid, ownerName(uid))}
	}
	who := "the parley using " + dbPath
	if pid > 0 {
		who += fmt.Sprintf(" (pid %d)", pid)
	}
	_ = c.SetDeadline(time.Now().Add(timeout))
	// A server that refuses at once (another user) may close before the
	// request is written: its answer is still there to read.
	_, werr := io.WriteString(c, "backup "+abs+"\n")
	type answer struct {
		line string
		err  error
	}
	answered := make(chan answer, 1)
	go func() {
		line, err := bufio.NewReader(io.LimitReader(c, controlMaxAnswer)).ReadString('\n')
		answered <- answer{line, err}
	}()
	notice := time.NewTimer(controlNoticeAfter)
	defer notice.Stop()
	poll := time.NewTicker(controlPollStopped)
	defer poll.Stop()
	var a answer
wait:
	for {
		select {
		case a = <-answered:
			break wait
		case <-notice.C:
			if waiting != nil {
				waiting(fmt.Sprintf("waiting for %s to write the copy (at most %s)", who, timeout))
			}
		case <-poll.C:
			// A stopped parley would let the request sit until the
			// timeout: the kernel accepts the connection for it.
			if processStopped(pid) {
				return BackupInfo{}, fmt.Errorf("%s is stopped (suspended with ctrl+z?), so it cannot write the copy: "+
					"resume it (fg in its terminal, or kill -CONT %d) or quit it, then try again", who, pid)
			}
		}
	}
	line, err := a.line, a.err
	if err != nil && werr != nil {
		return BackupInfo{}, fmt.Errorf("ask for a backup on %s: %w", sock, werr)
	}
	if err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return BackupInfo{}, fmt.Errorf("%s did not finish the backup within %s", who, timeout)
		}
		return BackupInfo{}, fmt.Errorf("%s gave no answer to the backup request: %w", who, err)
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
			return BackupInfo{}, fmt.Errorf("%s answered %q to a backup request", who, line)
		}
		return info, nil
	case "error":
		return BackupInfo{}, errors.New(rest)
	}
	return BackupInfo{}, fmt.Errorf("%s answered %q to a backup request", who, line)
}
