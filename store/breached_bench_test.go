package store

import (
	"testing"
	"time"
)

// BenchmarkQueueBreached100k counts SLA breaches in the 100k-thread
// queue of BenchmarkQueue100k: a few breached (the heads are counted),
// most breached (the tails), and half (both long: "1000+"). The
// baseline is what the header would cost without the ordered index:
// reading the queue whole and counting.
func BenchmarkQueueBreached100k(b *testing.B) {
	buildQueueDB()
	if queueDB.err != nil {
		b.Fatal(queueDB.err)
	}
	s := queueDB.s
	now := t0.Add(365 * 24 * time.Hour)
	for _, tc := range []struct {
		name   string
		cutoff time.Time
	}{
		{"few", t0.Add(100 * time.Second)},
		{"most", t0.Add(99_000 * time.Second)},
		{"half", t0.Add(50_000 * time.Second)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			var n Breached
			for range b.N {
				var err error
				if n, err = s.QueueBreached(tc.cutoff, 1000); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n.N), "breached")
		})
		b.Run(tc.name+"/fullscan", func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for range b.N {
				q, err := s.Queue(now)
				if err != nil {
					b.Fatal(err)
				}
				n = 0
				for _, t := range q {
					if !t.WaitingSince.After(tc.cutoff) {
						n++
					}
				}
			}
			b.ReportMetric(float64(n), "breached")
		})
	}
}
