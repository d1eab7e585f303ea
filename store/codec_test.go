package store

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"parley/feeds"
	"parley/funnel"
)

func TestCodecRoundTrip(t *testing.T) {
	odd := time.Date(1969, 7, 20, 20, 17, 40, 123456789, time.UTC) // before the epoch
	th := threadRec{
		Thread: Thread{
			ID: "0123456789abcdef", Feed: "blog", Title: "Tïtle", Author: "ann", Preview: "hi\tthere",
			Created: at(1), LastTheirs: at(2), LastOurs: odd, WaitingSince: at(3),
			Messages: 300, Unread: -1, Done: true, SnoozedUntil: at(1 << 20), Link: "https://x/#c",
			Stage: funnel.Converted, StageAt: at(9), Unhappy: true, Intent: true, Mood: -0.4767,
			WonBack: true, Conversions: 3, Contact: "fedcba9876543210",
		},
		queueKey:  queueKey(0, at(3), "0123456789abcdef"),
		authorAt:  at(1),
		manualAt:  at(4),
		wonBackAt: at(8),
		ourMsgs:   7,
	}
	rec := encodeThread(&th)
	got, err := decodeThread([]byte(th.ID), rec)
	if err != nil {
		t.Fatal(err)
	}
	if got.Thread != th.Thread || !bytes.Equal(got.queueKey, th.queueKey) || !got.authorAt.Equal(th.authorAt) ||
		!got.manualAt.Equal(th.manualAt) || !got.wonBackAt.Equal(th.wonBackAt) || got.ourMsgs != th.ourMsgs {
		t.Errorf("thread round trip:\n got %+v\nwant %+v", got, th)
	}
	if sum, err := decodeThreadSummary([]byte(th.ID), rec); err != nil || sum != th.Thread {
		t.Errorf("summary = %+v, %v\nwant %+v", sum, err, th.Thread)
	}
	facts, err := decodeThreadFacts([]byte(th.ID), rec)
	if err != nil || string(facts.feed) != "blog" || facts.stage != funnel.Converted || !facts.unhappy ||
		!facts.wonBack || facts.conversions != 3 || !facts.wonBackAt.Equal(at(8)) || facts.ourMsgs != 7 {
		t.Errorf("facts = %+v, %v", facts, err)
	}

	mv := StageMove{ThreadID: th.ID, At: at(2), From: funnel.Intent, To: funnel.New, Cause: "manual", Manual: true, Who: "maya"}
	if gm, err := decodeMove(timedKey(th.ID, mv.At, 5), encodeMove(&mv)); err != nil || gm != mv {
		t.Errorf("move round trip: %v\n got %+v", err, gm)
	}
	c := Contact{ID: "fedcba9876543210", Feed: "blog", Name: "Ann", Stage: funnel.Advocate, Unhappy: true,
		Messages: 4, Replies: 2, FirstSeen: at(1), LastSeen: at(9), Threads: 2}
	if gc, err := decodeContact([]byte(c.ID), encodeContact(&c)); err != nil || gc != c {
		t.Errorf("contact round trip: %v\n got %+v", err, gc)
	}
	cv := conversionRec{ThreadID: th.ID, Ref: "0123456789", Amount: Money{"EUR", -4900}, At: at(5), ImportedAt: at(6)}
	if gcv, err := decodeConversion([]byte("x"), encodeConversion(&cv)); err != nil || gcv != cv {
		t.Errorf("conversion round trip: %v\n got %+v", err, gcv)
	}

	m := Message{ID: "urn:x", ThreadID: "t", Feed: "f", Author: "a", Title: "ti", Link: "l",
		Published: at(5), Text: strings.Repeat("long ", 1000), Ours: true, InReplyTo: "p",
		Target:   feeds.Target{ID: "110", Topic: "42", PostNumber: 7, Visibility: "direct", Mention: "ann@x.example"},
		ReplyKey: "0123456789abcdef0123456789abcdef"}
	gm, err := decodeMessage([]byte(m.ID), encodeMessage(&m))
	if err != nil || gm != m {
		t.Errorf("message round trip: %v\n got %+v", err, gm)
	}
	if tid := decodeMessageThread(encodeMessage(&m)); tid != "t" {
		t.Errorf("decodeMessageThread = %q", tid)
	}
	r := Reply{ThreadID: "t", Text: "x\ny", At: at(6), Via: "Mastodon", Who: "maya",
		Key: "0123456789abcdef0123456789abcdef", RemoteID: "110", URL: "https://x.example/@us/110"}
	if gr, err := decodeReply(encodeReply(&r)); err != nil || gr != r {
		t.Errorf("reply round trip: %v %+v", err, gr)
	}
	o := OutboxEntry{Key: "0123456789abcdef0123456789abcdef", ThreadID: "t", Feed: "masto", Text: "hi\n",
		Via: "Mastodon", Who: "maya", Target: m.Target, State: OutboxFailed, Attempts: 3, LastError: "503",
		Permanent: true, Ambiguous: true, NextTry: at(9), Queued: at(1), Updated: odd, RemoteID: "r", URL: "u"}
	if got, err := decodeOutbox([]byte(o.Key), encodeOutbox(&o)); err != nil || got != o {
		t.Errorf("outbox round trip: %v\n got %+v\nwant %+v", err, got, o)
	}
	if st, perm, err := decodeOutboxStatus([]byte(o.Key), encodeOutbox(&o)); err != nil || st != OutboxFailed || !perm {
		t.Errorf("outbox status = %s, %v, %v", st, perm, err)
	}
	f := FeedState{Name: "n", URL: "u", ETag: "e", LastModified: "lm", LastFetch: at(7),
		LastSuccess: at(8), LastError: "err", Items: 9, LastNew: 10}
	if gf, err := decodeFeedState([]byte("n"), encodeFeedState(&f)); err != nil || gf != f {
		t.Errorf("feed state round trip: %v %+v", err, gf)
	}
}

