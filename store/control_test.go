package store

import (
	"bufio"
	"context"
	"errors"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// serveTest starts the control socket of s and stops it when the test ends.
func serveTest(t *testing.T, s *Store) (stop func()) {
	t.Helper()
	stop, err := s.ServeControl(context.Background())
	if err != nil {
		t.Fatalf("ServeControl: %v", err)
	}
	t.Cleanup(stop)
	return stop
}

// ask sends one raw request line and returns the answer line.
func ask(t *testing.T, sock, request string) string {
	t.Helper()
	c, err := net.DialTimeout("unix", sock, time.Second)
	mustNil(t, err)
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	_, err = io.WriteString(c, request)
	mustNil(t, err)
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		t.Fatalf("no answer to %.40q: %v (got %q)", request, err, line)
	}
	return line
}

func TestControlServesABackup(t *testing.T) {
	s := openTest(t, "support")
	draftThread := fillForBackup(t, s)
	stop := serveTest(t, s)
	sock := s.Path() + ".sock"
	if ControlSocket(s.Path()) != sock {
		t.Fatalf("ControlSocket = %q, want %q", ControlSocket(s.Path()), sock)
	}
	fi, err := os.Lstat(sock)
	mustNil(t, err)
	if fi.Mode().Type() != fs.ModeSocket || fi.Mode().Perm() != 0o600 {
		t.Errorf("socket mode = %v, want a socket with 0600", fi.Mode())
	}

	target := filepath.Join(t.TempDir(), "copy.db")
	info, err := RequestBackup(s.Path(), target, 10*time.Second)
	mustNil(t, err)
	if info.Threads != 3 {
		t.Errorf("info = %+v, want 3 threads", info)
	}
	if fi, err := os.Stat(target); err != nil || fi.Size() != info.Bytes || fi.Mode().Perm() != 0o600 {
		t.Errorf("copy: %v, %v; want %d bytes, 0600", fi, err, info.Bytes)
	}
	c := openCopy(t, target)
	if d, ok, _ := c.Draft(draftThread); !ok || d.Text != "Sorry, looking into it" {
		t.Errorf("copy draft = %+v, %v", d, ok)
	}

	// The store keeps working while and after it serves.
	mustNil(t, s.SaveDraft(draftThread, "still writable", at(9)))

	stop()
	if _, err := os.Lstat(sock); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("socket still there after stop (stat: %v)", err)
	}
	if _, err := RequestBackup(s.Path(), filepath.Join(t.TempDir(), "x.db"), time.Second); !errors.Is(err, ErrNoControl) {
		t.Errorf("after stop: err = %v, want ErrNoControl", err)
	}
	stop() // twice is harmless
}

func TestControlAnswersBadRequestsWithAnError(t *testing.T) {
	s := openTest(t)
	serveTest(t, s)
	sock := ControlSocket(s.Path())
	existing := filepath.Join(t.TempDir(), "exists.db")
	mustNil(t, os.WriteFile(existing, []byte("keep"), 0o600))

	tests := []struct {
		name, request, want string
	}{
		{"unknown verb", "restore /tmp/x\n", `error unknown request "restore"`},
		{"relative path", "backup copy.db\n", "error backup needs an absolute path"},
		{"no path", "backup\n", "error backup needs an absolute path"},
		{"existing target", "backup " + existing + "\n", "error back up " + s.Path() + " to " + existing},
		{"missing directory", "backup /nonexistent-dir-parley/copy.db\n", "error back up"},
		{"too long", "backup /" + strings.Repeat("a", controlMaxRequest) + "\n", "error a request is one line of at most"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ask(t, sock, tc.request)
			if !strings.HasPrefix(got, tc.want) || strings.Count(got, "\n") != 1 {
				t.Errorf("answer = %q, want one line starting %q", got, tc.want)
			}
		})
	}
	if raw, _ := os.ReadFile(existing); string(raw) != "keep" {
		t.Errorf("the existing target was overwritten: %q", raw)
	}
	// After all that, a good request is still served.
	if _, err := RequestBackup(s.Path(), filepath.Join(t.TempDir(), "ok.db"), 10*time.Second); err != nil {
		t.Errorf("good request after bad ones: %v", err)
	}
}

// The client turns the server's error answer into its error.
func TestRequestBackupReportsTheServersError(t *testing.T) {
	s := openTest(t)
	serveTest(t, s)
	existing := filepath.Join(t.TempDir(), "exists.db")
	mustNil(t, os.WriteFile(existing, nil, 0o600))
	_, err := RequestBackup(s.Path(), existing, 10*time.Second)
	if err == nil || !strings.Contains(err.Error(), existing+": file already exists") {
		t.Errorf("err = %v, want the server's message naming %s", err, existing)
	}
}

