package store

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"parley/feeds"
)

func TestIngestIdempotent(t *testing.T) {
	s := openTest(t, "us")
	res := result("blog",
		item("a", "ann", 1),
		item("b", "bob", 2, replyTo("a")),
		item("c", "us", 3, replyTo("a")),
		item("d", "dee", 4),
	)
	first := mustIngest(t, s, res, at(10))
	if first.New != 4 || first.Duplicate != 0 || len(first.Threads) != 2 {
		t.Fatalf("first ingest = %+v, want 4 new in 2 threads", first)
	}
	threadsBefore, msgsBefore, _ := s.Stats()
	tid := threadOf(t, s, "a")
	before := mustThread(t, s, tid)
	queueBefore := queueIDs(t, s, at(10))

	second := mustIngest(t, s, res, at(20))
	if second.New != 0 || second.Duplicate != 4 || len(second.Threads) != 0 {
		t.Errorf("second ingest = %+v, want 0 new, 4 duplicates, no threads", second)
	}
	threadsAfter, msgsAfter, _ := s.Stats()
	if threadsAfter != threadsBefore || msgsAfter != msgsBefore {
		t.Errorf("Stats changed: %d/%d -> %d/%d", threadsBefore, msgsBefore, threadsAfter, msgsAfter)
	}
	if after := mustThread(t, s, tid); after != before {
		t.Errorf("thread changed on re-ingest:\n got %+v\nwant %+v", after, before)
	}
	if q := queueIDs(t, s, at(20)); !slices.Equal(q, queueBefore) {
		t.Errorf("queue changed: %v -> %v", queueBefore, q)
	}
	states, _ := s.FeedStates()
	if len(states) != 1 || states[0].Items != 4 || states[0].LastNew != 0 {
		t.Errorf("feed state after re-ingest = %+v, want Items 4, LastNew 0", states)
	}
}

func TestSameIDInTwoFeedsStoredOnce(t *testing.T) {
	s := openTest(t)
	r1 := mustIngest(t, s, result("planet", item("guid-1", "ann", 1)), at(5))
	r2 := mustIngest(t, s, result("blog", item("guid-1", "ann", 1)), at(6))
	if r1.New != 1 || r2.New != 0 || r2.Duplicate != 1 {
		t.Errorf("ingests = %+v, %+v; want the second to be a duplicate", r1, r2)
	}
	threads, msgs, err := s.Stats()
	if err != nil || threads != 1 || msgs != 1 {
		t.Errorf("Stats = %d threads, %d messages, %v; want 1, 1", threads, msgs, err)
	}
	th := mustThread(t, s, threadOf(t, s, "guid-1"))
	if th.Feed != "planet" {
		t.Errorf("thread feed = %q, want the feed it was first seen in", th.Feed)
	}
	states, _ := s.FeedStates()
	got := map[string]int{}
	for _, f := range states {
		got[f.Name] = f.Items
	}
	if got["planet"] != 1 || got["blog"] != 0 {
		t.Errorf("feed item counts = %v, want planet 1, blog 0", got)
	}
}

