package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"parley/store"
)

// startOwner holds the database at db and serves its control socket with
// the console's engine (same setup, same ownerEngine), for commands run
// while "the console" is open. The engine is not started, so its own
// first poll does not take the items the test's fetch should find.
func startOwner(t *testing.T, db, config string, demo bool) *store.Store {
	t.Helper()
	opts := options{paths: defaultPaths(), format: "csv", demo: demo}
	opts.db, opts.config = db, config
	cfg, st, noConfig, err := setup(opts)
	if err != nil {
		t.Fatalf("setup: %v", err)
	}
	eng := ownerEngine(opts, cfg, noConfig, st, "maya")
	if err := eng.ServeControl(context.Background()); err != nil {
		eng.Close()
		st.Close()
		t.Fatalf("ServeControl: %v", err)
	}
	t.Cleanup(func() { eng.Close(); st.Close() })
	return st
}

type cliRun struct {
	code        int
	out, errOut string
}

func cli(args ...string) cliRun {
	code, out, errOut := runCLI(args...)
	return cliRun{code, out, errOut}
}

func TestExportThroughTheRunningConsolePrintsTheSame(t *testing.T) {
	home := privateEnv(t)
	db, _ := fixtureDB(t, home)
	direct := map[string]cliRun{}
	for _, format := range []string{"csv", "json"} {
		direct[format] = cli("export", "--format", format, "--db", db)
		if direct[format].code != 0 {
			t.Fatalf("direct export: %+v", direct[format])
		}
	}
	startOwner(t, db, filepath.Join(home, "none.toml"), false)
	for _, format := range []string{"csv", "json"} {
		got := cli("export", "--format", format, "--db", db)
		if got != direct[format] {
			t.Errorf("%s with a console: %+v\nwithout: %+v", format, got, direct[format])
		}
	}
}

func TestConversionsImportThroughTheRunningConsolePrintsTheSame(t *testing.T) {
	home := privateEnv(t)
	db1, refs := fixtureDB(t, filepath.Join(home, "a"))
	db2, _ := fixtureDB(t, filepath.Join(home, "b"))
	chloe := refs["Chloe Martin"]
	file := writeFile(t, home, "sales.csv", strings.Join([]string{
		"ref,amount,currency,time,id",
		chloe + ",49.00,EUR,2026-11-20T10:00:00Z,A-1",
		chloe + ",-5,EUR,2026-11-20T10:00:00Z,A-2",
		"3fa2c1d9e0,12.00,EUR,2026-11-20T10:00:00Z,A-3",
		chloe[:6] + ",1.00,,2026-11-20,A-4",
	}, "\n")+"\n")
	startOwner(t, db1, filepath.Join(home, "none.toml"), false)
	for round := 1; round <= 2; round++ { // the second finds them imported
		got := cli("conversions", "import", file, "--db", db1)
		want := cli("conversions", "import", file, "--db", db2)
		if got != want {
			t.Errorf("round %d with a console: %+v\nwithout: %+v", round, got, want)
		}
		if got.code != 1 || strings.Contains(got.errOut, "another parley") || !strings.Contains(got.errOut, "matches no thread") {
			t.Errorf("round %d: %+v", round, got)
		}
	}
}

// durations are the only part of fetch's lines that differ run to run.
// Feeds finish in any order, so lines are compared sorted.
var durations = regexp.MustCompile(`\(\d+(\.\d+)?(µs|ms|s)`)

