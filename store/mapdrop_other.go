//go:build !linux

package store

import bolt "go.etcd.io/bbolt"

// dropMapped does nothing here (see mapdrop_linux.go).
func dropMapped(*bolt.Tx) {}
