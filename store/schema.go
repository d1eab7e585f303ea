package store

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// migration moves the layout from version index to index+1 (migrations[0]
// takes an empty file to version 1). Migrations only ever get appended.
type migration struct {
	name string
	run  func(tx *bolt.Tx, env migrateEnv) error
	// commits, when set, runs instead of run, in write transactions of
	// its own: for a step too big for one (bbolt keeps a transaction's
	// changed pages in memory and splits them only at commit). It must
	// resume where a stopped run left off, and record the version
	// (step index + 1) in its last transaction.
	commits func(db *bolt.DB, env migrateEnv) error
}

// migrateEnv is what a migration may need besides the transaction.
type migrateEnv struct {
	analyzer analyzer  // the store's funnel analyzer
	now      time.Time // the time of Open: moves are never dated later
	// progress, if set, hears how far a long migration is (done of total).
	progress func(done, total int)
	// step, if set, hears the name of each step as it starts.
	step func(name string)
}

// migrations is a var so tests can append a step and watch it run once.
var migrations = []migration{
	{name: "initial layout", run: func(tx *bolt.Tx, _ migrateEnv) error { return createBuckets(tx) }},
	{name: "funnel: stages, contacts, conversions", run: migrateFunnel},
	// The outbox is new buckets only. The version still goes up, so an
	// older parley refuses the file (ErrNewerSchema) instead of opening it
	// and ignoring replies waiting to be sent.
	{name: "outbox", run: func(tx *bolt.Tx, _ migrateEnv) error { return createBuckets(tx) }},
	// saveThread counts the queue in its bucket's sequence from now on; an
	// older parley would not, so the version goes up.
	{name: "queue length", run: countQueue},
	// Conversations: one person in one thread (migrate5.go).
	{name: "conversations", commits: migrateConversations},
	// Teammates: drafts per teammate (drafts.go; the old ones stay as the
	// legacy "" drafts, readable by whoever has none of their own) and the
	// audit log. An older parley would list a teammate's draft as a
	// thread's, so the version goes up.
	{name: "teammates", run: func(tx *bolt.Tx, _ migrateEnv) error { return createBuckets(tx) }},
	// Funnel counters and the contacts order index (migrate7.go): the
	// funnel and contacts views read what fits the screen. An older
	// parley would write without keeping them, so the version goes up.
	{name: "funnel counters", run: migrateCounts},
	// Team state (teamcounts.go, reads.go): per-teammate read marks
	// (none yet: each teammate reads the shared count until they open
	// the thread) and per-teammate action counters, counted from the
	// audit log. An older parley would audit without counting, so the
	// version goes up.
	{name: "team reads and counters", run: migrateTeamCounts},
}

// countQueue sets the queue index's sequence to its number of entries.
func countQueue(tx *bolt.Tx, _ migrateEnv) error {
	q := tx.Bucket(bucketQueue)
	n := uint64(0)
	c := q.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		n++
	}
	return q.SetSequence(n)
}

// schemaVersion is the layout version this build writes.
func schemaVersion() uint64 { return uint64(len(migrations)) }

// migrateDB brings the file at path up to this build's schema. Steps run
// in one Update transaction, so a failing one leaves the file as it was,
// except a step with commits: the steps before it are committed first
// (with their version), and it commits as it goes, resuming on the next
// Open where it stopped.
func migrateDB(db *bolt.DB, path string, env migrateEnv) error {
	for {
		next := -1
		err := db.Update(func(tx *bolt.Tx) (err error) {
			next, err = migrate(tx, path, env)
			return err
		})
		if err != nil || next < 0 {
			return err
		}
		if env.step != nil {
			env.step(stepName(next))
		}
		if err := migrations[next].commits(db, env); err != nil {
			return fmt.Errorf("upgrade %s to schema version %d (%s): %w", path, next+1, migrations[next].name, err)
		}
	}
}

// stepName names migration v for progress: "schema 5: conversations".
func stepName(v int) string { return fmt.Sprintf("schema %d: %s", v+1, migrations[v].name) }

