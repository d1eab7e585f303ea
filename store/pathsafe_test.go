package store

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// nobody is the uid that plays "another user" on a shared machine.
const nobody = 65534

// needRoot skips a test that hands files to another user: only root can.
func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: the test makes files owned by another user (uid 65534) with chown")
	}
}

// contentAndMode is what a test checks stayed the same: bytes and mode.
type contentAndMode struct {
	data []byte
	mode fs.FileMode
}

func contentAndModeOf(t *testing.T, path string) contentAndMode {
	t.Helper()
	data, err := os.ReadFile(path)
	mustNil(t, err)
	fi, err := os.Stat(path)
	mustNil(t, err)
	return contentAndMode{data, fi.Mode()}
}

func sameState(t *testing.T, path string, before contentAndMode) {
	t.Helper()
	after := contentAndModeOf(t, path)
	if !bytes.Equal(after.data, before.data) || after.mode != before.mode {
		t.Errorf("%s changed: %d bytes %v, was %d bytes %v", path, len(after.data), after.mode, len(before.data), before.mode)
	}
}

func wantUnsafe(t *testing.T, err error, wants ...string) {
	t.Helper()
	if !errors.Is(err, ErrUnsafePath) {
		t.Fatalf("err = %v, want ErrUnsafePath", err)
	}
	for _, w := range wants {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("err = %q, want it to say %q", err, w)
		}
	}
}

// Another user pre-creates parley.db (0666) for you to fill.
func TestOpenRefusesADatabaseOfAnotherUser(t *testing.T) {
	needRoot(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "parley.db")
	mustNil(t, os.WriteFile(path, nil, 0o666))
	mustNil(t, os.Chmod(path, 0o666))
	mustNil(t, os.Chown(path, nobody, nobody))
	before := contentAndModeOf(t, path)

	s, err := Open(path, Options{NoSync: true})
	if err == nil {
		s.Close()
	}
	wantUnsafe(t, err, path+" belongs to uid 65534", "not you")
	sameState(t, path, before)
}

// The same in the shared directory itself: refused before any file.
func TestOpenRefusesADirectoryOthersCanWrite(t *testing.T) {
	for _, tc := range []struct {
		mode fs.FileMode
		want string
	}{{0o777, "0777"}, {0o770, "0770"}, {0o757, "0757"}, {0o777 | fs.ModeSticky, "1777"}} {
		t.Run(tc.want, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "shared")
			mustNil(t, os.Mkdir(dir, 0o700))
			mustNil(t, os.Chmod(dir, tc.mode))
			path := filepath.Join(dir, "parley.db")
			s, err := Open(path, Options{NoSync: true})
			if err == nil {
				s.Close()
			}
			wantUnsafe(t, err, "directory "+dir+" is writable by others (mode "+tc.want+")")
			if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("a refused Open left %s (stat: %v)", path, err)
			}
		})
	}
}

func TestOpenRefusesADirectoryOfAnotherUser(t *testing.T) {
	needRoot(t)
	dir := filepath.Join(t.TempDir(), "theirs")
	mustNil(t, os.Mkdir(dir, 0o755))
	mustNil(t, os.Chown(dir, nobody, nobody))
	path := filepath.Join(dir, "parley.db")
	_, err := Open(path, Options{NoSync: true})
	wantUnsafe(t, err, "directory "+dir+" belongs to uid 65534")
	if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a refused Open left %s (stat: %v)", path, err)
	}
}

// parley.db -> your empty file must not turn that file into a database.
func TestOpenRefusesASymlinkedDatabase(t *testing.T) {
	for _, name := range []string{"empty file", "missing file"} {
		t.Run(name, func(t *testing.T) {
			victim := filepath.Join(t.TempDir(), "notes.txt")
			if name == "empty file" {
				mustNil(t, os.WriteFile(victim, nil, 0o644))
				mustNil(t, os.Chmod(victim, 0o644))
			}
			dir := t.TempDir()
			path := filepath.Join(dir, "parley.db")
			mustNil(t, os.Symlink(victim, path))

			for _, o := range []Options{{NoSync: true}, {NoSync: true, MustExist: true}} {
				s, err := Open(path, o)
				if err == nil {
					s.Close()
				}
				wantUnsafe(t, err, path+" is a symlink", "does not follow links")
			}
			if name == "empty file" {
				sameState(t, victim, contentAndMode{nil, 0o644})
			} else if _, err := os.Lstat(victim); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("the link's target was created (stat: %v)", err)
			}
			_, err := BackupFile(path, filepath.Join(t.TempDir(), "copy.db"), time.Second)
			wantUnsafe(t, err, path+" is a symlink")
		})
	}
}