func TestCodecRejectsBadRecords(t *testing.T) {
	// The last field is long, so cutting three bytes lands inside it.
	good := encodeMessage(&Message{ThreadID: "t", Text: "some text here", ReplyKey: "0123456789abcdef"})
	newer := append([]byte{recordV1 + 1}, good[1:]...)
	tests := []struct {
		name    string
		raw     []byte
		wantErr string
	}{
		{"empty", nil, "damaged"},
		{"newer format", newer, "newer than this parley"},
		{"length past end", good[:len(good)-3], "damaged"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decodeMessage([]byte("id"), tc.raw)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("err = %v, want %q", err, tc.wantErr)
			}
			if tc.wantErr == "damaged" && !errors.Is(err, errCorrupt) {
				t.Errorf("err = %v, want errCorrupt", err)
			}
		})
	}
}

// A thread record as schema 1 wrote it (fields up to Link) reads with the
// funnel fields zero.
func TestCodecReadsSchema1Thread(t *testing.T) {
	e := newEncoder(64)
	e.str("blog")
	e.str("Title")
	e.str("ann")
	e.str("preview")
	for _, tm := range []time.Time{at(1), at(2), {}, at(2)} {
		e.time(tm) // Created LastTheirs LastOurs WaitingSince
	}
	e.int(2)
	e.int(1)
	e.bool(false)
	e.time(time.Time{})
	e.bytes(queueKey(0, at(2), "0123456789abcdef"))
	e.time(at(1))
	e.str("https://x/")
	got, err := decodeThread([]byte("0123456789abcdef"), e.b)
	if err != nil {
		t.Fatal(err)
	}
	want := Thread{ID: "0123456789abcdef", Feed: "blog", Title: "Title", Author: "ann", Preview: "preview",
		Link: "https://x/", Created: at(1), LastTheirs: at(2), WaitingSince: at(2), Messages: 2, Unread: 1}
	if got.Thread != want || got.ourMsgs != 0 || !got.manualAt.IsZero() || !got.wonBackAt.IsZero() {
		t.Errorf("schema 1 thread = %+v\nwant %+v", got, want)
	}
}

// Messages and replies written before schema 3 end early: the new
// fields read as zero.
func TestCodecReadsSchema2MessageAndReply(t *testing.T) {
	e := newEncoder(64)
	for _, s := range []string{"0123456789abcdef", "blog", "ann", "Title", "https://x/"} {
		e.str(s) // ThreadID Feed Author Title Link
	}
	e.time(at(1))
	e.str("hello")
	e.bool(true)
	e.str("parent")
	m, err := decodeMessage([]byte("id"), e.b)
	want := Message{ID: "id", ThreadID: "0123456789abcdef", Feed: "blog", Author: "ann", Title: "Title",
		Link: "https://x/", Published: at(1), Text: "hello", Ours: true, InReplyTo: "parent"}
	if err != nil || m != want {
		t.Errorf("schema 2 message = %+v, %v\nwant %+v", m, err, want)
	}

	e = newEncoder(32)
	e.str("0123456789abcdef")
	e.str("thanks")
	e.time(at(2))
	e.str("clipboard")
	r, err := decodeReply(e.b)
	if wantR := (Reply{ThreadID: "0123456789abcdef", Text: "thanks", At: at(2), Via: "clipboard"}); err != nil || r != wantR {
		t.Errorf("schema 2 reply = %+v, %v\nwant %+v", r, err, wantR)
	}
}

