package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"parley/store"
)

// nobody is the uid that plays "another user" on a shared machine.
const nobody = 65534

func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: the test makes files owned by another user (uid 65534) with chown")
	}
}

// snapshot is a file's bytes and mode, to check it stayed the same.
type snapshot struct {
	data []byte
	mode fs.FileMode
}

func snap(t *testing.T, path string) snapshot {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return snapshot{data, fi.Mode()}
}

func unchanged(t *testing.T, path string, before snapshot) {
	t.Helper()
	if after := snap(t, path); !bytes.Equal(after.data, before.data) || after.mode != before.mode {
		t.Errorf("%s changed: %d bytes %v, was %d bytes %v", path, len(after.data), after.mode, len(before.data), before.mode)
	}
}

func wantInStderr(t *testing.T, errOut string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(errOut, w) {
			t.Errorf("stderr %q lacks %q", errOut, w)
		}
	}
}

// `parley --demo fetch --db REAL` wrote demo threads into the real
// database.
func TestDemoWithDbIsRefused(t *testing.T) {
	home := privateEnv(t)
	db, _ := fixtureDB(t, home)
	before := snap(t, db)
	for _, args := range [][]string{
		{"--demo", "fetch", "--db", db},
		{"fetch", "--db", db, "--demo"},
		{"--db", db, "export", "--demo"},
		{"--demo", "conversions", "import", "--db", db},
	} {
		code, out, errOut := runCLI(args...)
		if code != 2 || out != "" {
			t.Errorf("%q: exit %d, stdout %q; want 2 and nothing", args, code, out)
		}
		wantInStderr(t, errOut, "--demo uses its own demo.db", "cannot be combined with --db "+db)
	}
	unchanged(t, db, before)
	if _, err := os.Stat(filepath.Join(home, "data", "parley", "demo.db")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a refused --demo made demo.db (stat: %v)", err)
	}
}

// `parley export --db TYPO` created an empty database and exited 0.
func TestReadCommandsOnAMissingDatabaseCreateNothing(t *testing.T) {
	home := privateEnv(t)
	sales := writeFile(t, t.TempDir(), "sales.csv", "ref,amount,currency,time\nabc,1.00,EUR,2026-11-20T10:00:00Z\n")
	base := t.TempDir()
	for _, db := range []string{filepath.Join(base, "typo.db"), filepath.Join(base, "no", "such", "typo.db")} {
		for _, args := range [][]string{
			{"export", "--db", db},
			{"export", "--format", "json", "--db", db},
			{"conversions", "import", sales, "--db", db},
			{"backup", filepath.Join(t.TempDir(), "copy.db"), "--db", db},
		} {
			code, out, errOut := runCLI(args...)
			if code != 1 || out != "" {
				t.Errorf("%q: exit %d, stdout %q; want 1 and nothing", args, code, out)
			}
			wantInStderr(t, errOut, "no database at "+db)
		}
	}
	if entries, _ := os.ReadDir(base); len(entries) != 0 {
		t.Errorf("a command on a missing database created %v in %s", entries, base)
	}
	if _, err := os.Stat(filepath.Join(home, "data")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the data directory was created (stat: %v)", err)
	}
}