func TestThreading(t *testing.T) {
	post := "https://example.com/2025/hello/"
	product := "https://shop.example.com/p/42"
	tests := []struct {
		name    string
		results [][]feeds.Item // ingested in this order
		same    [][]string     // each group: message IDs in one thread
		apart   []string       // these message IDs are all in different threads
	}{
		{
			name: "fragment links join the post's thread",
			results: [][]feeds.Item{{
				item("c1", "ann", 1, link(post+"#comment-1")),
				item("c2", "bob", 2, link(post+"#comment-2")),
			}},
			same: [][]string{{"c1", "c2"}},
		},
		{
			name: "same link without fragment stays separate",
			results: [][]feeds.Item{{
				item("r1", "ann", 1, link(product)),
				item("r2", "bob", 2, link(product)),
				item("r3", "cat", 3, link(product)),
			}},
			apart: []string{"r1", "r2", "r3"},
		},
		{
			name: "empty fragment is not a fragment",
			results: [][]feeds.Item{{
				item("e1", "ann", 1, link(product+"#")),
				item("e2", "bob", 2, link(product+"#")),
			}},
			apart: []string{"e1", "e2"},
		},
		{
			name: "reply after parent, later poll",
			results: [][]feeds.Item{
				{item("p", "ann", 1)},
				{item("k", "bob", 2, replyTo("p"))},
			},
			same: [][]string{{"p", "k"}},
		},
		{
			name: "a reply to a post never stored joins its topic by root",
			results: [][]feeds.Item{
				{item("topic", "ann", 1)},
				{item("post7", "bob", 3, replyTo("post5"), rootIs("topic"))},
			},
			same: [][]string{{"topic", "post7"}},
		},
		{
			name: "root named before the root arrives",
			results: [][]feeds.Item{
				{item("post7", "bob", 3, replyTo("post5"), rootIs("topic"))},
				{item("post8", "cat", 4, replyTo("post6"), rootIs("topic"))},
				{item("topic", "ann", 1)},
			},
			same: [][]string{{"topic", "post7", "post8"}},
		},
		{
			name: "reply before parent, later poll",
			results: [][]feeds.Item{
				{item("k", "bob", 2, replyTo("p"))},
				{item("p", "ann", 1)},
			},
			same: [][]string{{"p", "k"}},
		},
		{
			name: "reply listed first in the same result",
			results: [][]feeds.Item{{
				item("k", "bob", 2, replyTo("p")),
				item("p", "ann", 1),
			}},
			same: [][]string{{"p", "k"}},
		},
		{
			name: "reply listed before its fragment-linked parent in the same result",
			results: [][]feeds.Item{{
				item("x", "bob", 2, replyTo("c1")),
				item("c1", "ann", 1, link(post+"#comment-1")),
			}},
			same: [][]string{{"c1", "x"}},
		},
		{
			name: "reply to a fragment-linked comment joins its thread",
			results: [][]feeds.Item{
				{item("c1", "ann", 1, link(post+"#comment-1"))},
				{item("x", "bob", 2, replyTo("c1"))},
			},
			same: [][]string{{"c1", "x"}},
		},
		{
			name: "grandchild joins through a stored parent",
			results: [][]feeds.Item{
				{item("p", "ann", 1), item("k", "bob", 2, replyTo("p"))},
				{item("g", "cat", 3, replyTo("k"))},
			},
			same: [][]string{{"p", "k", "g"}},
		},
		{
			name: "replies to different parents stay apart",
			results: [][]feeds.Item{{
				item("p1", "ann", 1), item("p2", "bob", 2),
				item("k1", "cat", 3, replyTo("p1")), item("k2", "dee", 4, replyTo("p2")),
			}},
			same:  [][]string{{"p1", "k1"}, {"p2", "k2"}},
			apart: []string{"p1", "p2"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := openTest(t)
			for i, items := range tc.results {
				mustIngest(t, s, result("blog", items...), at(100+i))
			}
			for _, group := range tc.same {
				want := threadOf(t, s, group[0])
				for _, id := range group[1:] {
					if got := threadOf(t, s, id); got != want {
						t.Errorf("%s is in thread %s, want %s (with %s)", id, got, want, group[0])
					}
				}
				msgs, err := s.Messages(want)
				if err != nil {
					t.Fatalf("Messages: %v", err)
				}
				if len(msgs) != len(group) {
					t.Errorf("thread has %d messages, want %d", len(msgs), len(group))
				}
				for i := 1; i < len(msgs); i++ {
					if msgs[i].Published.Before(msgs[i-1].Published) {
						t.Errorf("Messages not oldest first: %v before %v", msgs[i-1].Published, msgs[i].Published)
					}
				}
			}
			seen := map[string]string{}
			for _, id := range tc.apart {
				tid := threadOf(t, s, id)
				if other, ok := seen[tid]; ok {
					t.Errorf("%s and %s share thread %s, want separate threads", other, id, tid)
				}
				seen[tid] = id
			}
		})
	}
}

