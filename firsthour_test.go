package main

import (
	"path/filepath"
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
