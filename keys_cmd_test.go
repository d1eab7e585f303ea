package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestKeysCommandListsActionsAfterTheConfig(t *testing.T) {
	privateEnv(t)
	cfg := writeConfig(t, "[keys]\n\"queue.done\" = [\"e\", \"x\"]\n\"queue.undo\" = []\n")
	code, out, errOut := runCLI("keys", "--config", cfg)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, re := range []string{`(?m)^queue\.done\s+e x\s+done \(archive\)$`, `(?m)^queue\.undo\s+\(unbound\)`,
		`(?m)^thread\.done\s+e\s`, `(?m)^global\.quit\s+q\s+quit$`, `(?m)^compose\.send\s+ctrl\+s\s`} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("parley keys output lacks %s:\n%s", re, out)
		}
	}
}

func TestConsoleRefusesKeyMistakesWithLines(t *testing.T) {
	home := privateEnv(t)
	cfg := writeConfig(t, "ours = [\"Sam\"]\n[keys]\n\"queue.dnoe\" = \"x\"\n\"queue.reply\" = \"e\"\n")
	code, _, errOut := runCLI("--config", cfg, "--db", filepath.Join(home, "p.db"))
	if code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, errOut)
	}
	for _, want := range []string{cfg + `:3: [keys] unknown action "queue.dnoe"`, cfg + `:4: [keys] "queue.reply": "e" is also the key of "queue.done"`} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if code, _, errOut := runCLI("keys", "--config", cfg); code != 1 || !strings.Contains(errOut, cfg+":3:") {
		t.Errorf("parley keys on a bad [keys]: exit %d, %q", code, errOut)
	}
}

func TestDoctorReportsKeyMistakes(t *testing.T) {
	home := privateEnv(t)
	cfg := writeConfig(t, "ours = [\"Sam\"]\n[keys]\n\"queue.dnoe\" = \"x\"\n")
	code, out, errOut := runCLI("doctor", "--config", cfg, "--db", filepath.Join(home, "p.db"))
	if code == 0 || !strings.Contains(out+errOut, cfg+`:3: [keys] unknown action "queue.dnoe"`) {
		t.Errorf("doctor: exit %d\n%s%s", code, out, errOut)
	}
}
