//go:build unix

package store

import (
	"syscall"
	"time"
)

// processCPU is the CPU time this process has used (user + system): a
// benchmark's figure that other load on the machine does not inflate.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
