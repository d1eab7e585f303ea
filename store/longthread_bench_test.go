package store

import (
	"fmt"
	"testing"
	"time"

	"parley/feeds"
)

// Growth benchmarks: one new comment must cost what changed, not the
// length of its thread or the number of threads its author wrote in.

// BenchmarkIngestOneIntoThread stores one new comment, by someone new,
// into a thread of msgs messages written by 50 people.
func BenchmarkIngestOneIntoThread(b *testing.B) {
	for _, n := range []int{10, 100, 1000, 5000} {
		b.Run(fmt.Sprintf("msgs=%d", n), func(b *testing.B) {
			s := openTest(b)
			ingestChunks(b, s, longThreadItems("blog", n))
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				it := feeds.Item{ID: fmt.Sprintf("blog/late/%d", i), Feed: "blog", Author: fmt.Sprintf("late%d", i),
					Text: commentText(i), Published: t0.Add(time.Duration(n+i) * time.Minute), InReplyTo: "blog/item/0"}
				if _, err := s.Ingest(feeds.Result{Feed: "blog", Items: []feeds.Item{it}}, at(n+i+1)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkIngestOneForContact stores one new post by a person who
// already started convs threads (each op starts one more).
func BenchmarkIngestOneForContact(b *testing.B) {
	for _, n := range []int{1, 100, 1000} {
		b.Run(fmt.Sprintf("convs=%d", n), func(b *testing.B) {
			s := openTest(b)
			items := make([]feeds.Item, n)
			for i := range items {
				items[i] = feeds.Item{ID: fmt.Sprintf("blog/post/%d", i), Feed: "blog", Author: "prolific",
					Title: fmt.Sprintf("Post %d", i), Text: commentText(i), Published: at(i)}
			}
			ingestChunks(b, s, items)
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				it := feeds.Item{ID: fmt.Sprintf("blog/more/%d", i), Feed: "blog", Author: "prolific",
					Title: fmt.Sprintf("More %d", i), Text: commentText(i), Published: at(n + i)}
				if _, err := s.Ingest(feeds.Result{Feed: "blog", Items: []feeds.Item{it}}, at(n+i+1)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// longThreadItems is one thread of n messages: a post and its replies by
// 50 people, every 10th ours.
func longThreadItems(feed string, n int) []feeds.Item {
	items := make([]feeds.Item, n)
	for i := range items {
		items[i] = feeds.Item{ID: fmt.Sprintf("%s/item/%d", feed, i), Feed: feed, Author: fmt.Sprintf("user%d", i%50),
			Title: "A long discussion", Text: commentText(i), Published: at(i)}
		if i > 0 {
			items[i].InReplyTo = feed + "/item/0"
		}
		if i%10 == 9 {
			items[i].Author = "support"
		}
	}
	return items
}

// ingestChunks stores items in results of at most 500.
func ingestChunks(b *testing.B, s *Store, items []feeds.Item) {
	b.Helper()
	for len(items) > 0 {
		k := min(500, len(items))
		if _, err := s.Ingest(feeds.Result{Feed: items[0].Feed, Items: items[:k]}, at(len(items)+100000)); err != nil {
			b.Fatal(err)
		}
		items = items[k:]
	}
}
