package feeds

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"runtime/debug"
	"syscall"
	"time"
)

// Local feeds (url = a path, or a file:// URL) get what HTTP feeds get: the
// [fetch] timeout and max_bytes cap, counted once the fetch holds its slot.
// Only regular files are read (a symlink to one is fine): a FIFO blocks
// until someone writes to it, a device such as /dev/zero never ends, and a
// directory is not a feed.
//
// A read stuck in a system call that cannot be interrupted (a stalled NFS
// mount) is abandoned at the timeout: its slot is released and its
// goroutine is left to finish on its own. While it is stuck, no new read of
// the same path starts, so a path costs at most one stuck goroutine however
// many polls go by.

// openLocal opens path for reading, refusing what is not a regular file.
// Tests replace Fetcher.openLocal to simulate a read that stalls.
func openLocal(path string) (io.ReadCloser, error) {
	// Stat first: it says what path is without opening it (opening a FIFO
	// for reading blocks in open(2) until a writer comes).
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err // *PathError: "stat /x: no such file or directory"
	}
	if err := checkRegular(path, fi.Mode()); err != nil {
		return nil, err
	}
	// O_NONBLOCK makes open(2) of a FIFO return at once, should path have
	// become one since the Stat; fstat on what was opened then decides.
	fh, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	fi, err = fh.Stat()
	if err == nil {
		err = checkRegular(path, fi.Mode())
	}
	if err == nil {
		err = clearNonblock(fh) // reads of a regular file may block; some network file systems honour the flag
	}
	if err != nil {
		fh.Close()
		return nil, err
	}
	return fh, nil
}

// checkRegular refuses every kind of file but a regular one, saying what
// path is and why parley will not read it.
func checkRegular(path string, m fs.FileMode) error {
	if what := notRegular(m); what != "" {
		return fmt.Errorf("%s is %s: parley reads local feeds only from regular files (write the feed to a file and point url at it)", SanitizeLine(path), what)
	}
	return nil
}

// notRegular says what a file of mode m is when it is not a regular file,
// and why reading it is refused; "" for a regular file.
func notRegular(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return ""
	case m.IsDir():
		return "a directory, not a regular file"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO), which can block a read forever"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device, which can block or never end"
	}
	return "not a regular file"
}

// errStillBlocked refuses a new read of a path whose last read was abandoned
// and has not returned yet.
type errStillBlocked struct {
	path  string
	since time.Time
}

func (e *errStillBlocked) Error() string {
	return fmt.Sprintf("%s: still blocked since %s, in a read that timed out (a stalled network mount?); parley starts no new read of it until that one returns",
		SanitizeLine(e.path), e.since.Format("15:04:05"))
}

// loadFile reads the local feed at path within the timeout and size cap.
func (f *Fetcher) loadFile(ctx context.Context, path string) ([]byte, ConditionalState, bool, error) {
	f.mu.Lock()
	since, stuck := f.stuck[path]
	f.mu.Unlock()
	if stuck {
		return nil, ConditionalState{}, false, &errStillBlocked{path: path, since: since}
	}
	release, err := f.acquire(ctx, "")
	if err != nil {
		return nil, ConditionalState{}, false, errors.New("cancelled")
	}
	defer release()

	rctx, cancel := context.WithTimeout(ctx, f.opt.Timeout)
	defer cancel()
	type read struct {
		body []byte
		err  error
	}
	done := make(chan read, 1) // never blocks the reader, even once abandoned
	started := time.Now()
	go func() {
		var r read
		defer func() {
			// As in Fetch: a panic while reading fails this feed only.
			if p := recover(); p != nil {
				slog.Error("local read panicked", "path", path, "panic", p, "stack", string(debug.Stack()))
				r = read{err: fmt.Errorf("internal error while reading %s (%v); details in the log", path, p)}
				f.mu.Lock()
				done <- r
				if f.stuck[path].Equal(started) {
					delete(f.stuck, path)
				}
				f.mu.Unlock()
			}
		}()
		rc, err := f.openLocal(path)
		if err != nil {
			r.err = err
		} else {
			var size int64
			if st, ok := rc.(interface{ Stat() (fs.FileInfo, error) }); ok {
				if fi, err := st.Stat(); err == nil {
					size = fi.Size()
				}
			}
			r.body, r.err = f.readCapped(rc, size)
			rc.Close()
		}
		// Under f.mu, so loadFile's timeout branch sees either the result
		// or nothing, and marks the path stuck only in the second case.
		f.mu.Lock()
		done <- r
		if f.stuck[path].Equal(started) {
			delete(f.stuck, path)
		}
		f.mu.Unlock()
	}()

	select {
	case r := <-done:
		return r.body, ConditionalState{}, false, r.err
	case <-rctx.Done():
	}
	f.mu.Lock()
	select {
	case r := <-done: // it returned just now
		f.mu.Unlock()
		return r.body, ConditionalState{}, false, r.err
	default:
		f.stuck[path] = started
	}
	f.mu.Unlock()
	if ctx.Err() != nil {
		return nil, ConditionalState{}, false, errors.New("cancelled")
	}
	return nil, ConditionalState{}, false, fmt.Errorf("no complete read of %s within %s (timeout; is it on a stalled network mount?)", SanitizeLine(path), f.opt.Timeout)
}
