package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"parley/ui"
)

// parley --demo has saved replies: ctrl+t there used to say "add
// [[template]] … to (demo)", a file that does not exist.
func TestDemoHasSavedReplies(t *testing.T) {
	home := privateEnv(t)
	opts := options{paths: defaultPaths(), demo: true}
	opts.db = filepath.Join(home, "demo.db")
	cfg, st, _, err := setup(opts)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	d := withDaily(ui.Deps{}, cfg)
	if len(d.Templates) < 2 {
		t.Fatalf("the demo console has %d saved replies, want a few for ctrl+t", len(d.Templates))
	}
}

// A [keys] mistake says "run parley keys for the list": parley keys
// must then give the list (the defaults), not only the same mistake.
func TestKeysCommandListsDefaultsDespiteMistakes(t *testing.T) {
	privateEnv(t)
	cfg := writeConfig(t, "[keys]\n\"queue.dnoe\" = \"x\"\n")
	code, out, errOut := runCLI("keys", "--config", cfg)
	if code != 1 || !strings.Contains(errOut, cfg+`:2: [keys] unknown action "queue.dnoe"`) {
		t.Errorf("exit %d, stderr %q: want 1 and the mistake", code, errOut)
	}
	if !regexp.MustCompile(`(?m)^queue\.done\s+e\s+done \(archive\)$`).MatchString(out) {
		t.Errorf("parley keys on a bad [keys] lists no keys:\n%s", out)
	}
}

// parley help [CMD] is parley [CMD] --help, not "unknown command".
func TestHelpCommand(t *testing.T) {
	privateEnv(t)
	if code, errOut, _ := runCLI("help"); code != 0 || !strings.Contains(errOut, "parley fetch [flags]") {
		t.Errorf("parley help: exit %d, %q", code, errOut)
	}
	if code, errOut, _ := runCLI("help", "fetch"); code != 0 || !strings.Contains(errOut, "Usage: parley fetch") {
		t.Errorf("parley help fetch: exit %d, %q", code, errOut)
	}
	if code, _, errOut := runCLI("help", "nope"); code != 2 || !strings.Contains(errOut, `unknown command "nope"`) {
		t.Errorf("parley help nope: exit %d, %q", code, errOut)
	}
}

// parley conversions import --demo FILE with a FILE that is not there,
// while the demo console runs, says the file is missing: it said another
// parley was using demo.db and did not answer.
func TestDemoImportOfAMissingFileSaysSo(t *testing.T) {
	home := privateEnv(t)
	startOwner(t, filepath.Join(filepath.Dir(defaultPaths().db), "demo.db"), "", true)
	missing := filepath.Join(home, "sales.csv")
	code, _, errOut := runCLI("conversions", "import", "--demo", missing)
	if code != 1 || !strings.Contains(errOut, "sales.csv") || strings.Contains(errOut, "another parley") {
		t.Errorf("exit %d, %q: want 1 and that %s is missing", code, errOut, missing)
	}
}

// A mistyped flag is one line that says where the help is, not the
// 40 lines of help after it; -h still prints the help.
func TestUnknownFlagIsOneLine(t *testing.T) {
	privateEnv(t)
	for _, args := range [][]string{{"--bogus"}, {"fetch", "--bogus"}, {"export", "--format"}} {
		code, _, errOut := runCLI(args...)
		name := strings.TrimSpace("parley " + strings.Join(args[:len(args)-1], " "))
		if code != 2 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "(see "+name+" --help)") {
			t.Errorf("%v: exit %d, %q: want 2 and one line pointing at %s --help", args, code, errOut, name)
		}
	}
	if code, errOut, _ := runCLI("fetch", "-h"); code != 0 || !strings.Contains(errOut, "Usage: parley fetch") {
		t.Errorf("fetch -h: exit %d, %q", code, errOut)
	}
}

// Help that was asked for goes to stdout, so `parley --help | less` and
// `parley fetch -h | grep` see it; stderr stays empty.
func TestAskedForHelpGoesToStdout(t *testing.T) {
	privateEnv(t)
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"fetch", "--help"}, {"help", "export"}, {"serve", "-h"}} {
		code, out, errOut := runCLI(args...)
		if code != 0 || !strings.Contains(out, "parley ") || len(out) < 200 || errOut != "" {
			t.Errorf("%v: exit %d, stdout %d bytes, stderr %q", args, code, len(out), errOut)
		}
	}
}