// A data directory others can write is refused before anything is made
// in it, the demo's files included.
func TestSharedDataDirIsRefused(t *testing.T) {
	home := privateEnv(t)
	data := filepath.Join(home, "data", "parley")
	if err := os.MkdirAll(data, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(data, 0o777); err != nil {
		t.Fatal(err)
	}
	cfg := writeConfig(t, "[[feed]]\nname = \"x\"\nurl = \"http://127.0.0.1:1/feed\"\n")
	for _, args := range [][]string{{"fetch", "--demo"}, {"--demo", "export"}, {"fetch", "--config", cfg}} {
		code, _, errOut := runCLI(args...)
		if code != 1 {
			t.Errorf("%q: exit %d, want 1", args, code)
		}
		wantInStderr(t, errOut, "directory "+data+" is writable by others (mode 0777)", "another user could plant")
	}
	if entries, _ := os.ReadDir(data); len(entries) != 0 {
		t.Errorf("parley made %v in the shared directory", entries)
	}
}

// The same directory owned by another user, who pre-created the
// database for you to fill.
func TestDatabaseOfAnotherUserIsRefused(t *testing.T) {
	needRoot(t)
	home := privateEnv(t)
	shared := filepath.Join(home, "shared")
	if err := os.Mkdir(shared, 0o777); err != nil {
		t.Fatal(err)
	}
	os.Chmod(shared, 0o777|os.ModeSticky)
	db := filepath.Join(shared, "parley.db")
	if err := os.WriteFile(db, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	os.Chmod(db, 0o666)
	if err := os.Chown(db, nobody, nobody); err != nil {
		t.Fatal(err)
	}
	before := snap(t, db)
	cfg := writeConfig(t, "[[feed]]\nname = \"x\"\nurl = \"http://127.0.0.1:1/feed\"\n")
	code, _, errOut := runCLI("fetch", "--config", cfg, "--db", db)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	wantInStderr(t, errOut, "directory "+shared+" is writable by others (mode 1777)")
	unchanged(t, db, before)

	// In a private directory, the file itself is checked.
	os.Chmod(shared, 0o700)
	code, _, errOut = runCLI("fetch", "--config", cfg, "--db", db)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	wantInStderr(t, errOut, db+" belongs to uid 65534", "not you")
	unchanged(t, db, before)
}

// parley.log -> ~/.bashrc must not get log lines.
func TestSymlinkedLogIsRefused(t *testing.T) {
	home := privateEnv(t)
	bashrc := writeFile(t, home, ".bashrc", "export EDITOR=vi\n")
	os.Chmod(bashrc, 0o644)
	before := snap(t, bashrc)
	logPath := filepath.Join(home, "state", "parley", "parley.log")
	if err := os.MkdirAll(filepath.Dir(logPath), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(bashrc, logPath); err != nil {
		t.Fatal(err)
	}

	logger, closeLog, err := openLog(logPath)
	if err == nil {
		logger.Info("this line must not reach the link's target")
		closeLog()
	}
	if err == nil || !strings.Contains(err.Error(), logPath+" is a symlink: parley does not follow links") {
		t.Errorf("openLog: %v, want a refusal naming %s", err, logPath)
	}
	db, _ := fixtureDB(t, home)
	code, out, errOut := runCLI("export", "--db", db)
	if code != 0 || out == "" {
		t.Errorf("export without a log: exit %d", code)
	}
	wantInStderr(t, errOut, logPath+" is a symlink", "continuing without a log")
	unchanged(t, bashrc, before)
}

// fakeConsole listens on sock as an impostor (or a slow console) would:
// after delay it answers "ok 1 77", and it records what it was told.
type fakeConsole struct {
	mu    sync.Mutex
	conns int
	got   string
}

func listenFake(t *testing.T, sock string, delay time.Duration) *fakeConsole {
	t.Helper()
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	f := &fakeConsole{}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			_ = c.SetDeadline(time.Now().Add(10 * time.Second))
			line, _ := bufio.NewReader(c).ReadString('\n')
			f.mu.Lock()
			f.conns++
			f.got += line
			f.mu.Unlock()
			time.Sleep(delay)
			io.WriteString(c, "ok 1 77\n")
			c.Close()
		}
	}()
	return f
}

func (f *fakeConsole) told() (int, string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.conns, f.got
}

// A fake parley.db.sock of another user answered `parley backup` with
// "backed up 77 threads" while no file was written, and learnt the target.
func TestBackupRefusesAnotherUsersSocket(t *testing.T) {
	needRoot(t)
	home := privateEnv(t)
	db, _ := fixtureDB(t, home)
	sock := store.ControlSocket(db)
	fake := listenFake(t, sock, 0)
	if err := os.Chown(sock, nobody, nobody); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(t.TempDir(), "secret-plans.db")
	code, out, errOut := runCLI("backup", target, "--db", db)
	if code != 1 || strings.Contains(out, "backed up") {
		t.Errorf("exit %d, stdout %q; want 1 and no success", code, out)
	}
	wantInStderr(t, errOut, sock+" belongs to uid 65534", "parley sends it nothing")
	if n, got := fake.told(); n != 0 || got != "" {
		t.Errorf("the impostor was told %q over %d connections", got, n)
	}
	if _, err := os.Lstat(target); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("stat %s: %v", target, err)
	}
}