func TestControlReplacesAStaleSocket(t *testing.T) {
	s := openTest(t)
	sock := ControlSocket(s.Path())
	// What a killed parley leaves: the socket file, nobody listening.
	ln, err := net.Listen("unix", sock)
	mustNil(t, err)
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	mustNil(t, ln.Close())
	if _, err := os.Lstat(sock); err != nil {
		t.Fatalf("no stale socket to test with: %v", err)
	}
	if _, err := RequestBackup(s.Path(), filepath.Join(t.TempDir(), "x.db"), time.Second); !errors.Is(err, ErrNoControl) {
		t.Errorf("stale socket: err = %v, want ErrNoControl", err)
	}

	serveTest(t, s)
	if _, err := RequestBackup(s.Path(), filepath.Join(t.TempDir(), "copy.db"), 10*time.Second); err != nil {
		t.Errorf("backup through the replaced socket: %v", err)
	}
}

func TestControlRefusesASecondServer(t *testing.T) {
	s := openTest(t)
	serveTest(t, s)
	sock := ControlSocket(s.Path())
	stop, err := s.ServeControl(context.Background())
	if err == nil {
		stop()
		t.Fatal("a second ServeControl on the same database succeeded")
	}
	if !strings.Contains(err.Error(), "another parley already answers on "+sock) {
		t.Errorf("err = %v, want it to name the socket in use", err)
	}
	// The first one is untouched.
	if _, err := RequestBackup(s.Path(), filepath.Join(t.TempDir(), "copy.db"), 10*time.Second); err != nil {
		t.Errorf("first server after the refused second: %v", err)
	}
}

func TestControlLeavesAFileThatIsNotASocket(t *testing.T) {
	s := openTest(t)
	sock := ControlSocket(s.Path())
	mustNil(t, os.WriteFile(sock, []byte("notes"), 0o600))
	if _, err := s.ServeControl(context.Background()); err == nil || !strings.Contains(err.Error(), sock+" exists and is not a socket") {
		t.Errorf("err = %v, want a refusal naming %s", err, sock)
	}
	if raw, _ := os.ReadFile(sock); string(raw) != "notes" {
		t.Errorf("the file became %q", raw)
	}
}

func TestControlServesOnlyItsOwnUser(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("peer credentials are checked on Linux only")
	}
	saved := controlUID
	controlUID = func() int { return os.Getuid() + 1 } // the server now runs as someone else
	t.Cleanup(func() { controlUID = saved })
	s := openTest(t)
	serveTest(t, s)

	target := filepath.Join(t.TempDir(), "copy.db")
	_, err := RequestBackup(s.Path(), target, 10*time.Second)
	if err == nil || !strings.Contains(err.Error(), "only the user who runs this parley") {
		t.Errorf("err = %v, want a refusal", err)
	}
	if _, err := os.Stat(target); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a refused request wrote %s (stat: %v)", target, err)
	}
}

// A client that connects and says nothing is cut off, with an error
// answer, and the one behind it is served.
func TestControlSilentClientIsCutOff(t *testing.T) {
	saved := controlIOTimeout
	controlIOTimeout = 200 * time.Millisecond
	t.Cleanup(func() { controlIOTimeout = saved })
	s := openTest(t)
	serveTest(t, s)

	silent, err := net.Dial("unix", ControlSocket(s.Path()))
	mustNil(t, err)
	defer silent.Close()
	if _, err := RequestBackup(s.Path(), filepath.Join(t.TempDir(), "copy.db"), 10*time.Second); err != nil {
		t.Errorf("request behind a silent client: %v", err)
	}
	_ = silent.SetReadDeadline(time.Now().Add(10 * time.Second))
	if rest, err := io.ReadAll(silent); err != nil || !strings.HasPrefix(string(rest), "error ") {
		t.Errorf("silent client got %q, %v; want an error answer and the connection closed", rest, err)
	}
}

// Quitting parley does not wait for a silent client.
func TestControlStopDoesNotWaitForASilentClient(t *testing.T) {
	saved := controlIOTimeout
	controlIOTimeout = time.Hour
	t.Cleanup(func() { controlIOTimeout = saved })
	s := openTest(t)
	fds := openFDs(t)
	stop := serveTest(t, s) // +1: the listener
	silent, err := net.Dial("unix", ControlSocket(s.Path()))
	mustNil(t, err)
	defer silent.Close() // +1
	// +1 once the server has accepted it and sits in the read.
	deadline := time.Now().Add(10 * time.Second)
	for openFDs(t) < fds+3 {
		if time.Now().After(deadline) {
			t.Fatalf("the server never accepted the connection (%d fds, want %d)", openFDs(t), fds+3)
		}
		time.Sleep(time.Millisecond)
	}
	stopped := make(chan struct{})
	go func() { stop(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(10 * time.Second):
		t.Fatal("stop waits on a silent client")
	}
}

// openFDs counts this process's open files (Linux); elsewhere it skips.
func openFDs(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("cannot count open files here: %v", err)
	}
	return len(entries)
}
