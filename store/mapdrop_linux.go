//go:build linux

package store

import (
	"syscall"
	"unsafe"

	bolt "go.etcd.io/bbolt"
)

// dropMapped gives back the pages of the database file a long read has
// mapped in (MADV_DONTNEED). The map is shared and read-only, so the
// kernel keeps them in its page cache and any reader touching them again
// faults them back in unchanged; the process's resident set no longer
// counts them. A scan of every message would otherwise hold the whole
// file resident (1.3 GB at 100k threads) until the process ends.
func dropMapped(tx *bolt.Tx) {
	info := tx.DB().Info()
	size := tx.Size()
	if info == nil || info.Data == 0 || size <= 0 {
		return
	}
	// info.Data is the map's address as a uintptr; read it as a pointer
	// (the map is not Go memory: the collector never moves it).
	base := *(*unsafe.Pointer)(unsafe.Pointer(&info.Data))
	_ = syscall.Madvise(unsafe.Slice((*byte)(base), size), syscall.MADV_DONTNEED)
}
