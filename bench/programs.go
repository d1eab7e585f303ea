package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// run is one measured run of a command that exits.
type run struct {
	Wall   time.Duration
	CPU    time.Duration // user + system
	MaxRSS int64         // bytes: the kernel's peak resident set of the process (what time -v prints)
}

// isolatedEnv gives a program a throwaway HOME and XDG dirs under home, so
// nothing reads or writes the user's own config, data or caches.
func isolatedEnv(home string) []string {
	env := []string{
		"HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(home, "config"),
		"XDG_DATA_HOME=" + filepath.Join(home, "data"),
		"XDG_STATE_HOME=" + filepath.Join(home, "state"),
		"XDG_CACHE_HOME=" + filepath.Join(home, "cache"),
		"TERM=xterm-256color",
		"LANG=C.UTF-8",
		"PATH=" + os.Getenv("PATH"),
	}
	// Ask curl (newsboat) and Go (parley) to go direct to loopback.
	return append(env, "NO_PROXY=*", "no_proxy=*")
}

// timed runs argv to completion and measures it; its output is kept for
// the error message only.
func timed(ctx context.Context, env []string, dir string, argv ...string) (run, string, error) {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env, cmd.Dir = env, dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	r := run{Wall: time.Since(start)}
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			r.MaxRSS = ru.Maxrss * 1024 // KiB on Linux
		}
		r.CPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	if err != nil {
		return r, out.String(), fmt.Errorf("%s: %w\n%s", strings.Join(argv, " "), err, tail(out.String(), 2000))
	}
	return r, out.String(), nil
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// buildParley compiles parley from the repository at root.
func buildParley(ctx context.Context, root, dir string) (string, error) {
	bin := filepath.Join(dir, "parley")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build parley in %s: %w\n%s", root, err, out)
	}
	return bin, nil
}

// repoRoot is the directory of the parley module (go.mod).
func repoRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	gomod := strings.TrimSpace(string(out))
	if err != nil || gomod == "" || gomod == os.DevNull {
		return "", errors.New("run the harness from inside the parley repository (go run ./bench)")
	}
	return filepath.Dir(gomod), nil
}

// newsboat is the installed newsboat.
type newsboat struct {
	bin     string
	version string // "newsboat 2.21.0"
}

// findNewsboat looks for newsboat and, if install is set and it is
// missing, installs the Debian package; note says what happened.
func findNewsboat(ctx context.Context, install bool) (nb *newsboat, note string) {
	bin, err := exec.LookPath("newsboat")
	if err != nil && install {
		if _, aptErr := exec.LookPath("apt-get"); aptErr != nil {
			return nil, "newsboat is not installed and there is no apt-get: its column is skipped"
		}
		out, err := exec.CommandContext(ctx, "apt-get", "install", "-y", "newsboat").CombinedOutput()
		if err != nil {
			return nil, fmt.Sprintf("newsboat is not installed and apt-get install -y newsboat failed (%v: %s): its column is skipped",
				err, strings.TrimSpace(tail(string(out), 300)))
		}
		note = "newsboat was missing: installed it with apt-get install -y newsboat"
		bin, err = exec.LookPath("newsboat")
		if err != nil {
			return nil, "apt-get installed newsboat but it is not on PATH: its column is skipped"
		}
	} else if err != nil {
		return nil, "newsboat is not installed (apt-get install newsboat): its column is skipped"
	}
	out, err := exec.CommandContext(ctx, bin, "-v").Output()
	if err != nil {
		return nil, fmt.Sprintf("newsboat -v failed (%v): its column is skipped", err)
	}
	first, _, _ := strings.Cut(string(out), "\n")
	version, _, _ := strings.Cut(first, " - ")
	return &newsboat{bin: bin, version: strings.TrimSpace(version)}, note
}

// config is a newsboat config: j bound (2.21 leaves it unbound) plus extra.
func (nb *newsboat) config(extra string) string {
	return "bind-key j down\n" + extra
}

// reload runs newsboat -x reload with a fresh cache under dir: a cold
// ingest of every feed in urls.
func (nb *newsboat) reload(ctx context.Context, dir, urls, extra string) (run, error) {
	home := filepath.Join(dir, "home")
	cfg := filepath.Join(dir, "config")
	if err := writePrivate(cfg, []byte(nb.config(extra))); err != nil {
		return run{}, err
	}
	if err := os.MkdirAll(home, 0o700); err != nil {
		return run{}, fmt.Errorf("create %s: %w", home, err)
	}
	r, _, err := timed(ctx, isolatedEnv(home), dir, nb.bin, "-u", urls, "-c", filepath.Join(dir, "cache.db"), "-C", cfg, "-x", "reload")
	return r, err
}

// countNewsboatItems counts the items in a newsboat cache with the sqlite3
// CLI, or returns -1 when it is not installed.
func countNewsboatItems(ctx context.Context, cache string) int {
	if _, err := exec.LookPath("sqlite3"); err != nil {
		return -1
	}
	out, err := exec.CommandContext(ctx, "sqlite3", cache, "SELECT count(*) FROM rss_item;").Output()
	if err != nil {
		return -1
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		return -1
	}
	return n
}

// copyFile copies src to dst (0600) and syncs it: each start-up gets a
// fresh copy, so one run cannot change what the next one reads.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("copy %s: %w", src, err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("copy to %s: %w", dst, err)
	}
	if _, err := out.ReadFrom(in); err != nil {
		out.Close()
		return fmt.Errorf("copy %s to %s: %w", src, dst, err)
	}
	// On disk before the program starts: else its first commit's fsync
	// (parley's bbolt at open) pays for writing the whole copy out.
	if err := out.Sync(); err != nil {
		out.Close()
		return fmt.Errorf("sync %s: %w", dst, err)
	}
	return out.Close()
}