// A database path too long for a unix socket beside it: the console's
// socket goes to $XDG_RUNTIME_DIR, backup finds it, doctor says where.
func TestBackupWithALongDatabasePath(t *testing.T) {
	home := privateEnv(t)
	runtimeDir := t.TempDir()
	t.Setenv("XDG_RUNTIME_DIR", runtimeDir)
	dir := filepath.Join(home, strings.Repeat("long-directory-name-", 6))
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	fixture, _ := fixtureDB(t, home)
	db := filepath.Join(dir, "parley.db")
	if err := os.Rename(fixture, db); err != nil {
		t.Fatal(err)
	}
	threads := threadCount(t, db)
	held, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	stop, err := held.ServeControl(context.Background())
	if err != nil {
		t.Fatalf("ServeControl with a %d-byte database path: %v", len(db), err)
	}
	defer stop()
	sock := store.ControlSocket(db)
	if !strings.HasPrefix(sock, filepath.Join(runtimeDir, "parley")+"/") {
		t.Errorf("socket %s, want it in %s/parley", sock, runtimeDir)
	}

	target := filepath.Join(t.TempDir(), "copy.db")
	code, out, errOut := runCLI("backup", target, "--db", db)
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	_, docOut, _ := runCLI("doctor", "--db", db)
	if !strings.Contains(docOut, "· control socket: "+sock+" (the path beside the database would be") ||
		!strings.Contains(docOut, "so it is in $XDG_RUNTIME_DIR") {
		t.Errorf("doctor does not say where the socket is:\n%s", docOut)
	}
	stop()
	held.Close()
	wantBackedUp(t, out, target, threads, checkBackup(t, target, threads))
}

// TestHelperConsole is not a test: TestBackupAgainstAStoppedConsole runs
// the test binary with it for a parley that serves $PARLEY_HELPER_DB in
// another process, as the console does, one the test can stop.
func TestHelperConsole(t *testing.T) {
	db := os.Getenv("PARLEY_HELPER_DB")
	if db == "" {
		t.Skip("helper process for TestBackupAgainstAStoppedConsole")
	}
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	stop, err := st.ServeControl(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	os.Stdout.WriteString("ready\n")
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n') // until the test closes stdin
}

// `parley backup` against a console stopped with ctrl+z waited silently
// for 5 minutes.
func TestBackupAgainstAStoppedConsole(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("a stopped server is recognised on Linux only")
	}
	home := privateEnv(t)
	db, _ := fixtureDB(t, home)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperConsole$")
	cmd.Env = append(os.Environ(), "PARLEY_HELPER_DB="+db)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGCONT)
		stdin.Close()
		cmd.Wait()
	})
	if line, err := bufio.NewReader(stdout).ReadString('\n'); line != "ready\n" {
		t.Fatalf("helper console: %q, %v", line, err)
	}
	if err := cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	// SIGSTOP lands when the kernel next schedules the helper: under load
	// it could still accept and start the backup this test means to find
	// stopped (and then write the copy on SIGCONT, so the retry below
	// finds its file taken).
	waitProcessStopped(t, cmd.Process.Pid)

	target := filepath.Join(t.TempDir(), "copy.db")
	start := time.Now()
	code, out, errOut := runCLI("backup", target, "--db", db)
	took := time.Since(start)
	pid := strconv.Itoa(cmd.Process.Pid)
	if code != 1 || out != "" {
		t.Errorf("exit %d, stdout %q; want 1", code, out)
	}
	wantInStderr(t, errOut, "the parley using "+db+" (pid "+pid+") is stopped", "kill -CONT "+pid)
	if took > 10*time.Second {
		t.Errorf("gave up after %v; a stopped console is seen within a second", took)
	}

	// Resumed, the console serves the retry, with the same file name: the
	// request it found on waking was dropped, its client gone.
	cmd.Process.Signal(syscall.SIGCONT)
	if code, _, errOut := runCLI("backup", target, "--db", db); code != 0 {
		t.Fatalf("after SIGCONT: exit %d, stderr %q", code, errOut)
	}
}

// waitProcessStopped waits until /proc says pid is stopped (state T).
func waitProcessStopped(t *testing.T, pid int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			t.Fatal(err)
		}
		// pid (comm) state ...: comm may hold spaces and parentheses.
		if i := bytes.LastIndexByte(stat, ')'); i >= 0 && i+2 < len(stat) && stat[i+2] == 'T' {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("pid %d is not stopped 10 s after SIGSTOP", pid)
		}
	}
}

// A long wait says what it waits for, once.
func TestBackupSaysWhatItWaitsFor(t *testing.T) {
	home := privateEnv(t)
	db, _ := fixtureDB(t, home)
	listenFake(t, store.ControlSocket(db), 1500*time.Millisecond)
	code, _, errOut := runCLI("backup", filepath.Join(t.TempDir(), "copy.db"), "--db", db)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	want := "parley backup: waiting for the parley using " + db + " (pid "
	if strings.Count(errOut, want) != 1 || !strings.Contains(errOut, "to write the copy (at most 5m0s)…\n") {
		t.Errorf("stderr %q, want one line %q…", errOut, want)
	}
}
