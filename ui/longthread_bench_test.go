package ui

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"parley/feeds"
	"parley/store"
)

// BenchmarkOpenLongThread is enter on a thread of 5,000 messages to its
// first screen: the read (ThreadView), the screen built and drawn. "all"
// reads every message first, as the thread view did before (the
// baseline); "fits" reads what fits an 80x24 screen. Compare them in one
// run.
func BenchmarkOpenLongThread(b *testing.B) {
	const n = 5000
	st, err := store.Open(filepath.Join(b.TempDir(), "parley.db"), store.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	items := []feeds.Item{{ID: "root", Feed: "Forum", Author: "Ann", Title: "A long one", Text: "Where is the export button?",
		Published: testNow.Add(-n * time.Minute)}}
	for i := 1; i < n; i++ {
		items = append(items, feeds.Item{ID: fmt.Sprintf("r%05d", i), Feed: "Forum", Author: fmt.Sprintf("Person %d", i%40),
			InReplyTo: "root", Title: "Re: A long one", Text: fmt.Sprintf("Message %d: the export button moved to the share menu after the update.", i),
			Published: testNow.Add(-time.Duration(n-i) * time.Minute)})
	}
	if _, err := st.Ingest(feeds.Result{Feed: "Forum", Items: items}, testNow); err != nil {
		b.Fatal(err)
	}
	c := &Common{B: backendOf(st, ""), Styles: NewStyles(true), Keys: DefaultKeyMap(), Now: func() time.Time { return testNow }}
	app := New(Deps{Backend: c.B, Feeds: []feeds.Feed{{Name: "Forum"}}, Now: c.Now})
	app.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	var id string
	if w, err := c.B.QueueWindow(bg, testNow, store.QueueAnchor{}, 0, 1); err != nil || len(w.Threads) != 1 {
		b.Fatalf("queue: %v", err)
	} else {
		id = w.Threads[0].ID
	}
	for _, v := range []struct {
		name  string
		lastN int
	}{{"all", 0}, {"fits", threadFits(24)}} {
		b.Run(v.name, func(b *testing.B) {
			for b.Loop() {
				m := loadThread(c.B, id, c.Now, v.lastN)().(threadLoadedMsg)
				if m.err != nil {
					b.Fatal(m.err)
				}
				// Open it for the newest message's author, as their queue
				// row would: the screen shows that person's newest message
				// (the thread's newest) whether all or only what fits was read.
				newest := ""
				for _, cv := range m.convs {
					if cv.Name == fmt.Sprintf("Person %d", (n-1)%40) {
						newest = cv.Contact
					}
				}
				t, _ := newThreadScreen(app.c, m, newest, false)
				if !strings.Contains(t.View(), fmt.Sprintf("Message %d:", n-1)) {
					b.Fatal("the first screen lacks the newest message")
				}
			}
		})
	}
}
