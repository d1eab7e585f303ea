package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The console on a damaged database, in a real terminal: refused at
// start, or stopped when a bad page is met while it runs. Either way one
// line says what is wrong and what to do, the exit status is not 0, and
// the terminal is back to normal (main screen, a shell that reads lines).
func TestE2EConsoleOnADamagedDatabase(t *testing.T) {
	bin := buildParley(t)
	cases := damagedCorpus(t)
	byName := map[string]string{}
	for _, c := range cases {
		byName[c.Name] = c.Path
	}
	rss, err := os.ReadFile("feeds/testdata/wordpress-comments.rss")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, file string }{
		{"refused at start", "truncated-half"},
		{"found while running", "branch-all-children-beyond"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := isolatedEnv(t)
			home := strings.TrimPrefix(env[0], "HOME=")
			feed := filepath.Join(home, "feed.rss")
			if err := os.WriteFile(feed, rss, 0o600); err != nil {
				t.Fatal(err)
			}
			cfg := filepath.Join(home, "config.toml")
			if err := os.WriteFile(cfg, []byte("[[feed]]\nname = \"Blog\"\nurl = \""+feed+"\"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			db := byName[tc.file]
			before := sumOf(t, db)
			// After parley, the same terminal runs a shell: it must read
			// what is typed as lines again.
			s := startTmux(t, filepath.Join(t.TempDir(), "tmux.sock"), env,
				bin, "--config", cfg, "--db", db, ";", "echo", "exit=$?", ";", "exec", "sh")
			scr := s.waitFor("exit=")
			joined := s.tmux("capture-pane", "-p", "-J", "-t", s.name)
			if !strings.Contains(joined, "exit=1") {
				t.Errorf("exit status is not 1:\n%s", joined)
			}
			var errLines []string
			for _, l := range strings.Split(joined, "\n") {
				if strings.HasPrefix(l, "parley: ") {
					errLines = append(errLines, l)
				}
			}
			if len(errLines) != 1 || !strings.HasPrefix(errLines[0], "parley: "+db+" is damaged: ") ||
				!strings.HasSuffix(errLines[0], "parley doctor --salvage NEW.db") {
				t.Errorf("want one line naming %s and what to do:\n%s", db, joined)
			}
			noTrace(t, "the console", joined)
			if alt := strings.TrimSpace(s.tmux("display-message", "-p", "-t", s.name, "#{alternate_on}")); alt != "0" {
				t.Errorf("the terminal is left in the alternate screen (alternate_on=%s):\n%s", alt, scr)
			}
			s.keys("-l", "echo ok-$((40+2))")
			s.keys("Enter")
			s.waitFor("ok-42")
			if tc.file == "truncated-half" && sumOf(t, db) != before {
				t.Error("the refused database was changed")
			}
			if tc.name == "found while running" {
				// The console was up (not refused at open) when it met the
				// bad page.
				log, _ := os.ReadFile(filepath.Join(home, "state", "parley", "parley.log"))
				if !strings.Contains(string(log), "database damaged, quitting") {
					t.Errorf("the log does not show the console meeting the damage:\n%s", log)
				}
			}
			t.Logf("%s", joined)
		})
	}
}
