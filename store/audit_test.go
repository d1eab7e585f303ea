package store

import (
	"fmt"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"parley/feeds"
	"parley/funnel"
)

func auditLines(t *testing.T, s *Store) (lines []string, times []time.Time) {
	t.Helper()
	mustNil(t, s.Audit(func(a AuditEntry) error {
		lines = append(lines, fmt.Sprintf("%s|%s|%s|%s|%s", a.Who, a.Action, a.ThreadID, a.Contact, a.Detail))
		times = append(times, a.At)
		return nil
	}))
	return lines, times
}

// Every action writes who, what, which thread and person, and when, in
// time order; an action refused writes nothing.
func TestAuditLogsEveryAction(t *testing.T) {
	s := openTest(t)
	tid := twoWayThread(t, s)
	ann := contactID("masto", "ann")
	ana, bob := s.As("ana"), s.As("bob")

	e := mustQueue(t, s, Reply{ThreadID: tid, Text: "Yes, SSO is included.", At: at(10), Via: "Mastodon", Who: "ana"})
	_, err := s.MarkSending(e.Key, at(11))
	mustNil(t, err)
	_, err = s.MarkSent(e.Key, feeds.Posted{ItemID: "masto:9", URL: "https://example.social/@parley/9"}, at(12))
	mustNil(t, err)
	_, err = s.MarkSent(e.Key, feeds.Posted{ItemID: "masto:9"}, at(12)) // again: nothing happens
	mustNil(t, err)
	mustNil(t, s.RecordReply(Reply{ThreadID: tid, Text: "And SAML.", At: at(13), Via: "clipboard", Who: "bob"}))
	_, err = s.SetStage(tid, "", funnel.Trusting, "bob", at(14))
	mustNil(t, err)
	th := mustThread(t, s, tid)
	_, err = s.As("carol").ImportConversions([]Conversion{{ID: "order-1", Ref: th.Ref(), Amount: Money{"EUR", 4900}, At: at(15)}}, at(15))
	mustNil(t, err)
	e2 := mustQueue(t, s, Reply{ThreadID: tid, Text: "Too long", At: at(16), Via: "Mastodon", Who: "bob"})
	_, err = s.MarkSending(e2.Key, at(17))
	mustNil(t, err)
	_, err = s.MarkFailed(e2.Key, Failure{Err: "422: too long", Permanent: true}, at(18))
	mustNil(t, err)
	if _, err := s.QueueReply(Reply{ThreadID: tid, Text: " ", Who: "ana"}); err == nil {
		t.Fatal("an empty reply was queued")
	}
	mustNil(t, ana.SetDone(tid, true))
	mustNil(t, bob.SetDone(tid, false))
	until := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	mustNil(t, ana.Snooze(tid, until))
	mustNil(t, ana.Snooze(tid, time.Time{}))

	got, times := auditLines(t, s)
	want := []string{
		"ana|reply queued|" + tid + "|" + ann + "|masto",
		"ana|reply sent|" + tid + "|" + ann + "|https://example.social/@parley/9",
		"bob|reply recorded|" + tid + "|" + ann + "|clipboard",
		"bob|stage moved|" + tid + "|" + ann + "|intent -> trusting",
		"carol|conversion imported|" + tid + "|" + ann + "|" + th.Ref() + " 49.00 EUR",
		"bob|reply queued|" + tid + "|" + ann + "|masto",
		"bob|reply refused|" + tid + "|" + ann + "|422: too long",
		"ana|done|" + tid + "||",
		"bob|undone|" + tid + "||",
		"ana|snoozed|" + tid + "||until 2030-01-02T03:04:05Z",
		"ana|unsnoozed|" + tid + "||",
	}
	if !slices.Equal(got, want) {
		t.Errorf("audit log:\n%s\nwant:\n%s", fmt.Sprint(got), fmt.Sprint(want))
	}
	for i, at := range []time.Time{at(10), at(12), at(13), at(14), at(15), at(16), at(18)} {
		if i < len(times) && !times[i].Equal(at) {
			t.Errorf("entry %d at %v, want %v (the action's time)", i, times[i], at)
		}
	}
	if !slices.IsSortedFunc(times, func(a, b time.Time) int { return a.Compare(b) }) {
		t.Errorf("audit log not in time order: %v", times)
	}
}

// Entries at the same time keep the order they were written in.
func TestAuditKeepsTheOrderOfEqualTimes(t *testing.T) {
	s := openTest(t)
	tid := twoWayThread(t, s)
	for i := range 20 {
		mustNil(t, s.RecordReply(Reply{ThreadID: tid, Text: fmt.Sprint(i), At: at(10), Via: fmt.Sprint(i), Who: "ana"}))
	}
	got, _ := auditLines(t, s)
	for i, l := range got {
		if want := fmt.Sprintf("|%d", i); len(l) < len(want) || l[len(l)-len(want):] != want {
			t.Fatalf("entry %d = %q, want the %dth reply", i, l, i)
		}
	}
}

// The log is read in chunks: every entry once, in order, across them.
func TestAuditReadsAcrossChunks(t *testing.T) {
	s := openTest(t)
	tid := twoWayThread(t, s)
	n := 2*auditChunk + 3
	mustNil(t, s.update(func(tx *bolt.Tx) error {
		for i := range n {
			if err := audit(tx, AuditEntry{At: at(i / 7), Who: "ana", Action: AuditDone, ThreadID: tid, Detail: fmt.Sprint(i)}); err != nil {
				return err
			}
		}
		return nil
	}))
	i := 0
	mustNil(t, s.Audit(func(a AuditEntry) error {
		if a.Detail != fmt.Sprint(i) {
			return fmt.Errorf("entry %d has detail %q", i, a.Detail)
		}
		i++
		return nil
	}))
	if i != n {
		t.Errorf("read %d entries, want %d", i, n)
	}
}
