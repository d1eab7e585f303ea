package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"parley/funnel"
	"parley/store"
)

// TestDemoFunnelHasEveryStage opens demo.db the way `parley --demo` does
// on start (render, ingest, import the built-in conversions, with the
// demo's analyzer) and checks the funnel view has something to show in
// every stage, an unhappy thread and a won-back one. If a stage is empty,
// adjust the demo texts (demo/feeds/*.tmpl), not the analyzer.
func TestDemoFunnelHasEveryStage(t *testing.T) {
	home := privateEnv(t)
	opts := options{paths: defaultPaths(), demo: true}
	opts.db = filepath.Join(home, "demo.db")
	now := time.Now()
	for start := range 2 { // the second start must change nothing
		cfg, st, _, err := setup(opts)
		if err != nil {
			t.Fatal(err)
		}
		if err := prepareDemo(cfg, st, now.Add(time.Duration(start)*time.Minute)); err != nil {
			t.Fatalf("start %d: %v", start+1, err)
		}
		if start == 0 {
			st.Close()
			continue
		}
		defer st.Close()

		rep, err := st.Funnel(now)
		if err != nil {
			t.Fatal(err)
		}
		var counts []string
		for _, sc := range rep.Stages {
			counts = append(counts, sc.Stage.String()+"="+itoa(sc.Now))
		}
		t.Logf("funnel: %s; unhappy %d, won back %d, conversions %d", strings.Join(counts, " "), rep.Unhappy, rep.WonBack, rep.Conversions)
		for _, stage := range funnel.Stages {
			threads, err := st.ThreadsInStage(stage)
			if err != nil {
				t.Fatal(err)
			}
			if len(threads) == 0 {
				t.Errorf("no demo thread is at stage %s", stage)
			}
			for _, th := range threads {
				t.Logf("  %-9s %s %-18s %s", stage, th.Ref(), th.Author, th.Title)
			}
		}
		if rep.Unhappy == 0 {
			t.Error("no demo thread is unhappy")
		}
		if rep.WonBack == 0 {
			t.Error("no demo thread was won back")
		}
		if rep.Conversions != 3 {
			t.Errorf("%d conversions after two starts, want the 3 built-in ones counted once", rep.Conversions)
		}
		var revenue []string
		for _, m := range rep.Revenue {
			revenue = append(revenue, m.String())
		}
		if strings.Join(revenue, "; ") != "8484.00 USD" {
			t.Errorf("revenue %v, want 8484.00 USD (84 + 6720 + 1680)", revenue)
		}
		converted := 0
		err = st.Export(func(r store.ExportRow) error {
			if r.Conversions > 0 {
				converted++
			}
			return nil
		})
		if err != nil || converted != 3 {
			t.Errorf("%d threads with conversions (%v), want 3", converted, err)
		}
	}
}

func itoa(n int) string { return fmt.Sprint(n) }
