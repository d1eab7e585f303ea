package store

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// migration moves the layout from version index to index+1 (migrations[0]
// takes an empty file to version 1). Migrations only ever get appended.
type migration struct {
	name string
	run  func(tx *bolt.Tx) error
}

// migrations is a var so tests can append a step and watch it run once.
var migrations = []migration{
	{name: "initial layout", run: createBuckets},
}

// schemaVersion is the layout version this build writes.
func schemaVersion() uint64 { return uint64(len(migrations)) }

// migrate runs inside Open's single Update transaction: if any step fails
// the file is left exactly as it was.
func migrate(tx *bolt.Tx, path string) error {
	var have uint64
	if meta := tx.Bucket(bucketMeta); meta != nil {
		if v := meta.Get(keySchemaVersion); v != nil {
			if len(v) != 8 {
				return fmt.Errorf("%s: schema version is damaged (%d bytes)", path, len(v))
			}
			have = uint64FromBytes(v)
		}
	}
	want := schemaVersion()
	if have > want {
		return fmt.Errorf("%s uses schema version %d but this parley knows only up to %d; upgrade parley or use --db for a different database: %w",
			path, have, want, ErrNewerSchema)
	}
	for v := have; v < want; v++ {
		if err := migrations[v].run(tx); err != nil {
			return fmt.Errorf("upgrade %s to schema version %d (%s): %w", path, v+1, migrations[v].name, err)
		}
	}
	// A safety net: every bucket the code uses exists, whatever the
	// migrations did, so no caller needs a nil check.
	if err := createBuckets(tx); err != nil {
		return fmt.Errorf("prepare %s: %w", path, err)
	}
	if have != want {
		if err := tx.Bucket(bucketMeta).Put(keySchemaVersion, uint64Bytes(want)); err != nil {
			return fmt.Errorf("record schema version in %s: %w", path, err)
		}
	}
	return nil
}

func createBuckets(tx *bolt.Tx) error {
	for _, name := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	return nil
}
