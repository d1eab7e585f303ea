package server

// The local attach: a teammate logged in on the server's machine runs
// `parley attach DIR` and gets their console, like tmux attach. It is the
// same SSH protocol and the same consoles as over the network, on a unix
// socket in the team directory; only the identity differs: the kernel
// says which user connected (SO_PEERCRED), and that user must be a
// teammate's unix_user. File modes only decide who can reach the socket
// (the team group); they never say who someone is.

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"

	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"

	"parley/store"
)

// LocalSocketName is the socket's name in the team directory.
const LocalSocketName = "parley.sock"

// localUserKey holds, on a local connection's context, who connected.
type localUserKey struct{}

// localUser is the unix user at the other end of a local connection.
type localUser struct {
	uid  int
	name string
	err  error
}

// PrepareTeamDir makes dir the team's: created if missing, owned by the
// server's user, group group (when not ""), mode 0750 (the team may enter
// and connect; no one but the server may add or replace a file). An
// existing directory must already be the server's, not writable by its
// group and closed to others; its parent must be safe too.
func PrepareTeamDir(dir, group string) error {
	gid := -1
	if group != "" {
		g, err := user.LookupGroup(group)
		if err != nil {
			return fmt.Errorf("team group %q: %w (create it with groupadd, and add the teammates to it)", group, err)
		}
		if gid, err = strconv.Atoi(g.Gid); err != nil {
			return fmt.Errorf("team group %q: gid %q", group, g.Gid)
		}
	}
	if err := store.CheckPrivateDir(filepath.Dir(dir)); err != nil {
		return fmt.Errorf("team directory: %w", err)
	}
	fi, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.Mkdir(dir, 0o750); err != nil {
			return fmt.Errorf("create team directory: %w", err)
		}
		fi, err = os.Lstat(dir)
	}
	if err != nil {
		return fmt.Errorf("team directory: %w", err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		return fmt.Errorf("team directory %s is a symlink: name the real directory", dir)
	case !fi.IsDir():
		return fmt.Errorf("team directory %s is not a directory", dir)
	case !ok || int(st.Uid) != os.Geteuid():
		return fmt.Errorf("team directory %s is not this user's: parley serve must own it (only the owner can keep others from replacing the socket)", dir)
	}
	if gid >= 0 && int(st.Gid) != gid {
		if err := os.Chown(dir, -1, gid); err != nil {
			return fmt.Errorf("give the team directory to group %s: %w (the server's user must be in that group)", group, err)
		}
	}
	// Exactly 0750: the group enters and connects, writes nothing.
	if err := os.Chmod(dir, 0o750); err != nil {
		return fmt.Errorf("team directory: %w", err)
	}
	return nil
}

// ListenLocal listens on the team directory's socket (made by
// PrepareTeamDir). A socket left by a server that stopped is replaced;
// one that answers belongs to a running server and is left alone.
func ListenLocal(dir string) (net.Listener, error) {
	path := filepath.Join(dir, LocalSocketName)
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode().Type() != fs.ModeSocket {
			return nil, fmt.Errorf("%s is not a socket: move it away", path)
		}
		if c, err := net.Dial("unix", path); err == nil {
			c.Close()
			return nil, fmt.Errorf("another parley serve listens on %s", path)
		}
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("remove a stale socket: %w", err)
		}
	}
	l, err := net.Listen("unix", path)
	if err != nil {
		return nil, err
	}
	// The team group connects (connecting needs write permission): the
	// socket is the directory's group's, which PrepareTeamDir made the
	// team's (a new file gets the server's own group).
	if err := os.Chmod(path, 0o660); err != nil {
		l.Close()
		return nil, err
	}
	if fi, err := os.Stat(dir); err == nil {
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			if err := os.Chown(path, -1, int(st.Gid)); err != nil {
				l.Close()
				return nil, fmt.Errorf("give the socket to the team group: %w", err)
			}
		}
	}
	return l, nil
}

