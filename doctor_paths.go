package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"parley/store"
)

// Doctor holds its directories and the log to the rules the other
// commands apply (store/pathsafe.go), so what a command would refuse
// doctor reports, with the same words: a directory others can write or
// another user owns, a log that is a link or someone else's file.

// dataDir reports a database directory parley would refuse, also before
// the database exists (parley would refuse to create it there).
func (d *doctor) dataDir(db string) {
	dir := filepath.Dir(db)
	if _, err := os.Stat(dir); err != nil {
		return // created 0700 on first start
	}
	if err := store.CheckPrivateDir(dir); err != nil {
		d.bad("permissions: database %v", err)
		return
	}
	d.private(dir, 0o077, "database directory")
}

// logFile reports a log parley would refuse to write: the commands then
// run without one, saying so on stderr each time.
func (d *doctor) logFile(path string) {
	dir := filepath.Dir(path)
	if _, err := os.Stat(dir); err != nil {
		return
	}
	if err := store.CheckPrivateDir(dir); err != nil {
		d.bad("log: %v (parley runs without a log until it is fixed)", err)
		return
	}
	if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
		return
	}
	// Read-only and non-blocking: doctor writes nothing, and a FIFO
	// planted there must not hang it.
	f, err := store.OpenPrivateFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		d.bad("log: %v (parley runs without a log until it is fixed)", err)
		return
	}
	f.Close()
	d.private(path, 0o077, "log")
}
