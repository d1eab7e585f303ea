package filter

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// words maps each word of the threads' text to the slots of the threads
// that hold it (ascending). Prefix lookups go through a sorted list of
// the words, rebuilt lazily after new words arrive.
type words struct {
	postings map[string]*[]int32
	list     []string
	listed   bool
	scratch  []byte // lower-casing without allocating
}

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
		return
	}
	// Built in slot order, the common case appends; a thread updated later
	// inserts in place.
	switch n := len(*p); {
	case (*p)[n-1] == slot:
	case (*p)[n-1] < slot:
		*p = append(*p, slot)
	default:
		if i, found := slices.BinarySearch(*p, slot); !found {
			*p = slices.Insert(*p, i, slot)
		}
	}
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
	if !prefix || len(word) < minPrefix {
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
