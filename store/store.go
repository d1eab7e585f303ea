package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"parley/funnel"
)

// DefaultTimeout is how long Open waits for another parley to release the
// database before giving up with ErrLocked: long enough to ride out a
// short `parley fetch`, short enough that the promised "clear error within
// 2 s" holds with process start-up on top.
const DefaultTimeout = 1500 * time.Millisecond

// Options configures Open.
type Options struct {
	Timeout time.Duration // lock wait; zero or negative means DefaultTimeout
	// Ours are author names that are us (compared trimmed and
	// case-insensitively); messages by them are marked Ours.
	Ours   []string
	NoSync bool // skip fsync on commit: tests and benchmark setup only
	// Funnel finds stage signals on ingest and on our replies; nil means
	// funnel.NewAnalyzer with the default patterns.
	Funnel *funnel.Analyzer
	// MustExist refuses a missing database (ErrNoDatabase) and creates
	// nothing: for commands that read one (export, conversions import).
	MustExist bool
	// Progress, if set, hears how far Open is when it re-reads every
	// conversation (the rules changed: see Reread), or upgrades the
	// schema: done of total.
	Progress func(done, total int)
	// Step, if set, hears what the Progress that follows is about: the
	// name of each schema upgrade step as it starts ("schema 5:
	// conversations"), and "" before a re-read.
	Step func(name string)
}

var (
	// ErrLocked means another process holds the database. The error
	// returned by Open names the file; test with errors.Is.
	ErrLocked = errors.New("database is in use by another parley")
	// ErrNotFound means the thread (or record) does not exist.
	ErrNotFound = errors.New("not found")
	// ErrNewerSchema means the database was written by a newer parley
	// whose layout this build does not know; opening it could damage it.
	ErrNewerSchema = errors.New("database was written by a newer version of parley")
)

// lockedError carries the path so the message can tell the user which
// file is busy and what to do, while errors.Is(err, ErrLocked) still works.
type lockedError struct{ path string }

func (e *lockedError) Error() string {
	return "another parley is using " + e.path + " (close it, or use --db for a different database)"
}

func (e *lockedError) Unwrap() error { return ErrLocked }

// Store is parley's database. Its methods are safe for concurrent use:
// bbolt serialises writers and lets readers run alongside.
type Store struct {
	db   *bolt.DB
	path string
	an   analyzer // one for the store's life: it is safe for concurrent use

	// Shared by every handle As makes.
	*oursState
	*damageState // the damage met so far (damage.go)
	feed         *changeFeed

	who string // who this handle's changes are by (As)

	// staleSocket is the control socket of a dead parley Open removed.
	staleSocket string
}

type oursState struct {
	mu   sync.RWMutex
	ours []string // trimmed, non-empty
}

// newStore makes the Store for an open db.
func newStore(db *bolt.DB, path string, an analyzer) *Store {
	return &Store{db: db, path: path, an: an,
		oursState: &oursState{}, damageState: &damageState{}, feed: &changeFeed{}}
}

// As returns a handle on the same database whose writes publish their
// changes as by who (Change.Who), unless the write names its own (SetStage's
// who, Reply.Who). Team mode gives each teammate's console one. The handle
// shares everything else: closing it closes the Store.
func (s *Store) As(who string) *Store {
	h := *s
	h.who = who
	return &h
}

