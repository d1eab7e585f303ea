package filter

import (
	"encoding/binary"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// words maps each word of the threads' text to the slots of the threads
// that hold it (ascending). Most of it is frozen: the words sorted, and
// every word's slots in one byte array as varint gaps (a slot or two
// bytes each, against 4 in a slice of its own plus the slack of append
// and the map's entry). Words added since the last freeze sit in a map;
// a lookup reads both. The map is frozen in when it grows past
// freezeEvery postings, so a build of 100k threads holds at most that
// much in the map's form. Prefix lookups of the map go through a sorted
// list of its words, rebuilt lazily after new words arrive.
type words struct {
	segs     []segment // frozen, oldest first
	postings map[string]*[]int32
	pending  int // postings in the map
	list     []string
	listed   bool
	scratch  []byte // lower-casing without allocating
}

// segment is words frozen together: sorted, each word's slots as varint
// gaps in one array. A freeze adds a segment; Compact merges them all.
type segment struct {
	words []string
	offs  []uint32 // words[i]'s gaps are post[offs[i]:offs[i+1]]
	post  []byte
}

// freezeEvery is how many postings the map holds before they are frozen
// into a segment: about 3 MB in the map's form.
var freezeEvery = 1 << 18 // a var: tests freeze often

func newWords() words { return words{postings: map[string]*[]int32{}} }

// maxWord keeps a run of letters (a pasted hash, a URL) from costing
// memory for something nobody types.
const maxWord = 32

// add records the words of text for slot.
func (w *words) add(text []byte, slot int32) {
	start := -1
	for i := 0; i <= len(text); {
		r, size := rune(0), 1
		if i < len(text) {
			if c := text[i]; c < utf8.RuneSelf {
				r = rune(c)
			} else {
				r, size = utf8.DecodeRune(text[i:])
			}
		}
		isWord := i < len(text) && isWordRune(r)
		switch {
		case isWord && start < 0:
			start = i
		case !isWord && start >= 0:
			if i-start <= maxWord {
				w.addWord(text[start:i], slot)
			}
			start = -1
		}
		i += size
	}
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// addWord adds slot to the word's postings. The lookups use string(b),
// which does not allocate; only a new word is copied.
func (w *words) addWord(b []byte, slot int32) {
	b = w.lower(b)
	p, ok := w.postings[string(b)]
	if !ok {
		w.listed = false
		w.postings[string(b)] = &[]int32{slot}
		w.pending++
		return
	}
	// Built in slot order, the common case appends; a thread updated later
	// inserts in place.
	switch n := len(*p); {
	case (*p)[n-1] == slot:
	case (*p)[n-1] < slot:
		*p = append(*p, slot)
		w.pending++
	default:
		if i, found := slices.BinarySearch(*p, slot); !found {
			*p = slices.Insert(*p, i, slot)
			w.pending++
		}
	}
}

// maybeFreeze freezes the map in once it is large; the caller holds the
// index's write lock.
func (w *words) maybeFreeze() {
	if w.pending >= freezeEvery {
		w.freeze()
	}
}

// freeze moves the map's words into a new segment.
func (w *words) freeze() {
	if len(w.postings) == 0 {
		return
	}
	added := make([]string, 0, len(w.postings))
	for k := range w.postings {
		added = append(added, k)
	}
	slices.Sort(added)
	seg := segment{words: added, offs: make([]uint32, 1, len(added)+1), post: make([]byte, 0, 2*w.pending)}
	for _, k := range added {
		seg.post = appendGaps(seg.post, *w.postings[k])
		seg.offs = append(seg.offs, uint32(len(seg.post)))
	}
	w.segs = append(w.segs, seg)
	w.postings, w.pending = map[string]*[]int32{}, 0
	w.list, w.listed = nil, false
}

// compact freezes the map and merges every segment into one, in one
// pass over them all: each word's slots are appended segment after
// segment (a build's segments hold ascending slots), merged only where a
// thread put again made them overlap.
func (w *words) compact() {
	w.freeze()
	if len(w.segs) < 2 {
		return
	}
	n, size := 0, 0
	for _, seg := range w.segs {
		n, size = n+len(seg.words), size+len(seg.post)
	}
	out := segment{words: make([]string, 0, n), offs: make([]uint32, 1, n+1), post: make([]byte, 0, size)}
	pos := make([]int, len(w.segs))
	var slots, next, merged []int32
	for {
		word, found := "", false
		for i, seg := range w.segs {
			if pos[i] < len(seg.words) && (!found || seg.words[pos[i]] < word) {
				word, found = seg.words[pos[i]], true
			}
		}
		if !found {
			break
		}
		slots = slots[:0]
		for i := range w.segs {
			seg := &w.segs[i]
			if pos[i] == len(seg.words) || seg.words[pos[i]] != word {
				continue
			}
			next = next[:0]
			seg.each(pos[i], func(s int32) { next = append(next, s) })
			pos[i]++
			if len(slots) == 0 || next[0] > slots[len(slots)-1] {
				slots = append(slots, next...)
				continue
			}
			merged = mergeSlots(merged[:0], slots, next)
			slots, merged = merged, slots
		}
		out.words = append(out.words, word)
		out.post = appendGaps(out.post, slots)
		out.offs = append(out.offs, uint32(len(out.post)))
	}
	out.words = slices.Clip(out.words)
	w.segs = []segment{out}
}

func (s *segment) each(i int, fn func(int32)) {
	b := s.post[s.offs[i]:s.offs[i+1]]
	slot := int32(-1)
	for len(b) > 0 {
		g, n := binary.Uvarint(b)
		if n <= 0 {
			return
		}
		b = b[n:]
		slot += int32(g)
		fn(slot)
	}
}

// appendGaps encodes ascending slots as varint gaps (the first from -1).
func appendGaps(b []byte, slots []int32) []byte {
	prev := int32(-1)
	for _, s := range slots {
		b = binary.AppendUvarint(b, uint64(s-prev))
		prev = s
	}
	return b
}

// mergeSlots is the union of two ascending lists, ascending.
func mergeSlots(out, a, b []int32) []int32 {
	for len(a) > 0 || len(b) > 0 {
		switch {
		case len(b) == 0 || len(a) > 0 && a[0] < b[0]:
			out, a = append(out, a[0]), a[1:]
		case len(a) == 0 || b[0] < a[0]:
			out, b = append(out, b[0]), b[1:]
		default:
			out, a, b = append(out, a[0]), a[1:], b[1:]
		}
	}
	return out
}

// lower lower-cases b, in scratch when it is ASCII.
func (w *words) lower(b []byte) []byte {
	upper := false
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return []byte(strings.ToLower(string(b)))
		}
		upper = upper || ('A' <= c && c <= 'Z')
	}
	if !upper {
		return b
	}
	w.scratch = append(w.scratch[:0], b...)
	for i, c := range w.scratch {
		if 'A' <= c && c <= 'Z' {
			w.scratch[i] = c + 'a' - 'A'
		}
	}
	return w.scratch
}

