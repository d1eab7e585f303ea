//go:build !unix

package store

import (
	"os"
	"time"
)

// lockShared is a no-op where flock does not exist: bbolt's own lock
// (taken when the file is opened) is what keeps writers out there.
func lockShared(*os.File, time.Duration) error { return nil }

// lockFree cannot tell without flock: it says the database is in use, so
// doctor never calls a socket stale that might not be.
func lockFree(string) bool { return false }