// An outbox state this build does not know is refused, not guessed at.
func TestCodecRejectsUnknownOutboxState(t *testing.T) {
	for _, st := range []OutboxState{0, OutboxFailed + 1} {
		rec := encodeOutbox(&OutboxEntry{State: st, ThreadID: "t", Text: "x"})
		if _, err := decodeOutbox([]byte("k"), rec); !errors.Is(err, errCorrupt) {
			t.Errorf("state %d: err = %v, want errCorrupt", st, err)
		}
		if _, _, err := decodeOutboxStatus([]byte("k"), rec); !errors.Is(err, errCorrupt) {
			t.Errorf("state %d status: err = %v, want errCorrupt", st, err)
		}
	}
}

func TestCodecFloat(t *testing.T) {
	for _, f := range []float64{0, 1, -1, 0.3, -0.4767, 1e-300, math.Inf(-1)} {
		e := newEncoder(8)
		e.float(f)
		e.str("after")
		d := newDecoder("x", nil, e.b)
		if got, s := d.float(), d.str(); got != f || s != "after" || d.done() != nil {
			t.Errorf("float %v round trip = %v, %q, %v", f, got, s, d.done())
		}
	}
	e := newEncoder(8)
	e.float(0)
	if len(e.b) != 2 {
		t.Errorf("zero float takes %d bytes, want 1", len(e.b)-1)
	}
}

func TestCodecToleratesMissingTrailingFields(t *testing.T) {
	// A draft written before the Updated field existed: version + text only.
	e := newEncoder(8)
	e.str("hello")
	d, err := decodeDraft([]byte("t"), e.b)
	if err != nil || d.Text != "hello" || !d.Updated.IsZero() {
		t.Errorf("old draft = %+v, %v", d, err)
	}
}

func TestFirstLine(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"one", "one"},
		{"\n \n  two  \nthree", "two"},
		{"crlf\r\nnext", "crlf"},
		{strings.Repeat("ü", maxLineRunes), strings.Repeat("ü", maxLineRunes)},
		{strings.Repeat("ü", maxLineRunes+1), strings.Repeat("ü", maxLineRunes-1) + "…"},
	}
	for _, tc := range tests {
		got := firstLine(tc.in)
		if got != tc.want {
			t.Errorf("firstLine(%.20q) = %.20q (%d runes), want %.20q", tc.in, got, utf8.RuneCountInString(got), tc.want)
		}
		if !utf8.ValidString(got) {
			t.Errorf("firstLine(%.20q) is not valid UTF-8", tc.in)
		}
	}
}

func TestKeysSortByTime(t *testing.T) {
	times := []time.Time{{}, time.Unix(-5, 0), time.Unix(1, 0), at(0), at(1), at(1).Add(1), time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)}
	for i := 1; i < len(times); i++ {
		a, b := queueKey(0, times[i-1], "x"), queueKey(0, times[i], "x")
		if bytes.Compare(a, b) > 0 {
			t.Errorf("queue key for %v sorts after %v", times[i-1], times[i])
		}
		if bytes.Compare(timedKey("t", times[i-1], 0), timedKey("t", times[i], 0)) > 0 {
			t.Errorf("timed key for %v sorts after %v", times[i-1], times[i])
		}
	}
	if got := fromNanos(nanos(at(1).Add(7))); !got.Equal(at(1).Add(7)) {
		t.Errorf("nanos round trip = %v", got)
	}
}

func TestPreviewLineSkipsWordPressReplyPrefix(t *testing.T) {
	tests := []struct{ in, want string }{
		{"In reply to Maya (https://q.example/p/#comment-1).\n\nThat fixed it, thanks!", "That fixed it, thanks!"},
		{"In reply to Maya.", "In reply to Maya."}, // nothing else to show
		{"Plain first line\nsecond", "Plain first line"},
		{"\n  In reply to Bob.\nOK then", "OK then"},
	}
	for _, tc := range tests {
		if got := previewLine(tc.in); got != tc.want {
			t.Errorf("previewLine(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
