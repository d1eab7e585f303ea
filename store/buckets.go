package store

// Bucket names and fixed meta keys, all in one place so the layout drawn
// in doc.go can be checked against the code at a glance. Every bucket is
// top level; none is nested.
var (
	bucketMeta       = []byte("meta")        // schema_version and other singletons
	bucketMessages   = []byte("messages")    // message ID -> message record
	bucketThreads    = []byte("threads")     // thread ID -> thread record
	bucketThreadMsgs = []byte("thread_msgs") // per-thread message index, time ordered
	bucketQueue      = []byte("queue")       // threads needing attention, queue ordered
	bucketSnoozed    = []byte("snoozed")     // snoozed threads, ordered by wake time
	bucketReplies    = []byte("replies")     // replies we recorded, per thread, time ordered
	bucketDrafts     = []byte("drafts")      // thread ID [| 0x00 | who] -> draft record
	bucketAudit      = []byte("audit")       // At | seq -> audit entry (schema 6)
	bucketFeeds      = []byte("feeds")       // feed name -> feed state record

	bucketStageMoves     = []byte("stage_moves")         // per-thread stage history, time ordered
	bucketMovesByTime    = []byte("moves_by_time")       // every stage move, time ordered
	bucketStageThreads   = []byte("stage_threads")       // schema 2-4 only: deleted by the schema 5 migration
	bucketStageConvs     = []byte("stage_conversations") // conversations per stage, most recently moved last
	bucketConversations  = []byte("conversations")       // thread ID | contact ID -> conversation record
	bucketContacts       = []byte("contacts")            // contact ID -> contact record
	bucketContactThreads = []byte("contact_threads")     // contact ID | thread ID -> flags
	bucketConversions    = []byte("conversions")         // conversion ID -> conversion record

	bucketOutbox        = []byte("outbox")         // outbox key -> outbox record
	bucketOutboxThreads = []byte("outbox_threads") // thread ID | Queued | key -> empty
	bucketOutboxRemote  = []byte("outbox_remote")  // remote item ID of a sent reply -> outbox key

	// Schema 7 (counts.go, contactorder.go): what the funnel and contacts
	// views read instead of scanning.
	bucketFunnelCounts = []byte("funnel_counts")      // counter key -> count
	bucketConvFirsts   = []byte("conv_firsts")        // First | thread ID | contact ID -> empty
	bucketWonBack      = []byte("won_back")           // wonBackAt | thread ID | contact ID -> empty
	bucketContactOrder = []byte("contact_order")      // contacts view order key -> empty
	bucketThreadsByAge = []byte("threads_by_created") // Created | thread ID -> empty (export order)

	// Schema 8 (reads.go, teamcounts.go): per-teammate read marks and
	// action counters.
	bucketReads      = []byte("reads")       // thread ID | who -> newest of theirs read (8 BE)
	bucketTeamCounts = []byte("team_counts") // who | 0x00 | action -> count (8 BE)

	// Made by Ingest when first needed, not by Open (convmsgs.go).
	bucketConvMsgs = []byte("conv_msgs") // long threads' messages by conversation

	// Only while the schema 5 step runs (migrate5batch.go): the old
	// manual and conversion moves, under their stage_moves keys.
	bucketMigrate5Kept = []byte("migrate5_kept")
)

// allBuckets lists every bucket Open guarantees to exist, so the rest of
// the package can use tx.Bucket without nil checks.
var allBuckets = [][]byte{
	bucketMeta,
	bucketMessages,
	bucketThreads,
	bucketThreadMsgs,
	bucketQueue,
	bucketSnoozed,
	bucketReplies,
	bucketDrafts,
	bucketAudit,
	bucketFeeds,
	bucketStageMoves,
	bucketMovesByTime,
	bucketStageConvs,
	bucketConversations,
	bucketContacts,
	bucketContactThreads,
	bucketConversions,
	bucketOutbox,
	bucketOutboxThreads,
	bucketOutboxRemote,
	bucketFunnelCounts,
	bucketConvFirsts,
	bucketWonBack,
	bucketContactOrder,
	bucketThreadsByAge,
	bucketReads,
	bucketTeamCounts,
}

// keySchemaVersion holds the layout version in bucketMeta as an 8-byte
// big-endian uint.
var keySchemaVersion = []byte("schema_version")

// keyMigrate5 says how far the schema 5 step got, while it runs
// (migrate5batch.go).
var keyMigrate5 = []byte("migrate5")

// keyRulesVersion holds the RulesVersion the stages were read with.
var keyRulesVersion = []byte("rules_version")

// BucketCount is how many buckets a database of this schema holds (what
// a salvage copies when nothing is lost).
func BucketCount() int { return len(allBuckets) }
