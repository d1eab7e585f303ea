package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A failed feed is named once on its line (the error does not repeat the
// name), and the failure is in the log too: a cron job's output is often
// thrown away.
func TestFetchFailureNamesTheFeedOnceAndIsLogged(t *testing.T) {
	home := privateEnv(t)
	srv := feedServer(t)
	gone := filepath.Join(home, "gone.xml")
	cfg := writeConfig(t, "[[feed]]\nname = \"Old feed\"\nurl = \""+gone+"\"\n\n"+
		"[[feed]]\nname = \"Blog comments\"\nurl = \""+srv.URL+"/comments/feed/\"\n")
	code, out, errOut := runCLI("fetch", "--config", cfg)
	if code != 0 {
		t.Fatalf("exit %d:\n%s%s", code, out, errOut)
	}
	var failed string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "✗ Old feed:") {
			failed = l
		}
	}
	if failed == "" || strings.Count(failed, "Old feed") != 1 || !strings.Contains(failed, gone) {
		t.Errorf("the failed feed's line %q should name it once and say what failed:\n%s", failed, out)
	}
	log, err := os.ReadFile(filepath.Join(home, "state", "parley", "parley.log"))
	if err != nil {
		t.Fatal(err)
	}
	var logged string
	for _, l := range strings.Split(string(log), "\n") {
		if strings.Contains(l, `msg="fetch failed"`) {
			logged += l + "\n"
		}
	}
	if strings.Count(logged, "\n") != 1 || !strings.Contains(logged, `feed="Old feed"`) || !strings.Contains(logged, gone) {
		t.Errorf("want one log line for the failed feed, naming it and the cause; the log:\n%s", log)
	}
}
