package store

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// SalvageResult says what Salvage copied and what it left behind.
type SalvageResult struct {
	Copied   int      // records (keys) copied
	Buckets  int      // buckets found
	Skipped  int      // damaged pages or records left behind
	Problems []string // the first of them, for the user
}

// salvageBatch is how many records one write transaction of the copy
// takes: enough to keep commits few, few enough to bound memory.
const salvageBatch = 10000

// Salvage copies every record it can read from the database at src into a
// new database at dst (created 0600; an existing dst is never overwritten),
// skipping damaged pages and what hangs below them. It reads src with plain
// reads only, so no damage can crash it, and never writes to it. The copy
// is a valid parley database: Open brings it to the current layout before
// it gets its name, so its missing buckets exist (empty).
func Salvage(src, dst string, timeout time.Duration) (SalvageResult, error) {
	var res SalvageResult
	if abs, err := filepath.Abs(src); err == nil {
		src = abs
	}
	if abs, err := filepath.Abs(dst); err == nil {
		dst = abs
	}
	if _, err := os.Lstat(dst); err == nil {
		return res, fmt.Errorf("%s: %w (salvage never overwrites a file; name a new one)", dst, ErrTargetExists)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return res, fmt.Errorf("check %s: %w", dst, err)
	}
	f, fi, err := openDBFile(src)
	if err != nil {
		return res, err
	}
	defer f.Close()
	if err := lockShared(f, timeout); err != nil {
		if errors.Is(err, errLockTimeout) {
			return res, &lockedError{path: src}
		}
		return res, fmt.Errorf("lock %s: %w", src, err)
	}
	m, derr := readMeta(src, f, fi.Size())
	if derr != nil && (m.pageSize < 1024 || m.pageSize&(m.pageSize-1) != 0 || m.hwm < 3) {
		return res, fmt.Errorf("nothing can be salvaged from %s: %s", src, derr.Why)
	}
	// Pages past the end cannot be read; the walker reports each one it
	// is sent to, and the rest of the tree is still copied.
	m.hwm = min(m.hwm, uint64(fi.Size()/int64(m.pageSize)))
	d := &dbFile{path: src, r: f, size: fi.Size(), meta: m}

	dir := filepath.Dir(dst)
	tf, err := os.CreateTemp(dir, "."+filepath.Base(dst)+".salvage-*")
	if err != nil {
		return res, fmt.Errorf("create the copy in %s: %w", dir, err)
	}
	tmp := tf.Name()
	tf.Close()
	defer os.Remove(tmp) // after the link, or on failure
	if err := os.Chmod(tmp, 0o600); err != nil {
		return res, fmt.Errorf("set permissions on %s: %w", tmp, err)
	}
	out, err := bolt.Open(tmp, 0o600, &bolt.Options{NoSync: true, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return res, fmt.Errorf("create the copy %s: %w", tmp, err)
	}
	c := &salvageCopy{db: out}
	w := d.walker()
	w.onBucket = c.bucket
	w.onKey = c.key
	w.bucketTree(nil, m.root, 0)
	err = c.finish()
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return res, fmt.Errorf("write the copy %s: %w", tmp, err)
	}
	st, err := Open(tmp, Options{})
	if err != nil {
		return res, fmt.Errorf("the copy %s does not open: %w", tmp, err)
	}
	// The counters and their indexes copied are of the whole file, not
	// of what was saved of it: count again.
	if err := st.update(func(tx *bolt.Tx) error { return migrateCounts(tx, migrateEnv{}) }); err != nil {
		_ = st.Close()
		return res, fmt.Errorf("count the copy %s: %w", tmp, err)
	}
	if err := st.Close(); err != nil {
		return res, err
	}
	if err := placeNoClobber(tmp, dst); err != nil {
		return res, err
	}
	syncDir(dir)
	res.Copied, res.Buckets = c.copied, w.Buckets
	res.Skipped, res.Problems = len(w.problems)+w.more, w.problems
	if derr != nil {
		res.Skipped++
		res.Problems = append([]string{derr.Why}, res.Problems...)
	}
	return res, nil
}

// salvageCopy writes what the walker reads into the new database, in
// write transactions of salvageBatch records.
type salvageCopy struct {
	db     *bolt.DB
	tx     *bolt.Tx
	n      int // records in tx
	copied int
	err    error

	path [][]byte // the bucket b is
	b    *bolt.Bucket
}

// open returns the bucket at path in the current transaction, creating
// both as needed.
func (c *salvageCopy) open(path [][]byte) *bolt.Bucket {
	if c.err != nil {
		return nil
	}
	if c.tx == nil {
		if c.tx, c.err = c.db.Begin(true); c.err != nil {
			return nil
		}
		c.b, c.path = nil, nil
	}
	if c.b != nil && samePath(c.path, path) {
		return c.b
	}
	b, err := c.tx.CreateBucketIfNotExists(path[0])
	for _, name := range path[1:] {
		if err != nil {
			break
		}
		b, err = b.CreateBucketIfNotExists(name)
	}
	if err != nil {
		c.err = fmt.Errorf("bucket %q: %w", bytes.Join(path, []byte("/")), err)
		return nil
	}
	c.path = c.path[:0]
	for _, p := range path {
		c.path = append(c.path, bytes.Clone(p))
	}
	c.b = b
	// Sorted keys arrive in order: pack the pages full.
	c.b.FillPercent = 0.95
	return b
}

func samePath(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

func (c *salvageCopy) bucket(path [][]byte, seq uint64) {
	if b := c.open(path); b != nil {
		// Keys made with NextSequence must not be handed out again.
		if err := b.SetSequence(seq); err != nil {
			c.err = err
		}
	}
}

func (c *salvageCopy) key(path [][]byte, k, v []byte) {
	if len(path) == 1 && bytes.Equal(path[0], bucketConvMsgs) {
		// A derived index, complete or absent per thread: what damage
		// left of it could miss messages, and Ingest rebuilds it.
		return
	}
	b := c.open(path)
	if b == nil {
		return
	}
	if err := b.Put(bytes.Clone(k), bytes.Clone(v)); err != nil {
		c.err = fmt.Errorf("copy a record of %s: %w", bucketName(path), err)
		return
	}
	c.copied++
	if c.n++; c.n >= salvageBatch {
		c.commit()
	}
}

func (c *salvageCopy) commit() {
	if c.tx == nil || c.err != nil {
		return
	}
	c.err = c.tx.Commit()
	c.tx, c.b, c.n = nil, nil, 0
}

func (c *salvageCopy) finish() error {
	c.commit()
	if c.tx != nil {
		_ = c.tx.Rollback()
	}
	return c.err
}
