package engine

import (
	"context"
	"slices"
	"testing"
	"time"

	"parley/events"
	"parley/store"
)

// Presence is per console: set, changed, published once per change with
// the threads it touched; Leave removes it for good, even against a
// report that arrives after it.
func TestPresenceTable(t *testing.T) {
	st := testStore(t)
	e := New(Config{Store: st})
	sub := st.Subscribe(16)
	defer sub.Close()
	next := func() store.Change {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		c, err := sub.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	ana, bob := e.Session("ana"), e.Session("bob")
	ctx := context.Background()
	_ = ana.SetPresence(ctx, "t1", false)
	_ = bob.SetPresence(ctx, "t1", true)
	_ = ana.SetPresence(ctx, "t1", false) // no change: nothing published
	_ = ana.SetPresence(ctx, "t2", true)
	want := []events.Presence{{Who: "bob", ThreadID: "t1", Drafting: true}, {Who: "ana", ThreadID: "t2", Drafting: true}} // by thread
	if got := ana.Presence(ctx); !slices.Equal(got, want) {
		t.Fatalf("presence = %+v, want %+v", got, want)
	}
	for _, w := range []struct {
		who     string
		threads []string
	}{{"ana", []string{"t1"}}, {"bob", []string{"t1"}}, {"ana", []string{"t1", "t2"}}} {
		c := next()
		if c.Kind != store.ChangePresence || c.Who != w.who || !slices.Equal(c.Threads, w.threads) {
			t.Errorf("change = %+v, want %s's presence on %v", c, w.who, w.threads)
		}
	}
	ana.Leave()
	if c := next(); c.Who != "ana" || !slices.Equal(c.Threads, []string{"t2"}) {
		t.Errorf("Leave published %+v, want ana leaving t2", c)
	}
	_ = ana.SetPresence(ctx, "t3", false) // a report still in flight
	if got := bob.Presence(ctx); !slices.Equal(got, want[:1]) {
		t.Errorf("after Ana left: presence = %+v, want only Bob's", got)
	}
}
