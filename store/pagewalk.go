package store

// A reader of bbolt's file format that uses plain reads (ReadAt), never
// the memory map, and checks every page id, count and offset before it
// follows it, so no damage can make it fault. Open uses its meta checks;
// doctor and backup walk the whole tree with it; salvage copies what it
// can read. The layout is bbolt v1.5's (go.etcd.io/bbolt/internal/common),
// in the machine's byte order as bbolt writes it.

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"syscall"
)

const (
	pageHeaderSize  = 16 // id u64, flags u16, count u16, overflow u32
	branchElemSize  = 16 // pos u32, ksize u32, pgid u64
	leafElemSize    = 16 // flags u32, pos u32, ksize u32, vsize u32
	bucketHeaderLen = 16 // root pgid u64, sequence u64

	branchPageFlag   = 0x01
	leafPageFlag     = 0x02
	metaPageFlag     = 0x04
	freelistPageFlag = 0x10
	bucketLeafFlag   = 0x01

	boltMagic       = 0xED0CDAED
	boltVersion     = 2
	noFreelist      = ^uint64(0)
	metaSumLen      = 56 // the meta's bytes before its checksum
	maxTreeDepth    = 64 // far beyond any real file: deeper means a loop
	maxProblemsKept = 20
)

var ne = binary.NativeEndian

// boltMeta is the part of a meta page the walker needs.
type boltMeta struct {
	pageSize uint32
	root     uint64 // root bucket's page
	freelist uint64 // freelist page, or noFreelist
	hwm      uint64 // high-water mark: pages in use are below it
	txid     uint64
}

// parseMeta reads a meta page's fields (p starts at the page header) and
// says why it is not valid, the way bbolt's Meta.Validate does.
func parseMeta(p []byte) (boltMeta, string) {
	if len(p) < pageHeaderSize+64 {
		return boltMeta{}, "too short"
	}
	m := p[pageHeaderSize:]
	switch {
	case ne.Uint32(m[0:]) != boltMagic:
		return boltMeta{}, "not a bbolt meta page"
	case ne.Uint32(m[4:]) != boltVersion:
		return boltMeta{}, fmt.Sprintf("bbolt format version %d, not %d", ne.Uint32(m[4:]), boltVersion)
	}
	h := fnv.New64a()
	h.Write(m[:metaSumLen])
	if h.Sum64() != ne.Uint64(m[56:]) {
		return boltMeta{}, "checksum mismatch"
	}
	return boltMeta{
		pageSize: ne.Uint32(m[8:]),
		root:     ne.Uint64(m[16:]),
		freelist: ne.Uint64(m[32:]),
		hwm:      ne.Uint64(m[40:]),
		txid:     ne.Uint64(m[48:]),
	}, ""
}

// dbFile is an open database file read with ReadAt only.
type dbFile struct {
	path string
	r    io.ReaderAt
	size int64
	meta boltMeta
}