func fetchLines(out string) string {
	lines := strings.Split(durations.ReplaceAllString(out, "(D"), "\n")
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

func TestFetchThroughTheRunningConsole(t *testing.T) {
	home := privateEnv(t)
	srv := feedServer(t)
	cfg := writeConfig(t, `
[[feed]]
name = "Blog comments"
url  = "`+srv.URL+`/comments/feed/"

[[feed]]
name = "Broken"
url  = "`+srv.URL+`/broken"
`)
	db1, db2 := filepath.Join(home, "a.db"), filepath.Join(home, "b.db")
	owner := startOwner(t, db1, cfg, false)
	for round := 1; round <= 2; round++ { // the second is "not modified"
		got := cli("fetch", "--config", cfg, "--db", db1)
		want := cli("fetch", "--config", cfg, "--db", db2)
		got.out, want.out = fetchLines(got.out), fetchLines(want.out)
		if got != want {
			t.Errorf("round %d with a console: %+v\nwithout: %+v", round, got, want)
		}
		if got.code != 0 || strings.Count(got.out, "\n") != 2 || !strings.Contains(got.out, "✗ Broken:") {
			t.Errorf("round %d: %+v", round, got)
		}
	}
	if n, _, err := owner.Stats(); err != nil || n == 0 {
		t.Errorf("the console's store holds %d threads (%v) after the fetch", n, err)
	}

	// Every feed failed: exit 1, as without a console.
	broken := writeConfig(t, "[[feed]]\nname = \"Broken\"\nurl = \""+srv.URL+"/broken\"\n")
	db3 := filepath.Join(home, "c.db")
	startOwner(t, db3, broken, false)
	got := cli("fetch", "--config", broken, "--db", db3)
	if got.code != 1 || !strings.Contains(got.errOut, "parley fetch: every feed failed") || !strings.HasPrefix(got.out, "✗ Broken: ") {
		t.Errorf("every feed failed with a console: %+v", got)
	}

	// A console without feeds says so, as fetch does without one.
	db4 := filepath.Join(home, "d.db")
	startOwner(t, db4, filepath.Join(home, "none.toml"), false)
	got = cli("fetch", "--config", filepath.Join(home, "none.toml"), "--db", db4)
	if got.code != 1 || !strings.Contains(got.errOut, "parley fetch: no config at "+filepath.Join(home, "none.toml")) {
		t.Errorf("no config with a console: %+v", got)
	}
}

// A fetch run with another config than the running console's is refused
// (exit 2, one line saying what to do), and nothing is polled; the same
// config, also by another path to the file, goes through the console.
func TestFetchWithAnotherConfigThanTheRunningConsole(t *testing.T) {
	home := privateEnv(t)
	srv := feedServer(t)
	feed := "[[feed]]\nname = \"Blog comments\"\nurl  = \"" + srv.URL + "/comments/feed/\"\n"
	cfgA := writeFile(t, home, "a.toml", feed)
	cfgB := writeFile(t, home, "b.toml", feed)
	db := filepath.Join(home, "a.db")
	owner := startOwner(t, db, cfgA, false)

	got := cli("fetch", "--config", cfgB, "--db", db)
	pid := strconv.Itoa(os.Getpid())
	want := "parley fetch: the running console (pid " + pid + ") uses " + cfgA + "; this fetch names " + cfgB + ": " +
		"to poll the console's feeds run parley fetch --config " + cfgA
	if got.code != 2 || got.out != "" || !strings.HasPrefix(got.errOut, want) || strings.Count(got.errOut, "\n") != 1 {
		t.Errorf("fetch with another config: %+v\nwant exit 2 and a line starting %q", got, want)
	}
	if n, _, err := owner.Stats(); err != nil || n != 0 {
		t.Errorf("the refused fetch stored %d threads (%v)", n, err)
	}

	link := filepath.Join(home, "link.toml")
	if err := os.Symlink(cfgA, link); err != nil {
		t.Fatal(err)
	}
	for _, config := range []string{cfgA, link} {
		got := cli("fetch", "--config", config, "--db", db)
		if got.code != 0 || !strings.HasPrefix(got.out, "✓ Blog comments: ") {
			t.Errorf("fetch with %s: %+v", config, got)
		}
	}
	if n, _, err := owner.Stats(); err != nil || n == 0 {
		t.Errorf("the console's store holds %d threads (%v) after the fetch", n, err)
	}
}

func TestDoctorThroughTheRunningConsoleChecksIntegrity(t *testing.T) {
	home := privateEnv(t)
	db, _ := fixtureDB(t, home)
	if err := os.Chmod(home, 0o700); err != nil {
		t.Fatal(err)
	}
	direct := cli("doctor", "--db", db)
	if direct.code != 0 || !strings.Contains(direct.out, "✓ database: "+db+" is consistent (") {
		t.Fatalf("direct doctor: %+v", direct)
	}
	startOwner(t, db, filepath.Join(home, "none.toml"), false)
	got := cli("doctor", "--db", db)
	if got != direct {
		t.Errorf("with a console: %+v\nwithout: %+v", got, direct)
	}
}

// A parley that holds the database and does not answer (an older one):
// the message says so and what to do.
func TestCommandsSayWhatToDoWhenTheOwnerDoesNotAnswer(t *testing.T) {
	home := privateEnv(t)
	db, _ := fixtureDB(t, home)
	if err := os.Chmod(home, 0o700); err != nil {
		t.Fatal(err)
	}
	held, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	for _, args := range [][]string{{"export"}, {"fetch"}} {
		got := cli(append(args, "--db", db)...)
		if got.code != 1 || !strings.Contains(got.errOut, "another parley is using "+db+" and did not answer on its control socket") {
			t.Errorf("%s: %+v", args[0], got)
		}
	}
	got := cli("doctor", "--db", db)
	if !strings.Contains(got.out, "in use by a running parley that did not answer") || !strings.Contains(got.out, "not checked: the database's integrity") {
		t.Errorf("doctor: %+v", got)
	}
}

// A second console on a database a console has open says so in one line,
// naming the first one, and points at team mode.
func TestSecondConsoleSaysParleyIsAlreadyOpen(t *testing.T) {
	home := privateEnv(t)
	db := filepath.Join(home, "p.db")
	startOwner(t, db, filepath.Join(home, "none.toml"), false)
	got := cli("--db", db)
	want := "parley: parley is already open on " + db + " (pid " + strconv.Itoa(os.Getpid())
	if got.code != 1 || !strings.HasPrefix(got.errOut, want) || strings.Count(got.errOut, "\n") != 1 ||
		!strings.Contains(got.errOut, "parley serve") || strings.Contains(got.errOut, "another parley is using") {
		t.Errorf("second console: %+v, want one line starting %q", got, want)
	}
}
