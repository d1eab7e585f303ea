package server

import (
	"net"
	"os"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"parley/feeds"
)

func me(t *testing.T) *user.User {
	t.Helper()
	u, err := user.Current()
	if err != nil {
		t.Skip("no current user:", err)
	}
	return u
}

// The team directory is the server's, 0750, in the team group; its
// socket is 0660; a second server is refused, a stale socket replaced.
func TestTeamDirAndSocket(t *testing.T) {
	u := me(t)
	g, err := user.LookupGroupId(u.Gid)
	if err != nil {
		t.Skip("no primary group name:", err)
	}
	dir := filepath.Join(t.TempDir(), "team")
	if err := PrepareTeamDir(dir, g.Name); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o750 || strconv.Itoa(int(fi.Sys().(*syscall.Stat_t).Gid)) != u.Gid {
		t.Errorf("team dir mode %04o gid %d, want 0750 and group %s", fi.Mode().Perm(), fi.Sys().(*syscall.Stat_t).Gid, g.Name)
	}
	l, err := ListenLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, LocalSocketName)
	if si, err := os.Stat(sock); err != nil || si.Mode().Perm() != 0o660 {
		t.Errorf("socket: %v, mode %v; want 0660", err, si)
	}
	if _, err := ListenLocal(dir); err == nil || !strings.Contains(err.Error(), "another parley serve") {
		t.Errorf("second listener: err = %v, want refused", err)
	}
	// A server that stopped without removing its socket: replaced.
	l.(*net.UnixListener).SetUnlinkOnClose(false)
	l.Close()
	l2, err := ListenLocal(dir)
	if err != nil {
		t.Fatalf("after a stale socket: %v", err)
	}
	l2.Close()

	if err := PrepareTeamDir(dir, "no-such-group-parley"); err == nil || !strings.Contains(err.Error(), "groupadd") {
		t.Errorf("unknown group: err = %v", err)
	}
	link := filepath.Join(filepath.Dir(dir), "link")
	if err := os.Symlink(dir, link); err != nil {
		t.Fatal(err)
	}
	if err := PrepareTeamDir(link, ""); err == nil || !strings.Contains(err.Error(), "symlink") {
		t.Errorf("symlinked team dir: err = %v", err)
	}
}

// serveLocal runs ts's server on a team socket and returns its path.
func serveLocal(t *testing.T, ts *testServer) string {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("the local attach needs SO_PEERCRED")
	}
	dir := filepath.Join(t.TempDir(), "team")
	if err := PrepareTeamDir(dir, ""); err != nil {
		t.Fatal(err)
	}
	l, err := ListenLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		if err := ts.srv.ServeLocal(l); err != nil {
			t.Errorf("serve local: %v", err)
		}
	}()
	return filepath.Join(dir, LocalSocketName)
}

// attach connects to the team socket as `parley attach` does; banner is
// what the server said before authentication.
func attach(t *testing.T, sock string) (client *gossh.Client, banner string, err error) {
	t.Helper()
	conn, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	c, chans, reqs, err := gossh.NewClientConn(conn, "parley", &gossh.ClientConfig{User: "whoever",
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), // the test's own server
		BannerCallback:  func(msg string) error { banner += msg; return nil },
		Timeout:         5 * time.Second})
	if err != nil {
		conn.Close()
		return nil, banner, err
	}
	return gossh.NewClient(c, chans, reqs), banner, nil
}

// A teammate's unix user gets their console on the team socket: who they
// are comes from the kernel, whatever user name the client claims.
func TestLocalAttachAsTeammate(t *testing.T) {
	u := me(t)
	ts := startServer(t, feeds.Teammate{Name: "Lee", UnixUser: u.Username})
	sock := serveLocal(t, ts)
	client, banner, err := attach(t, sock)
	if err != nil {
		t.Fatalf("attach: %v (%s)", err, banner)
	}
	lee := openScreenOn(t, client)
	lee.waitFor(5*time.Second, titles...)
	ts.srv.mu.Lock()
	for _, c := range ts.srv.sessions {
		if c.name != "Lee" {
			t.Errorf("the console is %q's, want Lee's", c.name)
		}
	}
	ts.srv.mu.Unlock()
	// Same consoles as over SSH: Maya's done reaches Lee.
	maya := openScreen(t, ts.addr, ts.hostKey, mayaKey(t))
	maya.waitFor(5*time.Second, titles...)
	maya.press("e")
	lee.waitUntil("Maya's done thread gone", 2*time.Second, func(txt string) bool { return countTitles(txt) == 2 })
}

// A unix user who is not a teammate is refused before a session, told
// who may add them and how.
func TestLocalAttachRefusesOthers(t *testing.T) {
	u := me(t)
	ts := startServer(t) // no teammate has this unix user
	sock := serveLocal(t, ts)
	_, banner, err := attach(t, sock)
	if err == nil || !strings.Contains(err.Error(), "unable to authenticate") {
		t.Fatalf("err = %v, want refused", err)
	}
	for _, want := range []string{"you (" + u.Username + ") are not a teammate here", "can add you", `unix_user = "` + u.Username + `"`, "(test)"} {
		if !strings.Contains(banner, want) {
			t.Errorf("refusal %q lacks %q", banner, want)
		}
	}
	if n := ts.srv.open(); n != 0 {
		t.Errorf("%d consoles open", n)
	}
}
