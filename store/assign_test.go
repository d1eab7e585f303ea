package store

import (
	"context"
	"slices"
	"testing"
	"time"
)

func TestSetAssignee(t *testing.T) {
	s := openTest(t)
	tid := twoWayThread(t, s)
	sub := s.Subscribe(16)
	defer sub.Close()

	mustNil(t, s.SetAssignee(tid, "Bob", "ana"))
	if th := mustThread(t, s, tid); th.Assignee != "Bob" {
		t.Fatalf("Assignee = %q, want Bob", th.Assignee)
	}
	// The queue's covering copy carries it.
	q, err := s.Queue(at(5))
	mustNil(t, err)
	if len(q) != 1 || q[0].Assignee != "Bob" {
		t.Errorf("queue = %+v, want the row assigned to Bob", q)
	}
	w, err := s.QueueWindow(at(5), QueueAnchor{}, 0, 5)
	mustNil(t, err)
	if len(w.Threads) != 1 || w.Threads[0].Assignee != "Bob" {
		t.Errorf("queue window = %+v, want the row assigned to Bob", w.Threads)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if c, err := sub.Next(ctx); err != nil || c.Kind != ChangeAssign || c.Who != "ana" || !slices.Equal(c.Threads, []string{tid}) {
		t.Errorf("change = %+v, %v; want an assign by ana", c, err)
	}

	// Other writes keep it.
	mustIngest(t, s, result("masto", item("m3", "ann", 6, replyTo("m2"), withTarget("103"))), at(6))
	mustNil(t, s.RecordReply(Reply{ThreadID: tid, Text: "x", At: at(7), Via: "clipboard", Who: "bob"}))
	mustNil(t, s.SetDone(tid, true))
	if th := mustThread(t, s, tid); th.Assignee != "Bob" {
		t.Errorf("Assignee = %q after an ingest, a reply and done; want Bob", th.Assignee)
	}

	// Again to Bob: nothing changes, nothing is logged.
	before := snapshotDB(t, s)
	mustNil(t, s.SetAssignee(tid, "Bob", "maya"))
	if after := snapshotDB(t, s); !slices.Equal(after, before) {
		t.Error("assigning to the assignee wrote to the database")
	}
	mustNil(t, s.SetAssignee(tid, "", "bob"))
	if th := mustThread(t, s, tid); th.Assignee != "" {
		t.Errorf("Assignee = %q after unassigning", th.Assignee)
	}
	var got []string
	mustNil(t, s.Audit(func(a AuditEntry) error {
		if a.Action == AuditAssigned || a.Action == AuditUnassigned {
			got = append(got, a.Who+" "+a.Action+" "+a.Detail)
		}
		return nil
	}))
	if want := []string{"ana assigned Bob", "bob unassigned Bob"}; !slices.Equal(got, want) {
		t.Errorf("audit = %q, want %q", got, want)
	}
	if err := s.SetAssignee("0000000000000000", "Bob", "ana"); err == nil {
		t.Error("assigned a thread that does not exist")
	}
	checkIndexes(t, s)
}
