// Package store keeps parley's state in one bbolt file: every message
// ever ingested, threaded; thread summaries and the attention queue;
// drafts and the replies we recorded; the outbox of replies on their way
// to two-way sources; per-feed poll state; and the funnel: conversations
// (one person in one thread) with their stage and its history, contacts,
// conversions.
// Data flows feeds -> store -> ui: the store takes feeds.Result values and
// hands the UI Threads, Messages, Drafts, Replies, Contacts and reports.
// Nothing typed is lost: a draft is written on every SaveDraft and only
// removed by an empty save, by RecordReply or by QueueReply (which writes
// the text to the outbox in the same transaction); a reply that fails for
// good goes back into the draft. Drafts are per teammate (schema 6): a
// handle's drafts are its teammate's (As), and a send removes only its
// author's (Reply.Who) draft, never another teammate's.
//
// # Bucket layout
//
// All buckets are top level. Bucket names are in buckets.go; key builders
// in keys.go (the outbox's in outbox.go); record encodings in codec.go. "BE" is big-endian; times in
// keys are unix nanoseconds (zero time sorts first), so byte order is time
// order. Thread and contact IDs are always 16 lowercase hex characters.
//
//	meta
//	  "schema_version"        -> uint64 BE (8 = this layout)
//	  "rules_version"         -> RulesVersion the stages were read with (16 hex)
//	  "migrate5"              -> how far the schema 5 step got, only while it
//	                             runs (migrate5batch.go)
//	messages
//	  message ID              -> message record (thread ID first)
//	threads
//	  thread ID (16)          -> thread record (+ current queue key)
//	thread_msgs                  per-thread message index, oldest first
//	  thread ID (16) | Published (8 BE) | seq (8 BE)
//	                          -> flags (1: bit 0 = ours) | message ID
//	queue                        threads where somebody waits, queue order;
//	                             its bucket sequence is its entry count (schema 4)
//	  rank (1) | WaitingSince (8 BE) | thread ID (16)
//	                          -> thread record (same bytes as in threads);
//	                             rank and WaitingSince are the Waiter's
//	snoozed                      snoozed threads, earliest wake first
//	  SnoozedUntil (8 BE) | thread ID (16)
//	                          -> empty
//	replies                      replies we recorded, per thread, oldest first
//	  thread ID (16) | At (8 BE) | seq (8 BE)
//	                          -> reply record
//	drafts                       per teammate per thread (schema 6)
//	  thread ID               -> draft record of "" (the local user; every
//	                             draft written before schema 6)
//	  thread ID | 0x00 | who  -> draft record of teammate who
//	feeds
//	  feed name               -> feed state record
//	conversations                one person in one thread (schema 5)
//	  thread ID (16) | contact ID (16)
//	                          -> conversation record
//	stage_moves                  stage history of a thread's conversations, oldest first
//	  thread ID (16) | At (8 BE) | seq (8 BE)
//	                          -> move record (its Contact names the conversation)
//	moves_by_time                every stage move, oldest first
//	  At (8 BE) | seq (8 BE)  -> thread ID (16) | from (1) | to (1) | manual (1: 0 or 1)
//	                             | contact ID (16)
//	stage_conversations          conversations per stage, least recently moved first
//	  stage (1) | StageAt (8 BE) | thread ID (16) | contact ID (16)
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
//	audit                        every action, who and when, oldest first;
//	                             append only (schema 6)
//	  At (8 BE) | seq (8 BE)  -> audit record
//	funnel_counts                the funnel view's counters (schema 7; counts.go)
//	  'p' / 'u' / 'w'         -> contacts / conversations unhappy / won back (8 BE)
//	  's' | stage (1) | feed  -> conversations at the stage in the feed (8 BE)
//	  't' | feed              -> threads in the feed (8 BE)
//	  'c' | feed | 0x00 | currency
//	                          -> conversions (8 BE) | cents (8 BE, int64)
//	                             ('M', 'R', 'T': per-teammate counters of an
//	                             earlier build, deleted at open: legacycounts.go)
//	conv_firsts                  conversations by First (schema 7)
//	  First (8 BE) | thread ID (16) | contact ID (16)
//	                          -> empty
//	won_back                     conversations won back, by wonBackAt (schema 7)
//	  wonBackAt (8 BE) | thread ID (16) | contact ID (16)
//	                          -> empty
//	contact_order                contacts in the contacts view's order (schema 7)
//	  0xff-Stage (1) | MaxUint64-LastSeen (8 BE) | contact ID (16)
//	                          -> empty
//	threads_by_created           threads oldest first: Export's order (schema 7)
//	  Created (8 BE) | thread ID (16)
//	                          -> empty
//	reads                        per-teammate read marks (schema 8; reads.go)
//	  thread ID (16) | who    -> newest Published of theirs read (8 BE)
//	team_counts                  audited actions per teammate (schema 8; teamcounts.go)
//	  who | 0x00 | action     -> count (8 BE)
//	conv_msgs                    long threads' messages by conversation (convmsgs.go;
//	                             made by Ingest when first needed, no schema change)
//	  thread ID (16)          -> empty: the thread is indexed
//	  thread ID (16) | contact (16) | Published (8 BE) | seq (8 BE)
//	                          -> flags (1: bit 0 = ours) | message ID
//	migrate5_kept                only while the schema 5 step runs: the old
//	                             manual and conversion moves
//	  stage_moves key         -> move record
//
// The schema 7 buckets change in the transaction of the record they
// follow: saveConv (stage x feed, unhappy, won back, both time indexes),
// saveThread (a new thread's feed; threads_by_created, which moves when
// an earlier message arriving late moves Created back), rollupContacts (people, contact
// order), ImportConversions (a new sale under its thread's feed). A
// counter at zero is deleted. A write transaction sums its deltas and
// writes each counter once at its end (countbatch.go). Funnel reads
// only them and three time ranges. Per-teammate figures are team_counts'
// alone (one counter per teammate and audited action, written with the
// audit entry), never funnel_counts'. Tests check them after every change against a recount by
// migrateCounts (checkCounts in helpers).
//
// seq is the bucket's NextSequence: it keeps equal times distinct and in
// arrival order. A move's seq is the same in stage_moves and
// moves_by_time, so the two entries pair up. rank orders the queue by the
// thread's Waiter: 0 unhappy, 1 buying intent (Stage == intent), 2 the
// rest. (stage_threads, the per-thread stage index of schemas 2 to 4, is
// gone.)
// stage is a funnel.Stage (0 new ... 5 advocate). A conversion ID is the
// one the import gave, or the first 32 hex chars of
// sha256(ref|cents|currency|At as RFC 3339 UTC), so a re-import finds it.
// A contact ID is the first 16 hex chars of
// sha256(feed + "\x00" + lower-cased trimmed author); a message without an
// author has a conversation under contactID(feed, "") but no contact.
// A conversation's ref is its thread's ref (10 hex), "-" and the first 6
// hex of the contact ID ("3fa2c1d9e0-7b21aa"): ctrl+l inserts it, and an
// imported sale names the person; it resolves with one Seek in the
// thread's range of conversations.
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
//	            Contact                                           (schema 5)
//	thread:     Feed Title Author Preview Created LastTheirs LastOurs
//	            WaitingSince Messages Unread Done SnoozedUntil queueKey authorAt Link
//	            Stage StageAt Unhappy Intent Mood WonBack Conversions Contact
//	            manualAt wonBackAt ourMsgs                        (schema 2)
//	            Waiter.Contact Waiter.Name Waiter.Preview Waiter.Link
//	            Waiter.Stage Waiter.Mood Waiter.Unhappy Waiter.Intent
//	            WaitingPeople                                     (schema 5)
//	            Assignee                                          (schema 6)
//	conversation: Feed Name Started Messages Replies First LastTheirs LastOurs
//	            WaitingSince Preview Link Stage StageAt Unhappy Intent Mood
//	            WonBack Conversions manualAt manualStage wonBackAt (schema 5)
//	            Cause CauseManual CauseWho (no schema bump: trailing)
//	reply:      ThreadID Text At Via
//	            Who Key RemoteID URL                              (schema 3)
//	            To InReplyTo                                      (schema 5)
//	draft:      Text Updated
//	audit:      Who Action ThreadID Contact Detail               (schema 6)
//	feed state: URL ETag LastModified LastFetch LastSuccess LastError Items LastNew
//	move:       From To Cause Manual Who Contact
//	contact:    Feed Name Stage Unhappy Messages Replies FirstSeen LastSeen Threads
//	conversion: ThreadID Ref Currency Cents At ImportedAt Contact
//	outbox:     State Permanent ThreadID Feed Text Via Who Target Attempts
//	            LastError Ambiguous NextTry Queued Updated RemoteID URL
//	            To InReplyTo                                      (schema 5)
//
// A thread's manualAt and wonBackAt are zero from schema 5 on: manual
// moves and won back belong to conversations.
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
// A conversation waits when its person wrote after our last reply to
// them (WaitingSince is their oldest message after LastOurs; a reply to
// someone else in the thread does not count). A thread has a queue entry
// exactly when it is not snoozed, not done and WaitingPeople > 0 (some
// conversation waits); the thread record holds that entry's key
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
// Conversations: every message not ours belongs to the conversation of
// its author (Message.Contact); every message of ours and every reply
// record to at most one (Contact, Reply.To; "" = addressed to nobody,
// which every conversation of the thread reads but none counts). A
// conversation's Messages, First, LastTheirs, Preview and Link are those
// of its person's messages; Replies and LastOurs those of our replies to
// them (a fetched-back post with a ReplyKey is counted by its reply
// record); Conversions the sales stored with its key. Its funnel is read
// from its own messages and our replies to them only (funnel.Analyze per
// conversation), so one person's signal never moves another's stage.
// Started marks the conversation of Thread.Contact.
//
// A thread rolls its conversations up, in the transaction that changes
// them (settleThread): Stage and StageAt are the furthest conversation's,
// Unhappy, Intent and WonBack any, Conversions the sum, WaitingPeople the
// waiting ones, and Waiter (with WaitingSince, and Mood) the most urgent
// waiting one: unhappy, then intent, then longest waiting, then contact
// ID. Nothing names a person beside another's words: the Waiter's
// Preview and Link are the Waiter's own newest message's, the thread's
// Preview and Link its Author's (the starter's).
//
// Every conversation has exactly one stage_conversations entry, and it
// matches its Stage and StageAt (zero StageAt: never moved); saveConv
// keeps it so, deriving the old key from the record it loaded. Intent is
// Stage == intent. Stage changes only through a move that is stored
// first: the newest move of a conversation goes to its Stage at its
// StageAt. Moves are never deleted or rewritten (except once, by the
// schema 5 migration); they are dated by the message (or sale) that
// caused them, clamped to no later than now and no earlier than the
// previous move. Signals only move a stage forward; only SetStage (and a
// re-read with changed rules) moves it back, and SetStage's time
// (manualAt) hides the messages up to it from later analysis. WonBack
// never reverts.
//
// A conversation's Cause, CauseManual and CauseWho are its newest move's
// Cause, Manual and Who (empty: never moved), so view 2 lists causes
// without reading histories. Every move sets them with the stage
// (convRec.moved: signals, re-reads, SetStage, conversions, the schema 5
// replay). A record written before they existed has none stored
// (causeStored false); the listing reads (ConversationsInStage,
// ConversationsInStageWindow, ContactConversations) then read its newest
// move (fillCause) until its next save stores them.
//
// A contact exists for every (feed, author) that wrote a message that is
// not ours. contact_threads links a contact to every thread they wrote
// in; the started flag is set on exactly one link per thread with an
// Author, the one of Thread.Contact (the contact of Author, who wrote its
// earliest message of theirs). A contact's Messages, FirstSeen and
// LastSeen count their messages; Threads counts their links; Stage
// (furthest), Unhappy (any) and Replies (sum of our replies to them) roll
// up their conversations, all of them, across threads and feeds. Every
// write that changes a conversation's stage, unhappy flag or replies
// rolls its contact up in the same transaction (Ingest from what changed,
// contactdelta.go; the others by reading all). A thread's Conversions is
// the number of conversions stored for it, a conversation's those stored
// with its contact; conversions whose ref matched nothing are not stored.
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
// A thread's Assignee changes only through SetAssignee, which writes its
// audit entry and publishes ChangeAssign (by the assigner) in the same
// transaction; assigning to the current assignee writes nothing. Every
// other write keeps it (they load and save the whole record).
//
// The stale-reply guard (stale.go): RecordReply and QueueReply given a
// Reply.Seen look, in their own transaction, for a reply by another
// teammate (Who differs) to the same person (To equal, or either "")
// in replies or outbox_threads keyed after Seen; finding one they write
// nothing and return ErrStaleReply with it, unless Reply.Force. As bbolt
// has one writer at a time, of two teammates sending at once with the
// same Seen one reply is written and the other refused. Seen and Force
// are never stored.
//
// Every action a teammate takes writes one audit entry in its own
// transaction: RecordReply, QueueReply, MarkSent, MarkFailed giving up,
// SetDone (done and undone), Snooze (snoozed, unsnoozed), SetStage,
// SetAssignee, and ImportConversions (one per sale stored). Its At is the
// action's time (the reply's At, the move's at, the send's now; time.Now
// for SetDone and Snooze, which take none), its Who the action's own
// (Reply.Who, the outbox entry's Who, SetStage's who) else the handle's
// (As), its Contact the person acted on when there is one. Its Action is
// one of the Audit* strings. Nothing else writes to the log, nothing
// deletes from it; its seq is the bucket's NextSequence. The same
// transaction adds one to team_counts' who | action, so the counters
// always equal a count of the log (TeamCounts).
//
// Undo (undo.go) reverts a handle's own done or snooze: in one
// transaction it looks in the audit log from the action's time for an
// entry on the thread by anyone else and, finding one, writes nothing
// and returns an *OverriddenError naming it; else it writes what
// SetDone(false) or Snooze(zero) would.
//
// Read state: a thread's Unread is the shared count (the local user's
// ""). MarkRead by a teammate's handle (As) writes only their read mark
// in reads: the thread's LastTheirs; a reply (putReply) writes its
// author's. Thread, ThreadView and QueueWindow read with a teammate's
// handle give their Unread as the number of messages of theirs in
// thread_msgs published after their mark (at most 100), and the shared
// count while they have none. A message published before the mark but
// fetched after it does not count as unread for them.
//
// # Our replies fetched back
//
// A two-way source returns the replies parley posted on its next poll,
// and a reply copied with ctrl+s comes back once it is posted by hand.
// Ingest recognises such an item, stores it with Ours set and ReplyKey
// set to the reply's Key, and leaves our reply count alone (the reply
// record counts it), when any of:
//
//  1. its ID is in outbox_remote: the send was confirmed; or
//  2. it is Ours (the source says so, or the author is one of the
//     configured names), and its thread has an entry from the same feed
//     in state sending, or failed but not given up, queued no later than
//     10 minutes after the item was published (clock skew), whose text
//     equals the item's once whitespace runs are collapsed and leading
//     @mentions dropped (or follows the item's WordPress "In reply to
//     Name." opening: sameReply). The oldest such entry is confirmed then and
//     there, in Ingest's transaction, as MarkSent would: state sent,
//     RemoteID = the item's ID, URL = its Link, and a reply record dated
//     the item's Published (clamped to now) so their answers to the post
//     still wait for us. This recovers a post made just before a crash
//     or a lost response;
//  3. it is Ours, and its thread has a reply recorded by hand (Via
//     "clipboard"; RecordReply keys every reply) not yet confirmed (no
//     RemoteID), recorded no later than 10 minutes after the item was
//     published, with the same normalized text. The oldest such reply is
//     confirmed: its record gets the item's ID as RemoteID and its Link.
//
// Whose conversation a message of ours counts for (Message.Contact),
// decided when it is stored:
//
//  1. the person its reply record answered (Reply.To, the outbox entry's
//     To), when it is one of the replies above: our own record of whom
//     we chose to answer is exact, while a source may name only the
//     topic as the parent (Discourse);
//  2. else the author of the message its InReplyTo names (the source
//     says so: thr:in-reply-to, in_reply_to_id, reply_to_post_number),
//     or the person an ours parent counted for;
//  3. else a reply written elsewhere: the person its opening names, if
//     that fits exactly one person of the thread: a leading @name (the
//     word after "@", up to a second "@") or WordPress's "In reply to
//     Name." line, compared with each name, and with its first word,
//     lower-cased with everything but letters and digits dropped; else
//     the person waiting longest; else the starter; else nobody ("": the
//     thread's opening post, read by every conversation).
//
// A reply recorded or queued with an empty To answers the thread's Waiter,
// else its starter; the stored record names whom. QueueReply answers that
// person's message r.InReplyTo if it has a Target, else their newest with
// one.
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
// is newer than this build knows (ErrNewerSchema). The exception is step
// 5, too big for one transaction on a large file: the steps before it
// commit first, it commits in batches, and the steps after it in one
// more transaction. Options.Step hears each step's name as it starts,
// Options.Progress how far steps 5 and 7 are.
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
//  4. the queue's length in its bucket sequence.
//  5. conversations (migrate5.go): every thread is split into one
//     conversation per person. Messages, replies and unsent outbox
//     entries get their person by the rules of "Our replies fetched
//     back", walking each thread in time order; recorded replies without
//     a Key get one. The old thread histories are replaced: their manual
//     and conversion moves go to the starter's conversation (and so do
//     the thread's conversions: old refs credited the starter), after the
//     signal moves its messages justify before the first of them; every
//     other stage is read again per person from the stored messages.
//     stage_threads is dropped for stage_conversations; threads are
//     rolled up and re-queued under their Waiter; contacts are rolled up
//     from their conversations; the rules version is recorded.
//     It commits in batches (migrate5batch.go): threads in key order,
//     then contacts in key order, about 20,000 messages, threads and
//     contacts a transaction, each batch recording in meta/migrate5 how
//     far it got. The kept moves wait in migrate5_kept. A stopped run
//     (kill -9, a full disk) leaves schema_version at 4 with the marker,
//     and the next Open resumes after the last batch committed: each
//     thread is split exactly once. The last batch removes the marker and
//     migrate5_kept and records version 5. The result is the one the
//     single transaction gave (migrate5batch_test.go checks it on every
//     older fixture).
//  6. teammates: creates the audit bucket (empty: nothing before was
//     recorded with its author); threads gain Assignee (a trailing
//     field: older records read as unassigned); drafts per teammate. Nothing is rewritten: a draft
//     stored before is the legacy draft of "" (key: the thread ID alone).
//     A teammate with no draft of their own on a thread reads it as
//     theirs, and their first write to their draft (a save, a send, a
//     refused send put back) adopts it: it is deleted in the transaction
//     that writes theirs, so the text is nobody else's from then on. The
//     version goes up so an older parley, which would list a teammate's
//     draft as a thread's, refuses the file.
//  7. funnel counters (migrate7.go): funnel_counts, conv_firsts, won_back,
//     contact_order and threads_by_created are built from the threads, conversations,
//     contacts and conversions, with progress. Nothing else changes; the
//     version goes up so an older parley, which would write without
//     keeping them, refuses the file.
//  8. team reads and counters (teamcounts.go): creates reads (empty:
//     everyone reads the shared count until they open a thread) and
//     team_counts, counted from the audit log. The version goes up so
//     an older parley, which would audit without counting, refuses the
//     file.
//
// (Schema 2's step now only builds contacts and links: the funnel is
// read per conversation by step 5, in the same transaction.)
//
// # Rules version
//
// meta/rules_version is RulesVersion(analyzer): a hash of the analyzer
// revision (a constant in rules.go, changed with any change to package
// funnel's rules) and the effective intent, advocacy and competitor
// patterns. Open, given the [funnel] config (Options.Funnel), compares
// it with the stored one and, when it differs, re-reads every
// conversation (Reread) in transactions of 500 threads, calling
// Options.Progress after each: a conversation's analysis starts again
// from its floor (its last manual stage, converted if it has sales); a
// stage the rules now justify is reached by signal moves with their
// causes, one they no longer justify is left by one move down ("re-read:
// the rules no longer find intent"). Then it records the new version and
// publishes a ChangeReread with AllThreads. Opening without a config
// (Options.Funnel nil) never re-reads, so a command run with the default
// rules does not undo the console's reading.
//
// # Change feed
//
// After every write transaction that committed, the write publishes one
// Change (changes.go): Seq, Time, Who, Kind (what happened), the IDs of
// the threads it changed (at most MaxChangeThreads, else AllThreads; a
// conversation's change lists its thread) and,
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
// Who: a write that names its user (SetStage's who, SetAssignee's by,
// Reply.Who for QueueReply and RecordReply, the reply's Who for the
// outbox marks)
// publishes that; the others publish the handle's: Store.As(who) returns
// a handle on the same database whose changes name who. The local
// console leaves it "" (the one local user); in team mode the engine
// hands each teammate's console store.As(teammate), and its own polling,
// sending and waking use the plain Store ("" = the engine).
//
// The Change type holds no bbolt type, so another backend (Postgres,
// through LISTEN/NOTIFY) can publish the same.
//
// One kind is no write: ChangePresence (PublishPresence, presence.go)
// says that a teammate's console (Who) opened, left or started drafting
// on the Threads listed. The engine keeps presence in memory and
// publishes it here only so every console hears of it on the feed it
// already reads; nothing about it is stored.
//
// # Memory of whole-file reads
//
// bbolt reads through a shared read-only map of the file, and every page
// a read touches stays in the process's resident set (with up to 15
// neighbours: the kernel's fault-around). A read that walks the whole
// file — Export, Audit, FilterRows, countKeys (doctor's and backup's
// counts) — calls dropMapped every dropEvery records, inside its
// transaction (madvise MADV_DONTNEED on Linux: the pages leave the
// process, not the page cache), and bbolt's own check is dropped every
// dropInterval (mmap.go, mapdrop_linux.go). So their RSS is the heap plus
// a few MB of the file, whatever its size.
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
