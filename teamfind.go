package main

// Plain `parley` finds the team's server by itself and attaches to it,
// like tmux attach, instead of opening a database of its own. The server
// is found through its team directory (parley serve --team-dir), looked
// for in this order:
//
//  1. the one recorded beside this database by a parley serve running on
//     it (a teammate who runs the server's user, or --db naming its
//     database);
//  2. $PARLEY_TEAM_DIR;
//  3. /run/parley, the systemd unit's RuntimeDirectory (docs/TEAM.md).
//
// 2 and 3 are only asked when no --db or --demo names a database: then
// that database is opened, as always. A directory someone cannot enter
// (not in the team group) is passed over silently: their own parley
// opens. Who is a teammate is the server's decision (the kernel's word
// on the socket); anyone else reads who may add them.

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/charmbracelet/x/term"

	"parley/server"
)

// teamDirEnv names a team directory to attach to.
const teamDirEnv = "PARLEY_TEAM_DIR"

// defaultTeamDir is where a team server on this machine is looked for
// when nothing names one (docs/TEAM.md's unit serves there).
const defaultTeamDir = "/run/parley"

// teamPointerFile, beside the database, holds the team directory of the
// parley serve running on it, while it runs.
const teamPointerFile = "team-dir"

// teamCandidates are the directories plain parley looks in, in order.
func teamCandidates(opts options, named bool) []string {
	var dirs []string
	if data, err := os.ReadFile(teamPointer(opts.db)); err == nil {
		if dir := strings.TrimSpace(string(data)); filepath.IsAbs(dir) {
			dirs = append(dirs, dir)
		}
	}
	if named {
		return dirs
	}
	if dir := os.Getenv(teamDirEnv); dir != "" {
		dirs = append(dirs, absPath(dir))
	}
	return append(dirs, defaultTeamDir)
}

// teamPointer is the pointer file of the database at db.
func teamPointer(db string) string {
	return filepath.Join(filepath.Dir(absPath(db)), teamPointerFile)
}

// findTeam is the first candidate with a server's socket in it, or "".
func findTeam(candidates []string) string {
	for _, dir := range candidates {
		fi, err := os.Lstat(filepath.Join(dir, server.LocalSocketName))
		if err == nil && fi.Mode().Type() == fs.ModeSocket {
			return dir
		}
	}
	return ""
}

// attachTeam attaches the console to a running team server when one is
// found; ok is false when none is (or this is not a terminal, where a
// console could not run either), and the console opens its own database.
func attachTeam(opts options, named bool, stderr io.Writer) (code int, ok bool) {
	if opts.demo || !term.IsTerminal(os.Stdin.Fd()) || !term.IsTerminal(os.Stdout.Fd()) {
		return 0, false
	}
	dir := findTeam(teamCandidates(opts, named))
	if dir == "" {
		return 0, false
	}
	err := attach(dir, os.Stdin, os.Stdout, stderr)
	if errors.Is(err, syscall.ECONNREFUSED) {
		// A socket left by a server that stopped: no server to attach to.
		return 0, false
	}
	if err != nil {
		return attachFailed("parley", err, stderr), true
	}
	return 0, true
}

// recordTeamDir writes the pointer file beside db (0600, in the data
// directory) and returns its removal.
func recordTeamDir(db, teamDir string) (remove func(), err error) {
	path := teamPointer(db)
	if err := os.WriteFile(path, []byte(absPath(teamDir)+"\n"), 0o600); err != nil {
		return func() {}, fmt.Errorf("record the team directory: %w", err)
	}
	return func() { _ = os.Remove(path) }, nil
}