// openDBFile opens path read-only without following it into a FIFO or
// device (O_NONBLOCK keeps a FIFO from blocking the open).
func openDBFile(path string) (*os.File, os.FileInfo, error) {
	// No links, no other user's file (pathsafe.go); O_NONBLOCK so a FIFO
	// planted at the path is refused below instead of blocking the open.
	f, err := OpenPrivateFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if errors.Is(err, ErrUnsafePath) {
		return nil, nil, err
	}
	if err != nil {
		return nil, nil, fmt.Errorf("open database %s: %w", path, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, nil, fmt.Errorf("%s is not a regular file (%s): use --db to name the database file", path, fi.Mode().Type())
	}
	return f, fi, nil
}

// readMeta finds the meta page bbolt would use: the valid one with the
// higher transaction id (bbolt falls back to the other when one is bad).
func readMeta(path string, r io.ReaderAt, size int64) (boltMeta, *DamagedError) {
	if size == 0 {
		return boltMeta{}, damaged(path, "the file is empty (0 bytes), so it is not a parley database")
	}
	// As bbolt does: page 0 says the page size; if it is bad, page 1 is
	// looked for at each possible size.
	var metas []boltMeta
	var why0 string
	buf := make([]byte, pageHeaderSize+64)
	if n, _ := r.ReadAt(buf, 0); n == len(buf) {
		var m boltMeta
		if m, why0 = parseMeta(buf); why0 == "" {
			metas = append(metas, m)
		}
	} else {
		why0 = "cut short"
	}
	for ps := int64(1024); ps <= 16<<20 && ps+int64(len(buf)) <= size; ps *= 2 {
		if len(metas) == 1 && ps != int64(metas[0].pageSize) {
			continue
		}
		if n, _ := r.ReadAt(buf, ps); n == len(buf) {
			if m, why := parseMeta(buf); why == "" && int64(m.pageSize) == ps {
				metas = append(metas, m)
				break
			}
		}
	}
	if len(metas) == 0 {
		return boltMeta{}, damaged(path, "neither of its two header (meta) pages is valid (page 0: %s), so it is not a parley database or its header is destroyed", why0)
	}
	best := metas[0]
	if len(metas) == 2 && metas[1].txid > best.txid {
		best = metas[1]
	}
	m := best
	ps := int64(m.pageSize)
	switch {
	case m.pageSize < 1024 || m.pageSize > 16<<20 || m.pageSize&(m.pageSize-1) != 0:
		return m, damaged(path, "its header gives a page size of %d bytes", m.pageSize)
	case m.hwm < 3 || m.hwm > uint64(1<<62)/uint64(ps):
		return m, damaged(path, "its header gives %d pages", m.hwm)
	case size < int64(m.hwm)*ps:
		return m, damaged(path, "the file is %d bytes but its header needs %d (%d pages of %d): it was cut short",
			size, int64(m.hwm)*ps, m.hwm, ps)
	case m.root < 2 || m.root >= m.hwm:
		return m, damaged(path, "its root page %d is outside the file's %d pages", m.root, m.hwm)
	case m.freelist != noFreelist && (m.freelist < 2 || m.freelist >= m.hwm):
		return m, damaged(path, "its freelist page %d is outside the file's %d pages", m.freelist, m.hwm)
	}
	return m, nil
}

// preOpen validates what bbolt reads when it opens a file, with plain
// reads: both meta pages, the file's length, the root page's header and
// the freelist. An existing empty file is refused (bbolt would make it an
// empty database). It costs a few small reads.
func preOpen(path string) error {
	f, _, err := openDBFile(path)
	if err != nil {
		return err
	}
	defer f.Close()
	d, err := newDBFile(path, f)
	if err != nil {
		return err
	}
	w := d.walker()
	w.readFreelist()
	if buf, ok := w.read(d.meta.root, "root page"); ok {
		if fl := ne.Uint16(buf[8:]); fl != branchPageFlag && fl != leafPageFlag {
			w.problem("root page %d has type %#x, not a branch or leaf page", d.meta.root, fl)
		}
	}
	return w.err()
}

func newDBFile(path string, f *os.File) (*dbFile, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read database %s: %w", path, err)
	}
	m, derr := readMeta(path, f, fi.Size())
	if derr != nil {
		return nil, derr
	}
	return &dbFile{path: path, r: f, size: fi.Size(), meta: m}, nil
}

// walker follows a dbFile's page tree. It records problems (for a check)
// and hands every readable bucket and key to its callbacks (for salvage).
type walker struct {
	d        *dbFile
	ps       int64
	seen     []byte // bit per page: reached from the tree
	free     []byte // bit per page: in the freelist
	problems []string
	more     int // problems beyond those kept

	Pages, Buckets, Keys int

	// onBucket is called for every bucket (path is its name and its
	// parents', outermost first) before its keys; onKey for every key.
	// Both may be nil. The slices are only valid during the call.
	onBucket func(path [][]byte, seq uint64)
	onKey    func(path [][]byte, k, v []byte)
}

func (d *dbFile) walker() *walker {
	n := (d.meta.hwm + 7) / 8
	return &walker{d: d, ps: int64(d.meta.pageSize), seen: make([]byte, n), free: make([]byte, n)}
}

func bit(b []byte, id uint64) bool { return b[id/8]&(1<<(id%8)) != 0 }
func setBit(b []byte, id uint64)   { b[id/8] |= 1 << (id % 8) }

func (w *walker) problem(format string, args ...any) {
	if len(w.problems) < maxProblemsKept {
		w.problems = append(w.problems, fmt.Sprintf(format, args...))
	} else {
		w.more++
	}
}

