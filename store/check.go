package store

import (
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Check verifies the file's page structure (bbolt's consistency check:
// every page reachable once, freelist sound). It reads the whole file, so
// it is for parley doctor, not for every start.
func (s *Store) Check() error {
	var errs []error
	err := s.db.View(func(tx *bolt.Tx) error {
		for e := range tx.Check() {
			if len(errs) < 20 {
				errs = append(errs, e)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("check database %s: %w", s.path, err)
	}
	if len(errs) > 0 {
		return fmt.Errorf("database %s is damaged: %w", s.path, errors.Join(errs...))
	}
	return nil
}
