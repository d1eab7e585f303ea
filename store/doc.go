// Package store keeps parley's state in one bbolt file: every message
// ever ingested, threaded; thread summaries and the attention queue;
// drafts and the replies we recorded; and per-feed poll state. Data flows
// feeds -> store -> ui: the store takes feeds.Result values and hands the
// UI Threads, Messages, Drafts and Replies. Nothing typed is lost: a draft
// is written on every SaveDraft and only removed by an empty save or by
// RecordReply.
//
// # Bucket layout
//
// All buckets are top level. Bucket names are in buckets.go; key builders
// in keys.go; record encodings in codec.go. "BE" is big-endian; times in
// keys are unix nanoseconds (zero time sorts first), so byte order is time
// order. A thread ID is always 16 lowercase hex characters.
//
//	meta
//	  "schema_version"        -> uint64 BE (1 = this layout)
//	messages
//	  message ID              -> message record (thread ID first)
//	threads
//	  thread ID (16)          -> thread record (+ current queue key)
//	thread_msgs                  per-thread message index, oldest first
//	  thread ID (16) | Published (8 BE) | seq (8 BE)
//	                          -> flags (1: bit 0 = ours) | message ID
//	queue                        threads needing attention, queue order
//	  rank (1) | WaitingSince (8 BE) | thread ID (16)
//	                          -> thread record (same bytes as in threads)
//	snoozed                      snoozed threads, earliest wake first
//	  SnoozedUntil (8 BE) | thread ID (16)
//	                          -> empty
//	replies                      replies we recorded, per thread, oldest first
//	  thread ID (16) | At (8 BE) | seq (8 BE)
//	                          -> reply record
//	drafts
//	  thread ID               -> draft record
//	feeds
//	  feed name               -> feed state record
//
// seq is the bucket's NextSequence: it keeps equal times distinct and in
// arrival order. rank is 0 for every thread today; it leads the queue key
// so a later triage step can put unhappy customers first without a new
// layout.
//
// Records are a version byte (1) then fields in a fixed order: strings as
// uvarint length + bytes, ints as varints, bools as a byte, times as a
// presence byte + varint seconds + uvarint nanoseconds. Fields:
//
//	message:    ThreadID Feed Author Title Link Published Text Ours InReplyTo
//	thread:     Feed Title Author Preview Created LastTheirs LastOurs
//	            WaitingSince Messages Unread Done SnoozedUntil queueKey authorAt Link
//	reply:      ThreadID Text At Via
//	draft:      Text Updated
//	feed state: URL ETag LastModified LastFetch LastSuccess LastError Items LastNew
//
// # Invariants
//
// A thread has a queue entry exactly when it is not snoozed, not done and
// LastTheirs is after LastOurs; the thread record holds that entry's key
// so any change can delete the old key before writing the new one. The
// queue value duplicates the thread record (a covering index) so Queue is
// one sequential read; saveThread is the only writer of either copy. A
// thread has a snoozed entry exactly when SnoozedUntil is set. Queue reads
// the queue index plus the expired head of the snoozed index, so it never
// scans all threads; WakeSnoozed moves expired snoozes back.
//
// # Threading
//
// Items are stored oldest first. A thread ID is the first 16 hex chars of
// sha256(thread key); the key is, in order of preference:
//
//  1. the thread of the InReplyTo message, if that message is stored;
//  2. "url:" + link without fragment, if the link has a #fragment
//     (WordPress comments on one post share a thread);
//  3. "id:" + InReplyTo (a reply that arrived before its parent: the
//     parent's own key is "id:" + its ID, so they meet);
//  4. "id:" + item ID (a thread of its own).
//
// Links without a fragment never join threads: review feeds point every
// entry at the same product page.
//
// # Schema versions
//
// meta/schema_version counts the entries of the migrations slice that
// have run. Open runs the missing ones, in order, in the same Update
// transaction that creates the buckets, and refuses a file whose version
// is newer than this build knows (ErrNewerSchema).
package store
