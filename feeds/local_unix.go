//go:build unix

package feeds

import (
	"os"
	"syscall"
)

// clearNonblock puts a regular file opened with O_NONBLOCK back in blocking
// mode.
func clearNonblock(fh *os.File) error {
	rc, err := fh.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) { serr = syscall.SetNonblock(int(fd), false) }); err != nil {
		return err
	}
	return serr
}