// ServeLocal serves consoles on a unix socket (ListenLocal) until
// Shutdown. A connection is its user's: a teammate's unix_user gets their
// console; anyone else is told who may add them and refused before a
// session starts.
func (s *Server) ServeLocal(l net.Listener) error {
	srv := &ssh.Server{
		Handler:           s.ssh.Handler,
		HostSigners:       []ssh.Signer{s.cfg.HostKey},
		HandshakeTimeout:  handshakeTimeout,
		Version:           "parley",
		ChannelHandlers:   map[string]ssh.ChannelHandler{"session": sessionWithoutForwarding},
		RequestHandlers:   map[string]ssh.RequestHandler{},
		SubsystemHandlers: map[string]ssh.SubsystemHandler{},
	}
	srv.ConnCallback = func(ctx ssh.Context, conn net.Conn) net.Conn {
		lu := localUser{uid: -1}
		lu.uid, lu.err = peerUID(conn)
		if lu.err == nil {
			if u, err := user.LookupId(strconv.Itoa(lu.uid)); err == nil {
				lu.name = u.Username
			}
		}
		ctx.SetValue(localUserKey{}, lu)
		return conn
	}
	// No key and no password: the kernel has said who it is. Anyone
	// else reads why they are refused (a banner) and is turned away.
	srv.ServerConfigCallback = func(ctx ssh.Context) *gossh.ServerConfig {
		return &gossh.ServerConfig{
			NoClientAuth: true,
			NoClientAuthCallback: func(gossh.ConnMetadata) (*gossh.Permissions, error) {
				if _, ok := s.localTeammate(ctx); !ok {
					return nil, &gossh.BannerError{Err: errors.New("not a teammate"), Message: s.notATeammate(ctx)}
				}
				return nil, nil
			},
			// Listed so the refusal is a normal failure the client reports
			// (with no method left, the server would just hang up).
			PublicKeyCallback: func(gossh.ConnMetadata, gossh.PublicKey) (*gossh.Permissions, error) {
				return nil, errors.New("the local socket takes no keys")
			},
		}
	}
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		l.Close()
		return nil
	}
	s.local = append(s.local, srv)
	s.mu.Unlock()
	err := srv.Serve(l)
	if errors.Is(err, ssh.ErrServerClosed) {
		return nil
	}
	return err
}

// localTeammate is the teammate whose unix_user connected, on a local
// connection's context.
func (s *Server) localTeammate(ctx ssh.Context) (int, bool) {
	lu, ok := ctx.Value(localUserKey{}).(localUser)
	if !ok || lu.err != nil || lu.name == "" {
		return -1, false
	}
	for i, tm := range s.cfg.Teammates {
		if tm.UnixUser != "" && tm.UnixUser == lu.name {
			return i, true
		}
	}
	return -1, false
}

// notATeammate is the refusal a local user reads: who they are to the
// server, and who may add them.
func (s *Server) notATeammate(ctx ssh.Context) string {
	lu, _ := ctx.Value(localUserKey{}).(localUser)
	if lu.err != nil {
		return fmt.Sprintf("parley serve: could not tell who you are (%v), so no console\n", lu.err)
	}
	who := lu.name
	if who == "" {
		who = "uid " + strconv.Itoa(lu.uid)
	}
	owner := "the user who runs parley serve"
	if u, err := user.Current(); err == nil {
		owner = u.Username + " (who runs parley serve)"
	}
	return fmt.Sprintf("parley serve: you (%s) are not a teammate here; %s can add you: a [[teammate]] with unix_user = %q in %s\n",
		who, owner, lu.name, s.cfg.UI.ConfigPath)
}

// DialLocal connects to the team directory's socket, as `parley attach`
// does, and makes sure the server at the other end is the directory's
// owner (the kernel's word again): a socket planted by someone else, if
// one ever could be, gets nothing typed into it.
func DialLocal(dir string) (net.Conn, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("team directory: %w (is parley serve running with --team-dir %s?)", err, dir)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil, fmt.Errorf("team directory %s: no owner", dir)
	}
	path := filepath.Join(dir, LocalSocketName)
	conn, err := net.Dial("unix", path)
	if err != nil {
		return nil, fmt.Errorf("no parley serve answers on %s: %w", path, err)
	}
	uid, err := peerUID(conn)
	if err == nil && uid != int(st.Uid) {
		err = fmt.Errorf("the socket in %s is served by uid %d, not by the directory's owner (uid %d): not attaching", dir, uid, st.Uid)
	}
	if err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}
