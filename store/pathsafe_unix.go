//go:build unix

package store

import (
	"io/fs"
	"syscall"
)

// oNoFollow makes an open fail on a link instead of following it.
const oNoFollow = syscall.O_NOFOLLOW

// fileUID is the owner of fi, or -1 when the system does not say.
func fileUID(fi fs.FileInfo) int {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return int(st.Uid)
	}
	return -1
}
