//go:build unix

package store

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestOpenPrivateFileRefusesAFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "parley.log")
	mustNil(t, syscall.Mkfifo(fifo, 0o600))
	// O_RDWR: a FIFO opened so does not wait for a writer.
	_, err := OpenPrivateFile(fifo, os.O_RDWR, 0o600)
	wantUnsafe(t, err, fifo+" is not a regular file")
}
