package store

import (
	"fmt"
	"reflect"
	"testing"

	"parley/feeds"
)

// TestThreadViewReadsTheNewestAndPagesBack: the view holds the newest
// lastN messages and the same thread parts the single reads give; paging
// back with MessagesBefore yields the rest, in order, each once.
func TestThreadViewReadsTheNewestAndPagesBack(t *testing.T) {
	s := openTest(t).As("maya")
	items := []feeds.Item{item("root", "alice", 0)}
	for i := 1; i < 23; i++ {
		items = append(items, item(fmt.Sprintf("c%02d", i), fmt.Sprintf("p%d", i%4), i, replyTo("root")))
	}
	mustIngest(t, s, result("blog", items...), at(60))
	tid := threadOf(t, s, "root")
	if err := s.RecordReply(Reply{ThreadID: tid, Text: "thanks", At: at(62), Via: "clipboard", Who: "maya"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveDraft(tid, "maya's words", at(63)); err != nil {
		t.Fatal(err)
	}
	all, err := s.Messages(tid)
	if err != nil || len(all) != 23 {
		t.Fatalf("Messages = %d, %v", len(all), err)
	}
	v, err := s.ThreadView(tid, 5)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(v.Messages, all[18:]) || v.Earlier == "" {
		t.Fatalf("first screen = %d messages (earlier %q), want the newest 5", len(v.Messages), v.Earlier)
	}
	got := v.Messages
	for mark := v.Earlier; mark != ""; {
		var older []Message
		older, mark, err = s.MessagesBefore(tid, mark, 7)
		if err != nil || len(older) == 0 {
			t.Fatalf("MessagesBefore = %d, %v", len(older), err)
		}
		got = append(older, got...)
	}
	if !reflect.DeepEqual(got, all) {
		t.Fatalf("paged back to %d messages, want all %d in order", len(got), len(all))
	}

	th, _ := s.Thread(tid)
	replies, _ := s.Replies(tid)
	outbox, _ := s.Outbox(tid)
	hist, _ := s.StageHistory(tid)
	convs, _ := s.Conversations(tid)
	d, ok, _ := s.Draft(tid)
	if !reflect.DeepEqual(v.Thread, th) || !reflect.DeepEqual(v.Replies, replies) || len(replies) != 1 ||
		!reflect.DeepEqual(v.Outbox, outbox) || !reflect.DeepEqual(v.History, hist) ||
		!reflect.DeepEqual(v.Conversations, convs) || len(convs) != 5 ||
		!reflect.DeepEqual(v.Draft, d) || v.HasDraft != ok || d.Text != "maya's words" {
		t.Errorf("thread view parts differ from the single reads:\n%+v", v)
	}
	whole, _ := s.ThreadView(tid, 0)
	if !reflect.DeepEqual(whole.Messages, all) || whole.Earlier != "" {
		t.Errorf("lastN 0 read %d messages, want all", len(whole.Messages))
	}
	if _, err := s.ThreadView("ffffffffffffffff", 5); err == nil {
		t.Error("a missing thread reads")
	}
}
