package store

import (
	"fmt"
	"io"
)

// metaNote says when one of the file's two header (meta) pages is invalid
// while the other is fine. bbolt then uses the valid one, which is from
// the save before: normal after a crash in the middle of a save, but a
// later save is gone (a bit flip in the newest header hides every change
// of its save). The file is sound, so this is a note, not a problem: the
// user should know why what they saw last is missing. "" when both are
// valid.
func metaNote(r io.ReaderAt, used boltMeta) string {
	buf := make([]byte, pageHeaderSize+64)
	for page, off := range []int64{0, int64(used.pageSize)} {
		why := "cut short"
		if n, _ := r.ReadAt(buf, off); n == len(buf) {
			var m boltMeta
			m, why = parseMeta(buf)
			if why == "" && m.pageSize != used.pageSize {
				why = fmt.Sprintf("page size %d, not %d", m.pageSize, used.pageSize)
			}
		}
		if why != "" {
			return fmt.Sprintf("header (meta) page %d is invalid (%s), so bbolt uses page %d, written by the save before: "+
				"normal after a crash in the middle of a save; otherwise the newest save's changes are not in what you see",
				page, why, 1-page)
		}
	}
	return ""
}
