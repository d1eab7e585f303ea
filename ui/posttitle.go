package ui

import "strings"

// postTitle is the title to show for a thread. WordPress titles each item
// of a comments feed "Comment on <post> by <commenter>", so a thread's
// title names whoever commented first: above a reply to someone else it
// reads as theirs. The header shows the post; the meta line already says
// who started the thread.
func postTitle(title, starter string) string {
	const prefix = "Comment on "
	suffix := " by " + starter
	if starter == "" || !strings.HasPrefix(title, prefix) || !strings.HasSuffix(title, suffix) ||
		len(title) <= len(prefix)+len(suffix) {
		return title
	}
	return title[len(prefix) : len(title)-len(suffix)]
}
