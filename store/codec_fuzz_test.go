package store

import (
	"testing"
	"time"

	"parley/feeds"
)

// FuzzDecodeRecords feeds every record decoder arbitrary bytes: a damaged
// or hostile database file must give an error, never a panic or a huge
// allocation. Seeds are real records, so the fuzzer starts from the
// shapes it has to break.
func FuzzDecodeRecords(f *testing.F) {
	at := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	f.Add(encodeMessage(&Message{ThreadID: "0123456789abcdef", Feed: "Blog", Author: "Ann", Text: "hi", Published: at,
		Target: feeds.Target{ID: "101", Visibility: "unlisted", Mention: "ann@x"}, ReplyKey: "k"}))
	f.Add(encodeReply(&Reply{ThreadID: "0123456789abcdef", Text: "thanks", At: at, Via: "Mastodon", Who: "maya", Key: "k", RemoteID: "r", URL: "u"}))
	f.Add(encodeDraft(&Draft{Text: "draft", Updated: at}))
	f.Add(encodeFeedState(&FeedState{Name: "Blog", ETag: `"e"`, LastFetch: at, Items: 3}))
	f.Add([]byte{1})
	f.Add([]byte{})
	f.Add([]byte{1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}) // a length of 2^63
	f.Fuzz(func(t *testing.T, v []byte) {
		id := []byte("0123456789abcdef")
		decodeMessage(id, v)
		decodeMessageView(id, v)
		decodeThread(id, v)
		decodeThreadSummary(id, v)
		decodeThreadFacts(id, v)
		decodeReply(v)
		decodeOutbox(id, v)
		decodeDraft(id, v)
		decodeFeedState(id, v)
		decodeMove(append(id, make([]byte, 16)...), v)
		decodeContact(id, v)
		decodeConversion(id, v)
		decodeConv(append(id, id...), v)
		decodeConvFacts(id, v)
	})
}
