package server

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"parley/engine"
	"parley/feeds"
	"parley/store"
	"parley/ui"
)

// The three threads of the test store; titles that share no word, so a
// screen shows which are there.
var titles = []string{"Pricing for a team of nine", "CSV export drops accents", "Loving the offline mode"}

// testKey is a fixed ed25519 key.
func testKey(t *testing.T, seed byte) gossh.Signer {
	t.Helper()
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type testServer struct {
	addr    string
	hostKey gossh.PublicKey
	st      *store.Store
	srv     *Server
	eng     *engine.Engine
	dataDir string
}

var (
	mayaKey = func(t *testing.T) gossh.Signer { return testKey(t, 1) }
	bobKey  = func(t *testing.T) gossh.Signer { return testKey(t, 2) }
)

// startServer runs a server for Maya and Bob on a store holding the three
// threads, on a loopback port.
func startServer(t *testing.T, more ...feeds.Teammate) *testServer {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, "data", "parley.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	fill(t, st, dir)

	key, _, err := LoadHostKey(filepath.Join(dir, "data", HostKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	eng := engine.New(engine.Config{Store: st})
	ctx, cancel := context.WithCancel(context.Background())
	eng.Start(ctx)
	team := []feeds.Teammate{
		{Name: "Maya", SSHKeys: []gossh.PublicKey{mayaKey(t).PublicKey()}},
		{Name: "Bob", SSHKeys: []gossh.PublicKey{bobKey(t).PublicKey()}},
		{Name: "Ana", UnixUser: "ana"}, // no key: cannot log in over SSH
	}
	team = append(team, more...)
	srv, err := New(Config{Engine: eng, Teammates: team, HostKey: key, UI: ui.Deps{ConfigPath: "(test)"}})
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	t.Cleanup(func() {
		sctx, scancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer scancel()
		if err := srv.Shutdown(sctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
		cancel()
		eng.Close()
	})
	return &testServer{addr: l.Addr().String(), hostKey: key.PublicKey(), st: st, srv: srv, eng: eng, dataDir: filepath.Join(dir, "data")}
}

// fill stores the three threads as a poll of a local RSS file would.
func fill(t *testing.T, st *store.Store, dir string) {
	t.Helper()
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>Forum</title>`)
	for i, title := range titles {
		fmt.Fprintf(&b, `<item><title>%s</title><link>https://forum.example.com/t/%d</link><author>w%d@example.com (Writer %d)</author>`+
			`<guid>t-%d</guid><pubDate>Tue, 03 Mar 2026 10:0%d:00 +0000</pubDate><description>%s, says writer %d</description></item>`,
			title, i, i, i, i, i, title, i)
	}
	b.WriteString(`</channel></rss>`)
	path := filepath.Join(dir, "forum.rss")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	eng := engine.New(engine.Config{Store: st, Feeds: []feeds.Feed{{Name: "Forum", URL: path, Every: time.Hour}}})
	defer eng.Close()
	var errs []error
	eng.FetchOnce(context.Background(), func(_ feeds.Result, _ store.IngestResult, err error) {
		if err != nil {
			errs = append(errs, err)
		}
	})
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
}

// countTitles counts the threads in the queue on screen (their rows
// show the message: the title, then ", says"; the status line names a
// thread just archived too).
func countTitles(txt string) int {
	n := 0
	for _, title := range titles {
		if strings.Contains(txt, title+", says") {
			n++
		}
	}
	return n
}

// A teammate's key opens a console as that teammate, showing the queue.
func TestServeTeammateKeyOpensConsole(t *testing.T) {
	ts := startServer(t)
	maya := openScreen(t, ts.addr, ts.hostKey, mayaKey(t))
	maya.waitFor(5*time.Second, titles...)
	if n := ts.srv.open(); n != 1 {
		t.Errorf("%d consoles open, want 1", n)
	}
	ts.srv.mu.Lock()
	for _, c := range ts.srv.sessions {
		if c.name != "Maya" {
			t.Errorf("the console is %q's, want Maya's", c.name)
		}
	}
	ts.srv.mu.Unlock()
	// q quits the console and ends the session with status 0.
	maya.press("q")
	done := make(chan error, 1)
	go func() { done <- maya.sess.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("session ended with %v after q, want exit 0", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("q did not end the session")
	}
}

// Any key that is not a teammate's is refused during authentication, as
// are passwords and keyboard-interactive: no session ever starts.
func TestServeRefusesUnknownKeysAndPasswords(t *testing.T) {
	ts := startServer(t)
	for name, auth := range map[string]gossh.AuthMethod{
		"unknown key": gossh.PublicKeys(testKey(t, 9)),
		"password":    gossh.Password("hunter2"),
		"keyboard-interactive": gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) {
			return []string{"hunter2"}, nil
		}),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := gossh.Dial("tcp", ts.addr, &gossh.ClientConfig{User: "maya", Auth: []gossh.AuthMethod{auth},
				HostKeyCallback: gossh.FixedHostKey(ts.hostKey), Timeout: 5 * time.Second})
			if err == nil || !strings.Contains(err.Error(), "unable to authenticate") {
				t.Fatalf("err = %v, want the login refused", err)
			}
		})
	}
	if n := ts.srv.open(); n != 0 {
		t.Errorf("%d consoles open after refused logins", n)
	}
}