func TestThreadSummary(t *testing.T) {
	long := strings.Repeat("é", 300)
	tests := []struct {
		name    string
		items   []feeds.Item
		ours    []string
		want    Thread // only the fields checked below
		wantTit string
	}{
		{
			// The preview is the Author's own newest words, never someone
			// else's beside their name (issue 13; it used to be Bob's).
			name: "title from first message, preview from the author's latest",
			items: []feeds.Item{
				item("p", "ann", 1, title("Order 66 late"), text("hi")),
				item("k", "bob", 3, replyTo("p"), title(""), text("\n\n  same here  \nmore")),
				item("p2", "ann", 4, replyTo("k"), title(""), text("\n\n  still late  \nmore")),
			},
			want: Thread{Title: "Order 66 late", Author: "ann", Preview: "still late", Messages: 3, Unread: 3},
		},
		{
			name: "untitled first message uses its first line",
			items: []feeds.Item{
				item("p", "ann", 1, title(""), text("\n  first line\nsecond")),
			},
			want: Thread{Title: "first line", Author: "ann", Preview: "first line", Messages: 1, Unread: 1},
		},
		{
			name: "earlier message arriving later takes over title and author",
			items: []feeds.Item{
				item("k", "bob", 5, replyTo("p"), title("Re: question")),
				item("p", "ann", 1, title("question")),
			},
			want: Thread{Title: "question", Author: "ann", Preview: "text of p", Messages: 2, Unread: 2},
		},
		{
			name: "author is the first author who is not us",
			ours: []string{"  Support Team "},
			items: []feeds.Item{
				item("p", "support team", 1, title("Announcement")),
				item("k", "bob", 2, replyTo("p")),
			},
			want: Thread{Title: "Announcement", Author: "bob", Preview: "text of k", Messages: 2, Unread: 1},
		},
		{
			name:  "long lines are capped",
			items: []feeds.Item{item("p", "ann", 1, title(""), text(long))},
			want:  Thread{Author: "ann", Messages: 1, Unread: 1},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := openTest(t, tc.ours...)
			for i, it := range tc.items {
				mustIngest(t, s, result("blog", it), at(100+i))
			}
			got := mustThread(t, s, threadOf(t, s, tc.items[0].ID))
			if tc.want.Title != "" && got.Title != tc.want.Title {
				t.Errorf("Title = %q, want %q", got.Title, tc.want.Title)
			}
			if tc.want.Preview != "" && got.Preview != tc.want.Preview {
				t.Errorf("Preview = %q, want %q", got.Preview, tc.want.Preview)
			}
			if got.Author != tc.want.Author || got.Messages != tc.want.Messages || got.Unread != tc.want.Unread {
				t.Errorf("Author/Messages/Unread = %q/%d/%d, want %q/%d/%d",
					got.Author, got.Messages, got.Unread, tc.want.Author, tc.want.Messages, tc.want.Unread)
			}
			for _, f := range []string{got.Title, got.Preview} {
				if n := len([]rune(f)); n > maxLineRunes {
					t.Errorf("line of %d runes, want at most %d", n, maxLineRunes)
				}
			}
			if err := s.MarkRead(got.ID); err != nil {
				t.Fatal(err)
			}
			checkIndexes(t, s)
			if th := mustThread(t, s, got.ID); th.Unread != 0 {
				t.Errorf("Unread after MarkRead = %d", th.Unread)
			}
			q, _ := s.Queue(at(1000))
			for _, th := range q {
				if th.ID == got.ID && th.Unread != 0 {
					t.Errorf("Queue still shows Unread = %d after MarkRead", th.Unread)
				}
			}
		})
	}
}

func TestZeroPublishedUsesFirstSeen(t *testing.T) {
	s := openTest(t)
	it := item("x", "ann", 0, published(time.Time{}))
	mustIngest(t, s, result("blog", it), at(30))
	mustIngest(t, s, result("blog", it), at(90))
	msgs, err := s.Messages(threadOf(t, s, "x"))
	if err != nil || len(msgs) != 1 {
		t.Fatalf("Messages = %v, %v", msgs, err)
	}
	if !msgs[0].Published.Equal(at(30)) {
		t.Errorf("Published = %v, want first-seen time %v", msgs[0].Published, at(30))
	}
}

