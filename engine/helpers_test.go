package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"parley/feeds"
	"parley/store"
)

var testNow = time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)

func testStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "parley.db"), store.Options{Ours: []string{"@quillstone"}, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// rssFeed writes an RSS file of n comments by distinct authors and returns
// a feed reading it.
func rssFeed(t *testing.T, name string, n int) feeds.Feed {
	t.Helper()
	return benchFeed(t, t.TempDir(), name, n)
}

func benchFeed(t testing.TB, dir, name string, n int) feeds.Feed {
	t.Helper()
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>` + name + `</title>`)
	for i := range n {
		fmt.Fprintf(&b, `<item><title>Question %d</title><link>https://example.com/%s/%d</link><author>writer%d@example.com (Writer %d)</author>`+
			`<guid>%s-%d</guid><pubDate>Tue, 03 Mar 2026 10:%02d:00 +0000</pubDate><description>Question %d about the plan</description></item>`,
			i, name, i, i, i, name, i, i%60, i)
	}
	b.WriteString(`</channel></rss>`)
	path := filepath.Join(dir, name+".rss")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return feeds.Feed{Name: name, URL: path, Every: time.Hour}
}

// fakeClock runs timers when the test moves time on; nothing sleeps.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
}

type fakeTimer struct {
	c       *fakeClock
	at      time.Time
	f       func()
	stopped bool
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) AfterFunc(d time.Duration, f func()) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{c: c, at: c.now.Add(d), f: f}
	c.timers = append(c.timers, t)
	return t
}

func (t *fakeTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	was := !t.stopped
	t.stopped = true
	t.c.timers = slices.DeleteFunc(t.c.timers, func(o *fakeTimer) bool { return o == t })
	return was
}

// Advance moves the clock on by d, running every timer due on the way
// (timers they set included) at its time, in order.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	end := c.now.Add(d)
	for {
		var next *fakeTimer
		for _, t := range c.timers {
			if !t.at.After(end) && (next == nil || t.at.Before(next.at)) {
				next = t
			}
		}
		if next == nil {
			break
		}
		c.timers = slices.DeleteFunc(c.timers, func(o *fakeTimer) bool { return o == next })
		next.stopped = true
		if next.at.After(c.now) {
			c.now = next.at
		}
		c.mu.Unlock()
		next.f()
		c.mu.Lock()
	}
	c.now = end
	c.mu.Unlock()
}
