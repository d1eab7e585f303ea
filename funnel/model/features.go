// Package model is a small trained classifier of unhappy messages: logistic
// regression over hashed words and word pairs, with negation marked. It
// complements VADER's lexicon, which only knows words it was given a
// valence for: "the update broke sync again", "still waiting on a refund".
// The weights (weights.bin) are made by funnel/model/train from public
// labelled text; see NOTICE.md for the data and its licence.
package model

import (
	"unicode"
	"unicode/utf8"
)

// Bits is log2 of the number of hashed feature buckets.
const Bits = 18

const (
	buckets  = 1 << Bits
	fnvBasis = 2166136261
	fnvPrime = 16777619

	// negWindow: how many words after "not", "never" or "...n't" read as
	// negated, unless a clause ends first.
	negWindow = 3
	// negSalt and pairSalt keep a negated word and a word pair apart from
	// the plain word with the same hash.
	negSalt  = 0x9e3779b9
	pairSalt = 0x85ebca6b
)

// Features calls emit with the bucket of every feature of text: each word
// (lower case, negated words marked), each pair of adjacent words in a
// clause, and "!" / "?" as words. It allocates nothing.
func Features(text string, emit func(bucket uint32)) {
	var (
		h       uint32 = fnvBasis // hash of the word being read
		inWord  bool
		prev    uint32  // hash of the previous word in the clause, 0: none
		negLeft int     // words still negated
		tail    [3]rune // last letters of the word, for "n't"
	)
	endWord := func() {
		if !inWord {
			return
		}
		w := h
		neg := negations[h&(negSlots-1)] == h || (tail[0] == 'n' && tail[1] == '\'' && tail[2] == 't')
		if negLeft > 0 {
			w ^= negSalt
			negLeft--
		}
		emit(w & (buckets - 1))
		if prev != 0 {
			emit(((prev*fnvPrime ^ w) ^ pairSalt) * fnvPrime & (buckets - 1))
		}
		prev = w
		if neg {
			negLeft = negWindow
		}
		h, inWord, tail = fnvBasis, false, [3]rune{}
	}
	endClause := func() {
		endWord()
		prev, negLeft = 0, 0
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		switch {
		case r == '’' || r == '\'':
			if inWord {
				h = (h ^ '\'') * fnvPrime
				tail = [3]rune{tail[1], tail[2], '\''}
			}
		case r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9'):
			h = (h ^ uint32(r)) * fnvPrime
			tail = [3]rune{tail[1], tail[2], r}
			inWord = true
		case r >= 'A' && r <= 'Z':
			r += 'a' - 'A'
			h = (h ^ uint32(r)) * fnvPrime
			tail = [3]rune{tail[1], tail[2], r}
			inWord = true
		case r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			r = unicode.ToLower(r)
			h = (h ^ uint32(r)) * fnvPrime
			tail = [3]rune{tail[1], tail[2], r}
			inWord = true
		case r == '!' || r == '?':
			endWord()
			emit(((fnvBasis ^ uint32(r)) * fnvPrime) & (buckets - 1))
			prev, negLeft = 0, 0
		case r == '.' || r == ',' || r == ';' || r == ':' || r == '\n' || r == '(' || r == ')':
			endClause()
		default:
			endWord()
		}
	}
	endWord()
}

// negSlots is the size of the negations table, a power of two.
const negSlots = 4096

// negationWords negate the next few words.
var negationWords = []string{"not", "no", "never", "nothing", "nobody", "none", "nor", "neither",
	"nowhere", "cannot", "without", "dont", "cant", "wont", "didnt", "doesnt", "isnt", "wasnt",
	"arent", "havent", "hasnt", "couldnt", "shouldnt", "wouldnt", "aint", "hardly", "barely"}

// negations holds the hash of each negation word at the slot of its low
// bits: one array read per word instead of a map lookup (which was a
// quarter of the model's time). The words' slots differ (see
// TestNegationSlotsDiffer).
var negations = func() (t [negSlots]uint32) {
	for _, w := range negationWords {
		t[hash(w)&(negSlots-1)] = hash(w)
	}
	return t
}()

// hash is the FNV-1a hash of a lower-case word, as Features hashes words.
func hash(w string) uint32 {
	h := uint32(fnvBasis)
	for _, r := range w {
		h = (h ^ uint32(r)) * fnvPrime
	}
	return h
}
