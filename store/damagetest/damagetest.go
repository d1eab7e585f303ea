// Package damagetest makes damaged copies of a parley database for tests:
// the corpus of issue 11 (truncations, bit flips in the meta pages, a
// branch page pointing past the file, an inflated leaf count, a freelist
// past the file, an empty file, a text file). Only tests import it.
package damagetest

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
)

// Case is one damaged file.
type Case struct {
	Name string
	Path string
	// Opens is true when bbolt can still use the file as it is (one meta
	// page is bad: bbolt falls back to the other), so parley must too.
	Opens bool
	// Deep is true when the damage is below the meta pages, so only a walk
	// of the tree (or a read of the bad page) finds it.
	Deep bool
}

var ne = binary.NativeEndian

const (
	hdr        = 16
	branchFlag = 0x01
	leafFlag   = 0x02
)

type meta struct {
	off                     int64 // of the meta page
	pageSize                int64
	root, freelist, hwm, tx uint64
}

func readMeta(b []byte, off int64) (meta, bool) {
	if int64(len(b)) < off+hdr+64 {
		return meta{}, false
	}
	m := b[off+hdr:]
	h := fnv.New64a()
	h.Write(m[:56])
	if ne.Uint32(m) != 0xED0CDAED || h.Sum64() != ne.Uint64(m[56:]) {
		return meta{}, false
	}
	return meta{off: off, pageSize: int64(ne.Uint32(m[8:])), root: ne.Uint64(m[16:]),
		freelist: ne.Uint64(m[32:]), hwm: ne.Uint64(m[40:]), tx: ne.Uint64(m[48:])}, true
}

// newest returns the meta bbolt uses.
func newest(b []byte) meta {
	m0, ok0 := readMeta(b, 0)
	if !ok0 {
		panic("damagetest: page 0 is not a valid meta page")
	}
	m1, ok1 := readMeta(b, m0.pageSize)
	if ok1 && m1.tx > m0.tx {
		return m1
	}
	return m0
}

// resum rewrites a meta page's checksum after an edit.
func resum(b []byte, off int64) {
	m := b[off+hdr:]
	h := fnv.New64a()
	h.Write(m[:56])
	ne.PutUint64(m[56:], h.Sum64())
}

// bucketRoot finds the root page of top-level bucket name.
func bucketRoot(b []byte, m meta, name string) uint64 {
	p := b[int64(m.root)*m.pageSize:]
	for ne.Uint16(p[8:]) == branchFlag { // descend to the first leaf holding name
		n := int(ne.Uint16(p[10:]))
		next := ne.Uint64(p[hdr+8:])
		for i := range n {
			e := p[hdr+16*i:]
			k := e[ne.Uint32(e) : ne.Uint32(e)+ne.Uint32(e[4:])]
			if string(k) <= name {
				next = ne.Uint64(e[8:])
			}
		}
		p = b[int64(next)*m.pageSize:]
	}
	for i := range int(ne.Uint16(p[10:])) {
		e := p[hdr+16*i:]
		pos, ks := ne.Uint32(e[4:]), ne.Uint32(e[8:])
		if string(e[pos:pos+ks]) == name {
			return ne.Uint64(e[pos+ks:])
		}
	}
	panic("damagetest: no bucket " + name)
}

// Corpus writes the damaged copies of the database src into dir. The
// threads bucket of src must span more than one page (a branch root).
func Corpus(src, dir string) ([]Case, error) {
	orig, err := os.ReadFile(src)
	if err != nil {
		return nil, err
	}
	m := newest(orig)
	ps := m.pageSize
	threads := bucketRoot(orig, m, "threads")
	tp := orig[int64(threads)*ps:]
	if ne.Uint16(tp[8:]) != branchFlag {
		return nil, fmt.Errorf("damagetest: the threads bucket of %s is one page; store more threads", src)
	}
	leaf := ne.Uint64(tp[hdr+8:]) // first child of the threads root
	if lp := orig[int64(leaf)*ps:]; ne.Uint16(lp[8:]) != leafFlag {
		return nil, fmt.Errorf("damagetest: the threads tree of %s is deeper than two levels", src)
	}

	var cases []Case
	add := func(name string, opens, deep bool, edit func(b []byte) []byte) error {
		b := edit(append([]byte(nil), orig...))
		p := filepath.Join(dir, name+".db")
		if err := os.WriteFile(p, b, 0o600); err != nil {
			return err
		}
		cases = append(cases, Case{Name: name, Path: p, Opens: opens, Deep: deep})
		return nil
	}
	edits := []struct {
		name        string
		opens, deep bool
		edit        func(b []byte) []byte
	}{
		{"truncated-half", false, false, func(b []byte) []byte { return b[:int64(m.hwm)*ps/2] }},
		{"truncated-one-page", false, false, func(b []byte) []byte { return b[:int64(m.hwm-1)*ps] }},
		{"meta-newest-bitflip", true, false, func(b []byte) []byte { b[m.off+hdr+20] ^= 0x04; return b }},
		{"meta-both-bitflip", false, false, func(b []byte) []byte {
			b[hdr+20] ^= 0x04
			b[ps+hdr+20] ^= 0x04
			return b
		}},
		{"branch-child-beyond", false, true, func(b []byte) []byte {
			ne.PutUint64(b[int64(threads)*ps+hdr+8:], m.hwm+1000)
			return b
		}},
		{"branch-all-children-beyond", false, true, func(b []byte) []byte {
			// Every read or write of the threads bucket meets a bad page.
			for i := range int(ne.Uint16(tp[10:])) {
				ne.PutUint64(b[int64(threads)*ps+hdr+16*int64(i)+8:], m.hwm+1000+uint64(i))
			}
			return b
		}},
		{"leaf-count-inflated", false, true, func(b []byte) []byte {
			ne.PutUint16(b[int64(leaf)*ps+10:], 0xFFFF)
			return b
		}},
		{"freelist-beyond", false, false, func(b []byte) []byte {
			for _, off := range []int64{0, ps} {
				if _, ok := readMeta(b, off); ok {
					ne.PutUint64(b[off+hdr+32:], m.hwm+7)
					resum(b, off)
				}
			}
			return b
		}},
		{"zero-length", false, false, func([]byte) []byte { return nil }},
		{"not-bbolt", false, false, func([]byte) []byte {
			return []byte("# my notes\nthis is not a database\n")
		}},
	}
	for _, e := range edits {
		if err := add(e.name, e.opens, e.deep, e.edit); err != nil {
			return nil, err
		}
	}
	return cases, nil
}
