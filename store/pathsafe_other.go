//go:build !unix

package store

import "io/fs"

// oNoFollow is not available here; Windows has no unix file owners
// either, and its per-user profile directories are private by default.
const oNoFollow = 0

// fileUID is -1: the owner is not known.
func fileUID(fs.FileInfo) int { return -1 }
