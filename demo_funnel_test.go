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

// openDemo opens demo.db prepared as `parley --demo` does on start.
func openDemo(t *testing.T, now time.Time) *store.Store {
	t.Helper()
	home := privateEnv(t)
	opts := options{paths: defaultPaths(), demo: true}
	opts.db = filepath.Join(home, "demo.db")
	cfg, st, _, err := setup(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := prepareDemo(cfg, st, now); err != nil {
		t.Fatal(err)
	}
	return st
}

// demoPerson is one person of the demo as view 2 lists them.
type demoPerson struct {
	store.Conversation
	cause string   // of the move that put them at their stage
	words []string // their own messages in the thread
}

// demoPeople reads every conversation of the demo by stage, with its
// cause and the person's own words.
func demoPeople(t *testing.T, st *store.Store) []demoPerson {
	t.Helper()
	var out []demoPerson
	for _, stage := range funnel.Stages {
		convs, err := st.ConversationsInStage(stage)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range convs {
			p := demoPerson{Conversation: c}
			h, err := st.ConversationHistory(c.ThreadID, c.Contact)
			if err != nil {
				t.Fatal(err)
			}
			if len(h) > 0 {
				p.cause = h[len(h)-1].Cause
			}
			msgs, err := st.Messages(c.ThreadID)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range msgs {
				if !m.Ours && m.Contact == c.Contact {
					p.words = append(p.words, m.Text)
				}
			}
			out = append(out, p)
		}
	}
	return out
}

// TestDemoFunnelTellsTheStoryPerPerson reads view 2 of the demo as a
// person would (issue 13): in a thread where several people talk, each is
// at their own stage for what THEY wrote. Will Harper ("not worth the
// price anymore … dropping to free") is no advocate, Grace Liu who
// answered him "You should try Pro…" is; Priya Raman ("You saved my
// week") is not unhappy, Hannah Becker is; Sofia Alvarez bought in the
// thread Marcus Lindqvist started, so she is the converted one. Every
// signal's quoted cause is the person's own words.
func TestDemoFunnelTellsTheStoryPerPerson(t *testing.T) {
	st := openDemo(t, time.Now())
	people := demoPeople(t, st)
	find := func(name, titlePart string) demoPerson {
		t.Helper()
		var found []demoPerson
		for _, p := range people {
			if p.Name == name && strings.Contains(p.Title, titlePart) {
				found = append(found, p)
			}
		}
		if len(found) != 1 {
			t.Fatalf("%d conversations of %s in a thread titled like %q, want 1", len(found), name, titlePart)
		}
		return found[0]
	}
	seen := map[string]bool{}
	for _, tc := range []struct {
		name, thread string
		stage        funnel.Stage
		cause        string // part of the cause of their stage
		unhappy      bool
		replies      int // our replies to them (-1: not checked)
	}{
		{"Grace Liu", "Price increase: is Pro still worth it?", funnel.Advocate, "You should try Pro for a month", false, 0},
		{"Will Harper", "Price increase: is Pro still worth it?", funnel.New, "", true, 1},
		{"Priya Raman", "Introducing Quillstone 4.0", funnel.Trusting, "thanked us", false, 1},
		{"Hannah Becker", "Introducing Quillstone 4.0", funnel.New, "", true, 0},
		{"Daniel Okafor", "Introducing Quillstone 4.0", funnel.New, "", false, 1},
		{"Sofia Alvarez", "Our new pricing, explained", funnel.Converted, "conversion: 84.00 USD (ref 94e27734db-", false, 1},
		{"Marcus Lindqvist", "Our new pricing, explained", funnel.Trusting, "", false, 1},
		{"Greg Thompson", "Our new pricing, explained", funnel.New, "", true, 0},
		{"Lena Fischer", "How we write our changelog", funnel.Advocate, "I highly recommend Quillstone", false, 0},
		{"Tom Whitaker", "How we write our changelog", funnel.Intent, "Does the 14-day trial need a credit card?", false, 1},
		{"Olivia Grant", "Show & tell", funnel.Advocate, "Highly recommend it to any small agency", false, 1},
		{"Ethan Brooks", "Show & tell", funnel.Intent, "starting the trial next month", false, 0},
		{"Yuki Tanaka", "Five templates for meeting notes", funnel.Trusting, "thanked us", false, 1},
		{"Ben Carter", "Five templates for meeting notes", funnel.New, "", false, 0},
		{"Pete Olsen", "Keyboard shortcut list?", funnel.New, "", false, 0},
		{"Grace Liu", "Keyboard shortcut list?", funnel.New, "", false, 0},
		{"Rachel Nguyen", "Great for our team, how do we buy?", funnel.Converted, "conversion: 6720.00 USD", false, -1},
		{"Dr. Helen Park", "Education discount", funnel.Converted, "conversion: 1680.00 USD", false, -1},
		// Everyone else, so that every conversation of every stage of view
		// 2 has a verdict as a person reading the demo gives it.
		{"Arjun Mehta", "Feature request: wiki-style backlinks", funnel.New, "", false, 0},
		{"Kim Sørensen", "Feature request: wiki-style backlinks", funnel.New, "", false, 0},
		{"Felix Braun", "Not worth the price", funnel.New, "", true, 0},
		{"Omar Haddad", "Solid, but the web app lags", funnel.New, "", false, 0},
		{"Ingrid Larsen", "1/5: Cancelled", funnel.New, "", true, 0},
		{"kai", "Hi from a new user", funnel.New, "", false, 1},
		{"Jen Alvarado", "Lost an afternoon of work", funnel.New, "", true, 0},
		{"Rui Almeida", "Markdown export drops images", funnel.New, "", false, 0},
		{"Aisha Karim", "How we write our changelog", funnel.New, "", false, 0},
		{"Nadia Rahman", "Android app painfully slow", funnel.New, "", true, 0},
		{"Leo Santos", "Android app painfully slow", funnel.New, "", false, 0},
		{"Bruno Costa", "Calendar integration", funnel.Engaged, "answered our reply", false, 1},
		{"Sam Patel", "Can I share with clients?", funnel.Trusting, "thanked us", false, 1},
		{"Paul Meyer", "Slow on Android", funnel.Trusting, "thanked us", false, 1},
		{"Marta Kowalski", "Sync conflict wiped", funnel.Trusting, "thanked us", false, 1},
		{"Noah Wright", "Does the trial need a credit card?", funnel.Intent, "Does the trial need a credit card?", false, 1},
		{"Elena Rossi", "Where is our data stored?", funnel.Intent, "before we buy Team seats", false, 1},
		{"Diego Romero", "Six months in", funnel.Advocate, "recommend Quillstone enough", false, 0},
		{"Chloe Martin", "Focus mode alone", funnel.Advocate, "You should try it", false, 0},
		{"Nina Petrova", "Writing in focus mode", funnel.Advocate, "recommend focus mode enough", false, 1},
		{"Karen Osei", "Our whole team lives in it", funnel.Advocate, "I highly recommend Quillstone", false, 0},
	} {
		p := find(tc.name, tc.thread)
		seen[p.Name+"\x00"+p.ThreadID] = true
		if p.Stage != tc.stage || !strings.Contains(p.cause, tc.cause) {
			t.Errorf("%s in %q is at %s (%q), want %s for %q", tc.name, p.Title, p.Stage, p.cause, tc.stage, tc.cause)
		}
		if tc.replies >= 0 && p.Replies != tc.replies {
			t.Errorf("%s in %q: %d replies of ours counted as theirs, want %d", tc.name, p.Title, p.Replies, tc.replies)
		}
		if p.Unhappy != tc.unhappy {
			t.Errorf("%s in %q: unhappy %v, want %v (their latest words: %q)", tc.name, p.Title, p.Unhappy, tc.unhappy, p.words[len(p.words)-1])
		}
	}

	for _, p := range people {
		if !seen[p.Name+"\x00"+p.ThreadID] {
			t.Errorf("%s in %q (%s) has no verdict above: read their thread and add it", p.Name, p.Title, p.Stage)
		}
	}

	// For the right reason: a signal quotes the person's own words, never
	// someone else's in the same thread.
	for _, p := range people {
		q := quotedCause(p.cause)
		if q == "" {
			continue
		}
		own := false
		for _, w := range p.words {
			if strings.Contains(strings.Join(strings.Fields(w), " "), q) {
				own = true
			}
		}
		if !own {
			t.Errorf("%s is at %s in %q for %q, which they did not write", p.Name, p.Stage, p.Title, q)
		}
	}
}

// quotedCause is the quote in a signal's cause ("advocate: \"You should
// try…\" (msg 1)"), without the ellipsis of a cut quote.
func quotedCause(cause string) string {
	_, rest, ok := strings.Cut(cause, `"`)
	if !ok {
		return ""
	}
	q, _, _ := strings.Cut(rest, `"`)
	return strings.TrimSuffix(q, "…")
}

// TestDemoQueueRowsAreOnePersonsWords checks every queue row of the demo:
// the name beside the words is the person who wrote them, and rows of a
// thread where several people wait say how many more.
func TestDemoQueueRowsAreOnePersonsWords(t *testing.T) {
	now := time.Now()
	st := openDemo(t, now)
	q, err := st.Queue(now)
	if err != nil {
		t.Fatal(err)
	}
	multi := 0
	for _, th := range q {
		w := th.Waiter
		if w.Contact == "" || w.Name == "" || w.Preview == "" {
			t.Errorf("queue row %q names nobody waiting: %+v", th.Title, w)
			continue
		}
		msgs, err := st.Messages(th.ID)
		if err != nil {
			t.Fatal(err)
		}
		theirs := false
		for _, m := range msgs {
			if !m.Ours && m.Contact == w.Contact && strings.Contains(strings.Join(strings.Fields(m.Text), " "), strings.TrimSuffix(w.Preview, "…")) {
				theirs = true
			}
		}
		if !theirs {
			t.Errorf("queue row %q shows %s beside %q, which they did not write", th.Title, w.Name, w.Preview)
		}
		if th.WaitingPeople > 1 {
			multi++
		}
	}
	if multi < 3 {
		t.Errorf("%d queue rows with several people waiting, want the demo to show at least 3", multi)
	}
}
