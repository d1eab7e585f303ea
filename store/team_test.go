package store

import (
	"maps"
	"testing"
	"time"
)

// unreadOf is who's unread count of a thread, as the queue window and
// the thread record read it (they must agree).
func unreadOf(t *testing.T, s *Store, who, tid string) int {
	t.Helper()
	h := s.As(who)
	th, err := h.Thread(tid)
	mustNil(t, err)
	w, err := h.QueueWindow(at(60), QueueAnchor{}, 0, 10)
	mustNil(t, err)
	for _, row := range w.Threads {
		if row.ID == tid && row.Unread != th.Unread {
			t.Errorf("%s: the queue row counts %d unread, the thread %d", who, row.Unread, th.Unread)
		}
	}
	v, err := h.ThreadView(tid, 10)
	mustNil(t, err)
	if v.Thread.Unread != th.Unread {
		t.Errorf("%s: the thread view counts %d unread, the thread %d", who, v.Thread.Unread, th.Unread)
	}
	return th.Unread
}

// Ana reading a thread marks it read for Ana only; new messages count
// for both; the local user ("") keeps the shared count.
func TestReadStatePerTeammate(t *testing.T) {
	s := openTest(t)
	tid := twoWayThread(t, s) // two messages from ann
	for _, who := range []string{"ana", "bob", ""} {
		if n := unreadOf(t, s, who, tid); n != 2 {
			t.Fatalf("%q: %d unread before anyone read, want 2", who, n)
		}
	}
	mustNil(t, s.As("ana").MarkRead(tid))
	if n := unreadOf(t, s, "ana", tid); n != 0 {
		t.Errorf("ana: %d unread after she read it", n)
	}
	if n := unreadOf(t, s, "bob", tid); n != 2 {
		t.Errorf("bob: %d unread after Ana read it, want 2", n)
	}
	mustIngest(t, s, result("masto", item("m3", "ann", 5, replyTo("m2"), withTarget("103"))), at(6))
	if a, b := unreadOf(t, s, "ana", tid), unreadOf(t, s, "bob", tid); a != 1 || b != 3 {
		t.Errorf("after a new message: ana %d, bob %d unread; want 1, 3", a, b)
	}
	mustNil(t, s.As("bob").MarkRead(tid))
	if a, b := unreadOf(t, s, "ana", tid), unreadOf(t, s, "bob", tid); a != 1 || b != 0 {
		t.Errorf("after Bob read: ana %d, bob %d unread; want 1, 0", a, b)
	}
	// Replying is reading, for the one who replied.
	mustNil(t, s.RecordReply(Reply{ThreadID: tid, Text: "on it", At: at(7), Via: "clipboard", Who: "ana"}))
	if n := unreadOf(t, s, "ana", tid); n != 0 {
		t.Errorf("ana: %d unread after her reply", n)
	}
	mustNil(t, s.MarkRead(tid))
	if n := unreadOf(t, s, "", tid); n != 0 {
		t.Errorf("local user: %d unread after reading", n)
	}
}

// auditCounts recounts the audit log per teammate and action.
func auditCounts(t *testing.T, s *Store) map[[2]string]int {
	t.Helper()
	out := map[[2]string]int{}
	mustNil(t, s.Audit(func(a AuditEntry) error {
		out[[2]string{a.Who, a.Action}]++
		return nil
	}))
	return out
}

func teamCounts(t *testing.T, s *Store) map[[2]string]int {
	t.Helper()
	tc, err := s.TeamCounts()
	mustNil(t, err)
	out := map[[2]string]int{}
	for _, c := range tc {
		out[[2]string{c.Who, c.Action}] = c.N
	}
	return out
}

// Every audited action counts for its teammate, in its transaction: the
// counters always equal a recount of the log.
func TestTeamCountsFollowTheAuditLog(t *testing.T) {
	s := openTest(t)
	tid := twoWayThread(t, s)
	mustNil(t, s.RecordReply(Reply{ThreadID: tid, Text: "a", At: at(4), Via: "clipboard", Who: "ana"}))
	_, err := s.SetStage(tid, "", 4, "bob", at(5))
	mustNil(t, err)
	_, err = s.SetStage(tid, "", 5, "bob", at(6))
	mustNil(t, err)
	mustNil(t, s.As("bob").SetDone(tid, true))
	mustNil(t, s.SetAssignee(tid, "ana", "bob"))
	got := teamCounts(t, s)
	if !maps.Equal(got, auditCounts(t, s)) {
		t.Errorf("counters %v, audit log %v", got, auditCounts(t, s))
	}
	want := map[[2]string]int{
		{"ana", AuditReplyRecorded}: 1, {"bob", AuditStage}: 2, {"bob", AuditDone}: 1, {"bob", AuditAssigned}: 1,
	}
	if !maps.Equal(got, want) {
		t.Errorf("counters = %v, want %v", got, want)
	}
}

// TestFixtureV7Migrates: a schema 7 file gets its team counters from its
// audit log, and nobody has a read mark: everyone reads the shared count.
func TestFixtureV7Migrates(t *testing.T) {
	checkFixture(t, "v7.db", 7)
	s := openFixture(t, "v7.db", 7)
	got := teamCounts(t, s)
	if len(got) == 0 || !maps.Equal(got, auditCounts(t, s)) {
		t.Errorf("migrated counters %v, audit log %v", got, auditCounts(t, s))
	}
	if got[[2]string{"maya", AuditStage}] != 1 || got[[2]string{"maya", AuditReplyRecorded}] != 1 {
		t.Errorf("maya's counts = %v, want a stage move and a recorded reply", got)
	}
	q, err := s.Queue(time.Now())
	mustNil(t, err)
	for _, th := range q {
		shared, err := s.Thread(th.ID)
		mustNil(t, err)
		if n := unreadOf(t, s, "bob", th.ID); n != shared.Unread {
			t.Errorf("thread %s: bob reads %d unread, the shared count is %d", th.ID, n, shared.Unread)
		}
	}
}
