package main

// go run ./bench idle: what an idle console costs, in CPU ticks read from
// /proc/PID/stat (utime+stime, USER_HZ) over a quiet stretch, for the
// local console (parley --demo in tmux) and for an SSH console (parley
// serve, with and without one idle `ssh -tt` session in tmux).

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// userHZ is the unit of /proc/PID/stat's times on Linux.
const userHZ = 100

type idleConfig struct {
	Duration time.Duration
	W, H     int
	Bin      string // a built parley; empty builds the repository's
	SSH      bool
}

func idleCmd(ctx context.Context, args []string, stdout, stderr io.Writer, log logf) error {
	fs := flag.NewFlagSet("idle", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := idleConfig{}
	size := dims{120, 32}
	fs.DurationVar(&cfg.Duration, "duration", 20*time.Second, "how long each idle stretch is measured")
	fs.Var(&size, "size", "terminal size")
	fs.StringVar(&cfg.Bin, "bin", "", "measure this parley binary (default: build the repository's)")
	fs.BoolVar(&cfg.SSH, "ssh", true, "also measure parley serve with an idle ssh session (needs the OpenSSH client)")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg.W, cfg.H = size.a, size.b
	root, scratch, err := scratchWithParley(ctx, log, "parley-idle", &cfg.Bin)
	if err != nil {
		return err
	}
	defer os.RemoveAll(scratch)
	fmt.Fprintf(stdout, "Idle cost, %s of quiet, %dx%d, CPU ticks (1/%d s) from /proc/PID/stat\n\n", cfg.Duration, cfg.W, cfg.H, userHZ)
	fmt.Fprintln(stdout, "| what | ticks | % of a core |\n|---|---:|---:|")
	row := func(what string, ticks int64) {
		fmt.Fprintf(stdout, "| %s | %d | %.3f%% |\n", what, ticks, percentOfCore(ticks, cfg.Duration))
	}
	local, err := idleLocal(ctx, cfg, scratch, log)
	if err != nil {
		return fmt.Errorf("local console: %w", err)
	}
	row("parley --demo (local console)", local)
	if !cfg.SSH {
		return nil
	}
	if _, err := exec.LookPath("ssh"); err != nil {
		log("no ssh client: the SSH console is not measured (apt-get install openssh-client)")
		return nil
	}
	s, err := idleSSH(ctx, cfg, root, scratch, log)
	if err != nil {
		return fmt.Errorf("ssh console: %w", err)
	}
	row("parley serve, no session", s.serveAlone)
	row("parley serve, one idle ssh session", s.serveWithSession)
	row("the ssh client of that session", s.client)
	return nil
}

func percentOfCore(ticks int64, d time.Duration) float64 {
	return float64(ticks) / userHZ / d.Seconds() * 100
}

// cpuTicks is utime+stime of pid.
func cpuTicks(pid int) (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	return statTicks(pid, data)
}

// statTicks is utime+stime from a /proc/PID/stat line.
func statTicks(pid int, data []byte) (int64, error) {
	// The fields after the command name, which may hold spaces: state is
	// the first, utime the 12th, stime the 13th.
	i := strings.LastIndexByte(string(data), ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: %q", pid, data)
	}
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %q", pid, data)
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	s, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("/proc/%d/stat: %w", pid, err)
	}
	return u + s, nil
}

// quietTicks waits for the screen to settle, then counts pid's ticks over d.
func quietTicks(ctx context.Context, t *term, pid int, d time.Duration) (int64, error) {
	if _, err := t.settle(ctx, time.Second, 30*time.Second); err != nil {
		return 0, err
	}
	before, err := cpuTicks(pid)
	if err != nil {
		return 0, err
	}
	written := t.written()
	select {
	case <-ctx.Done():
		return 0, context.Cause(ctx)
	case <-time.After(d):
	}
	after, err := cpuTicks(pid)
	if err != nil {
		return 0, err
	}
	if n := t.written() - written; n > 0 {
		return 0, fmt.Errorf("the console wrote %d bytes while idle: not idle", n)
	}
	return after - before, nil
}

func idleLocal(ctx context.Context, cfg idleConfig, scratch string, log logf) (int64, error) {
	home := filepath.Join(scratch, "local")
	t, err := startTerm(ctx, cfg.W, cfg.H, isolatedEnv(home), []string{cfg.Bin, "--demo"})
	if err != nil {
		return 0, err
	}
	defer t.close()
	if err := t.run(ctx); err != nil {
		return 0, err
	}
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if _, err := t.waitScreen(wctx, regexp.MustCompile(`WAITING FOR A REPLY`)); err != nil {
		return 0, err
	}
	log("local console up (pid %d); measuring %s of idle", t.pid, cfg.Duration)
	return quietTicks(ctx, t, t.pid, cfg.Duration)
}

type sshIdle struct{ serveAlone, serveWithSession, client int64 }

