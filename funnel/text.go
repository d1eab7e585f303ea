package funnel

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// A message is read as sentences of words. Words carry the clause they
// belong to (commas, semicolons, dashes and "but" start a new clause), so a
// negation or a question in one clause does not spill into the next one:
// "No problem, how much is the team plan?" is still a price question.

// word is one word of a sentence, normalised for matching.
type word struct {
	w      string // lower case, straight apostrophes, possessive 's dropped
	clause int    // clause index within the sentence
}

// sentence is one sentence of a message.
type sentence struct {
	text  string // as written (trimmed): quoted in causes, scored by VADER
	words []word
	endQ  bool   // ends with a question mark
	idiom *idiom // a phrase VADER misreads (see idioms.go), or nil

	scored bool // score is set (scores are computed lazily: VADER is the cost)
	score  float64

	// vtext, when set, is what VADER reads instead of text (see contrast).
	vtext string

	evScored bool    // ev, plain and but are set (see sentence.scan)
	ev       float64 // raw valence of its complaint markers (see complaints.go)
	evLater  float64 // the part of ev after its first clause
	plain    float64 // raw valence of praised words used plainly, to take back
	but      bool    // it has a "but"
}

// clauseWords start a new clause: what follows them is a separate thought.
var clauseWords = wordSet("but", "however", "although", "though", "because", "whereas", "except")

// parseText splits text into sentences. A sentence ends at . ! ? or … followed
// by a space (so "v1.2" and "quillstone.app" do not split), at a blank line,
// or at a line break followed by a capital or a bullet (a chat line); a line
// break followed by a lower-case word is a wrapped line and reads as a space.
func parseText(text string) []*sentence {
	d := &doc{text: text}
	d.parse()
	return d.sents
}

// parse fills d.sents from d.text (see parseText), in d's buffers: one
// array of sentences and one of words for the whole text, which a pooled
// doc keeps for the next message.
func (d *doc) parse() {
	text := d.text
	var (
		sents  = d.sentBuf[:0]
		words  = d.wordBuf[:0]
		first  = 0 // the current sentence's first word in words
		start  = 0
		clause = 0
	)
	// lower is text in lower case when that keeps every byte where it is
	// (ASCII), so words need no case conversion of their own.
	lower := ""
	if isASCII(text) {
		lower = strings.ToLower(text)
	}
	flush := func(end int, endQ bool) {
		cur := sentence{text: strings.TrimSpace(text[start:end]), endQ: endQ}
		if cur.text != "" && len(words) > first {
			cur.words = words[first:len(words):len(words)]
			cur.idiom = findIdiom(cur.words)
			sents = append(sents, cur)
			first = len(words)
		} else {
			words = words[:first]
		}
		start, clause = end, 0
	}
	for i := 0; i < len(text); {
		c := text[i]
		r, size := rune(c), 1
		if c >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		switch {
		case isWordRune(r):
			j := wordEnd(text, i)
			var w string
			if lower != "" {
				w = normLower(lower[i:j])
			} else {
				w = normWord(text[i:j])
			}
			if clauseWords[w] && len(words) > first && words[len(words)-1].clause == clause {
				clause++ // unless a comma just did: ", but" is one break
			}
			words = append(words, word{w: w, clause: clause})
			i = j
		case r == '.' || r == '!' || r == '?' || r == '…':
			j, q := i, false
			for j < len(text) {
				r2, s2 := utf8.DecodeRuneInString(text[j:])
				if r2 == '?' {
					q = true
				}
				if !strings.ContainsRune(".!?…\"')]”’»", r2) {
					break
				}
				j += s2
			}
			if next, _ := utf8.DecodeRuneInString(text[j:]); j == len(text) || unicode.IsSpace(next) {
				flush(j, q)
			} else {
				clause++ // "ok...how much": at least a pause
			}
			i = j
		case r == '\n':
			j := i + 1
			for j < len(text) && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r') {
				j++
			}
			if j == len(text) {
				i = j
				break
			}
			next, _ := utf8.DecodeRuneInString(text[j:])
			if next == '\n' || !unicode.IsLower(next) {
				flush(i, false)
			}
			i = j
		case r != ' ' && strings.ContainsRune(",;:()[]—–-•", r):
			// A hyphen inside a word was taken by wordEnd; here it is a dash.
			clause++
			i += size
		default:
			i += size
		}
	}
	flush(len(text), false)
	d.sentBuf, d.wordBuf = sents, words
	d.sents = d.sents[:0]
	for i := range sents {
		d.sents = append(d.sents, &sents[i])
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// wordEnd returns the end of the word starting at i. Apostrophes and hyphens
// between letters belong to the word ("can't", "game-changer", "bug-free"),
// so "bug-free" is not "free" and "game-changer" is one word.
func wordEnd(text string, i int) int {
	j := i
	for j < len(text) {
		r, s := utf8.DecodeRuneInString(text[j:])
		if isWordRune(r) {
			j += s
			continue
		}
		if r == '\'' || r == '’' || r == '-' {
			if next, _ := utf8.DecodeRuneInString(text[j+s:]); j+s < len(text) && isWordRune(next) {
				j += s
				continue
			}
		}
		break
	}
	return j
}

// normWord lower-cases w, straightens curly apostrophes (phones type "don’t")
// and drops a possessive or contracted 's, so "Scrivener's" is "scrivener"
// and "What's" is "what".
func normWord(w string) string {
	w = strings.ToLower(w)
	if strings.ContainsRune(w, '’') {
		w = strings.ReplaceAll(w, "’", "'")
	}
	return normLower(w)
}

// normLower is normWord of a word already in lower case and ASCII.
func normLower(w string) string {
	if len(w) > 2 && strings.HasSuffix(w, "'s") {
		w = w[:len(w)-2]
	}
	return w
}

// splitWords returns the words of s (a pattern), read the way message text
// is, ignoring sentences and clauses.
func splitWords(s string) []string {
	var out []string
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if isWordRune(r) {
			j := wordEnd(s, i)
			out = append(out, normWord(s[i:j]))
			i = j
			continue
		}
		i += size
	}
	return out
}

// quoteLen is about how many runes of a sentence a cause quotes.
const quoteLen = 60

// shortQuote collapses the white space of s and cuts it to about quoteLen
// runes, at a word boundary when one is near, ending in "…".
func shortQuote(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= quoteLen {
		return s
	}
	runes := []rune(s)
	cut := quoteLen
	for k := quoteLen; k > quoteLen*2/3; k-- {
		if runes[k] == ' ' {
			cut = k
			break
		}
	}
	return strings.TrimRight(string(runes[:cut]), " ,;:-–—") + "…"
}