// Open opens or creates the database at path, creating its directory
// (0700) and file (0600) when missing, brings the layout up to the current
// schema version, and fails with ErrLocked if another parley holds it for
// longer than o.Timeout.
func Open(path string, o Options) (*Store, error) {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	if err := ensureDir(path, o.MustExist); err != nil {
		return nil, err
	}
	_, statErr := os.Stat(path)
	created := errors.Is(statErr, fs.ErrNotExist)

	timeout := o.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	if !created {
		// Checked with plain reads before bbolt maps the file and trusts it.
		if err := preOpen(path); err != nil {
			return nil, err
		}
	}
	var db *bolt.DB
	err := guardOpen(path, func() (err error) {
		db, err = bolt.Open(path, 0o600, &bolt.Options{
			Timeout: timeout,
			NoSync:  o.NoSync,
			// The hashmap freelist stays fast as the file fragments; the
			// array one degrades with many free pages.
			FreelistType: bolt.FreelistMapType,
			// Mapped ahead of the file's growth: fewer remaps, each of
			// which waits for every reader (mmap.go).
			InitialMmapSize: initialMmapSize(path),
			OpenFile:        boltOpenFile(o.MustExist), // no links, no other user's file
		})
		return err
	})
	if err != nil {
		return nil, openError(path, err)
	}
	if created {
		// bbolt creates the file with 0600 &^ umask; make it exact so a
		// lax umask can never widen it and a strict one is not a surprise.
		if err := os.Chmod(path, 0o600); err != nil {
			_ = db.Close()
			return nil, fmt.Errorf("set permissions on %s: %w", path, err)
		}
	}
	var an analyzer = o.Funnel
	if o.Funnel == nil {
		def, err := funnel.NewAnalyzer(funnel.Config{})
		if err != nil {
			_ = db.Close()
			return nil, fmt.Errorf("prepare funnel signals: %w", err)
		}
		an = def
	}
	env := migrateEnv{analyzer: an, now: time.Now().UTC(), progress: o.Progress, step: o.Step}
	// A write transaction commits (and fsyncs) even when it changes
	// nothing, so a file that is already current is only read.
	var current bool
	if err := guardOpen(path, func() error {
		return db.View(func(tx *bolt.Tx) error { current = upToDate(tx); return nil })
	}); err != nil {
		_ = db.Close()
		return nil, err
	}
	if !current {
		if err := guardOpen(path, func() error {
			return migrateDB(db, path, env)
		}); err != nil {
			_ = db.Close()
			return nil, err
		}
	}
	if !db.IsReadOnly() {
		if err := guardOpen(path, func() error { return dropFunnelTeamCounts(db) }); err != nil {
			_ = db.Close()
			return nil, err
		}
	}
	s := newStore(db, path, an)
	s.SetOurs(o.Ours)
	// The lock is ours: a socket left by a parley that died can go.
	s.staleSocket = removeStaleSocket(path)
	if o.Funnel != nil {
		// Only a caller with the real [funnel] config re-reads: one with
		// the defaults would undo the console's reading.
		changed, err := s.rulesChanged()
		if err == nil && changed {
			if o.Step != nil {
				o.Step("")
			}
			_, err = s.Reread(o.Progress)
		}
		if err != nil {
			_ = s.Close()
			return nil, err
		}
	}
	return s, nil
}

// ensureDir creates the directory of the database at path with 0700 if
// missing (unless mustExist), and refuses one another user owns or can
// write (see pathsafe.go). An existing safe directory is left as the user
// set it up.
func ensureDir(path string, mustExist bool) error {
	dir := filepath.Dir(path)
	if mustExist {
		if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
			return noDatabaseError(path)
		}
		return CheckPrivateDir(dir)
	}
	return EnsurePrivateDir(dir)
}

// openError turns bbolt's terse errors into ones that say what to do.
func openError(path string, err error) error {
	switch {
	case errors.Is(err, ErrDamaged), errors.Is(err, ErrUnsafePath), errors.Is(err, ErrNoDatabase):
		return err // these name the path and say what to do
	case errors.Is(err, berrors.ErrTimeout):
		return &lockedError{path: path}
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrChecksum),
		errors.Is(err, berrors.ErrVersionMismatch):
		return fmt.Errorf("%s is not a parley database or is damaged (use --db for a different database): %w", path, err)
	}
	return fmt.Errorf("open database %s: %w", path, err)
}

// Close releases the database and its lock. Calling it twice is harmless.
func (s *Store) Close() error {
	s.feed.close()
	if s.Damaged() != nil {
		return s.closeDamaged()
	}
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close database %s: %w", s.path, err)
	}
	return nil
}

// Path is the absolute path of the database file.
func (s *Store) Path() string { return s.path }

// SetOurs replaces the names that are us. It affects messages ingested
// from now on; stored messages keep the flag they were stored with.
func (s *Store) SetOurs(names []string) {
	ours := make([]string, 0, len(names))
	for _, n := range names {
		if n = strings.TrimSpace(n); n != "" {
			ours = append(ours, n)
		}
	}
	s.mu.Lock()
	s.ours = ours
	s.mu.Unlock()
}

// oursSnapshot returns the current names; the slice is never mutated
// after SetOurs stores it, so sharing it is safe.
func (s *Store) oursSnapshot() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.ours
}

func isOurs(ours []string, author string) bool {
	author = strings.TrimSpace(author)
	if author == "" {
		return false
	}
	for _, n := range ours {
		if strings.EqualFold(n, author) {
			return true
		}
	}
	return false
}
