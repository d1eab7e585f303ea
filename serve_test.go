package main

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"parley/server"
)

func TestServeHelp(t *testing.T) {
	privateEnv(t)
	code, errOut, _ := runCLI("serve", "--help")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"Usage: parley serve [--listen ADDR]", "default 127.0.0.1:2222", "[[teammate]]", "ssh_keys", server.HostKeyFile, "SIGTERM"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("parley serve --help lacks %q:\n%s", want, errOut)
		}
	}
	if _, errOut, _ := runCLI("--help"); !strings.Contains(errOut, "parley serve [--listen ADDR]") {
		t.Errorf("parley --help does not list serve:\n%s", errOut)
	}
}

// Without a teammate who can log in, serve says what to add and creates
// nothing.
func TestServeNeedsTeammatesWithKeys(t *testing.T) {
	home := privateEnv(t)
	db := filepath.Join(home, "team", "parley.db")
	for name, conf := range map[string]string{
		"no teammates":         "[[feed]]\nurl = \"/srv/a.atom\"\n",
		"teammates, no keys":   "[[teammate]]\nname = \"Ana\"\nunix_user = \"ana\"\n",
		"a mistake in a table": "[[teammate]]\nname = \"Ana\"\nssh_keys = [\"nope\"]\n",
	} {
		t.Run(name, func(t *testing.T) {
			cfg := writeConfig(t, conf)
			code, _, errOut := runCLI("serve", "--config", cfg, "--db", db)
			if code != 1 || strings.Count(errOut, "\n") != 1 {
				t.Errorf("exit %d, %q; want 1 and one line", code, errOut)
			}
			want := "no [[teammate]] with ssh_keys"
			if name == "a mistake in a table" {
				want = cfg + ":3: teammate 1 (Ana): ssh_keys entry 1"
			}
			if !strings.Contains(errOut, want) {
				t.Errorf("stderr %q lacks %q", errOut, want)
			}
		})
	}
	if _, err := os.Stat(filepath.Dir(db)); !os.IsNotExist(err) {
		t.Errorf("serve created %s without starting (err %v)", filepath.Dir(db), err)
	}
	code, _, errOut := runCLI("serve", "--demo")
	if code != 2 || !strings.Contains(errOut, "--demo has no teammates") {
		t.Errorf("serve --demo: exit %d, %q", code, errOut)
	}
}

// buildParleyBinary compiles parley for the tests that run it as a process.
func buildParleyBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "parley")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// serveProcess is a running `parley serve`.
type serveProcess struct {
	cmd    *exec.Cmd
	addr   string
	hostFP string
	mu     sync.Mutex
	stderr bytes.Buffer
	exited chan error
}

var bannerRE = regexp.MustCompile(`listening on (\S+) for .*\n\s+host key (SHA256:\S+)`)

func startServe(t *testing.T, bin string, env []string, args ...string) *serveProcess {
	t.Helper()
	p := &serveProcess{exited: make(chan error, 1)}
	p.cmd = exec.Command(bin, append([]string{"serve", "--listen", "127.0.0.1:0"}, args...)...)
	p.cmd.Env = env
	errPipe, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	banner := make(chan []string, 1)
	go func() {
		r := bufio.NewReader(errPipe)
		for {
			line, err := r.ReadString('\n')
			p.mu.Lock()
			p.stderr.WriteString(line)
			if m := bannerRE.FindStringSubmatch(p.stderr.String()); m != nil {
				select {
				case banner <- m:
				default:
				}
			}
			p.mu.Unlock()
			if err != nil {
				break
			}
		}
		p.exited <- p.cmd.Wait()
	}()
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			_ = p.cmd.Process.Kill()
		}
	})
	select {
	case m := <-banner:
		p.addr, p.hostFP = m[1], m[2]
	case err := <-p.exited:
		t.Fatalf("parley serve exited (%v) before listening:\n%s", err, p.output())
	case <-time.After(20 * time.Second):
		t.Fatalf("parley serve did not start:\n%s", p.output())
	}
	return p
}

func (p *serveProcess) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

// stop sends SIGTERM and returns the exit error.
func (p *serveProcess) stop(t *testing.T) error {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.exited:
		return err
	case <-time.After(15 * time.Second):
		t.Fatalf("parley serve did not stop on SIGTERM:\n%s", p.output())
	}
	return nil
}

