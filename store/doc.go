// Package store keeps parley's state in one bbolt file: every message
// ever ingested, threaded; thread summaries and the attention queue;
// drafts and the replies we recorded; the outbox of replies on their way
// to two-way sources; per-feed poll state; and the funnel: each thread's
// stage and its history, contacts, conversions.
// Data flows feeds -> store -> ui: the store takes feeds.Result values and
// hands the UI Threads, Messages, Drafts, Replies, Contacts and reports.
// Nothing typed is lost: a draft is written on every SaveDraft and only
// removed by an empty save, by RecordReply or by QueueReply (which writes
// the text to the outbox in the same transaction); a reply that fails for
// good goes back into the draft.
//
// # Bucket layout
//
// All buckets are top level. Bucket names are in buckets.go; key builders
// in keys.go (the outbox's in outbox.go); record encodings in codec.go. "BE" is big-endian; times in
// keys are unix nanoseconds (zero time sorts first), so byte order is time
// order. Thread and contact IDs are always 16 lowercase hex characters.
//
//	meta
//	  "schema_version"        -> uint64 BE (4 = this layout)
//	messages
//	  message ID              -> message record (thread ID first)
//	threads
//	  thread ID (16)          -> thread record (+ current queue key)
//	thread_msgs                  per-thread message index, oldest first
//	  thread ID (16) | Published (8 BE) | seq (8 BE)
//	                          -> flags (1: bit 0 = ours) | message ID
//	queue                        threads needing attention, queue order;
//	                             its bucket sequence is its entry count (schema 4)
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
//	stage_moves                  per-thread stage history, oldest first
//	  thread ID (16) | At (8 BE) | seq (8 BE)
//	                          -> move record
//	moves_by_time                every stage move, oldest first
//	  At (8 BE) | seq (8 BE)  -> thread ID (16) | from (1) | to (1) | manual (1: 0 or 1)
//	stage_threads                threads per stage, least recently moved first
//	  stage (1) | StageAt (8 BE) | thread ID (16)
//	                          -> empty
//	contacts
//	  contact ID (16)         -> contact record
//	contact_threads              the threads each contact wrote in
//	  contact ID (16) | thread ID (16)
//	                          -> flags (1: bit 0 = the contact started the thread)
//	conversions
//	  conversion ID           -> conversion record
//	outbox                       replies to two-way sources, sent or not
//	  key (32)                -> outbox record
//	outbox_threads               each thread's outbox entries, oldest first
//	  thread ID (16) | Queued (8 BE) | key (32)
//	                          -> empty
//	outbox_remote                sent replies by the remote ID of their post
//	  RemoteID                -> key (32)
//
// seq is the bucket's NextSequence: it keeps equal times distinct and in
// arrival order. A move's seq is the same in stage_moves and
// moves_by_time, so the two entries pair up. rank orders the queue: 0 for
// unhappy threads, 1 for buying intent (Stage == intent), 2 for the rest.
// stage is a funnel.Stage (0 new ... 5 advocate). A conversion ID is the
// one the import gave, or the first 32 hex chars of
// sha256(ref|cents|currency|At as RFC 3339 UTC), so a re-import finds it.
// A contact ID is the first 16 hex chars of
// sha256(feed + "\x00" + lower-cased trimmed author).
// An outbox key is 32 random lowercase hex chars (crypto/rand), fixed
// when the reply is queued: it is the idempotency key of every attempt.
// RemoteID is the feeds.Posted.ItemID of the post, the ID the source's
// fetches give it.
//
// Records are a version byte (1) then fields in a fixed order: strings as
// uvarint length + bytes, ints as varints, bools as a byte, times as a
// presence byte + varint seconds + uvarint nanoseconds, floats as a
// uvarint of the byte-swapped IEEE bits, stages as varints. Fields:
//
//	message:    ThreadID Feed Author Title Link Published Text Ours InReplyTo
//	            Target ReplyKey                                   (schema 3)
//	thread:     Feed Title Author Preview Created LastTheirs LastOurs
//	            WaitingSince Messages Unread Done SnoozedUntil queueKey authorAt Link
//	            Stage StageAt Unhappy Intent Mood WonBack Conversions Contact
//	            manualAt wonBackAt ourMsgs                        (schema 2)
//	reply:      ThreadID Text At Via
//	            Who Key RemoteID URL                              (schema 3)
//	draft:      Text Updated
//	feed state: URL ETag LastModified LastFetch LastSuccess LastError Items LastNew
//	move:       From To Cause Manual Who
//	contact:    Feed Name Stage Unhappy Messages Replies FirstSeen LastSeen Threads
//	conversion: ThreadID Ref Currency Cents At ImportedAt
//	outbox:     State Permanent ThreadID Feed Text Via Who Target Attempts
//	            LastError Ambiguous NextTry Queued Updated RemoteID URL
//
// A Target is five fields in a row: ID Topic PostNumber Visibility
// Mention. An outbox State is a varint (1 queued, 2 sending, 3 sent,
// 4 failed); a state this build does not know is a damaged record, not
// a guess. State and Permanent lead the record so Pending skips finished
// entries without reading their text.
//
// New fields go at the end; a record that ends early reads the missing
// fields as zero (a schema 1 thread is a New thread with no contact).
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
// scans all threads; WakeSnoozed moves expired snoozes back. The queue
// bucket's sequence equals its number of entries (saveThread counts each
// entry it adds or removes), so QueueLen and QueueWindow know the length
// without touching the index's pages: at 100k threads those are about
// 80 MB, and mapping them in is most of a console's memory.
//
// Every thread has exactly one stage_threads entry, and it matches its
// Stage and StageAt (zero StageAt: never moved); saveThread keeps it so,
// deriving the old key from the record it loaded. Intent is Stage ==
// intent. Stage changes only through a move that is stored first: the
// newest move of a thread goes to its Stage at its StageAt. Moves are
// never deleted or rewritten; they are dated by the message (or sale)
// that caused them, clamped to no later than now and no earlier than the
// previous move. Signals only move a stage forward; only SetStage moves
// it back, and its time (manualAt) hides the messages up to it from later
// analysis. WonBack never reverts.
//
// A contact exists for every (feed, author) that wrote a message that is
// not ours. contact_threads links a contact to every thread they wrote
// in; the started flag is set on exactly one link per thread with an
// Author, the one of Thread.Contact (the contact of Author, who wrote its
// earliest message of theirs). A contact's Messages, FirstSeen and
// LastSeen count their messages; Threads counts their links; Stage
// (furthest), Unhappy (any) and Replies (sum of our replies) roll up the
// threads they started. Every write that changes a thread's stage,
// unhappy flag, reply count or Author rolls its contacts up in the same
// transaction. A thread's Conversions is the number of conversions
// stored for it; conversions whose ref matched nothing are not stored.
//
// A thread's ourMsgs counts its reply records plus its messages that are
// Ours and have no ReplyKey: a message with a ReplyKey is a posted reply
// fetched back, already counted by the reply record with that Key.
//
// Every outbox entry has exactly one outbox_threads entry, keyed by its
// ThreadID and Queued (neither ever changes). An entry is sent exactly
// when its reply history holds a record with its Key, written in the
// same transaction (MarkSent, or Ingest confirming it); outbox_remote
// holds an entry for every sent entry with a RemoteID, and for nothing
// else. Entries are never deleted: a sent one keeps answering "was this
// post ours?". Permanent is set only with state failed, and its text is
// then in the thread's draft. Queuing does not change the thread: it
// leaves the queue when the reply is sent, as with RecordReply.
//
// # Our replies fetched back
//
// A two-way source returns the replies parley posted on its next poll.
// Ingest recognises such an item, stores it with Ours set and ReplyKey
// set to the outbox key, and leaves our reply count alone (the reply
// record counts it), when either:
//
//  1. its ID is in outbox_remote: the send was confirmed; or
//  2. it is Ours (the source says so, or the author is one of the
//     configured names), and its thread has an entry from the same feed
//     in state sending, or failed but not given up, queued no later than
//     10 minutes after the item was published (clock skew), whose text
//     equals the item's once whitespace runs are collapsed and leading
//     @mentions dropped. The oldest such entry is confirmed then and
//     there, in Ingest's transaction, as MarkSent would: state sent,
//     RemoteID = the item's ID, URL = its Link, and a reply record dated
//     the item's Published (clamped to now) so their answers to the post
//     still wait for us. This recovers a post made just before a crash
//     or a lost response.
//
// The reverse race (the post is fetched before MarkSent, with a text
// that did not match) is settled by MarkSent: if the message with the
// post's ID is stored as ours without a ReplyKey, it gets the key and
// stops counting on its own.
//
// # Threading
//
// Items are stored oldest first. A thread ID is the first 16 hex chars of
// sha256(thread key); the key is, in order of preference:
//
//  1. the thread of the InReplyTo message, if that message is stored;
//  2. the thread of the Root message (feeds.Item.Root: the Discourse
//     topic, the Mastodon conversation's first status), if stored;
//  3. "id:" + Root, when the source names one (the root's own key is
//     "id:" + its ID, so a reply to a post never stored joins its topic);
//  4. "url:" + link without fragment, if the link has a #fragment
//     (WordPress comments on one post share a thread);
//  5. "id:" + InReplyTo (a reply that arrived before its parent: the
//     parent's own key is "id:" + its ID, so they meet);
//  6. "id:" + item ID (a thread of its own).
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
//
//  1. initial layout.
//  2. the funnel: creates the funnel buckets, then analyzes every thread
//     from its messages and replies as Ingest would (stage, moves dated by
//     their messages, mood, flags), counts our replies, builds contacts
//     and their links, and rewrites queue keys (all rank 0 before) with
//     their rank. Migrations get the store's funnel analyzer and the time
//     of Open through migrateEnv.
//  3. the outbox: creates its three buckets; messages and replies gain
//     trailing fields that read as zero from older records. Nothing is
//     rewritten, but the version goes up so an older parley refuses the
//     file rather than ignore replies waiting in its outbox.
//
// # Change feed
//
// After every write transaction that committed, the write publishes one
// Change (changes.go): Seq, Time, Who, Kind (what happened), the IDs of
// the threads it changed (at most MaxChangeThreads, else AllThreads) and,
// for an ingest, the Feed. It publishes after the commit returned, never
// inside the transaction, and nothing when the write failed, rolled back
// or found nothing to change (a duplicate import, a stale autosave, a
// WakeSnoozed with nothing due, MarkSent of a sent reply). Writes that
// commit in parts publish per part: IngestBatch one Change per result,
// a huge result one per chunk. An ingest publishes even with no new
// messages: the feed's state (last fetch, error) changed.
//
// Subscribe(buf) gives a Subscription; Next(ctx) waits for the next
// Change, in Seq order. Publishing never waits for a subscriber: it holds
// the feed's mutex only to number the change and put it in each
// subscriber's queue, so Seq order is delivery order for every
// subscriber whatever the writers' goroutines. A subscriber whose queue
// (buf) is full falls behind: that change and all others until it reads
// are dropped, and after the ones queued Next returns one Change with
// Resync set and the newest Seq, which means "reload everything"; then
// changes arrive as before. Closing a Subscription or the Store makes
// Next return ErrClosed.
//
// Seq counts from 1 per Store in one process and is not persisted: only
// subscribers in the same process see it, and any new subscriber starts
// by loading everything, so a number that survived a restart would tell
// it nothing (and would cost a write in every transaction and a schema
// change). A subscriber compares Seqs only with Seqs of the same Store.
//
// Who: a write that names its user (SetStage's who, Reply.Who for
// QueueReply and RecordReply, the reply's Who for the outbox marks)
// publishes that; the others publish the handle's: Store.As(who) returns
// a handle on the same database whose changes name who. The local
// console leaves it "" (the one local user); in team mode the engine
// hands each teammate's console store.As(teammate), and its own polling,
// sending and waking use the plain Store ("" = the engine).
//
// The Change type holds no bbolt type, so another backend (Postgres,
// through LISTEN/NOTIFY) can publish the same.
//
// # Control socket
//
// The parley that holds the database (the console's engine, which serves
// it from Engine.Start to Engine.Close) listens on a unix socket beside it, <db>.sock (0600, in the 0700 directory; same-uid
// peers only), since its lock keeps other processes from even reading the
// file. Every command goes through it there: one request per connection,
// served side by side. Protocol version 1 (control_v1.go) is JSON lines
// with a version in each request and answer: hello (who holds the
// database: pid, terminal), backup, export and fetch (streamed; the
// engine supplies ControlHandlers for what needs its config), conversions
// import and doctor's integrity check. A fetch names the config it was run
// with (an optional field, so an older client is still served); a parley
// polling another config refuses it with code other-config
// (ErrOtherConfig). A request of another version, or an unknown
// operation, gets an error that says so. Version 0, one line "backup
// PATH", is still answered for an older parley (control.go).
//
// A parley killed with kill -9 leaves its socket file: nothing answers
// on it (connect refused) and the lock is free. Commands take that as no
// owner and open the database; Open, holding the exclusive lock, removes
// such a socket if it is this user's, in a private directory, and still
// refuses connections (stalesocket.go); ServeControl replaces one too.
// ControlSocketStatus tells doctor what is there, without removing it.
package store
