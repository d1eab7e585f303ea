package ui

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/charmbracelet/x/editor"
)

// editorRoundTrip runs the ctrl+e pipeline (write the file, run $EDITOR
// on it, read it back) with a fake editor script, outside a program.
func editorRoundTrip(t *testing.T, draft, script string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fake-editor")
	if err := os.WriteFile(path, []byte("#!/bin/sh\nfor f; do :; done\n"+script+"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("EDITOR", path)
	file := writeEditorFile("t1", draft)().(editorFileMsg)
	if file.err != nil {
		t.Fatal(file.err)
	}
	cmd, err := editor.Cmd("parley", file.path, editor.EndOfLine())
	if err != nil {
		t.Fatal(err)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("fake editor: %v: %s", err, out)
	}
	got := readEditorFile(editorDoneMsg{threadID: "t1", path: file.path})().(editedMsg)
	if got.err != nil {
		t.Fatal(got.err)
	}
	return got.text
}

func TestEditorRoundTripKeepsTheDraftsLastLine(t *testing.T) {
	for _, c := range []struct {
		name, draft, script, want string
	}{
		{"saved unchanged", "Hi Alice,\nthanks", `:`, "Hi Alice,\nthanks"},
		// vim and nano end the file with a newline on save.
		{"editor adds a final newline", "Hi Alice", `printf '\n' >> "$f"`, "Hi Alice"},
		{"appends to the last line", "Hi Alice", `printf ' and more\n' >> "$f"`, "Hi Alice and more"},
		// A draft typed with enter at the end: the file must not end
		// with that newline, or the appended text starts a line of its own.
		{"draft ends with enter", "Hi Alice\n", `printf ' and more\n' >> "$f"`, "Hi Alice and more"},
		{"CRLF editor", "Hi", `printf 'Hi Bob\r\n' > "$f"`, "Hi Bob"},
		{"blank lines inside stay", "a\n\nb", `:`, "a\n\nb"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := editorRoundTrip(t, c.draft, c.script); got != c.want {
				t.Errorf("after $EDITOR: %q, want %q", got, c.want)
			}
		})
	}
}