// err is the walk's verdict: nil, or a DamagedError listing the problems.
func (w *walker) err() error {
	if len(w.problems) == 0 {
		return nil
	}
	why := w.problems[0]
	if n := len(w.problems) - 1 + w.more; n > 0 {
		why += fmt.Sprintf(" (and %d more %s)", n, map[bool]string{true: "problem", false: "problems"}[n == 1])
	}
	return &DamagedError{Path: w.d.path, Why: why}
}

// read reads page id with its overflow pages after checking that they lie
// below the high-water mark and inside the file, and that the page says
// it is page id.
func (w *walker) read(id uint64, what string) ([]byte, bool) {
	hwm := w.d.meta.hwm
	if id < 2 || id >= hwm {
		w.problem("%s: page id %d is outside the file's %d pages", what, id, hwm)
		return nil, false
	}
	hdr := make([]byte, pageHeaderSize)
	if n, _ := w.d.r.ReadAt(hdr, int64(id)*w.ps); n != len(hdr) {
		w.problem("%s: page %d is past the end of the file", what, id)
		return nil, false
	}
	if got := ne.Uint64(hdr); got != id {
		w.problem("%s: page %d says it is page %d", what, id, got)
		return nil, false
	}
	over := uint64(ne.Uint32(hdr[12:]))
	if id+over >= hwm || int64(id+over+1)*w.ps > w.d.size {
		w.problem("%s: page %d and its %d overflow pages run past the end of the file", what, id, over)
		return nil, false
	}
	buf := make([]byte, int64(over+1)*w.ps)
	if n, _ := w.d.r.ReadAt(buf, int64(id)*w.ps); n != len(buf) {
		w.problem("%s: page %d could not be read", what, id)
		return nil, false
	}
	return buf, true
}

// mark records pages id..id+over as reached; false if one already was
// (a page used twice, or a loop).
func (w *walker) mark(id uint64, buf []byte, what string) bool {
	over := uint64(len(buf))/uint64(w.ps) - 1
	for p := id; p <= id+over; p++ {
		if bit(w.seen, p) {
			w.problem("%s: page %d is reached twice", what, p)
			return false
		}
		if bit(w.free, p) {
			w.problem("%s: page %d is in use and also in the freelist", what, p)
		}
	}
	for p := id; p <= id+over; p++ {
		setBit(w.seen, p)
	}
	w.Pages += int(over + 1)
	return true
}

// readFreelist reads the freelist page and marks the free pages.
func (w *walker) readFreelist() {
	id := w.d.meta.freelist
	if id == noFreelist {
		return
	}
	buf, ok := w.read(id, "freelist")
	if !ok {
		return
	}
	if fl := ne.Uint16(buf[8:]); fl != freelistPageFlag {
		w.problem("freelist: page %d has type %#x, not a freelist page", id, fl)
		return
	}
	w.mark(id, buf, "freelist")
	start, count := uint64(0), uint64(ne.Uint16(buf[10:]))
	if count == 0xFFFF { // bbolt's escape: the real count is the first id
		if len(buf) < pageHeaderSize+8 {
			w.problem("freelist: page %d is too short for its count", id)
			return
		}
		start, count = 1, ne.Uint64(buf[pageHeaderSize:])
	}
	if (start+count)*8 > uint64(len(buf)-pageHeaderSize) || start+count < start {
		w.problem("freelist: page %d claims %d free pages, more than fit in it", id, count)
		return
	}
	bad := 0
	for i := start; i < start+count; i++ {
		p := ne.Uint64(buf[pageHeaderSize+8*i:])
		switch {
		case p < 2 || p >= w.d.meta.hwm:
			if bad == 0 {
				w.problem("freelist: free page %d is outside the file's %d pages", p, w.d.meta.hwm)
			}
			bad++
		case bit(w.free, p) || bit(w.seen, p):
			w.problem("freelist: page %d is listed twice", p)
		default:
			setBit(w.free, p)
		}
	}
}

// walk checks the whole file: the freelist, then every bucket from the
// root, then that every page is either in use or free.
func (w *walker) walk() {
	w.readFreelist()
	w.bucketTree(nil, w.d.meta.root, 0)
	if w.d.meta.freelist == noFreelist {
		return // bbolt rebuilds it from the tree; nothing to compare
	}
	leaked := 0
	for p := uint64(2); p < w.d.meta.hwm; p++ {
		if !bit(w.seen, p) && !bit(w.free, p) {
			if leaked == 0 {
				w.problem("page %d is neither in use nor free", p)
			}
			leaked++
		}
	}
}

