package store

// A damaged file must end in an error that says what to do, never in a
// crash: bbolt reads pages through a memory map and trusts every page id
// and offset it finds, so a bad one makes it read outside the map (SIGSEGV,
// SIGBUS, normally fatal) or panic on an assertion. Open validates the
// meta pages with plain reads first, and every bbolt call the Store makes
// runs in guard, which turns a fault or a bbolt panic into ErrDamaged.

import (
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ErrDamaged means the database file is damaged (or is not a parley
// database at all). The error returned names the file and what to do;
// test with errors.Is.
var ErrDamaged = errors.New("database is damaged")

// DamagedError says which file is damaged and how. Its message ends with
// what to do, so a command can print it as it is.
type DamagedError struct {
	Path string
	Why  string // what is wrong, e.g. "file ends at page 12 of 20 (cut short)"
}

func (e *DamagedError) Error() string {
	return e.Path + " is damaged: " + e.Why +
		"; put your last copy from parley backup in its place, or salvage what can be read: parley doctor --salvage NEW.db"
}

func (e *DamagedError) Unwrap() error { return ErrDamaged }

func damaged(path, format string, args ...any) *DamagedError {
	return &DamagedError{Path: path, Why: fmt.Sprintf(format, args...)}
}

// damageState is the Store's record of damage it ran into.
type damageState struct {
	damage atomic.Pointer[DamagedError]
	chOnce sync.Once
	ch     chan struct{} // closed on the first damage
}

func (d *damageState) notify() chan struct{} {
	d.chOnce.Do(func() { d.ch = make(chan struct{}) })
	return d.ch
}

// Damaged returns the damage this store ran into, or nil. After the first
// one every call fails fast with it: what bbolt holds in memory about the
// file can no longer be trusted.
func (s *Store) Damaged() error {
	if e := s.damage.Load(); e != nil {
		return e
	}
	return nil
}

// DamagedNotify is closed when the store first runs into damage, so a
// long-running caller (the console) can stop instead of carrying on.
func (s *Store) DamagedNotify() <-chan struct{} { return s.notify() }

// view and update are db.View and db.Update run under guard.
func (s *Store) view(fn func(*bolt.Tx) error) error {
	return s.guard(func() error { return s.db.View(fn) })
}

func (s *Store) update(fn func(*bolt.Tx) error) error {
	return s.guard(func() error { return updateSummed(s.db, fn) })
}

// guard runs fn, which calls into bbolt on this goroutine, so that a
// damaged page ends in ErrDamaged instead of a crash. bbolt's own
// rollback runs while the panic unwinds, so its locks are released.
func (s *Store) guard(fn func() error) (err error) {
	if e := s.damage.Load(); e != nil {
		return e
	}
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		why, ok := damagePanic(r)
		if !ok {
			panic(r) // a parley bug, not a damaged file: let it be seen
		}
		if s.damage.CompareAndSwap(nil, damaged(s.path, "%s", why)) {
			close(s.notify())
		}
		err = s.damage.Load()
	}()
	// Faults are per goroutine: this makes a read outside the map a
	// panic that the deferred recover above can catch.
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	return fn()
}

// closeDamaged closes a store that met damage. A panic that went through
// bbolt may have left one of its locks held, and then Close would wait
// forever; the process is about to report the damage and exit, which
// releases the file anyway, so give up waiting after a while.
func (s *Store) closeDamaged() error {
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = guardOpen(s.path, s.db.Close)
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
	}
	return nil
}

// guardOpen is guard for code that has no Store yet (bolt.Open, a
// read-only copy): it returns the damage as an error.
func guardOpen(path string, fn func() error) (err error) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		why, ok := damagePanic(r)
		if !ok {
			panic(r)
		}
		err = damaged(path, "%s", why)
	}()
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	return fn()
}

// damagePanic says whether a recovered panic comes from a damaged file: a
// fault at a non-nil address (a read outside the memory map), or a panic
// raised inside bbolt (its assertions about page ids and types). Anything
// else is a bug in parley and is not disguised as damage.
func damagePanic(r any) (why string, ok bool) {
	if re, isRE := r.(runtime.Error); isRE {
		if _, fault := r.(interface{ Addr() uintptr }); fault {
			return "a page points outside the file (" + re.Error() + ")", true
		}
	}
	if fn := panickingFunc(); strings.HasPrefix(fn, "go.etcd.io/bbolt") {
		return fmt.Sprintf("bbolt stopped on a bad page (%v)", r), true
	}
	return "", false
}

// panickingFunc names the function that panicked: the first frame below
// runtime.gopanic that is not the runtime's. It must be called from the
// deferred function that recovers, whose stack still holds those frames.
func panickingFunc() string {
	pcs := make([]uintptr, 64)
	n := runtime.Callers(1, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	below := false
	for {
		f, more := frames.Next()
		switch {
		case f.Function == "runtime.gopanic":
			below = true
		case below && !strings.HasPrefix(f.Function, "runtime."):
			return f.Function
		}
		if !more {
			return ""
		}
	}
}
