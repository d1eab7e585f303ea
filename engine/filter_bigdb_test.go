//go:build unix

package engine

import (
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	"parley/filter"
	"parley/store"
)

// TestFilterIndexBigDB measures building the filter index from a real
// benchmark database: PARLEY_BIGDB names a COPY of it (the test opens it
// read-write). It reports time, allocation and the process's memory.
func TestFilterIndexBigDB(t *testing.T) {
	path := os.Getenv("PARLEY_BIGDB")
	if path == "" {
		t.Skip("PARLEY_BIGDB names a copy of the 100k benchmark database")
	}
	st, err := store.Open(path, store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	t.Logf("after open: %s", procMem())
	if os.Getenv("PARLEY_BIGDB_TRACE") != "" {
		stop := make(chan struct{})
		defer close(stop)
		go func() {
			for {
				select {
				case <-stop:
					return
				case <-time.After(time.Second):
					var ms runtime.MemStats
					runtime.ReadMemStats(&ms)
					t.Logf("  heap %d MB, sys %d MB, released %d MB; %s", ms.HeapAlloc>>20, ms.HeapSys>>20, ms.HeapReleased>>20, procMem())
				}
			}
		}()
	}
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	start := time.Now()
	defer tightGC()()
	ix := filter.NewIndex()
	if _, err := putRows(st, ix, nil, false); err != nil {
		t.Fatal(err)
	}
	report := func(what string, took time.Duration) {
		runtime.ReadMemStats(&ms1)
		runtime.GC()
		var ms2 runtime.MemStats
		runtime.ReadMemStats(&ms2)
		if dir := os.Getenv("PARLEY_BIGDB_PROF"); dir != "" {
			if f, err := os.Create(dir + "/heap-" + what + ".prof"); err == nil {
				_ = pprof.WriteHeapProfile(f)
				f.Close()
			}
		}
		t.Logf("%s: %d threads in %v, allocated %d MB, heap after GC %d MB; %s", what, ix.Len(), took,
			(ms1.TotalAlloc-ms0.TotalAlloc)>>20, ms2.HeapAlloc>>20, procMem())
		ms0 = ms1
	}
	report("facts", time.Since(start))
	start = time.Now()
	if err := st.FilterTexts(func(id string, texts [][]byte) error { ix.AddTexts(id, texts); return nil }); err != nil {
		t.Fatal(err)
	}
	ix.Compact()
	report("words", time.Since(start))
	start = time.Now()
	if err := putContacts(st, ix, nil); err != nil {
		t.Fatal(err)
	}
	report("contacts", time.Since(start))
	start = time.Now()
	ix.Prepare()
	t.Logf("prepare (sort the lists): %v", time.Since(start))
	now := time.Now()
	for _, src := range []string{"refund", "r", "re", "is:unhappy", "stage:intent refund", `"team plan"`} {
		q, err := filter.Parse(src)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		res := ix.Match(q, filter.Env{Now: now, Queue: true})
		mid := time.Since(start)
		_ = res.Window("", false, 40, 60)
		sw := ix.StageWindow(q, filter.Env{Now: now}, 0, filter.ConvRef{}, false, 40, 60)
		t.Logf("%-22q queue %d matches in %v (window %v); stage new %d in %v", src, res.Len(), mid, time.Since(start)-mid, sw.Total, time.Since(start))
	}
	q, _ := filter.Parse("from:a")
	start = time.Now()
	cw := ix.ContactsWindow(q, filter.Env{Now: now}, filter.Contact{}, false, 40, 60)
	t.Logf("contacts from:a: %d in %v", cw.Total, time.Since(start))
	runtime.KeepAlive(ix)
}

// procMem is the process's resident memory lines from /proc.
func procMem() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return err.Error()
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		for _, k := range []string{"VmHWM", "VmRSS", "RssAnon", "RssFile"} {
			if strings.HasPrefix(l, k+":") {
				out = append(out, strings.Join(strings.Fields(l), " "))
			}
		}
	}
	return strings.Join(out, ", ")
}
