package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// term is one program running in its own tmux server, at a fixed size,
// with every byte it writes to the terminal copied to a file (pipe-pane):
// those bytes are what a slow SSH link would carry.
type term struct {
	dir    string // private temp dir: socket, script, output
	socket string
	out    string // pipe-pane copy of the program's output
	t0file string // the exec time, written by the start script
	pid    int    // the program (the script execs it)
}

// shellQuote quotes s for bash.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// startTerm starts argv in a w x h tmux pane with exactly env, and holds
// it before exec until go() is called, so the output copy is in place and
// the clock starts at exec.
func startTerm(ctx context.Context, w, h int, env []string, argv []string) (*term, error) {
	// Sockets need a short path (108 bytes): a temp dir, not the work dir.
	dir, err := os.MkdirTemp("", "pbt")
	if err != nil {
		return nil, fmt.Errorf("create a temp dir for tmux: %w", err)
	}
	t := &term{dir: dir, socket: filepath.Join(dir, "s"), out: filepath.Join(dir, "out"), t0file: filepath.Join(dir, "t0")}
	var script strings.Builder
	script.WriteString("#!/bin/bash\n")
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		fmt.Fprintf(&script, "export %s=%s\n", k, shellQuote(v))
	}
	// EPOCHREALTIME is bash's own clock read: no fork between it and exec.
	fmt.Fprintf(&script, "read -r _\necho \"$EPOCHREALTIME\" > %s\nexec", shellQuote(t.t0file))
	for _, a := range argv {
		script.WriteString(" " + shellQuote(a))
	}
	script.WriteString("\n")
	conf := "set -g status off\nset -g default-terminal xterm-256color\nset -g history-limit 0\n"
	for name, data := range map[string]string{"run.sh": script.String(), "tmux.conf": conf} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.close()
			return nil, fmt.Errorf("write %s: %w", name, err)
		}
	}
	if err := os.WriteFile(t.out, nil, 0o600); err != nil {
		t.close()
		return nil, fmt.Errorf("create the output copy: %w", err)
	}
	steps := [][]string{
		{"-f", filepath.Join(dir, "tmux.conf"), "new-session", "-d", "-s", "b", "-x", strconv.Itoa(w), "-y", strconv.Itoa(h),
			"bash " + shellQuote(filepath.Join(dir, "run.sh"))},
		{"pipe-pane", "-t", "b", "-o", "cat >> " + shellQuote(t.out)},
	}
	for _, args := range steps {
		if _, err := t.tmux(ctx, args...); err != nil {
			t.close()
			return nil, err
		}
	}
	size, err := t.tmux(ctx, "display", "-p", "-t", "b", "#{pane_width}x#{pane_height} #{pane_pid}")
	if err != nil {
		t.close()
		return nil, err
	}
	var pw, ph int
	if _, err := fmt.Sscanf(size, "%dx%d %d", &pw, &ph, &t.pid); err != nil || pw != w || ph != h {
		t.close()
		return nil, fmt.Errorf("tmux pane is %q, want %dx%d and a pid", strings.TrimSpace(size), w, h)
	}
	return t, nil
}

func (t *term) tmux(ctx context.Context, args ...string) (string, error) {
	out, err := exec.CommandContext(ctx, "tmux", append([]string{"-S", t.socket}, args...)...).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("tmux %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return string(out), nil
}

// run lets the held program exec.
func (t *term) run(ctx context.Context) error {
	_, err := t.tmux(ctx, "send-keys", "-t", "b", "Enter")
	return err
}

func (t *term) keys(ctx context.Context, keys ...string) error {
	_, err := t.tmux(ctx, append([]string{"send-keys", "-t", "b"}, keys...)...)
	return err
}

func (t *term) screen(ctx context.Context) (string, error) {
	return t.tmux(ctx, "capture-pane", "-p", "-t", "b")
}

func (t *term) written() int64 {
	fi, err := os.Stat(t.out)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// execTime is when the start script exec'd the program.
func (t *term) execTime() (time.Time, error) {
	data, err := os.ReadFile(t.t0file)
	if err != nil {
		return time.Time{}, fmt.Errorf("read the exec time: %w", err)
	}
	s := strings.TrimSpace(string(data))
	sec, frac, _ := strings.Cut(strings.ReplaceAll(s, ",", "."), ".")
	secs, err1 := strconv.ParseInt(sec, 10, 64)
	frac = (frac + "000000000")[:9]
	nanos, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil {
		return time.Time{}, fmt.Errorf("exec time %q is not seconds.micros (is bash 5 installed?)", s)
	}
	return time.Unix(secs, nanos), nil
}

// shown is what waitScreen saw.
type shown struct {
	first  time.Time // the program's first output (anything: a loading line)
	at     time.Time // the output that made the screen match arrived
	screen string    // the matching screen
}

// waitScreen waits until the screen matches want and returns when the
// output that made it so arrived. It looks at the screen only when the
// program has written something: polling capture-pane every few ms would
// take CPU from the program being timed on a small machine.
func (t *term) waitScreen(ctx context.Context, want *regexp.Regexp) (shown, error) {
	var (
		last int64
		s    shown
	)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			scr, _ := t.screen(context.Background())
			return s, fmt.Errorf("screen never matched %s: %w; it shows:\n%s", want, context.Cause(ctx), scr)
		case <-tick.C:
		}
		n := t.written()
		if n == last {
			if !t.alive() {
				scr, _ := t.screen(context.Background())
				return s, fmt.Errorf("the program exited before its screen matched %s; it shows:\n%s", want, scr)
			}
			continue
		}
		at := time.Now()
		if last == 0 {
			s.first = at
		}
		last = n
		scr, err := t.screen(ctx)
		if err != nil {
			continue // ctx ended: reported above
		}
		if want.MatchString(scr) {
			s.at, s.screen = at, scr
			return s, nil
		}
	}
}

