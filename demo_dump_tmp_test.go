package main

import (
	"path/filepath"
	"testing"
	"time"

	"parley/funnel"
)

func TestTmpDumpDemo(t *testing.T) {
	home := privateEnv(t)
	opts := options{paths: defaultPaths(), demo: true}
	opts.db = filepath.Join(home, "demo.db")
	cfg, st, _, err := setup(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := prepareDemo(cfg, st, time.Now()); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, stage := range funnel.Stages {
		cs, _ := st.ConversationsInStage(stage)
		for _, c := range cs {
			if seen[c.ThreadID] {
				continue
			}
			seen[c.ThreadID] = true
			all, _ := st.Conversations(c.ThreadID)
			if len(all) < 2 {
				continue
			}
			th, _ := st.Thread(c.ThreadID)
			t.Logf("=== %s [%s] waiter=%s +%d", th.Title, th.Ref(), th.Waiter.Name, th.WaitingPeople)
			for _, p := range all {
				t.Logf("   person %-18s %-9s unh=%v ref=%s waiting=%v", p.Name, p.Stage, p.Unhappy, p.Ref(), p.Waiting())
			}
			ms, _ := st.Messages(c.ThreadID)
			for _, m := range ms {
				txt := m.Text
				if len(txt) > 150 {
					txt = txt[:150]
				}
				t.Logf("     %-18s -> %s: %q", m.Author, m.Contact, txt)
			}
		}
	}
}
