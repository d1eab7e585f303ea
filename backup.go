package main

// parley backup: a consistent copy of the database, also while the
// console runs (it holds the file's lock, so it writes the copy itself).

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"parley/store"
)

const backupUsage = `Usage: parley backup FILE [--db PATH] [--demo]

Write a consistent copy of the database to FILE (created 0600). An existing
FILE is never overwritten. Works while the console runs: the running parley
writes the copy itself, through the socket beside the database.

To restore, quit parley and copy FILE over the database, or open it
directly with --db FILE.

Example: parley backup ~/parley-$(date +%F).db
`

const (
	// backupLockWait is how long to wait for the database when no running
	// parley answered: enough to ride out a short parley fetch.
	backupLockWait = 500 * time.Millisecond
	// backupAnswerWait bounds the wait for a running parley's copy: a
	// large database on a slow disk takes a while, a wedged one forever.
	backupAnswerWait = 5 * time.Minute
)

func backupCmd(opts options, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "parley backup: name the file to write, e.g. parley backup ~/parley-backup.db (see parley backup --help)")
		return 2
	}
	if len(args) > 1 {
		return unexpectedArg(stderr, "backup", args[1])
	}
	target, err := filepath.Abs(args[0])
	if err != nil {
		fmt.Fprintf(stderr, "parley backup: %s: %v\n", args[0], err)
		return 1
	}
	info, err := backup(opts.db, target, func(msg string) { fmt.Fprintf(stderr, "parley backup: %s…\n", msg) })
	if err != nil {
		fmt.Fprintf(stderr, "parley backup: %v\n", cleanErr(err))
		return 1
	}
	fmt.Fprintf(stdout, "backed up %d threads (%d KB) to %s\n", info.Threads, (info.Bytes+1023)/1024, target)
	return 0
}

// backup asks a running parley first: it answers at once, where opening
// the file would wait out the lock before finding out it is in use.
// waiting is told what a long wait is for.
func backup(db, target string, waiting func(string)) (store.BackupInfo, error) {
	if abs, err := filepath.Abs(db); err == nil {
		db = abs
	}
	if _, err := os.Lstat(target); err == nil {
		return store.BackupInfo{}, fmt.Errorf("%s already exists: a backup never overwrites a file; name a new one", target)
	}
	if _, err := os.Stat(db); errors.Is(err, os.ErrNotExist) {
		return store.BackupInfo{}, fmt.Errorf("no database at %s: nothing to back up (--db names another)", db)
	}
	info, err := store.RequestBackupNotify(db, target, backupAnswerWait, waiting)
	if !errors.Is(err, store.ErrNoControl) {
		return info, err
	}
	info, err = store.BackupFile(db, target, backupLockWait)
	if errors.Is(err, store.ErrLocked) {
		// A console that was starting may answer now.
		if info, err := store.RequestBackupNotify(db, target, backupAnswerWait, waiting); !errors.Is(err, store.ErrNoControl) {
			return info, err
		}
		return info, fmt.Errorf("%s is in use by a running parley that did not answer a backup request (is it an older version?): quit it and try again", db)
	}
	return info, err
}
