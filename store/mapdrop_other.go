//go:build !linux

package store

import bolt "go.etcd.io/bbolt"

// dropMapped is madvise(MADV_DONTNEED) on Linux (mapdrop_linux.go);
// elsewhere the pages stay mapped until the kernel needs them.
func dropMapped(*bolt.Tx) {}
