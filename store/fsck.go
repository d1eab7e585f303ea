package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

var errLockTimeout = errors.New("lock timeout")

// FileReport is what CheckFile found.
type FileReport struct {
	Pages, Buckets, Keys int
	Problems             []string // at most 20; empty when the file is sound
	// MetaNote says one header page is invalid and bbolt uses the other
	// (metanote.go); "" when both are valid.
	MetaNote string `json:",omitempty"`
}

// CheckFile checks the database at path without writing to it: every
// page of the tree is read with plain reads and checked (ids, types,
// counts, offsets, key order, the freelist, pages neither used nor free)
// before anything follows it, and only then is bbolt's own check run on
// it, read-only. It returns ErrLocked when a parley holds the file longer
// than timeout, and a DamagedError (ErrDamaged) when it is damaged.
//
// bbolt's check alone is not enough: it runs on a goroutine of its own,
// where a bad page id makes it read outside the memory map and kill the
// process; after the walk it has nothing left that could do that.
func CheckFile(path string, timeout time.Duration) (FileReport, error) {
	var rep FileReport
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	f, _, err := openDBFile(path)
	if err != nil {
		return rep, err
	}
	defer f.Close()
	if err := lockShared(f, timeout); err != nil {
		if errors.Is(err, errLockTimeout) {
			return rep, &lockedError{path: path}
		}
		return rep, fmt.Errorf("lock %s: %w", path, err)
	}
	if rep, err = walkAll(path, f); err != nil {
		return rep, err
	}
	err = guardOpen(path, func() error {
		db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: timeout, OpenFile: boltOpenFile(true)})
		if err != nil {
			return openError(path, err)
		}
		defer db.Close()
		return db.View(func(tx *bolt.Tx) error {
			errs := bboltCheck(tx)
			for _, e := range errs {
				rep.Problems = append(rep.Problems, e.Error())
			}
			if len(errs) > 0 {
				return damaged(path, "%v", errs[0])
			}
			return nil
		})
	})
	return rep, err
}

// OpenReadOnly opens the database at path for reading only: no migration,
// nothing written, a shared lock (so it fails with ErrLocked while a
// parley has it open). Its meta pages are checked first, as Open does.
func OpenReadOnly(path string, timeout time.Duration) (*Store, error) {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if err := preOpen(path); err != nil {
		return nil, err
	}
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	var db *bolt.DB
	err := guardOpen(path, func() error {
		var err error
		db, err = bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: timeout, OpenFile: boltOpenFile(true)})
		return err
	})
	if err != nil {
		return nil, openError(path, err)
	}
	return newStore(db, path, nil), nil
}

// UpToDate says whether the file has this build's layout; an older one is
// upgraded by the next Open (a read-only store cannot).
func (s *Store) UpToDate() (bool, error) {
	var ok bool
	err := s.view(func(tx *bolt.Tx) error { ok = upToDate(tx); return nil })
	return ok, err
}
