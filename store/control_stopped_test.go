//go:build linux

package store

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestHelperControlServer is not a test: startServerProcess runs the test
// binary with it to get a parley that serves the database at
// $PARLEY_HELPER_DB in another process, one the test can stop.
func TestHelperControlServer(t *testing.T) {
	db := os.Getenv("PARLEY_HELPER_DB")
	if db == "" {
		t.Skip("helper process for TestRequestBackupToAStoppedServer")
	}
	s, err := Open(db, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	stop, err := s.ServeControl(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	os.Stdout.WriteString("ready\n")
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n') // until the test closes stdin
}

// startServerProcess runs a control server for db in a child process and
// returns it once it listens.
func startServerProcess(t *testing.T, db string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperControlServer$")
	cmd.Env = append(os.Environ(), "PARLEY_HELPER_DB="+db)
	stdin, err := cmd.StdinPipe()
	mustNil(t, err)
	stdout, err := cmd.StdoutPipe()
	mustNil(t, err)
	cmd.Stderr = os.Stderr
	mustNil(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGCONT)
		stdin.Close()
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "ready\n" {
		t.Fatalf("helper server: %q, %v", line, err)
	}
	return cmd
}

// A parley stopped with ctrl+z still has its socket accepted by the
// kernel: the request used to sit there until the 5-minute timeout.
func TestRequestBackupToAStoppedServer(t *testing.T) {
	db := filepath.Join(t.TempDir(), "parley.db")
	s, err := Open(db, Options{NoSync: true})
	mustNil(t, err)
	fillForBackup(t, s)
	mustNil(t, s.Close())
	cmd := startServerProcess(t, db)
	mustNil(t, cmd.Process.Signal(syscall.SIGSTOP))
	// SIGSTOP lands when the kernel next schedules it: under load the
	// server could still accept and start the backup this test means to
	// find stopped (and then write it on SIGCONT).
	waitStopped(t, cmd.Process.Pid)

	var told []string
	target := filepath.Join(t.TempDir(), "copy.db")
	_, err = RequestBackupNotify(db, target, time.Minute, func(msg string) { told = append(told, msg) })
	pid := strconv.Itoa(cmd.Process.Pid)
	for _, want := range []string{"the parley using " + db + " (pid " + pid + ") is stopped", "kill -CONT " + pid, "then try again"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want it to say %q", err, want)
		}
	}
	if len(told) > 0 {
		t.Errorf("told %q while failing at once", told)
	}

	// Resumed, it serves the request.
	mustNil(t, cmd.Process.Signal(syscall.SIGCONT))
	if _, err := RequestBackup(db, target, time.Minute); err != nil {
		t.Errorf("after SIGCONT: %v", err)
	}
}

// waitStopped waits until the process is stopped (state T).
func waitStopped(t *testing.T, pid int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !processStopped(pid); {
		if time.Now().After(deadline) {
			t.Fatalf("pid %d is not stopped 10 s after SIGSTOP", pid)
		}
		time.Sleep(time.Millisecond)
	}
}
