package store

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestCodecRoundTrip(t *testing.T) {
	odd := time.Date(1969, 7, 20, 20, 17, 40, 123456789, time.UTC) // before the epoch
	th := threadRec{
		Thread: Thread{
			ID: "0123456789abcdef", Feed: "blog", Title: "Tïtle", Author: "ann", Preview: "hi\tthere",
			Created: at(1), LastTheirs: at(2), LastOurs: odd, WaitingSince: at(3),
			Messages: 300, Unread: -1, Done: true, SnoozedUntil: at(1 << 20),
		},
		queueKey: queueKey(0, at(3), "0123456789abcdef"),
		authorAt: at(1),
	}
	got, err := decodeThread([]byte(th.ID), encodeThread(&th))
	if err != nil {
		t.Fatal(err)
	}
	if got.Thread != th.Thread || !bytes.Equal(got.queueKey, th.queueKey) || !got.authorAt.Equal(th.authorAt) {
		t.Errorf("thread round trip:\n got %+v\nwant %+v", got, th)
	}

	m := Message{ID: "urn:x", ThreadID: "t", Feed: "f", Author: "a", Title: "ti", Link: "l",
		Published: at(5), Text: strings.Repeat("long ", 1000), Ours: true, InReplyTo: "p"}
	gm, err := decodeMessage([]byte(m.ID), encodeMessage(&m))
	if err != nil || gm != m {
		t.Errorf("message round trip: %v\n got %+v", err, gm)
	}
	if tid := decodeMessageThread(encodeMessage(&m)); tid != "t" {
		t.Errorf("decodeMessageThread = %q", tid)
	}
	r := Reply{ThreadID: "t", Text: "x\ny", At: at(6), Via: "clipboard"}
	if gr, err := decodeReply(encodeReply(&r)); err != nil || gr != r {
		t.Errorf("reply round trip: %v %+v", err, gr)
	}
	f := FeedState{Name: "n", URL: "u", ETag: "e", LastModified: "lm", LastFetch: at(7),
		LastSuccess: at(8), LastError: "err", Items: 9, LastNew: 10}
	if gf, err := decodeFeedState([]byte("n"), encodeFeedState(&f)); err != nil || gf != f {
		t.Errorf("feed state round trip: %v %+v", err, gf)
	}
}

func TestCodecRejectsBadRecords(t *testing.T) {
	good := encodeMessage(&Message{ThreadID: "t", Text: "some text here"})
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
