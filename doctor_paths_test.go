package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// What the other commands refuse, doctor reports: a data or state
// directory others can write, a log that is a link. (doctor said "All
// good." while every command ran without a log.)
func TestDoctorReportsWhatTheCommandsRefuse(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, home string)
		want  string
	}{
		{"state directory others can write", func(t *testing.T, home string) {
			mkdirMode(t, filepath.Join(home, "state", "parley"), 0o770)
		}, "✗ log: directory " + "{home}/state/parley is writable by others (mode 0770)"},
		{"log is a link", func(t *testing.T, home string) {
			mkdirMode(t, filepath.Join(home, "state", "parley"), 0o700)
			bashrc := writeFile(t, home, ".bashrc", "export EDITOR=vi\n")
			if err := os.Symlink(bashrc, filepath.Join(home, "state", "parley", "parley.log")); err != nil {
				t.Fatal(err)
			}
		}, "✗ log: {home}/state/parley/parley.log is a symlink"},
		{"data directory others can write, no database yet", func(t *testing.T, home string) {
			mkdirMode(t, filepath.Join(home, "data", "parley"), 0o775)
		}, "✗ permissions: database directory {home}/data/parley is writable by others (mode 0775)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			home := privateEnv(t)
			tc.setup(t, home)
			code, out, errOut := runCLI("doctor")
			want := strings.ReplaceAll(tc.want, "{home}", home)
			if code != 1 || !strings.Contains(out, want) {
				t.Errorf("exit %d, want 1 and %q:\n%s%s", code, want, out, errOut)
			}
		})
	}
	// And a private setup is still all good.
	home := privateEnv(t)
	mkdirMode(t, filepath.Join(home, "state", "parley"), 0o700)
	mkdirMode(t, filepath.Join(home, "data", "parley"), 0o700)
	if code, out, errOut := runCLI("doctor"); code != 0 || !strings.Contains(out, "All good.") {
		t.Errorf("private directories: exit %d:\n%s%s", code, out, errOut)
	}
}

func mkdirMode(t *testing.T, dir string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, mode); err != nil {
		t.Fatal(err)
	}
}
