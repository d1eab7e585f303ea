package main

import (
	"bytes"
	"crypto/ed25519"
	"encoding/pem"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// Team mode end to end: the real OpenSSH client, and a second unix user
// on the same machine, each in tmux against a real `parley serve`.

// writeSSHKey writes a fixed ed25519 key for ssh -i (0600, OpenSSH
// format) and returns its path and its authorized_keys line.
func writeSSHKey(t *testing.T, dir, name string, seed byte) (string, string) {
	t.Helper()
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
	block, err := gossh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return path, strings.TrimSpace(string(gossh.MarshalAuthorizedKey(signer.PublicKey()))) + " " + name + "@laptop"
}

// writeTeamConfig writes the config serve reads in env's HOME: the
// fixture feed and teammates (TOML tables).
func writeTeamConfig(t *testing.T, env []string, teammates ...string) {
	t.Helper()
	feed, err := filepath.Abs("feeds/testdata/wordpress-comments.rss")
	if err != nil {
		t.Fatal(err)
	}
	home := strings.TrimPrefix(env[0], "HOME=")
	dir := filepath.Join(home, "config", "parley")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	conf := fmt.Sprintf("[[feed]]\nname = \"Blog\"\nurl = %q\n\n%s", feed, strings.Join(teammates, "\n"))
	if err := os.WriteFile(filepath.Join(dir, "config.toml"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
}

// sshCommand is the OpenSSH client logging in to serve at addr with key.
func sshCommand(addr, key string, remote ...string) []string {
	host, port, _ := net.SplitHostPort(addr)
	return append([]string{"ssh", "-tt", "-i", key, "-p", port,
		"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
		"-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "LogLevel=ERROR",
		"user@" + host}, remote...)
}

func TestE2ETeamOverOpenSSH(t *testing.T) {
	if _, err := exec.LookPath("ssh"); err != nil {
		t.Skip("the OpenSSH client is not installed (apt-get install openssh-client; .ci/run does): the real-ssh team test is not run")
	}
	bin := buildParley(t)
	env := isolatedEnv(t)
	keys := t.TempDir()
	mayaKey, mayaPub := writeSSHKey(t, keys, "maya", 1)
	leeKey, leePub := writeSSHKey(t, keys, "lee", 2)
	strangerKey, _ := writeSSHKey(t, keys, "stranger", 3)
	writeTeamConfig(t, env,
		fmt.Sprintf("[[teammate]]\nname = \"Maya\"\nssh_keys = [%q]\n", mayaPub),
		fmt.Sprintf("[[teammate]]\nname = \"Lee\"\nssh_keys = [%q]\n", leePub))
	srv := startServe(t, bin, env)

	// Maya opens the first thread of her queue.
	maya := startTmux(t, filepath.Join(t.TempDir(), "tmux.sock"), env, sshCommand(srv.addr, mayaKey)...)
	maya.waitFor("Alice Martin")
	maya.keys("Enter")
	maya.waitFor(threadOpen)

	// Lee answers the same thread from his session; Maya's screen shows it.
	lee := startTmux(t, filepath.Join(t.TempDir(), "tmux.sock"), env, sshCommand(srv.addr, leeKey)...)
	lee.waitFor("Alice Martin")
	lee.keys("Enter")
	lee.waitFor(threadOpen)
	lee.keys("r")
	lee.waitFor("ctrl+s")
	const reply = "Lee here: the fix ships on Friday"
	lee.keys("-l", reply)
	lee.waitFor("ships on Friday")
	lee.keys("C-s")
	maya.waitFor("ships on Friday")

	// No commands: ssh HOST ls is refused with why.
	exe := exec.Command("ssh", sshCommand(srv.addr, mayaKey, "ls")[1:]...)
	exe.Env = env
	out, err := exe.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "runs no commands") {
		t.Errorf("ssh ... ls: %v, %q; want a refusal saying it runs no commands", err, out)
	}

	// A key that is no teammate's does not get in.
	stranger := exec.Command("ssh", sshCommand(srv.addr, strangerKey, "true")[1:]...)
	stranger.Env = env
	out, err = stranger.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "Permission denied (publickey)") {
		t.Errorf("an unknown key: %v, %q; want Permission denied (publickey)", err, out)
	}
	if strings.Contains(srv.output(), "panic") {
		t.Errorf("server output:\n%s", srv.output())
	}
}

// mustRun runs a command and fails the test on an error.
func mustRun(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// A teammate logged in on the server's machine as another unix user runs
// plain parley and gets their console (found through $PARLEY_TEAM_DIR,
// known by their login); a user who can reach the socket but is no
// teammate is told who may add them.
func TestE2ETeamLocalAttachAsSecondUnixUser(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to add unix users (useradd, runuser): the second-user attach is not run")
	}
	for _, tool := range []string{"useradd", "userdel", "groupadd", "groupdel", "runuser"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed: the second-user attach is not run", tool)
		}
	}
	bin := buildParley(t)
	suffix := fmt.Sprintf("%05d", rand.IntN(100000))
	group, mate, stranger := "pteam"+suffix, "pmate"+suffix, "pnone"+suffix
	mustRun(t, "groupadd", group)
	t.Cleanup(func() { _ = exec.Command("groupdel", group).Run() })
	for _, u := range []string{mate, stranger} {
		mustRun(t, "useradd", "-m", "-G", group, "-s", "/bin/sh", u)
		t.Cleanup(func() { _ = exec.Command("userdel", "-r", u).Run() })
	}

	// The others must reach the binary and the team directory: a
	// directory of ours they may enter (t.TempDir's are 0700).
	shared := t.TempDir()
	for _, d := range []string{shared, filepath.Dir(shared)} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	sharedBin := filepath.Join(shared, "parley")
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(sharedBin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	teamDir := filepath.Join(shared, "team")

	env := isolatedEnv(t)
	writeTeamConfig(t, env, fmt.Sprintf("[[teammate]]\nname = \"Maya\"\nunix_user = %q\n", mate))
	srv := startServe(t, bin, env, "--team-dir", teamDir, "--team-group", group)

	as := func(u string, cmd string) []string {
		return []string{"runuser", "-u", u, "--", "env", "HOME=/home/" + u, "TERM=xterm-256color", "PARLEY_TEAM_DIR=" + teamDir,
			"sh", "-c", "'" + cmd + "; s=$?; echo parley exited $s; exit $s'"}
	}
	maya := startTmuxKept(t, as(mate, sharedBin)...)
	maya.waitFor("Alice Martin")
	logPath := filepath.Join(strings.TrimPrefix(env[3], "XDG_STATE_HOME="), "parley", "parley.log")
	deadline := time.Now().Add(10 * time.Second)
	for {
		log, _ := os.ReadFile(logPath)
		if strings.Contains(string(log), "console opened on the local socket") && strings.Contains(string(log), "teammate=Maya unix_user="+mate) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server's log does not say %s attached as Maya:\n%s", mate, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
	maya.keys("q")
	waitExit(t, maya, 0)

	// Its stderr also goes to a file: the terminal wraps the long line.
	other := startTmuxKept(t, as(stranger, sharedBin+" 2>/home/"+stranger+"/err.txt")...)
	waitExit(t, other, 1)
	msg, err := os.ReadFile("/home/" + stranger + "/err.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"you (" + stranger + ") are not a teammate here", "can add you", "unix_user = \"" + stranger + "\""} {
		if !strings.Contains(string(msg), want) {
			t.Errorf("the non-teammate reads no %q: %q", want, msg)
		}
	}
	if err := srv.stop(t); err != nil {
		t.Errorf("parley serve: %v\n%s", err, srv.output())
	}
}

// startTmuxKept is startTmux for a command that exits: its pane stays,
// with what it printed, and nothing is left running (userdel refuses a
// user with processes).
func startTmuxKept(t *testing.T, args ...string) *tmuxSession {
	t.Helper()
	dir := t.TempDir()
	conf := filepath.Join(dir, "tmux.conf")
	if err := os.WriteFile(conf, []byte("set -g remain-on-exit on\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := &tmuxSession{t: t, socket: filepath.Join(dir, "tmux.sock"), name: "parley"}
	s.tmux("-f", conf, "new-session", "-d", "-s", s.name, "-x", "100", "-y", "30", strings.Join(args, " "))
	t.Cleanup(func() { exec.Command("tmux", "-S", s.socket, "kill-server").Run() })
	return s
}

// waitExit waits for the command in a kept pane to exit with code: the
// pane shows the echo, or tmux's own line written over it.
func waitExit(t *testing.T, s *tmuxSession, code int) {
	t.Helper()
	echo, dead := fmt.Sprintf("parley exited %d", code), fmt.Sprintf("Pane is dead (status %d,", code)
	deadline := time.Now().Add(15 * time.Second)
	for scr := s.screen(); !strings.Contains(scr, echo) && !strings.Contains(scr, dead); scr = s.screen() {
		if time.Now().After(deadline) {
			t.Fatalf("parley did not exit %d:\n%s", code, scr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