func TestFeedState(t *testing.T) {
	s := openTest(t)
	ok := result("blog", item("a", "ann", 1))
	ok.State = feeds.ConditionalState{ETag: `"v1"`, LastModified: "Sat, 01 Mar 2025 09:00:00 GMT"}
	mustIngest(t, s, ok, at(10))

	notMod := feeds.Result{Feed: "blog", NotModified: true, State: feeds.ConditionalState{ETag: `"ignored"`}}
	mustIngest(t, s, notMod, at(20))
	if cs := s.ConditionalState("blog"); cs != ok.State {
		t.Errorf("after 304 ConditionalState = %+v, want %+v kept", cs, ok.State)
	}

	failed := feeds.Result{Feed: "blog", Err: errors.New("example.com: connection refused"),
		Items: []feeds.Item{item("b", "bob", 2)}}
	r := mustIngest(t, s, failed, at(30))
	if r.New != 0 {
		t.Errorf("failed poll stored %d items", r.New)
	}
	mustIngest(t, s, result("aaa-first", item("z", "zed", 1)), at(40))

	states, err := s.FeedStates()
	if err != nil || len(states) != 2 || states[0].Name != "aaa-first" || states[1].Name != "blog" {
		t.Fatalf("FeedStates = %+v, %v; want aaa-first, blog", states, err)
	}
	b := states[1]
	want := FeedState{Name: "blog", ETag: `"v1"`, LastModified: ok.State.LastModified,
		LastFetch: at(30), LastSuccess: at(20), LastError: "example.com: connection refused", Items: 1, LastNew: 0}
	if b != want {
		t.Errorf("blog state =\n %+v\nwant\n %+v", b, want)
	}
	if cs := s.ConditionalState("never-polled"); cs != (feeds.ConditionalState{}) {
		t.Errorf("unknown feed ConditionalState = %+v, want empty", cs)
	}
	// A success after a failure clears the error and drops a stale ETag.
	mustIngest(t, s, result("blog", item("c", "cat", 3)), at(50))
	states, _ = s.FeedStates()
	if b := states[1]; b.LastError != "" || b.ETag != "" || b.LastNew != 1 || b.Items != 2 {
		t.Errorf("after recovery = %+v, want no error, no ETag, LastNew 1, Items 2", b)
	}
}

func TestIngestNeedsFeedName(t *testing.T) {
	s := openTest(t)
	if _, err := s.Ingest(feeds.Result{Items: []feeds.Item{item("a", "ann", 1)}}, at(1)); err == nil {
		t.Error("Ingest without a feed name succeeded")
	}
}

// IngestBatch stores what Ingest would, result by result, and one result
// that cannot be stored does not keep the others out.
func TestIngestBatchMatchesIngestAndIsolatesABadResult(t *testing.T) {
	results := []feeds.Result{
		result("a", item("a1", "ann", 1), item("a2", "bob", 2, replyTo("a1"))),
		result("b", item("b1", "cat", 3)),
		result("c", item("c1", "dan", 4)),
	}
	one, batch := openTest(t), openTest(t)
	for _, r := range results {
		mustIngest(t, one, r, at(10))
	}
	outs, errs := batch.IngestBatch(results, at(10))
	for i := range results {
		if errs[i] != nil || outs[i].New != len(results[i].Items) {
			t.Fatalf("result %d: %+v, %v", i, outs[i], errs[i])
		}
	}
	checkIndexes(t, batch)
	q1, _ := one.Queue(at(10))
	q2, _ := batch.Queue(at(10))
	if len(q1) != 3 || len(q2) != len(q1) {
		t.Fatalf("queues: %d one by one, %d batched", len(q1), len(q2))
	}
	for i := range q1 {
		if q1[i].ID != q2[i].ID || q1[i].Messages != q2[i].Messages || q1[i].Stage != q2[i].Stage {
			t.Errorf("queue row %d differs: %+v vs %+v", i, q1[i], q2[i])
		}
	}

	// An ID over bbolt's 32 KiB key limit fails its own result only.
	bad := result("d", item(strings.Repeat("x", 40000), "eve", 5))
	s := openTest(t)
	outs, errs = s.IngestBatch([]feeds.Result{results[1], bad, results[2]}, at(10))
	if errs[0] != nil || errs[2] != nil || outs[0].New != 1 || outs[2].New != 1 {
		t.Errorf("good results around a bad one: %+v %v / %+v %v", outs[0], errs[0], outs[2], errs[2])
	}
	if errs[1] == nil {
		t.Error("the bad result reported no error")
	}
	checkIndexes(t, s)
}
