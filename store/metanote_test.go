package store

import (
	"strings"
	"testing"
	"time"
)

// A file whose newest header page is bad opens on the other one, from
// the save before: sound, but the newest save's changes are gone. The
// check says so (doctor said only "consistent (0 threads)"); a healthy
// file gets no note.
func TestCheckFileNotesAnInvalidHeaderPage(t *testing.T) {
	for _, c := range corpus(t) {
		if c.Name != "meta-newest-bitflip" {
			continue
		}
		rep, err := CheckFile(c.Path, time.Second)
		if err != nil {
			t.Fatalf("CheckFile: %v (bbolt can use this file)", err)
		}
		if !strings.Contains(rep.MetaNote, "is invalid (checksum mismatch), so bbolt uses page ") {
			t.Errorf("MetaNote = %q", rep.MetaNote)
		}
	}
	rep, err := CheckFile(healthyDB(t, t.TempDir()), time.Second)
	if err != nil || rep.MetaNote != "" {
		t.Errorf("healthy file: MetaNote %q, err %v", rep.MetaNote, err)
	}
}
