package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// Issue 13 on the real binary: in the demo's "Introducing Quillstone 4.0"
// comments, Priya Raman started the thread and was helped, Hannah Becker
// is angry, and both wrote after our last reply to them. The queue row
// is Hannah's (unhappy first) with her own words and "+1 waiting";
// opening it addresses her, and p switches to Priya.
func TestE2EDemoMultiPersonRow(t *testing.T) {
	bin := buildParley(t)
	env := isolatedEnv(t)
	s := startTmux(t, filepath.Join(t.TempDir(), "tmux.sock"), env, bin, "--demo")
	scr := s.waitFor("WAITING FOR A REPLY")

	rows := strings.Split(scr, "\n")
	at := -1
	for i, r := range rows {
		if strings.Contains(r, "Hannah Becker") {
			at = i
			if !strings.Contains(r, "+1 waiting") || !strings.Contains(r, "Same thing as Priya") || !strings.Contains(r, "!") {
				t.Errorf("Hannah's row lacks her words, her ! or +1 waiting: %q", r)
			}
		}
		if strings.Contains(r, "Priya Raman") && strings.Contains(r, "Same thing as Priya") {
			t.Errorf("Priya's name beside Hannah's words: %q", r)
		}
	}
	if at < 0 {
		t.Fatalf("no queue row for Hannah Becker:\n%s", scr)
	}
	// The first row is on screen line 2 (under the tabs and the header).
	for range at - 2 {
		s.keys("j")
	}
	s.keys("Enter")
	scr = s.waitFor("3 people, 2 waiting")
	if !strings.Contains(scr, "Hannah Becker · stage new · ! unhappy") {
		t.Errorf("the open thread does not address Hannah:\n%s", scr)
	}
	s.keys("p")
	scr = s.waitFor("Priya Raman · stage trusting")
	if strings.Contains(scr, "! unhappy") {
		t.Errorf("Priya is shown unhappy:\n%s", scr)
	}
	s.keys("r")
	s.waitFor("Reply to Priya Raman (Blog comments)")
	s.keys("Escape") // leaves the composer
	s.waitFor("r reply")
	s.keys("Escape") // back to the queue
	s.waitFor("WAITING FOR A REPLY")
	s.keys("q")
	s.waitGone()
}