// minPrefix: a word this long or longer also finds the words it begins
// ("refund" finds "refunds"); shorter ones match whole words only, so
// typing the first letter does not union half the index.
const minPrefix = 2

// phrase is the bitmap of the threads holding all of ws, the last one as
// a prefix.
func (w *words) phrase(ws []string, n int) []uint64 {
	var out []uint64
	for i, word := range ws {
		hits := w.lookup(word, i == len(ws)-1, n)
		if out == nil {
			out = hits
			continue
		}
		for j := range out {
			out[j] &= hits[j]
		}
	}
	if out == nil {
		out = make([]uint64, (n+63)/64)
	}
	return out
}

func (w *words) lookup(word string, prefix bool, n int) []uint64 {
	bits := make([]uint64, (n+63)/64)
	set := func(p *[]int32) {
		if p == nil {
			return
		}
		for _, s := range *p {
			bits[s/64] |= 1 << (s % 64)
		}
	}
	mark := func(s int32) { bits[s/64] |= 1 << (s % 64) }
	whole := !prefix || len(word) < minPrefix
	for _, seg := range w.segs {
		i, found := slices.BinarySearch(seg.words, word)
		if whole {
			if found {
				seg.each(i, mark)
			}
			continue
		}
		for ; i < len(seg.words) && strings.HasPrefix(seg.words[i], word); i++ {
			seg.each(i, mark)
		}
	}
	if whole {
		set(w.postings[word])
		return bits
	}
	if !w.listed {
		// Only under the index's read lock: sorting here would race.
		// The index sorts the list in prepare, under its write lock.
		for k, p := range w.postings {
			if strings.HasPrefix(k, word) {
				set(p)
			}
		}
		return bits
	}
	i, _ := slices.BinarySearch(w.list, word)
	for ; i < len(w.list) && strings.HasPrefix(w.list[i], word); i++ {
		set(w.postings[w.list[i]])
	}
	return bits
}

// prepare sorts the word list; the caller holds the index's write lock.
func (w *words) prepare() {
	if w.listed {
		return
	}
	w.list = w.list[:0]
	for k := range w.postings {
		w.list = append(w.list, k)
	}
	slices.Sort(w.list)
	w.listed = true
}