// settle waits until the program has written nothing for quiet, and
// returns the bytes written so far; errors if it keeps writing past limit.
func (t *term) settle(ctx context.Context, quiet, limit time.Duration) (int64, error) {
	deadline := time.Now().Add(limit)
	last, since := t.written(), time.Now()
	for {
		select {
		case <-ctx.Done():
			return last, context.Cause(ctx)
		case <-time.After(5 * time.Millisecond):
		}
		if n := t.written(); n != last {
			last, since = n, time.Now()
		}
		if time.Since(since) >= quiet {
			return last, nil
		}
		if time.Now().After(deadline) {
			return last, fmt.Errorf("output did not settle within %s (still writing)", limit)
		}
	}
}

// keyBytes presses key and returns how many bytes the program wrote in
// answer, once its output has settled.
func (t *term) keyBytes(ctx context.Context, key string, quiet time.Duration) (int64, error) {
	before, err := t.settle(ctx, quiet, 30*time.Second)
	if err != nil {
		return 0, err
	}
	if err := t.keys(ctx, key); err != nil {
		return 0, err
	}
	after, err := t.settle(ctx, quiet, 30*time.Second)
	return after - before, err
}

func (t *term) alive() bool { return syscall.Kill(t.pid, 0) == nil && !isZombie(t.pid) }

func isZombie(pid int) bool {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// pid (comm) state ...: comm may hold spaces, so look after the last ')'.
	s := string(data)
	if i := strings.LastIndexByte(s, ')'); i >= 0 && i+2 < len(s) {
		return s[i+2] == 'Z'
	}
	return false
}

// memory is a process's resident set from /proc/PID/status, in bytes.
type memory struct {
	Peak int64 // VmHWM: the peak so far
	// The current split: anonymous memory (heap, stacks) and file pages
	// mapped in (a bbolt database is mmapped: pages it reads count here).
	Anon, File int64
}

// memory reads the program's memory now.
func (t *term) memory() (memory, error) { return procMemory(t.pid) }

func procMemory(pid int) (memory, error) {
	var m memory
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return m, fmt.Errorf("read the memory of pid %d: %w", pid, err)
	}
	fields := map[string]*int64{"VmHWM:": &m.Peak, "RssAnon:": &m.Anon, "RssFile:": &m.File}
	for line := range strings.Lines(string(data)) {
		for key, dst := range fields {
			if rest, ok := strings.CutPrefix(line, key); ok {
				kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
				if err != nil {
					return m, fmt.Errorf("%s of pid %d: %q: %w", key, pid, line, err)
				}
				*dst = kb * 1024
			}
		}
	}
	if m.Peak == 0 {
		return m, errors.New("no VmHWM in /proc status (not Linux?)")
	}
	return m, nil
}

// close ends the tmux server, which hangs up on the program (SIGHUP, as a
// dropped SSH session), and waits for it to exit so the next measurement
// finds its database unlocked; a program that ignores the hangup is killed.
func (t *term) close() {
	_ = exec.Command("tmux", "-S", t.socket, "kill-server").Run()
	if t.pid > 0 {
		deadline := time.Now().Add(10 * time.Second)
		for t.alive() && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if t.alive() {
			_ = syscall.Kill(t.pid, syscall.SIGKILL)
			for i := 0; i < 100 && t.alive(); i++ {
				time.Sleep(20 * time.Millisecond)
			}
		}
	}
	_ = os.RemoveAll(t.dir)
}