// dial logs in as Maya without opening a session.
func dial(t *testing.T, ts *testServer) *gossh.Client {
	t.Helper()
	c, err := gossh.Dial("tcp", ts.addr, &gossh.ClientConfig{User: "maya", Auth: []gossh.AuthMethod{gossh.PublicKeys(mayaKey(t))},
		HostKeyCallback: gossh.FixedHostKey(ts.hostKey), Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// A command (with or without a pty) is refused with one line on stderr
// and exit status 1; so is a session without a terminal.
func TestServeRefusesCommandsAndSessionsWithoutTerminal(t *testing.T) {
	ts := startServer(t)
	cases := []struct {
		name string
		pty  bool
		run  func(*gossh.Session) error
		want string
	}{
		{"exec", false, func(s *gossh.Session) error { return s.Run("cat /etc/passwd") }, `parley serve opens a console only and runs no commands ("cat /etc/passwd" refused)`},
		{"exec with pty", true, func(s *gossh.Session) error { return s.Run("sh") }, `runs no commands ("sh" refused)`},
		{"shell without pty", false, func(s *gossh.Session) error { return errors.Join(s.Shell(), s.Wait()) }, "parley serve needs a terminal: ssh -t -p "},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sess, err := dial(t, ts).NewSession()
			if err != nil {
				t.Fatal(err)
			}
			var stderr, stdout bytes.Buffer
			sess.Stderr, sess.Stdout = &stderr, &stdout
			if tc.pty {
				if err := sess.RequestPty("xterm", 24, 80, gossh.TerminalModes{}); err != nil {
					t.Fatal(err)
				}
			}
			err = tc.run(sess)
			var exit *gossh.ExitError
			if !errors.As(err, &exit) || exit.ExitStatus() != 1 {
				t.Fatalf("err = %v, want exit status 1", err)
			}
			line := stderr.String()
			if !strings.Contains(line, tc.want) || strings.Count(strings.TrimSpace(line), "\n") != 0 {
				t.Errorf("stderr = %q, want one line with %q", line, tc.want)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout = %q, want nothing", stdout.String())
			}
		})
	}
	if n := ts.srv.open(); n != 0 {
		t.Errorf("%d consoles open after refused sessions", n)
	}
}

// Subsystems (sftp), port forwarding both ways, agent and X11 forwarding
// are refused.
func TestServeRefusesSubsystemsAndForwarding(t *testing.T) {
	ts := startServer(t)
	c := dial(t, ts)
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.RequestSubsystem("sftp"); err == nil {
		t.Error("the sftp subsystem was accepted")
	}
	sess, err = c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	for _, req := range []string{"auth-agent-req@openssh.com", "x11-req"} {
		ok, err := sess.SendRequest(req, true, nil)
		if err != nil || ok {
			t.Errorf("%s: accepted %v, err %v; want refused", req, ok, err)
		}
	}
	if l, err := c.Listen("tcp", "127.0.0.1:0"); err == nil {
		l.Close()
		t.Error("remote port forwarding was accepted")
	}
	target, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer target.Close()
	if conn, err := c.Dial("tcp", target.Addr().String()); err == nil {
		conn.Close()
		t.Error("local port forwarding (direct-tcpip) was accepted")
	}
}

// Two teammates at once each get their own console, and what one does
// reaches the other's screen within a second.
func TestServeTwoTeammatesSeeEachOthersChanges(t *testing.T) {
	ts := startServer(t)
	maya := openScreen(t, ts.addr, ts.hostKey, mayaKey(t))
	bob := openScreen(t, ts.addr, ts.hostKey, bobKey(t))
	maya.waitFor(5*time.Second, titles...)
	bob.waitFor(5*time.Second, titles...)
	if n := ts.srv.open(); n != 2 {
		t.Fatalf("%d consoles open, want 2", n)
	}
	names := map[string]bool{}
	ts.srv.mu.Lock()
	for _, c := range ts.srv.sessions {
		names[c.name] = true
	}
	ts.srv.mu.Unlock()
	if !names["Maya"] || !names["Bob"] {
		t.Errorf("consoles are %v, want Maya's and Bob's", names)
	}

	// Bob moves his cursor; Maya's stays: the consoles are separate.
	bob.press("j")
	// Maya marks the thread under her cursor done.
	maya.press("e")
	gone := maya.waitUntil("one thread gone", 5*time.Second, func(txt string) bool { return countTitles(txt) == 2 })
	took := bob.waitUntil("Maya's done thread gone", time.Second, func(txt string) bool { return countTitles(txt) == 2 })
	t.Logf("Maya's screen: %v; Bob's screen %v after that", gone, took)
	if m, b := missing(maya.text()), missing(bob.text()); m != b {
		t.Errorf("Maya archived %q but Bob's screen lost %q", m, b)
	}
	q, err := ts.st.Queue(time.Now())
	if err != nil || len(q) != 2 {
		t.Errorf("queue holds %d threads (err %v), want 2", len(q), err)
	}
}

func missing(txt string) string {
	for _, title := range titles {
		if !strings.Contains(txt, title+", says") {
			return title
		}
	}
	return ""
}

// A session that ends abruptly keeps what its teammate was typing.
func TestServeDroppedSessionKeepsTheDraft(t *testing.T) {
	ts := startServer(t)
	maya := openScreen(t, ts.addr, ts.hostKey, mayaKey(t))
	maya.waitFor(5*time.Second, titles...)
	maya.press("\r") // open the thread under the cursor
	maya.waitFor(5*time.Second, "says writer")
	maya.press("r")
	maya.press("half an answer")
	maya.waitFor(5*time.Second, "half an answer")
	maya.client.Close() // the laptop lid closes
	waitDraft(t, ts, "Maya", "half an answer")
	if hasDraft(t, ts, "Bob", "half an answer") {
		t.Error("Bob reads Maya's draft: drafts are per teammate")
	}
	waitClosed(t, ts)
}

// Shutdown (SIGTERM) saves every console's draft before it returns.
func TestServeShutdownSavesDrafts(t *testing.T) {
	ts := startServer(t)
	maya := openScreen(t, ts.addr, ts.hostKey, mayaKey(t))
	maya.waitFor(5*time.Second, titles...)
	maya.press("\r")
	maya.waitFor(5*time.Second, "says writer")
	maya.press("r")
	maya.press("typed before the restart")
	maya.waitFor(5*time.Second, "typed before the restart")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := ts.srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if n := ts.srv.open(); n != 0 {
		t.Errorf("%d consoles open after Shutdown", n)
	}
	if !hasDraft(t, ts, "Maya", "typed before the restart") {
		t.Error("Shutdown returned before the draft was saved")
	}
	if err := maya.sess.Wait(); err == nil || errors.Is(err, context.Canceled) {
		// Any end is fine; what matters is that it ended.
		_ = err
	}
}

// hasDraft reports whether teammate who has a draft with text (drafts are
// per teammate).
func hasDraft(t *testing.T, ts *testServer, who, text string) bool {
	t.Helper()
	q, err := ts.st.Queue(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, th := range q {
		d, ok, err := ts.st.As(who).Draft(th.ID)
		if err != nil {
			t.Fatal(err)
		}
		if ok && d.Text == text {
			return true
		}
	}
	return false
}

func waitDraft(t *testing.T, ts *testServer, who, text string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !hasDraft(t, ts, who, text) {
		if time.Now().After(deadline) {
			t.Fatalf("no draft %q saved", text)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func waitClosed(t *testing.T, ts *testServer) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for ts.srv.open() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d consoles still open", ts.srv.open())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// ctrl+e (compose in $EDITOR) would run a program on the server as the
// server's user, and an editor can start a shell: over SSH it does
// nothing, and typing goes on in the composer.
func TestServeNoEditorOverSSH(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "editor-ran")
	script := filepath.Join(t.TempDir(), "editor.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\ntouch "+marker+"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("EDITOR", script)
	t.Setenv("VISUAL", script)
	ts := startServer(t)
	maya := openScreen(t, ts.addr, ts.hostKey, mayaKey(t))
	maya.waitFor(5*time.Second, titles...)
	maya.press("\r")
	maya.waitFor(5*time.Second, "says writer")
	maya.press("r")
	maya.press("first words")
	maya.waitFor(5*time.Second, "first words")
	maya.press("\x05") // ctrl+e
	maya.press(" and more")
	maya.waitFor(5*time.Second, "first words and more")
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("ctrl+e ran $EDITOR on the server")
	}
}

// The session's window size reaches the console, and so do resizes.
func TestServeForwardsWindowSize(t *testing.T) {
	ts := startServer(t)
	maya := openScreen(t, ts.addr, ts.hostKey, mayaKey(t))
	maya.waitFor(5*time.Second, titles...)
	if err := maya.sess.WindowChange(6, 30); err != nil {
		t.Fatal(err)
	}
	maya.waitFor(5*time.Second, "this window is 30x6")
	if err := maya.sess.WindowChange(termH, termW); err != nil {
		t.Fatal(err)
	}
	maya.waitFor(5*time.Second, titles...)
}
