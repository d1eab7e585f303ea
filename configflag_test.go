package main

import (
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

// A --config that names no file is a typo to report, for every command,
// and nothing is created; without --config a missing config is fine.
func TestMissingNamedConfigIsAnError(t *testing.T) {
	home := privateEnv(t)
	missing := filepath.Join(home, "missing.toml")
	db := filepath.Join(home, "data", "parley", "parley.db")
	for _, args := range [][]string{
		{"doctor", "--config", missing},
		{"fetch", "--config", missing},
		{"export", "--config=" + missing},
		{"--config", missing, "conversions", "import", "sales.csv"},
		{"--config", missing}, // the console
	} {
		code, out, errOut := runCLI(args...)
		want := "no config at " + missing + ": --config names a file that does not exist"
		if code != 1 || !strings.Contains(errOut, want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 1 and one line %q", args, code, out, errOut, want)
		}
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("a database was created")
	}
	// The default path missing is still the welcome, not an error.
	if code, out, errOut := runCLI("doctor"); code != 0 || !strings.Contains(out, "config: none at ") {
		t.Errorf("doctor without --config: exit %d:\n%s%s", code, out, errOut)
	}
}

func TestVersion(t *testing.T) {
	privateEnv(t)
	code, out, errOut := runCLI("--version")
	if code != 0 || !strings.HasPrefix(out, "parley ") || errOut != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	info := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "parley", Version: "(devel)"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "9d9f7ef87d5c93c5291a9f97be5715134020cbd2"},
			{Key: "vcs.time", Value: "2026-12-02T14:00:00Z"}, {Key: "vcs.modified", Value: "true"}}}
	if got, want := formatVersion(info), "parley (devel) (commit 9d9f7ef87d5c, 2026-12-02T14:00:00Z, with uncommitted changes), go1.26.8"; got != want {
		t.Errorf("formatVersion = %q, want %q", got, want)
	}
	info.Settings = nil
	if got := formatVersion(info); !strings.Contains(got, "no commit recorded") {
		t.Errorf("without vcs settings: %q", got)
	}
}
