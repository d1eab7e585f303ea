package store

// Parley's own files (the database, the log, the control socket) live only
// in directories no other user can write, and are never links or another
// user's files. On a shared machine another user could otherwise plant a
// database that collects your conversations, a link that makes parley
// write into one of your files, or a socket that impersonates parley.
//
// The rule for a directory is the simple one: owned by you (or root) and
// not writable by group or others. A sticky directory such as /tmp is
// refused too: others cannot replace your files there, but they can add
// names (parley.db, its socket, demo-feeds/) before you do.

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"strconv"
)

// ErrUnsafePath means a directory or file parley would use could be
// controlled by another user; the error returned names it and says why.
var ErrUnsafePath = errors.New("unsafe path")

// unsafePathError says which path is unsafe, why, and what to do.
type unsafePathError struct{ path, why string }

func (e *unsafePathError) Error() string { return e.path + " " + e.why }
func (e *unsafePathError) Unwrap() error { return ErrUnsafePath }

// ownerName names a uid for messages: "uid 65534 (nobody)".
func ownerName(uid int) string {
	s := "uid " + strconv.Itoa(uid)
	if u, err := user.LookupId(strconv.Itoa(uid)); err == nil && u.Username != "" {
		s += " (" + u.Username + ")"
	}
	return s
}

// mine reports whether a file owned by uid may hold parley's data: yours,
// or root's (root can read everything anyway).
func mine(uid int) bool { return uid < 0 || uid == os.Geteuid() || uid == 0 }

// CheckPrivateDir refuses a directory that another user owns or can
// write. A link to a directory is followed: the user made it, and what
// counts is the directory the files end up in.
func CheckPrivateDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("check directory %s: %w", dir, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	uid := fileUID(fi)
	if !mine(uid) {
		return &unsafePathError{"directory " + dir, fmt.Sprintf("belongs to %s, not you: "+
			"its owner controls what is in it; keep parley's files in a directory of yours (--db names another database)", ownerName(uid))}
	}
	if perm := fi.Mode() & (fs.ModePerm | fs.ModeSticky); perm&0o022 != 0 {
		fix := fmt.Sprintf("run chmod go-w %s, or use a directory only you can write (--db names another database)", dir)
		if uid != os.Geteuid() || perm&fs.ModeSticky != 0 {
			fix = "use a directory only you can write (--db names another database)"
		}
		return &unsafePathError{"directory " + dir, fmt.Sprintf("is writable by others (mode %04o): "+
			"another user could plant a database, a link or a socket there; %s", unixMode(fi.Mode()), fix)}
	}
	return nil
}

// unixMode is the permission and sticky bits as chmod writes them (1777).
func unixMode(m fs.FileMode) uint32 {
	u := uint32(m.Perm())
	if m&fs.ModeSticky != 0 {
		u |= 0o1000
	}
	return u
}

// EnsurePrivateDir creates dir (0700, exactly) when it is missing, then
// refuses it if another user owns or can write it. An existing safe
// directory is left as the user set it up.
func EnsurePrivateDir(dir string) error {
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("create directory %s: %w", dir, err)
		}
		// MkdirAll applies the umask; the directory holds private
		// conversations, so make it exactly owner-only.
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("set permissions on directory %s: %w", dir, err)
		}
	}
	return CheckPrivateDir(dir)
}

// OpenPrivateFile opens one of parley's own files. It never follows a
// link at path (a link planted there could point at any file of yours),
// and refuses what is not a regular file you own.
func OpenPrivateFile(path string, flag int, perm fs.FileMode) (*os.File, error) {
	f, err := os.OpenFile(path, flag|oNoFollow, perm)
	if err != nil {
		if fi, lerr := os.Lstat(path); lerr == nil && fi.Mode().Type() == fs.ModeSymlink {
			return nil, symlinkError(path)
		}
		return nil, err
	}
	fi, err := f.Stat()
	if err == nil {
		err = checkOwnFile(path, fi)
	}
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	return f, nil
}

func symlinkError(path string) error {
	return &unsafePathError{path, "is a symlink: parley does not follow links for its own files " +
		"(one could point at any file of yours); remove the link, or name the real file (--db for the database)"}
}

// checkOwnFile refuses what is not a regular file owned by you (or root).
func checkOwnFile(path string, fi fs.FileInfo) error {
	switch {
	case fi.Mode().Type() == fs.ModeSymlink:
		return symlinkError(path)
	case !fi.Mode().IsRegular():
		return &unsafePathError{path, fmt.Sprintf("is not a regular file (%s): move it away", fi.Mode().Type())}
	}
	if uid := fileUID(fi); !mine(uid) {
		return &unsafePathError{path, fmt.Sprintf("belongs to %s, not you: parley only uses files it "+
			"created for you (another user could read it); move it away, or name another file (--db)", ownerName(uid))}
	}
	return nil
}

// boltOpenFile is bbolt's Options.OpenFile for parley's databases: the
// checks of OpenPrivateFile, on the file bbolt then locks and maps.
// mustExist drops O_CREATE, so a typo in --db creates nothing.
func boltOpenFile(mustExist bool) func(string, int, os.FileMode) (*os.File, error) {
	return func(path string, flag int, perm os.FileMode) (*os.File, error) {
		if mustExist {
			flag &^= os.O_CREATE
		}
		f, err := OpenPrivateFile(path, flag, perm)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, noDatabaseError(path)
		}
		return f, err
	}
}

// ErrNoDatabase means a command that reads the database found none:
// it creates nothing, since the path is most likely a typo.
var ErrNoDatabase = errors.New("no database")

func noDatabaseError(path string) error {
	return fmt.Errorf("%w at %s: check the path (--db), or start parley once to create it", ErrNoDatabase, path)
}
