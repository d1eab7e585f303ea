package main

import (
	"net"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"parley/server"
)

// Where plain parley looks for a team server: the serve on this database
// first; $PARLEY_TEAM_DIR and /run/parley only when no --db names one.
func TestTeamCandidates(t *testing.T) {
	dataDir := t.TempDir()
	opts := options{paths: paths{db: filepath.Join(dataDir, "parley.db")}}
	t.Setenv(teamDirEnv, "/srv/team")

	if got, want := teamCandidates(opts, false), []string{"/srv/team", defaultTeamDir}; !slices.Equal(got, want) {
		t.Errorf("no serve on the database: %q, want %q", got, want)
	}
	if got := teamCandidates(opts, true); len(got) != 0 {
		t.Errorf("--db named, no serve on it: %q, want none", got)
	}

	remove, err := recordTeamDir(opts.db, "/srv/served")
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(teamPointer(opts.db)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("pointer file: %v %v, want 0600", err, fi)
	}
	if got, want := teamCandidates(opts, true), []string{"/srv/served"}; !slices.Equal(got, want) {
		t.Errorf("serve on the named database: %q, want %q", got, want)
	}
	if got, want := teamCandidates(opts, false), []string{"/srv/served", "/srv/team", defaultTeamDir}; !slices.Equal(got, want) {
		t.Errorf("serve on the database: %q, want %q", got, want)
	}
	remove()
	if got := teamCandidates(opts, true); len(got) != 0 {
		t.Errorf("after serve stopped: %q, want none", got)
	}
}

// Only a directory holding a socket is a server's.
func TestFindTeamNeedsASocket(t *testing.T) {
	empty, withFile, withSocket := t.TempDir(), t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(withFile, server.LocalSocketName), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("unix", filepath.Join(withSocket, server.LocalSocketName))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if got := findTeam([]string{"/nonexistent/team", empty, withFile, withSocket}); got != withSocket {
		t.Errorf("findTeam = %q, want %q", got, withSocket)
	}
	if got := findTeam([]string{empty, withFile}); got != "" {
		t.Errorf("findTeam without a socket = %q, want none", got)
	}
}
