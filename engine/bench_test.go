package engine

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"parley/feeds"
	"parley/store"
)

// BenchmarkFetchIngest is a cold `parley fetch` of 500 local feeds x 50
// items into a fresh database (fsync on), through the engine's writer and
// through a copy of the writer main.go's fetch had before the engine
// (inline), alternating in one run so both see the same machine.
func BenchmarkFetchIngest(b *testing.B) {
	list := make([]feeds.Feed, 500)
	dir := b.TempDir()
	for i := range list {
		list[i] = benchFeed(b, dir, fmt.Sprintf("Blog %03d", i), 50)
	}
	run := func(b *testing.B, fetch func(st *store.Store) int) {
		for b.Loop() {
			b.StopTimer()
			st, err := store.Open(filepath.Join(b.TempDir(), "parley.db"), store.Options{})
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if n := fetch(st); n != len(list)*50 {
				b.Fatalf("%d new, want %d", n, len(list)*50)
			}
			b.StopTimer()
			st.Close()
			b.StartTimer()
		}
	}
	b.Run("writer=engine", func(b *testing.B) {
		run(b, func(st *store.Store) int {
			n := 0
			e := New(Config{Store: st, Feeds: list})
			e.FetchOnce(context.Background(), func(_ feeds.Result, res store.IngestResult, err error) {
				if err != nil {
					b.Error(err)
				}
				n += res.New
			})
			e.Close()
			return n
		})
	})
	b.Run("writer=inline-main", func(b *testing.B) {
		run(b, func(st *store.Store) int { return inlineFetch(b, st, list) })
	})
}

// inlineFetch is main.go's fetch writer as it was before the engine.
func inlineFetch(b *testing.B, st *store.Store, list []feeds.Feed) int {
	n := 0
	ready := make(chan store.Prepared, len(list))
	stored := make(chan struct{})
	go func() {
		defer close(stored)
		for first := range ready {
			group := []store.Prepared{first}
			for more, k := true, len(first.Items); more && k < maxGroupItems; {
				select {
				case p, ok := <-ready:
					if more = ok; ok {
						group = append(group, p)
						k += len(p.Items)
					}
				default:
					more = false
				}
			}
			outs, errs := st.IngestPrepared(group, time.Now())
			for i := range group {
				if errs[i] != nil {
					b.Error(errs[i])
				}
				n += outs[i].New
			}
		}
	}()
	feeds.NewFetcher(feeds.Options{}).FetchAll(context.Background(), list, st.ConditionalState, func(r feeds.Result) {
		ready <- st.Prepare(r)
	})
	close(ready)
	<-stored
	return n
}
