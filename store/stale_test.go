package store

import (
	"errors"
	"fmt"
	"sync"
	"testing"
)

func TestStaleReplyGuard(t *testing.T) {
	s := openTest(t)
	tid := twoWayThread(t, s)
	ann := contactID("masto", "ann")
	mustIngest(t, s, result("masto", item("m9", "bo", 4, replyTo("m1"), withTarget("109"), text("Me too"))), at(4))
	bo := contactID("masto", "bo")
	seen := at(5) // Ana opens the thread

	// Ana's own earlier reply, and a reply to someone else, are not stale.
	mustNil(t, s.RecordReply(Reply{ThreadID: tid, Text: "one sec", At: at(6), Via: "clipboard", Who: "ana", To: ann}))
	mustNil(t, s.RecordReply(Reply{ThreadID: tid, Text: "Hi Bo", At: at(6), Via: "clipboard", Who: "bob", To: bo}))
	// Bob answers Ann after Ana opened the thread.
	bobs := Reply{ThreadID: tid, Text: "Yes, SSO is included.", At: at(7), Via: "clipboard", Who: "bob", To: ann}
	mustNil(t, s.RecordReply(bobs))

	before := snapshotDB(t, s)
	for name, send := range map[string]func(r Reply) error{
		"RecordReply": s.RecordReply,
		"QueueReply":  func(r Reply) error { _, err := s.QueueReply(r); return err },
	} {
		err := send(Reply{ThreadID: tid, Text: "SSO is in the team plan", At: at(8), Via: "Mastodon", Who: "ana", To: ann, Seen: seen})
		var stale *ErrStaleReply
		if !errors.As(err, &stale) {
			t.Fatalf("%s: err = %v, want ErrStaleReply", name, err)
		}
		if stale.Reply.Who != "bob" || stale.Reply.Text != bobs.Text || !stale.Reply.At.Equal(at(7)) {
			t.Errorf("%s: stale reply = %+v, want Bob's", name, stale.Reply)
		}
	}
	if after := snapshotDB(t, s); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Error("a refused stale reply wrote to the database")
	}

	// Seen after Bob's reply, or forced, or saying nothing: it goes.
	mustNil(t, s.RecordReply(Reply{ThreadID: tid, Text: "a", At: at(9), Via: "clipboard", Who: "ana", To: ann, Seen: at(7)}))
	mustNil(t, s.RecordReply(Reply{ThreadID: tid, Text: "b", At: at(10), Via: "clipboard", Who: "ana", To: ann, Seen: seen, Force: true}))
	_, err := s.QueueReply(Reply{ThreadID: tid, Text: "c", At: at(11), Via: "Mastodon", Who: "ana", To: ann})
	mustNil(t, err)
	// Bob's guard sees Ana's queued reply.
	_, err = s.QueueReply(Reply{ThreadID: tid, Text: "d", At: at(12), Via: "Mastodon", Who: "bob", To: ann, Seen: at(10)})
	var stale *ErrStaleReply
	if !errors.As(err, &stale) || stale.Reply.Who != "ana" || stale.Reply.Text != "c" || !stale.Reply.At.Equal(at(11)) {
		t.Errorf("err = %v, want ErrStaleReply with Ana's queued reply", err)
	}
	checkIndexes(t, s)
}

// Two teammates send on one thread at once, both having opened it before
// either reply: exactly one is written, the other refused with it.
func TestStaleReplyGuardRace(t *testing.T) {
	for _, queue := range []bool{false, true} {
		t.Run(fmt.Sprint("queue=", queue), func(t *testing.T) {
			for round := range 20 {
				s := openTest(t)
				tid := twoWayThread(t, s)
				var wg sync.WaitGroup
				errs := make([]error, 2)
				for i, who := range []string{"ana", "bob"} {
					wg.Add(1)
					go func() {
						defer wg.Done()
						r := Reply{ThreadID: tid, Text: who + " answers", At: at(10), Via: "clipboard", Who: who, Seen: at(5)}
						if queue {
							r.Via = "Mastodon"
							_, errs[i] = s.QueueReply(r)
						} else {
							errs[i] = s.RecordReply(r)
						}
					}()
				}
				wg.Wait()
				ok, staleN := 0, 0
				for i, err := range errs {
					var stale *ErrStaleReply
					switch {
					case err == nil:
						ok++
					case errors.As(err, &stale):
						staleN++
						if other := []string{"bob", "ana"}[i]; stale.Reply.Who != other {
							t.Errorf("round %d: refused with %s's reply, want %s's", round, stale.Reply.Who, other)
						}
					default:
						t.Fatalf("round %d: %v", round, err)
					}
				}
				if ok != 1 || staleN != 1 {
					t.Fatalf("round %d: %d written, %d refused; want 1 and 1 (%v)", round, ok, staleN, errs)
				}
				n := 0
				if queue {
					n = len(outboxOf(t, s, tid))
				} else {
					r, err := s.Replies(tid)
					mustNil(t, err)
					n = len(r)
				}
				if n != 1 {
					t.Fatalf("round %d: %d replies stored, want 1", round, n)
				}
			}
		})
	}
}
