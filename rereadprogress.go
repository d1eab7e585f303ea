package main

import (
	"fmt"
	"io"
)

// rereadMin is the number of conversations from which re-reading them at
// start is worth telling: below it the wait is too short to notice.
const rereadMin = 1000

// rereadProgress prints how far store.Open is when the funnel rules
// changed and every conversation is read again:
// "parley: re-reading 12,000 conversations: 40%". Nil w prints nothing.
func rereadProgress(w io.Writer) func(done, total int) {
	if w == nil {
		return nil
	}
	return func(done, total int) {
		if total < rereadMin {
			return
		}
		end := "\r"
		if done >= total {
			end = "\n"
		}
		fmt.Fprintf(w, "parley: re-reading %s conversations (the funnel rules changed): %d%%%s", thousands(total), done*100/total, end)
	}
}

// thousands writes n with comma separators: 12,000.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
