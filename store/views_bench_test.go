package store

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"parley/feeds"
	"parley/funnel"
)

// Each view's read at 100k threads, against the code it replaces in the
// same run: the *Scan / *All benchmarks are the baseline.

func BenchmarkFunnel100kScan(b *testing.B) {
	s := openFunnelDB(b)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := s.funnelByScan(funnelDB.now); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStageList100kAll(b *testing.B) {
	s := openFunnelDB(b)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		cs, err := s.ConversationsInStage(funnel.New)
		if err != nil || len(cs) < 1000 {
			b.Fatalf("%d conversations, %v", len(cs), err)
		}
	}
}

func BenchmarkStageList100kWindow(b *testing.B) {
	s := openFunnelDB(b)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		w, err := s.ConversationsInStageWindow(funnel.New, StageAnchor{}, 20, 40)
		if err != nil || len(w.Conversations) != 40 || w.Total < 1000 {
			b.Fatalf("window of %d (total %d), %v", len(w.Conversations), w.Total, err)
		}
	}
}

func BenchmarkContacts100kWindow(b *testing.B) {
	s := openFunnelDB(b)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		w, err := s.ContactsWindow(ContactAnchor{}, 20, 40)
		if err != nil || len(w.Contacts) != 40 || w.Total != 25_000 {
			b.Fatalf("window of %d (total %d), %v", len(w.Contacts), w.Total, err)
		}
	}
}

// longThread is one thread of 5,000 messages from 50 people.
var longThread struct {
	s  *Store
	id string
}

func openLongThread(b *testing.B) (*Store, string) {
	b.Helper()
	if longThread.s != nil {
		return longThread.s, longThread.id
	}
	s, err := Open(filepath.Join(b.TempDir(), "parley.db"), Options{NoSync: true, Ours: []string{"support"}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close(); longThread.s = nil })
	items := []feeds.Item{{ID: "root", Feed: "forum", Author: "starter", Text: "How much is the team plan?", Published: t0}}
	for i := 1; i < 5000; i++ {
		items = append(items, feeds.Item{ID: fmt.Sprintf("r%04d", i), Feed: "forum", Author: fmt.Sprintf("user%d", i%50),
			Text: commentText(i), InReplyTo: "root", Published: t0.Add(time.Duration(i) * time.Minute)})
	}
	if _, err := s.Ingest(feeds.Result{Feed: "forum", Items: items}, t0.Add(6000*time.Minute)); err != nil {
		b.Fatal(err)
	}
	longThread.s, longThread.id = s, threadIDFor("id:root")
	return longThread.s, longThread.id
}

// BenchmarkThreadOpen5000Old is how the console opens a thread today:
// six reads, every message.
func BenchmarkThreadOpen5000Old(b *testing.B) {
	s, id := openLongThread(b)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := s.Thread(id); err != nil {
			b.Fatal(err)
		}
		ms, err := s.Messages(id)
		if err != nil || len(ms) != 5000 {
			b.Fatalf("%d messages, %v", len(ms), err)
		}
		_, _ = s.Replies(id)
		_, _ = s.Outbox(id)
		_, _, _ = s.Draft(id)
		_, _ = s.StageHistory(id)
	}
}

// BenchmarkThreadOpen5000View is ThreadView with a first screen of 50.
func BenchmarkThreadOpen5000View(b *testing.B) {
	s, id := openLongThread(b)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		v, err := s.ThreadView(id, 50)
		if err != nil || len(v.Messages) != 50 || v.Earlier == "" {
			b.Fatalf("%d messages, %v", len(v.Messages), err)
		}
	}
}
