package store

import (
	"context"
	"slices"
	"testing"
	"time"
)

func TestMarkUnreadShowsUnreadAgainAndIsAudited(t *testing.T) {
	s := openTest(t)
	tid := twoWayThread(t, s)
	mustNil(t, s.MarkRead(tid))
	if th := mustThread(t, s, tid); th.Unread != 0 {
		t.Fatalf("Unread = %d after MarkRead", th.Unread)
	}
	sub := s.As("maya").Subscribe(16)
	defer sub.Close()

	mustNil(t, s.As("maya").MarkUnread(tid))
	if th := mustThread(t, s, tid); th.Unread != 1 {
		t.Errorf("Unread = %d after MarkUnread, want 1", th.Unread)
	}
	// The queue's covering copy shows it too: the row is what the user sees.
	q, err := s.Queue(at(5))
	mustNil(t, err)
	if len(q) != 1 || q[0].Unread != 1 {
		t.Errorf("queue = %+v, want the row unread", q)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if c, err := sub.Next(ctx); err != nil || c.Kind != ChangeRead || c.Who != "maya" || !slices.Equal(c.Threads, []string{tid}) {
		t.Errorf("change = %+v, %v; want a read change by maya", c, err)
	}
	var got []string
	mustNil(t, s.Audit(func(a AuditEntry) error {
		if a.Action == AuditMarkedUnread {
			got = append(got, a.Who+" "+a.ThreadID)
		}
		return nil
	}))
	if !slices.Equal(got, []string{"maya " + tid}) {
		t.Errorf("audit = %q, want maya marking %s unread", got, tid)
	}
}