// migrate runs the missing steps inside one transaction, up to the first
// that commits on its own: it returns that step's index (the file is then
// recorded at that version), or -1 when the file is up to date.
func migrate(tx *bolt.Tx, path string, env migrateEnv) (int, error) {
	var have uint64
	if meta := tx.Bucket(bucketMeta); meta != nil {
		if v := meta.Get(keySchemaVersion); v != nil {
			if len(v) != 8 {
				return -1, fmt.Errorf("%s: schema version is damaged (%d bytes)", path, len(v))
			}
			have = uint64FromBytes(v)
		}
	}
	want := schemaVersion()
	if have > want {
		return -1, fmt.Errorf("%s uses schema version %d but this parley knows only up to %d; upgrade parley or use --db for a different database: %w",
			path, have, want, ErrNewerSchema)
	}
	next := -1
	for v := have; v < want; v++ {
		if migrations[v].commits != nil {
			next, want = int(v), v
			break
		}
		if env.step != nil {
			env.step(stepName(int(v)))
		}
		if err := migrations[v].run(tx, env); err != nil {
			return -1, fmt.Errorf("upgrade %s to schema version %d (%s): %w", path, v+1, migrations[v].name, err)
		}
	}
	// A safety net: every bucket the code uses exists, whatever the
	// migrations did, so no caller needs a nil check.
	if err := createBuckets(tx); err != nil {
		return -1, fmt.Errorf("prepare %s: %w", path, err)
	}
	if have != want {
		if err := tx.Bucket(bucketMeta).Put(keySchemaVersion, uint64Bytes(want)); err != nil {
			return -1, fmt.Errorf("record schema version in %s: %w", path, err)
		}
	}
	return next, nil
}

// upToDate reports whether the file is at this build's schema version
// with every bucket in place: then Open has nothing to write.
func upToDate(tx *bolt.Tx) bool {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		return false
	}
	v := meta.Get(keySchemaVersion)
	if len(v) != 8 || uint64FromBytes(v) != schemaVersion() {
		return false
	}
	for _, name := range allBuckets {
		if tx.Bucket(name) == nil {
			return false
		}
	}
	return true
}

func createBuckets(tx *bolt.Tx) error {
	for _, name := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	return nil
}

// migrateFunnel (schema 2) gives every thread of a schema 1 file its
// contacts and links; the funnel itself (stages, moves, mood) is read per
// conversation by the schema 5 step that follows (migrateConversations),
// which is the same computation Ingest does. Old records read the new
// fields as zero.
func migrateFunnel(tx *bolt.Tx, env migrateEnv) error {
	if err := createBuckets(tx); err != nil {
		return err
	}
	var ids []string
	if err := tx.Bucket(bucketThreads).ForEach(func(k, _ []byte) error {
		ids = append(ids, string(k))
		return nil
	}); err != nil {
		return err
	}
	book := newContactBook(tx)
	for _, id := range ids {
		t, err := loadThread(tx, id)
		if err != nil {
			return err
		}
		t.ourMsgs = 0
		prefix := []byte(id)
		err = eachThreadMessage(tx, id, func(_, msgID, rec []byte) error {
			m, err := decodeMessage(msgID, rec)
			if err != nil {
				return err
			}
			if m.Ours {
				if m.ReplyKey == "" { // a posted reply fetched back is counted by its reply record
					t.ourMsgs++
				}
				return nil
			}
			// The Author's contact is on the feed of the message that made
			// them the Author (the earliest of theirs by that name).
			if t.Contact == "" && t.Author != "" && strings.TrimSpace(m.Author) == t.Author {
				t.Contact = contactID(m.Feed, t.Author)
			}
			return book.saw(&m)
		})
		if err != nil {
			return err
		}
		rc := tx.Bucket(bucketReplies).Cursor()
		for k, _ := rc.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = rc.Next() {
			t.ourMsgs++
		}
		if err := saveThread(tx, &t, t.SnoozedUntil); err != nil {
			return err
		}
		book.thread(id, "", t.Contact)
	}
	return book.flush()
}
