package main

import (
	"strings"
	"testing"
	"time"

	"parley/store"
)

// An upgrade step shows its progress once it has run for a second, names
// itself, and ends its line; a quick one prints nothing; a re-read after
// it is labelled as one.
func TestOpenProgressShowsSlowUpgradeSteps(t *testing.T) {
	var b strings.Builder
	p := newOpenProgress(&b)
	clock := time.Unix(0, 0)
	p.now = func() time.Time { return clock }

	p.startStep("schema 3: outbox")
	p.progress(1, 1) // quick: nothing
	p.startStep("schema 5: conversations")
	p.progress(2000, 120000) // under a second: nothing yet
	clock = clock.Add(1500 * time.Millisecond)
	p.progress(48000, 120000)
	p.progress(120000, 120000)
	p.startStep("")
	p.progress(12000, 12000)
	want := "parley: upgrading the database (schema 5: conversations): 40%\r" +
		"parley: upgrading the database (schema 5: conversations): 100%\n" +
		"parley: re-reading 12,000 conversations (the funnel rules changed): 100%\n"
	if b.String() != want {
		t.Errorf("progress = %q\nwant       %q", b.String(), want)
	}
	if o := withOpenProgress(store.Options{}, nil); o.Progress != nil || o.Step != nil {
		t.Error("no writer: want no callbacks")
	}
}