func TestOpenMustExistCreatesNothing(t *testing.T) {
	base := t.TempDir()
	for _, path := range []string{filepath.Join(base, "typo.db"), filepath.Join(base, "no", "such", "dir", "typo.db")} {
		s, err := Open(path, Options{NoSync: true, MustExist: true})
		if err == nil {
			s.Close()
		}
		if !errors.Is(err, ErrNoDatabase) || !strings.Contains(err.Error(), "no database at "+path) {
			t.Errorf("err = %v, want ErrNoDatabase naming %s", err, path)
		}
	}
	if entries, _ := os.ReadDir(base); len(entries) != 0 {
		t.Errorf("Open with MustExist created %v", entries)
	}
	// An existing database opens as usual.
	path := filepath.Join(base, "real.db")
	s, err := Open(path, Options{NoSync: true})
	mustNil(t, err)
	mustNil(t, s.Close())
	s, err = Open(path, Options{NoSync: true, MustExist: true})
	mustNil(t, err)
	mustNil(t, s.Close())
}

func TestOpenPrivateFileRefusesLinksAndOthers(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "bashrc")
	mustNil(t, os.WriteFile(victim, []byte("export EDITOR=vi\n"), 0o644))
	before := contentAndModeOf(t, victim)
	link := filepath.Join(dir, "parley.log")
	mustNil(t, os.Symlink(victim, link))
	_, err := OpenPrivateFile(link, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	wantUnsafe(t, err, link+" is a symlink")
	sameState(t, victim, before)

}

// Under sun_path's 108 bytes the socket is beside the database; over it,
// in $XDG_RUNTIME_DIR/parley, and a backup still reaches the server.
func TestControlSocketForALongPathIsInTheRuntimeDir(t *testing.T) {
	runtimeDir := t.TempDir()
	t.Setenv("XDG_RUNTIME_DIR", runtimeDir)
	dir := filepath.Join(t.TempDir(), strings.Repeat("d", 60), strings.Repeat("e", 60))
	path := filepath.Join(dir, "parley.db")
	s, err := Open(path, Options{NoSync: true})
	mustNil(t, err)
	t.Cleanup(func() { s.Close() })
	fillForBackup(t, s)

	sock, why := ControlSocketPlace(path)
	if filepath.Dir(sock) != filepath.Join(runtimeDir, "parley") || len(sock) > maxSocketPath {
		t.Fatalf("socket %s, want a short path in %s/parley", sock, runtimeDir)
	}
	if !strings.Contains(why, "over the 107-byte limit") || !strings.Contains(why, "$XDG_RUNTIME_DIR") {
		t.Errorf("why = %q", why)
	}
	stop := serveTest(t, s)
	if fi, err := os.Stat(filepath.Dir(sock)); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("socket directory: %v, %v; want 0700", fi, err)
	}
	target := filepath.Join(t.TempDir(), "copy.db")
	info, err := RequestBackup(path, target, 10*time.Second)
	mustNil(t, err)
	if info.Threads != 3 {
		t.Errorf("backup = %+v, want 3 threads", info)
	}
	openCopy(t, target)
	stop()

	// No runtime dir: a private directory under the temp dir.
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	t.Setenv("XDG_RUNTIME_DIR", "")
	sock, why = ControlSocketPlace(path)
	if !strings.HasPrefix(sock, tmp+"/parley-") || !strings.Contains(why, "$XDG_RUNTIME_DIR is not set") {
		t.Errorf("without XDG_RUNTIME_DIR: %s (%s)", sock, why)
	}
	serveTest(t, s)
	if _, err := RequestBackup(path, filepath.Join(t.TempDir(), "copy.db"), 10*time.Second); err != nil {
		t.Errorf("backup through %s: %v", sock, err)
	}
	// A short path stays beside the database.
	short := filepath.Join(t.TempDir(), "p.db")
	if got, why := ControlSocketPlace(short); got != short+".sock" || why != "beside the database" {
		t.Errorf("short path: %s (%s)", got, why)
	}
}

// A runtime directory another user owns (or can write) is not used.
func TestControlSocketSkipsAnUnsafeRuntimeDir(t *testing.T) {
	runtimeDir := t.TempDir()
	mustNil(t, os.Chmod(runtimeDir, 0o777))
	t.Setenv("XDG_RUNTIME_DIR", runtimeDir)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	path := filepath.Join(t.TempDir(), strings.Repeat("x", 120), "parley.db")
	sock, why := ControlSocketPlace(path)
	if !strings.HasPrefix(sock, tmp+"/parley-") || !strings.Contains(why, "$XDG_RUNTIME_DIR is not private") {
		t.Errorf("socket %s (%s), want it under %s", sock, why, tmp)
	}
}

