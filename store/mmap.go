package store

import (
	"math"
	"os"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// sizeMmapFromFile switches initialMmapSize on; the ingest benchmark turns
// it off for its baseline in the same run.
var sizeMmapFromFile = true

// minMmap is the smallest map parley asks for: a fresh database's first
// fetches grow it to tens of MB.
const minMmap = 64 << 20

// initialMmapSize is how much of the database file bbolt maps at open:
// twice the file (at least minMmap). bbolt otherwise starts at the
// file's size and remaps as it grows, doubling; each remap copies no
// data but waits for every read transaction to end and costs a commit a
// munmap/mmap (about 0.16 s over a cold 10k-item fetch). Mapping past the
// end of the file costs address space, not memory: pages are only read
// in when touched.
func initialMmapSize(path string) int {
	if !sizeMmapFromFile {
		return 0
	}
	size := int64(0)
	if fi, err := os.Stat(path); err == nil {
		size = fi.Size()
	}
	limit := int64(math.MaxInt)
	if math.MaxInt == math.MaxInt32 {
		limit = 1 << 30 // 32-bit: leave address space for the heap
	}
	return int(min(max(2*size, minMmap), limit))
}

// dropEvery is how many records a walk over the file reads between two
// dropMapped: each fault maps up to 16 neighbouring pages (the kernel's
// fault-around), so a chunk of 500 threads read at random places held
// about 240 MB. Exporting the 100k bench database (one run each, same
// machine, loaded): no drops 1.0 GB peak RSS, 1.6 s system CPU; every
// 256 threads 112 MB, 9.7 s; every 128 77 MB, 10.1 s; every 64 62 MB,
// 12.3 s. The system time is the pages mapped in again after each drop.
var dropEvery = 128 // a variable so that tests can drop more often on a small file

// dropInterval is how often dropMappedEvery drops: pages already in the
// page cache map in fast (16 to a fault), so a walk maps hundreds of MB
// in 20 ms.
const dropInterval = 2 * time.Millisecond

// dropMappedEvery calls dropMapped(tx) every d until stop is called, for
// a walk that bbolt runs on its own (tx.Check reads every page of the
// file). stop waits for the last drop, so it must be called before tx
// ends.
func dropMappedEvery(tx *bolt.Tx, d time.Duration) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(d)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				dropMapped(tx)
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
	}
}

// countKeys counts b's keys, as b.Stats().KeyN would, dropping the pages
// read as it goes: Stats reads every page of the bucket and left them all
// resident (doctor held 1.2 GB of the 100k bench database, backup 0.9 GB).
func countKeys(tx *bolt.Tx, b *bolt.Bucket) int {
	n := 0
	c := b.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		if n++; n%(64*dropEvery) == 0 {
			dropMapped(tx)
		}
	}
	dropMapped(tx)
	return n
}
