package main

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"parley/store"
)

// pasteText is n bytes of short paragraphs, as a pasted log or email.
func pasteText(n int) string {
	rng := rand.New(rand.NewPCG(11, 12))
	words := strings.Fields("the sync lost my notes after the update we are looking into it thanks for your patience")
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(words[rng.IntN(len(words))])
		if rng.IntN(40) == 0 {
			b.WriteString(".\n")
		} else {
			b.WriteByte(' ')
		}
	}
	return strings.TrimSpace(b.String()[:n])
}

// A 16 KB paste from a terminal without bracketed paste (tmux
// paste-buffer without -p: one key per character, CR for a newline), a
// few characters typed after it, then the session is closed (SIGHUP):
// the draft holds every character, exactly.
func TestE2EPlainKeyPasteThenHangupKeepsEveryCharacter(t *testing.T) {
	bin := buildParley(t)
	env := isolatedEnv(t)
	s := startTmux(t, filepath.Join(t.TempDir(), "tmux.sock"), env, bin, "--demo")
	s.waitFor("WAITING FOR A REPLY")
	s.keys("Enter")
	s.waitFor(threadOpen)
	s.keys("r")
	s.waitFor("ctrl+s copy + record")

	paste := pasteText(16 << 10)
	file := filepath.Join(t.TempDir(), "paste.txt")
	if err := os.WriteFile(file, []byte(paste), 0o600); err != nil {
		t.Fatal(err)
	}
	s.tmux("load-buffer", "-b", "big", file)
	s.tmux("paste-buffer", "-b", "big", "-t", s.name)
	const typed = " -- typed after, zq7"
	s.keys("-l", typed)
	// Shown means read and handled; the hangup comes at once after it,
	// well inside the autosave delay.
	s.waitFor("typed after, zq7")
	pid := s.panePID()
	s.tmux("kill-session", "-t", s.name)
	waitExited(t, pid)

	home := strings.TrimPrefix(env[0], "HOME=")
	st, err := store.Open(filepath.Join(home, "data", "parley", "demo.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	drafts, err := st.Drafts()
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	want := paste + typed
	found := false
	for _, d := range drafts {
		if strings.HasSuffix(d.Text, "zq7") {
			found = true
			if d.Text != want {
				t.Errorf("draft has %d chars, want %d; it ends %q", len(d.Text), len(want), d.Text[max(0, len(d.Text)-60):])
			}
		}
	}
	if !found {
		t.Fatalf("no draft ends with the typed characters; %d drafts", len(drafts))
	}

	// And on restart the composer opens on it.
	s2 := startTmux(t, filepath.Join(t.TempDir(), "tmux.sock"), env, bin, "--demo")
	s2.waitFor("WAITING FOR A REPLY")
	s2.keys("Enter")
	s2.waitFor(threadOpen)
	s2.keys("r")
	s2.waitFor("typed after, zq7")
}