func bucketName(path [][]byte) string {
	if len(path) == 0 {
		return "the root bucket"
	}
	return fmt.Sprintf("bucket %q", bytes.Join(path, []byte("/")))
}

// bucketTree walks the bucket at path whose root is page id.
func (w *walker) bucketTree(path [][]byte, id uint64, depth int) {
	what := bucketName(path)
	if depth > maxTreeDepth {
		w.problem("%s: the tree is more than %d levels deep (a loop)", what, maxTreeDepth)
		return
	}
	buf, ok := w.read(id, what)
	if !ok || !w.mark(id, buf, what) {
		return
	}
	w.node(path, id, buf, depth)
}

// node walks one branch or leaf page (id 0 for a bucket stored inline).
func (w *walker) node(path [][]byte, id uint64, buf []byte, depth int) {
	what := bucketName(path)
	flags, count := ne.Uint16(buf[8:]), int(ne.Uint16(buf[10:]))
	if pageHeaderSize+count*16 > len(buf) {
		w.problem("%s: page %d claims %d elements, more than fit in it", what, id, count)
		return
	}
	var prev []byte
	inOrder := func(i int, k []byte) {
		if i > 0 && bytes.Compare(prev, k) >= 0 {
			w.problem("%s: page %d: keys out of order at element %d", what, id, i)
		}
		prev = k
	}
	// slice returns buf[at+pos : at+pos+n] if it lies inside the page.
	slice := func(at int, pos uint32, n uint64) ([]byte, bool) {
		lo := uint64(at) + uint64(pos)
		hi := lo + n
		if hi > uint64(len(buf)) {
			return nil, false
		}
		return buf[lo:hi], true
	}
	switch flags {
	case branchPageFlag:
		if count == 0 {
			w.problem("%s: branch page %d is empty", what, id)
			return
		}
		for i := range count {
			at := pageHeaderSize + i*branchElemSize
			k, ok := slice(at, ne.Uint32(buf[at:]), uint64(ne.Uint32(buf[at+4:])))
			if !ok {
				w.problem("%s: page %d: key of element %d runs past the page", what, id, i)
			} else {
				inOrder(i, k)
			}
			w.bucketTree(path, ne.Uint64(buf[at+8:]), depth+1)
		}
	case leafPageFlag:
		for i := range count {
			at := pageHeaderSize + i*leafElemSize
			eflags, pos := ne.Uint32(buf[at:]), ne.Uint32(buf[at+4:])
			ksize, vsize := ne.Uint32(buf[at+8:]), ne.Uint32(buf[at+12:])
			kv, ok := slice(at, pos, uint64(ksize)+uint64(vsize))
			if !ok {
				w.problem("%s: page %d: element %d runs past the page", what, id, i)
				continue
			}
			k, v := kv[:ksize], kv[ksize:]
			inOrder(i, k)
			if eflags&bucketLeafFlag == 0 {
				if len(path) == 0 {
					w.problem("the root bucket: page %d: element %d is a value, not a bucket", id, i)
					continue
				}
				w.Keys++
				if w.onKey != nil {
					w.onKey(path, k, v)
				}
				continue
			}
			w.subBucket(append(path[:len(path):len(path)], k), v, depth)
		}
	default:
		w.problem("%s: page %d has type %#x, not a branch or leaf page", what, id, flags)
	}
}

// subBucket walks a bucket whose header (and inline page, if any) is v.
func (w *walker) subBucket(path [][]byte, v []byte, depth int) {
	what := bucketName(path)
	if len(v) < bucketHeaderLen {
		w.problem("%s: its header is %d bytes, not %d", what, len(v), bucketHeaderLen)
		return
	}
	root, seq := ne.Uint64(v), ne.Uint64(v[8:])
	w.Buckets++
	if w.onBucket != nil {
		w.onBucket(path, seq)
	}
	if root != 0 {
		w.bucketTree(path, root, depth+1)
		return
	}
	inline := v[bucketHeaderLen:]
	if len(inline) < pageHeaderSize {
		w.problem("%s: its inline page is %d bytes", what, len(inline))
		return
	}
	if fl := ne.Uint16(inline[8:]); fl != leafPageFlag {
		w.problem("%s: its inline page has type %#x, not a leaf page", what, fl)
		return
	}
	w.node(path, 0, inline, depth+1)
}
