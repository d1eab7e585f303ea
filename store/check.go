package store

import (
	"errors"
	"fmt"
	"os"

	bolt "go.etcd.io/bbolt"
)

// Check verifies the file's page structure (every page reachable once,
// freelist sound): first with plain reads that cannot fault (checkTree),
// then with bbolt's own check, which runs on a goroutine of its own where
// a bad page would kill the process. It holds the write lock meanwhile,
// so the file does not change under the plain reads, and writes nothing.
// It reads the whole file, so it is for tests and tools, not every start.
func (s *Store) Check() error {
	var errs []error
	err := s.guard(func() error {
		tx, err := s.db.Begin(true)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		if err := checkTree(s.path); err != nil {
			return err
		}
		errs = bboltCheck(tx)
		return nil
	})
	if errors.Is(err, ErrDamaged) {
		return err
	}
	if err != nil {
		return fmt.Errorf("check database %s: %w", s.path, err)
	}
	if len(errs) > 0 {
		return fmt.Errorf("database %s is damaged: %w", s.path, errors.Join(errs...))
	}
	return nil
}

// checkTree walks the whole file at path with plain reads; the caller
// keeps writers out.
func checkTree(path string) error {
	f, _, err := openDBFile(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = walkAll(path, f)
	return err
}

// walkAll walks the whole file open as f with plain reads and reports
// what it found; an unreadable header is a DamagedError with its reason
// as the one problem.
func walkAll(path string, f *os.File) (FileReport, error) {
	var rep FileReport
	d, err := newDBFile(path, f)
	if err != nil {
		var de *DamagedError
		if errors.As(err, &de) {
			rep.Problems = []string{de.Why}
		}
		return rep, err
	}
	w := d.walker()
	w.walk()
	rep.Pages, rep.Buckets, rep.Keys, rep.Problems = w.Pages, w.Buckets, w.Keys, w.problems
	rep.MetaNote = metaNote(f, d.meta)
	return rep, w.err()
}

// bboltCheck runs bbolt's own check in tx and keeps the first problems.
// Run it only after walkAll found the file sound: it follows page ids on
// a goroutine of its own, where a bad one would kill the process.
//
// The pages it reads are dropped from the resident set as it goes (doctor
// on the 100k bench database peaked at 1.3 GB RSS, the whole file).
func bboltCheck(tx *bolt.Tx) []error {
	defer dropMappedEvery(tx, dropInterval)()
	var errs []error
	for e := range tx.Check() {
		if len(errs) < maxProblemsKept {
			errs = append(errs, e)
		}
	}
	return errs
}

// CheckReport is CheckFile for the open store: the parley that holds the
// database checks it for `parley doctor` (whose own CheckFile cannot take
// the lock), with the same report and errors. Writers wait meanwhile.
func (s *Store) CheckReport() (FileReport, error) {
	var rep FileReport
	err := s.guard(func() error {
		tx, err := s.db.Begin(true) // keeps writers out: the file holds still
		if err != nil {
			return err
		}
		defer tx.Rollback()
		f, _, err := openDBFile(s.path)
		if err != nil {
			return err
		}
		defer f.Close()
		if rep, err = walkAll(s.path, f); err != nil {
			return err
		}
		errs := bboltCheck(tx)
		for _, e := range errs {
			rep.Problems = append(rep.Problems, e.Error())
		}
		if len(errs) > 0 {
			return damaged(s.path, "%v", errs[0])
		}
		return nil
	})
	return rep, err
}
