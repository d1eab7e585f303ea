package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestCompletionCoversEveryCommand(t *testing.T) {
	for name := range commands {
		if _, ok := commandFlags[name]; !ok {
			t.Errorf("command %q is missing from the completion table (commandFlags)", name)
		}
	}
	for name := range commandFlags {
		if _, ok := commands[name]; !ok {
			t.Errorf("completion offers %q, which is no command", name)
		}
	}
	for _, shell := range []string{"bash", "zsh", "fish"} {
		code, out, errOut := runCLI("completion", shell)
		if code != 0 || errOut != "" {
			t.Fatalf("%s: exit %d, %q", shell, code, errOut)
		}
		for _, want := range []string{"import-opml", "conversions", "--config", "--format", "opml", "--salvage", "--team-dir"} {
			if !strings.Contains(out, want) && !strings.Contains(out, "-l "+strings.TrimPrefix(want, "--")) {
				t.Errorf("%s script lacks %q", shell, want)
			}
		}
		// Each shell checks its own syntax where it is installed.
		if path, err := exec.LookPath(shell); err == nil {
			script := filepath.Join(t.TempDir(), "parley."+shell)
			os.WriteFile(script, []byte(out), 0o600)
			if out, err := exec.Command(path, "-n", script).CombinedOutput(); err != nil {
				t.Errorf("%s -n rejects the script: %v\n%s", shell, err, out)
			}
		} else if shell == "bash" {
			t.Error("bash is not installed: the bash script is unchecked")
		}
	}
	for _, m := range []map[string]string{describe, flagHelp} {
		for k, d := range m {
			if strings.Contains(d, "'") {
				t.Errorf("the description of %s has an apostrophe, which ends its quotes in zsh and fish: %q", k, d)
			}
		}
	}
	if code, _, errOut := runCLI("completion", "powershell"); code != 2 || !strings.Contains(errOut, "bash, zsh or fish") {
		t.Errorf("unknown shell: exit %d, %q", code, errOut)
	}
}

// TestBashCompletionCompletes runs the bash function as bash would on
// Tab, for a few command lines.
func TestBashCompletionCompletes(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	script := filepath.Join(t.TempDir(), "parley.bash")
	os.WriteFile(script, []byte(bashCompletion()), 0o600)
	for _, c := range []struct {
		words string // the line so far; the last word is being completed
		want  string
	}{
		{"parley ex", "export"},
		{"parley im", "import-opml"},
		{"parley export --format ", "csv json opml"},
		{"parley export --a", "--audit"},
		{"parley --config x.toml doc", "doctor"},
		{"parley conversions i", "import"},
		{"parley completion f", "fish"},
		{"parley serve --team-", "--team-dir --team-group"},
	} {
		line := `. "$1"; COMP_WORDS=(` + c.words + `); `
		if strings.HasSuffix(c.words, " ") {
			line = `. "$1"; COMP_WORDS=(` + c.words + ` ""); `
		}
		line += `COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _parley; echo "${COMPREPLY[*]}"`
		out, err := exec.Command(bash, "-c", line, "bash", script).CombinedOutput()
		if err != nil {
			t.Fatalf("%q: %v\n%s", c.words, err, out)
		}
		if got := strings.TrimSpace(string(out)); got != c.want {
			t.Errorf("%q<Tab> = %q, want %q", c.words, got, c.want)
		}
	}
}
