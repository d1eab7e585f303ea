package store

import (
	"syscall"

	bolt "go.etcd.io/bbolt"
)

// keepMapped turns dropMapped off: the baseline of a test.
var keepMapped bool

// dropMapped tells the kernel that this process is done, for now, with
// the database pages it has touched through bbolt's memory map
// (madvise MADV_DONTNEED): they leave the process's resident set but
// stay in the page cache, so a later read maps them back without disk
// I/O. A read that walks the whole file (Export, Audit) calls it every
// dropEvery records; without it every page read stays resident and the process's
// RSS grows to the size of the file (1.2 GB for an export of the 100k
// bench database).
//
// The map is read-only and shared (bbolt writes with pwrite), so
// dropping it loses nothing. It must run inside a transaction: bbolt
// remaps only while no transaction is open, so the range is still the
// map then. Errors are ignored: the pages just stay.
func dropMapped(tx *bolt.Tx) {
	if keepMapped {
		return
	}
	info := tx.DB().Info()
	size := tx.Size() // pages in use by tx: within the map, which is at least the file
	if info == nil || info.Data == 0 || size <= 0 {
		return
	}
	_, _, _ = syscall.Syscall(syscall.SYS_MADVISE, info.Data, uintptr(size), syscall.MADV_DONTNEED)
}
