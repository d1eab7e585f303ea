package main

import (
	"fmt"
	"io"
	"runtime/debug"
)

// versionLine says which parley this is: the module version Go recorded
// (a tag for `go install` of a tagged module, "(devel)" for a build from a
// clone) and the commit it was built from, so a bug report can name it.
func versionLine() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "parley (no build information)"
	}
	return formatVersion(info)
}

func formatVersion(info *debug.BuildInfo) string {
	version := info.Main.Version
	if version == "" {
		version = "(devel)" // go test and go run leave it empty
	}
	var rev, when string
	modified := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			when = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	line := "parley " + version
	switch {
	case rev == "":
		line += " (no commit recorded: built outside a git clone, or with -buildvcs=false)"
	default:
		if len(rev) > 12 {
			rev = rev[:12]
		}
		line += " (commit " + rev
		if when != "" {
			line += ", " + when
		}
		if modified {
			line += ", with uncommitted changes"
		}
		line += ")"
	}
	return line + ", " + info.GoVersion
}

func printVersion(stdout io.Writer) int {
	fmt.Fprintln(stdout, versionLine())
	return 0
}
