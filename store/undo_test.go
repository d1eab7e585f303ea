package store

import (
	"errors"
	"slices"
	"testing"
	"time"
)

// Undo reverts one's own done or snooze; a teammate's action on the
// thread since makes it refuse, naming them, and write nothing.
func TestUndoRefusesOverTeammatesAction(t *testing.T) {
	cases := []struct {
		name     string
		action   string // what Ana undoes
		teammate func(t *testing.T, s *Store, tid string)
		want     string // the teammate's action named; "" undo works
	}{
		{"done, nobody since", AuditDone, nil, ""},
		{"snooze, nobody since", AuditSnoozed, nil, ""},
		{"done, Bob reopens", AuditDone, func(t *testing.T, s *Store, tid string) {
			mustNil(t, s.As("bob").SetDone(tid, false))
		}, AuditUndone},
		{"done, Bob replies", AuditDone, func(t *testing.T, s *Store, tid string) {
			mustNil(t, s.RecordReply(Reply{ThreadID: tid, Text: "x", At: time.Now(), Via: "clipboard", Who: "bob"}))
		}, AuditReplyRecorded},
		{"snooze, Bob moves a stage", AuditSnoozed, func(t *testing.T, s *Store, tid string) {
			_, err := s.SetStage(tid, "", 2, "bob", time.Now())
			mustNil(t, err)
		}, AuditStage},
		{"done, Bob acts on another thread", AuditDone, func(t *testing.T, s *Store, _ string) {
			mustIngest(t, s, result("masto", item("x1", "zed", 4, text("Other thread"))), at(4))
			mustNil(t, s.As("bob").SetDone(threadOf(t, s, "x1"), true))
		}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := openTest(t)
			tid := twoWayThread(t, s)
			ana := s.As("ana")
			since := time.Now()
			if c.action == AuditDone {
				mustNil(t, ana.SetDone(tid, true))
			} else {
				mustNil(t, ana.Snooze(tid, time.Now().Add(time.Hour)))
			}
			if c.teammate != nil {
				c.teammate(t, s, tid)
			}
			before := snapshotDB(t, s)
			err := ana.Undo(tid, c.action, since)
			if c.want == "" {
				mustNil(t, err)
				th := mustThread(t, s, tid)
				if th.Done || !th.SnoozedUntil.IsZero() {
					t.Errorf("after undo: done %v, snoozed until %v", th.Done, th.SnoozedUntil)
				}
				return
			}
			var o *OverriddenError
			if !errors.As(err, &o) || !errors.Is(err, ErrOverridden) || o.Who != "bob" || o.Action != c.want {
				t.Fatalf("undo = %v, want bob's %q named", err, c.want)
			}
			if after := snapshotDB(t, s); !slices.Equal(after, before) {
				t.Error("a refused undo wrote to the database")
			}
		})
	}
}

// Ana's own later actions never block her undo.
func TestUndoIgnoresOwnActions(t *testing.T) {
	s := openTest(t)
	tid := twoWayThread(t, s)
	ana := s.As("ana")
	since := time.Now()
	mustNil(t, ana.SetDone(tid, true))
	mustNil(t, ana.SetAssignee(tid, "ana", "ana"))
	mustNil(t, ana.Undo(tid, AuditDone, since))
	if th := mustThread(t, s, tid); th.Done {
		t.Error("undo of done left the thread done")
	}
}
