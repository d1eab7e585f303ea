package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDoctorNamesMissingSecretsAndOpenPermissions(t *testing.T) {
	home := privateEnv(t)
	tokenFile := filepath.Join(home, "discourse.key")
	if err := os.WriteFile(tokenFile, []byte("k3y\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := writeConfig(t, `
[[feed]]
name      = "Mastodon"
kind      = "mastodon"
server    = "https://mastodon.example"
token_env = "PARLEY_DOCTOR_TEST_TOKEN"

[[feed]]
name         = "Forum"
kind         = "discourse"
url          = "https://forum.example"
api_key_file = "`+tokenFile+`"
api_username = "maya"
`)
	db := filepath.Join(home, "data", "parley", "parley.db")
	// A database to check: fetch creates it (every feed fails: no network).
	run([]string{"fetch", "--config", cfg, "--db", db}, &bytes.Buffer{}, &bytes.Buffer{})
	os.Chmod(db, 0o644)

	var out, errOut bytes.Buffer
	code := run([]string{"doctor", "--config", cfg, "--db", db}, &out, &errOut)
	if code != 1 {
		t.Errorf("exit %d, want 1 (problems found)\n%s%s", code, out.String(), errOut.String())
	}
	for _, want := range []string{
		"✗ secret of \"Mastodon\" (Mastodon): secret missing: environment variable PARLEY_DOCTOR_TEST_TOKEN is not set",
		"token file " + tokenFile + " is readable by others",
		"chmod 600 " + tokenFile,
		"✗ permissions: database " + db + " is mode 0644",
		"✓ database: " + db + " is consistent",
		"3 problems to fix",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("doctor output lacks %q:\n%s", want, out.String())
		}
	}

	// Fixed: all good.
	t.Setenv("PARLEY_DOCTOR_TEST_TOKEN", "t0ken")
	os.Chmod(tokenFile, 0o600)
	os.Chmod(db, 0o600)
	out.Reset()
	if code := run([]string{"doctor", "--config", cfg, "--db", db}, &out, &errOut); code != 0 {
		t.Errorf("exit %d after fixing, want 0:\n%s", code, out.String())
	}
	if strings.Contains(out.String(), "t0ken") || strings.Contains(out.String(), "k3y") {
		t.Errorf("doctor printed a secret:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "All good.") {
		t.Errorf("no all-good line:\n%s", out.String())
	}
}

func TestDoctorReportsABadConfigWithItsLine(t *testing.T) {
	privateEnv(t)
	cfg := writeConfig(t, "[[feed]]\nkind = \"mastodon\"\nserver = \"https://m.example\"\ntoken = \"abc\"\n")
	var out bytes.Buffer
	if code := run([]string{"doctor", "--config", cfg}, &out, &bytes.Buffer{}); code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if !strings.Contains(out.String(), "config.toml:4: token: secrets do not go in the config") {
		t.Errorf("output:\n%s", out.String())
	}
}

// A config with two mistakes is two problems to fix, as the config line
// itself says ("2 mistakes"), not one.
func TestDoctorCountsEveryConfigMistake(t *testing.T) {
	home := privateEnv(t)
	cfg := filepath.Join(home, "config.toml")
	if err := os.WriteFile(cfg, []byte("[[feed]]\nname = \"Blog\"\nurl = \"https://blog.example/comments/feed/\"\nevry = \"5m\"\n\n[fetch]\ntimout = \"10s\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	dir := filepath.Join(home, "data")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	run([]string{"doctor", "--config", cfg, "--db", filepath.Join(dir, "none.db")}, &out, &errOut)
	if !strings.Contains(out.String(), "2 mistakes") {
		t.Fatalf("doctor output lacks the config's 2 mistakes:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "\n2 problems to fix.") {
		t.Errorf("two config mistakes counted as one problem:\n%s", out.String())
	}
}