// The whole command: serve owns the database (other commands go through
// its control socket), a teammate's key opens a console showing the
// queue, SIGTERM stops it cleanly, and the host key is kept 0600 and
// reused on restart.
func TestServeProcessEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs parley")
	}
	bin := buildParleyBinary(t)
	env := isolatedEnv(t)
	home := strings.TrimPrefix(env[0], "HOME=")
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	feed, err := filepath.Abs("feeds/testdata/wordpress-comments.rss")
	if err != nil {
		t.Fatal(err)
	}
	pub := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(signer.PublicKey())))
	cfgDir := filepath.Join(home, "config", "parley")
	if err := os.MkdirAll(cfgDir, 0o700); err != nil {
		t.Fatal(err)
	}
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	conf := fmt.Sprintf("[[feed]]\nname = \"Blog\"\nurl = %q\n\n[[teammate]]\nname = \"Maya\"\nssh_keys = [%q]\n\n[[teammate]]\nname = \"Lee\"\nunix_user = %q\n",
		feed, pub+" maya@laptop", me.Username)
	if err := os.WriteFile(filepath.Join(cfgDir, "config.toml"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}

	teamDir := filepath.Join(t.TempDir(), "team")
	p := startServe(t, bin, env, "--team-dir", teamDir)
	keyPath := filepath.Join(home, "data", "parley", server.HostKeyFile)
	fi, err := os.Stat(keyPath)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("host key %s: %v, mode %v; want 0600", keyPath, err, fi)
	}

	// A console over SSH, as Maya.
	client, err := gossh.Dial("tcp", p.addr, &gossh.ClientConfig{User: "maya", Auth: []gossh.AuthMethod{gossh.PublicKeys(signer)},
		HostKeyCallback: func(_ string, _ net.Addr, key gossh.PublicKey) error {
			if fp := gossh.FingerprintSHA256(key); fp != p.hostFP {
				return fmt.Errorf("host key %s, banner said %s", fp, p.hostFP)
			}
			return nil
		}, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatalf("ssh: %v\n%s", err, p.output())
	}
	defer client.Close()
	sess, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.RequestPty("xterm-256color", 30, 110, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	out, err := sess.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sess.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	var screen lockedBuffer
	go func() { _, _ = io.Copy(&screen, out) }()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(ansi.Strip(screen.String()), "Alice Martin") {
		if time.Now().After(deadline) {
			t.Fatalf("Maya's console does not show the feed's comments:\n%s\nserver:\n%s", ansi.Strip(screen.String()), p.output())
		}
		time.Sleep(50 * time.Millisecond)
	}

	// Other commands go through the server's engine.
	export := exec.Command(bin, "export")
	export.Env = env
	csv, err := export.CombinedOutput()
	if err != nil || !strings.Contains(string(csv), "Alice Martin") {
		t.Errorf("parley export while serve runs: %v\n%s", err, csv)
	}
	second := exec.Command(bin)
	second.Env = env
	msg, _ := second.CombinedOutput()
	if !strings.Contains(string(msg), "parley serve is how several consoles share one database") {
		t.Errorf("a console beside serve says %q", msg)
	}

	// Lee, logged in on this machine, attaches through the team directory.
	if _, err := exec.LookPath("tmux"); err == nil {
		lee := startTmux(t, filepath.Join(t.TempDir(), "tmux.sock"), env, bin, "attach", teamDir)
		lee.waitFor("Alice Martin")
		lee.keys("q")
		lee.waitGone()
	} else {
		t.Log("tmux not installed: the local attach is not run here")
	}
	notTTY := exec.Command(bin, "attach", teamDir)
	notTTY.Env = env
	if msg, err := notTTY.CombinedOutput(); err == nil || !strings.Contains(string(msg), "needs a terminal") {
		t.Errorf("parley attach without a terminal: %v, %q", err, msg)
	}

	if err := p.stop(t); err != nil {
		t.Errorf("parley serve exited with %v after SIGTERM, want 0:\n%s", err, p.output())
	}
	if _, err := os.Stat(filepath.Join(teamDir, server.LocalSocketName)); !os.IsNotExist(err) {
		t.Errorf("the team socket is still there after a stop: %v", err)
	}
	if err := sess.Wait(); err == nil {
		// The console's session ended with the server, as it should.
		_ = err
	}

	again := startServe(t, bin, env)
	if again.hostFP != p.hostFP {
		t.Errorf("restart made a new host key: %s, was %s", again.hostFP, p.hostFP)
	}
	if err := again.stop(t); err != nil {
		t.Errorf("second stop: %v", err)
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