// fakeServer listens on sock as an impostor would: it answers every
// request "ok 1 77" and records what it was told.
type fakeServer struct {
	mu    sync.Mutex
	conns int
	got   []byte
}

func startFake(t *testing.T, sock string) *fakeServer {
	t.Helper()
	ln, err := net.Listen("unix", sock)
	mustNil(t, err)
	t.Cleanup(func() { ln.Close() })
	f := &fakeServer{}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			f.mu.Lock()
			f.conns++
			f.mu.Unlock()
			_ = c.SetDeadline(time.Now().Add(5 * time.Second))
			line, _ := bufio.NewReader(c).ReadString('\n')
			f.mu.Lock()
			f.got = append(f.got, line...)
			f.mu.Unlock()
			_, _ = io.WriteString(c, "ok 1 77\n")
			c.Close()
		}
	}()
	return f
}

func (f *fakeServer) told() (int, string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.conns, string(f.got)
}

// Another user's socket beside your database gets nothing, not even a
// connection: it would learn where your backup goes and answer "ok".
func TestRequestBackupRefusesAnotherUsersSocket(t *testing.T) {
	needRoot(t)
	path := filepath.Join(t.TempDir(), "parley.db")
	sock := ControlSocket(path)
	fake := startFake(t, sock)
	mustNil(t, os.Chown(sock, nobody, nobody))

	target := filepath.Join(t.TempDir(), "secret-plans.db")
	_, err := RequestBackup(path, target, 10*time.Second)
	wantUnsafe(t, err, sock+" belongs to uid 65534", "parley sends it nothing")
	if n, got := fake.told(); n != 0 || got != "" {
		t.Errorf("the impostor got %d connections and %q", n, got)
	}
	if _, err := os.Lstat(target); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("stat %s: %v", target, err)
	}
}

// A socket file of yours served by a process of another user (the kernel
// says who listens) gets no request either.
func TestRequestBackupChecksTheServersUID(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("peer credentials are checked on Linux only")
	}
	saved := clientUID
	clientUID = func() int { return os.Getuid() + 1 } // the listener is now someone else
	t.Cleanup(func() { clientUID = saved })
	path := filepath.Join(t.TempDir(), "parley.db")
	fake := startFake(t, ControlSocket(path))

	_, err := RequestBackup(path, filepath.Join(t.TempDir(), "copy.db"), 10*time.Second)
	wantUnsafe(t, err, "is served by a process (pid ", "not yours", "parley sends it nothing")
	// It connected (that is how it asks the kernel), but sent nothing.
	deadline := time.Now().Add(5 * time.Second)
	for n, _ := fake.told(); n == 0 && time.Now().Before(deadline); n, _ = fake.told() {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // let it read what there is
	if _, got := fake.told(); got != "" {
		t.Errorf("the other user's server was told %q", got)
	}
}

// The server does not dial or remove another user's socket either.
func TestServeControlRefusesAnotherUsersSocket(t *testing.T) {
	needRoot(t)
	s := openTest(t)
	sock := ControlSocket(s.Path())
	fake := startFake(t, sock)
	mustNil(t, os.Chown(sock, nobody, nobody))
	stop, err := s.ServeControl(t.Context())
	if err == nil {
		stop()
	}
	wantUnsafe(t, err, sock+" belongs to uid 65534")
	if n, _ := fake.told(); n != 0 {
		t.Errorf("the server dialled the other user's socket %d times", n)
	}
}

// The longest path that fits stays beside the database; one byte more
// moves.
func TestControlSocketAtTheLimit(t *testing.T) {
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	base := t.TempDir()
	pad := maxSocketPath - len(base+"/"+"/parley.db.sock")
	if pad < 1 {
		t.Skipf("temp dir %s is too long for this test", base)
	}
	path := filepath.Join(base, strings.Repeat("p", pad), "parley.db")
	if sock := ControlSocket(path); sock != path+".sock" || len(sock) != maxSocketPath {
		t.Fatalf("socket %s (%d bytes), want it beside the database at %d bytes", sock, len(sock), maxSocketPath)
	}
	s, err := Open(path, Options{NoSync: true})
	mustNil(t, err)
	t.Cleanup(func() { s.Close() })
	serveTest(t, s)
	if _, err := RequestBackup(path, filepath.Join(t.TempDir(), "copy.db"), 10*time.Second); err != nil {
		t.Errorf("backup at the limit: %v", err)
	}
	longer := filepath.Join(base, strings.Repeat("p", pad+1), "parley.db")
	if sock := ControlSocket(longer); sock == longer+".sock" {
		t.Errorf("a %d-byte socket path stayed beside the database", len(sock))
	}
}
