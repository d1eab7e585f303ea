package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// BackupInfo says what a backup wrote.
type BackupInfo struct {
	Bytes   int64 // size of the copy
	Threads int   // threads in it
}

// ErrTargetExists means the backup's target file exists: a backup never
// overwrites a file.
var ErrTargetExists = errors.New("file already exists")

// Backup writes a consistent copy of the database to target (an absolute
// path; created 0600, never overwritten) while the store stays in use: the
// copy is one read transaction, so writers carry on. A writer that needs
// to grow the file waits for the copy to end (bbolt remaps only without
// readers).
func (s *Store) Backup(target string) (BackupInfo, error) {
	var info BackupInfo
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		info, err = writeCopy(tx, target)
		return err
	})
	if err != nil {
		return BackupInfo{}, fmt.Errorf("back up %s to %s: %w", s.path, target, err)
	}
	return info, nil
}

// BackupFile copies the database at path to target when no parley holds
// it. It opens the file read-only and runs no migration: a backup taken
// before an upgrade keeps the old layout, and a file from a newer parley
// can be copied too. It fails with ErrLocked when a parley holds the file
// for longer than timeout.
func BackupFile(path, target string, timeout time.Duration) (BackupInfo, error) {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	if _, err := os.Lstat(path); err != nil { // a link is refused below
		if errors.Is(err, fs.ErrNotExist) {
			return BackupInfo{}, fmt.Errorf("no database at %s: nothing to back up (--db names another)", path)
		}
		return BackupInfo{}, fmt.Errorf("back up %s: %w", path, err)
	}
	if err := CheckPrivateDir(filepath.Dir(path)); err != nil {
		return BackupInfo{}, err
	}
	if err := preOpen(path); err != nil {
		return BackupInfo{}, err
	}
	var info BackupInfo
	err := guardOpen(path, func() error {
		db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: timeout, OpenFile: boltOpenFile(true)})
		if err != nil {
			return openError(path, err)
		}
		defer db.Close()
		return db.View(func(tx *bolt.Tx) error {
			if tx.Bucket(bucketMeta) == nil || tx.Bucket(bucketThreads) == nil {
				return fmt.Errorf("%s is not a parley database", path)
			}
			var err error
			info, err = writeCopy(tx, target)
			return err
		})
	})
	if errors.Is(err, ErrDamaged) || errors.Is(err, ErrLocked) {
		return BackupInfo{}, err
	}
	if err != nil {
		return BackupInfo{}, fmt.Errorf("back up %s to %s: %w", path, target, err)
	}
	return info, nil
}

// writeCopy writes tx's snapshot to a temp file beside target, syncs it
// and only then gives it target's name, so target is either absent or a
// whole copy, never a torn one.
func writeCopy(tx *bolt.Tx, target string) (info BackupInfo, err error) {
	if !filepath.IsAbs(target) {
		return info, fmt.Errorf("backup target %q is not an absolute path", target)
	}
	if _, err := os.Lstat(target); err == nil {
		return info, fmt.Errorf("%s: %w (a backup never overwrites a file; name a new one)", target, ErrTargetExists)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return info, fmt.Errorf("check %s: %w", target, err)
	}
	if b := tx.Bucket(bucketThreads); b != nil {
		info.Threads = countKeys(tx, b)
	}
	dir := filepath.Dir(target)
	f, err := os.CreateTemp(dir, "."+filepath.Base(target)+".tmp-*")
	if err != nil {
		return info, fmt.Errorf("create the copy in %s: %w", dir, err)
	}
	tmp := f.Name()
	// After a successful link this drops the temp name; after a rename it
	// finds nothing; on failure it removes the partial copy.
	defer os.Remove(tmp)
	// CreateTemp's 0600 is before the umask; make it exact.
	err = f.Chmod(0o600)
	if err == nil {
		info.Bytes, err = tx.WriteTo(f)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return info, fmt.Errorf("write the copy %s: %w", tmp, err)
	}
	// A copy of a damaged file would carry the damage to where the user
	// trusts it. The copy is one snapshot and nothing writes it, so its
	// walk is exact even while the console goes on writing the original.
	if err := checkTree(tmp); err != nil {
		var d *DamagedError
		if errors.As(err, &d) {
			return info, &DamagedError{Path: tx.DB().Path(), Why: d.Why}
		}
		return info, fmt.Errorf("check the copy %s: %w", tmp, err)
	}
	if err := placeNoClobber(tmp, target); err != nil {
		return info, err
	}
	syncDir(dir)
	return info, nil
}

// placeNoClobber gives the file tmp the name target unless target exists.
// A hard link fails if target appeared since the check, so nothing is
// overwritten even then; file systems without hard links fall back to a
// check and a rename.
func placeNoClobber(tmp, target string) error {
	err := os.Link(tmp, target)
	if err == nil {
		return nil
	}
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s: %w (a backup never overwrites a file; name a new one)", target, ErrTargetExists)
	}
	if _, err := os.Lstat(target); err == nil {
		return fmt.Errorf("%s: %w (a backup never overwrites a file; name a new one)", target, ErrTargetExists)
	}
	if err := os.Rename(tmp, target); err != nil {
		return fmt.Errorf("name the copy %s: %w", target, err)
	}
	return nil
}

// syncDir makes the new name durable. Best effort: some file systems
// refuse fsync on a directory, and the copy itself is already on disk.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}
