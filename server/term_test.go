package server

import (
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/vt"
	gossh "golang.org/x/crypto/ssh"
)

// screen is a teammate's terminal in a test: what the server sends is fed
// to a terminal emulator, so tests read the screen as a person sees it
// (the renderer only redraws the cells that changed, so the raw stream
// does not hold whole lines), and the emulator's answers to the console's
// queries go back to the server as a terminal's would.
type screen struct {
	t      *testing.T
	client *gossh.Client
	sess   *gossh.Session

	mu sync.Mutex // vt and its parser
	vt *vt.Emulator

	inMu  sync.Mutex // keys and the emulator's answers share stdin
	stdin io.WriteCloser
}

const termW, termH = 110, 30

// openScreen logs in with signer and opens a console in a pty.
func openScreen(t *testing.T, addr string, hostKey gossh.PublicKey, signer gossh.Signer) *screen {
	t.Helper()
	client, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{User: "teammate",
		Auth: []gossh.AuthMethod{gossh.PublicKeys(signer)}, HostKeyCallback: gossh.FixedHostKey(hostKey),
		Timeout: 5 * time.Second})
	if err != nil {
		t.Fatalf("log in: %v", err)
	}
	return openScreenOn(t, client)
}

// openScreenOn opens a console in a pty on a logged-in client.
func openScreenOn(t *testing.T, client *gossh.Client) *screen {
	t.Helper()
	t.Cleanup(func() { client.Close() })
	sess, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.RequestPty("xterm-256color", termH, termW, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	stdin, err := sess.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := sess.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &screen{t: t, client: client, sess: sess, vt: vt.NewEmulator(termW, termH), stdin: stdin}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	go func() {
		buf := make([]byte, 32<<10)
		for {
			n, err := stdout.Read(buf)
			if n > 0 {
				s.mu.Lock()
				_, _ = s.vt.Write(buf[:n])
				s.mu.Unlock()
			}
			if err != nil {
				return
			}
		}
	}()
	go func() { // the terminal's answers (background colour, cursor position…)
		buf := make([]byte, 1024)
		for {
			n, err := s.vt.Read(buf)
			if err != nil {
				return
			}
			s.inMu.Lock()
			_, _ = s.stdin.Write(buf[:n])
			s.inMu.Unlock()
		}
	}()
	// Ends the answers' goroutine (Emulator.Close would race with its Read).
	t.Cleanup(func() { _ = s.vt.InputPipe().(io.Closer).Close() })
	return s
}

// text is the screen's content, lines trimmed.
func (s *screen) text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.vt.String()
}

// press types keys as a terminal sends them ("\r" is enter).
func (s *screen) press(keys string) {
	s.inMu.Lock()
	defer s.inMu.Unlock()
	if _, err := io.WriteString(s.stdin, keys); err != nil {
		s.t.Fatalf("type %q: %v", keys, err)
	}
}

// waitUntil waits for cond on the screen's text, failing after within.
// It returns how long it took.
func (s *screen) waitUntil(what string, within time.Duration, cond func(string) bool) time.Duration {
	s.t.Helper()
	start := time.Now()
	for {
		txt := s.text()
		if cond(txt) {
			return time.Since(start)
		}
		if time.Since(start) > within {
			s.t.Fatalf("after %v the screen still does not show %s:\n%s", within, what, txt)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitFor waits until the screen shows every one of want.
func (s *screen) waitFor(within time.Duration, want ...string) time.Duration {
	s.t.Helper()
	return s.waitUntil(strings.Join(want, ", "), within, func(txt string) bool {
		for _, w := range want {
			if !strings.Contains(txt, w) {
				return false
			}
		}
		return true
	})
}