func idleSSH(ctx context.Context, cfg idleConfig, root, scratch string, log logf) (sshIdle, error) {
	var r sshIdle
	home := filepath.Join(scratch, "serve")
	env := isolatedEnv(home)
	keyFile, pub, err := writeClientKey(filepath.Join(home, "key"))
	if err != nil {
		return r, err
	}
	feed := filepath.Join(root, "feeds", "testdata", "wordpress-comments.rss")
	conf := fmt.Sprintf("[[feed]]\nname = \"Blog\"\nurl = %q\n\n[[teammate]]\nname = \"Maya\"\nssh_keys = [%q]\n", feed, pub)
	if err := writePrivate(filepath.Join(home, "config", "parley", "config.toml"), []byte(conf)); err != nil {
		return r, err
	}
	srv, addr, err := startServeProcess(ctx, cfg.Bin, env)
	if err != nil {
		return r, err
	}
	defer srv.stop()
	host, port, _ := net.SplitHostPort(addr)
	time.Sleep(2 * time.Second) // its first poll
	log("parley serve up on %s (pid %d); measuring %s without a session", addr, srv.cmd.Process.Pid, cfg.Duration)
	before, err := cpuTicks(srv.cmd.Process.Pid)
	if err != nil {
		return r, err
	}
	time.Sleep(cfg.Duration)
	after, err := cpuTicks(srv.cmd.Process.Pid)
	if err != nil {
		return r, err
	}
	r.serveAlone = after - before

	t, err := startTerm(ctx, cfg.W, cfg.H, env, []string{"ssh", "-tt", "-i", keyFile, "-p", port,
		"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "maya@" + host})
	if err != nil {
		return r, err
	}
	defer t.close()
	if err := t.run(ctx); err != nil {
		return r, err
	}
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if _, err := t.waitScreen(wctx, regexp.MustCompile(`Alice Martin`)); err != nil {
		return r, err
	}
	log("ssh console up; measuring %s of idle", cfg.Duration)
	clientBefore, err := cpuTicks(t.pid)
	if err != nil {
		return r, err
	}
	if r.serveWithSession, err = quietTicks(ctx, t, srv.cmd.Process.Pid, cfg.Duration); err != nil {
		return r, err
	}
	clientAfter, err := cpuTicks(t.pid)
	if err != nil {
		return r, err
	}
	r.client = clientAfter - clientBefore
	return r, nil
}

// writeClientKey makes an ed25519 key for ssh -i: the private key 0600
// in OpenSSH's format at path, and its authorized_keys line.
func writeClientKey(path string) (string, string, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", "", err
	}
	block, err := gossh.MarshalPrivateKey(priv, "")
	if err != nil {
		return "", "", err
	}
	if err := writePrivate(path, pem.EncodeToMemory(block)); err != nil {
		return "", "", err
	}
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		return "", "", err
	}
	return path, strings.TrimSpace(string(gossh.MarshalAuthorizedKey(signer.PublicKey()))) + " bench@parley", nil
}

// serveProcess is a running `parley serve`.
type serveProcess struct {
	cmd  *exec.Cmd
	done chan struct{}
}

var listeningRE = regexp.MustCompile(`listening on (\S+) for`)

// startServeProcess starts parley serve on a loopback port and returns
// where it listens (from its banner).
func startServeProcess(ctx context.Context, bin string, env []string, args ...string) (*serveProcess, string, error) {
	cmd := exec.CommandContext(ctx, bin, append([]string{"serve", "--listen", "127.0.0.1:0"}, args...)...)
	cmd.Env = env
	errPipe, err := cmd.StderrPipe()
	if err != nil {
		return nil, "", err
	}
	if err := cmd.Start(); err != nil {
		return nil, "", err
	}
	p := &serveProcess{cmd: cmd, done: make(chan struct{})}
	addr := make(chan string, 1)
	var out strings.Builder
	go func() {
		sc := bufio.NewScanner(errPipe)
		for sc.Scan() {
			out.WriteString(sc.Text() + "\n")
			if m := listeningRE.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
		_ = cmd.Wait()
		close(p.done)
	}()
	select {
	case a := <-addr:
		return p, a, nil
	case <-p.done:
		return nil, "", fmt.Errorf("parley serve exited before listening:\n%s", out.String())
	case <-time.After(30 * time.Second):
		p.stop()
		return nil, "", errors.New("parley serve did not start within 30 s")
	}
}

// stop ends the server (SIGTERM: it saves and stops) and waits for it.
func (p *serveProcess) stop() {
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// scratchWithParley finds the repository root and makes a private scratch
// directory (the caller removes it); when *bin is empty it builds the
// repository's parley into it.
func scratchWithParley(ctx context.Context, log logf, prefix string, bin *string) (root, scratch string, err error) {
	if root, err = repoRoot(ctx); err != nil {
		return "", "", err
	}
	if scratch, err = os.MkdirTemp("", prefix); err != nil {
		return "", "", err
	}
	if *bin == "" {
		log("building parley")
		if *bin, err = buildParley(ctx, root, scratch); err != nil {
			os.RemoveAll(scratch)
			return "", "", err
		}
	}
	return root, scratch, nil
}
