package main

import (
	"context"
	"testing"
	"time"
)

// The command name may hold spaces and parentheses: the times are counted
// from the last ')'.
func TestStatTicks(t *testing.T) {
	line := []byte("4242 (parley (serve) x) S 1 4242 4242 34816 4242 4194560 1805 0 0 0 137 29 0 0 20 0 9 0 1234 1000 2000 18446744073709551615\n")
	got, err := statTicks(4242, line)
	if err != nil || got != 137+29 {
		t.Errorf("statTicks = %d, %v; want 166", got, err)
	}
	if _, err := statTicks(1, []byte("1 (init")); err == nil {
		t.Error("a truncated stat line gave no error")
	}
}

// A short serve-load run: the harness drives real consoles over SSH, its
// sends reach the fake Mastodon, and its checks pass on a sound server.
func TestServeLoadSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs parley serve")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	root, err := repoRoot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bin, err := buildParley(ctx, root, dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg := loadConfig{Sessions: 2, Duration: 6 * time.Second, W: 100, H: 30, Bin: bin, Mentions: 2 * time.Second}
	r, err := serveLoad(ctx, cfg, dir, t.Logf)
	if err != nil {
		t.Fatalf("%v: %v", err, r.problems)
	}
	if len(r.latencies) < 20 || r.typed == 0 || r.sent == 0 || r.posted == 0 || r.polls == 0 || r.cpuTicks <= 0 || r.peakRSS <= 0 {
		t.Errorf("figures %d latencies, %d typed, %d sent, %d posted, %d polls, %d ticks, %d peak RSS; want all positive",
			len(r.latencies), r.typed, r.sent, r.posted, r.polls, r.cpuTicks, r.peakRSS)
	}
}
