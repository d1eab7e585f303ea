package main

// go run ./bench serve-load: one parley serve, N teammates logged in over
// SSH at once (x/crypto/ssh clients with a pty, their screens kept by a
// terminal emulator), each moving in the queue, opening threads, typing
// drafts and sending replies to a loopback fake Mastodon while new
// mentions arrive and polls ingest them. It reports key-to-frame latency
// (a key written to the first byte of the frame after it), the server's
// RSS and CPU, and checks that no draft was lost, nothing was posted
// twice and nothing failed.

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/x/vt"
	gossh "golang.org/x/crypto/ssh"

	"parley/feeds/fakeapi"
	"parley/store"
)

const loadToken = "serve-load-token"

type loadConfig struct {
	Sessions int
	Duration time.Duration
	W, H     int
	Bin      string
	Mentions time.Duration // a new mention and a poll this often
}

func serveLoadCmd(ctx context.Context, args []string, stdout, stderr io.Writer, log logf) error {
	fs := flag.NewFlagSet("serve-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := loadConfig{}
	size := dims{100, 30}
	fs.IntVar(&cfg.Sessions, "sessions", 20, "teammates logged in at once")
	fs.DurationVar(&cfg.Duration, "duration", 60*time.Second, "how long they work")
	fs.Var(&size, "size", "each session's terminal size")
	fs.StringVar(&cfg.Bin, "bin", "", "a built parley (default: build the repository's)")
	fs.DurationVar(&cfg.Mentions, "mentions", 3*time.Second, "new mentions arrive and are polled (parley fetch) this often")
	if err := parse(fs, args); err != nil {
		return err
	}
	if cfg.Sessions < 1 || cfg.Duration <= 0 {
		fmt.Fprintln(stderr, "-sessions and -duration must be positive")
		return errUsage
	}
	cfg.W, cfg.H = size.a, size.b
	_, scratch, err := scratchWithParley(ctx, log, "parley-load", &cfg.Bin)
	if err != nil {
		return err
	}
	defer os.RemoveAll(scratch)
	r, err := serveLoad(ctx, cfg, scratch, log)
	if r != nil {
		r.report(stdout, cfg)
	}
	return err
}

// loadResult is what a run measured and found.
type loadResult struct {
	latencies         []time.Duration
	noFrame           int // keys that changed nothing on screen (no frame within a second)
	typed, sent, kept int
	posted, polls     int
	cpuTicks          int64
	rss, peakRSS      int64
	problems          []string
	startupSessions   time.Duration
	serveLogErrors    []string
	pendingAtEnd      int
}

func (r *loadResult) problem(format string, args ...any) {
	r.problems = append(r.problems, fmt.Sprintf(format, args...))
}

func serveLoad(ctx context.Context, cfg loadConfig, scratch string, log logf) (*loadResult, error) {
	r := &loadResult{}
	fake := fakeapi.NewMastodon(loadToken)
	defer fake.Close()
	for i := range 2 * cfg.Sessions {
		fake.AddMention(fmt.Sprintf("user%02d@social.example", i%17), fmt.Sprintf("question %d: does the export keep accents?", i), "", "public")
	}
	home := filepath.Join(scratch, "home")
	env := append(isolatedEnv(home), "PARLEY_LOAD_TOKEN="+loadToken)
	var conf strings.Builder
	fmt.Fprintf(&conf, "ours = [\"@quillstone\"]\n\n[[feed]]\nname = \"Mastodon\"\nkind = \"mastodon\"\nserver = %q\ntoken_env = \"PARLEY_LOAD_TOKEN\"\nevery = \"1m\"\n", fake.URL)
	signers := make([]gossh.Signer, cfg.Sessions)
	for i := range signers {
		priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{byte(i + 1)}, ed25519.SeedSize))
		s, err := gossh.NewSignerFromKey(priv)
		if err != nil {
			return nil, err
		}
		signers[i] = s
		fmt.Fprintf(&conf, "\n[[teammate]]\nname = \"T%02d\"\nssh_keys = [%q]\n", i, strings.TrimSpace(string(gossh.MarshalAuthorizedKey(s.PublicKey()))))
	}
	if err := writePrivate(filepath.Join(home, "config", "parley", "config.toml"), []byte(conf.String())); err != nil {
		return nil, err
	}
	srv, addr, err := startServeProcess(ctx, cfg.Bin, env)
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	pid := srv.cmd.Process.Pid
	log("parley serve on %s (pid %d); %d sessions log in", addr, pid, cfg.Sessions)

	start := time.Now()
	sessions := make([]*loadSession, cfg.Sessions)
	for i := range sessions {
		s, err := openLoadSession(addr, signers[i], i, cfg.W, cfg.H)
		if err != nil {
			return r, fmt.Errorf("session %d: %w", i, err)
		}
		defer s.close()
		sessions[i] = s
	}
	for _, s := range sessions {
		if !s.waitFor("question", 30*time.Second) {
			return r, fmt.Errorf("session %d never showed the queue:\n%s", s.n, s.text())
		}
	}
	r.startupSessions = time.Since(start)
	log("all %d consoles show the queue after %s; working for %s", cfg.Sessions, fmtDur(r.startupSessions), cfg.Duration)

	ticks0, err := cpuTicks(pid)
	if err != nil {
		return r, err
	}
	deadline := time.Now().Add(cfg.Duration)
	var wg sync.WaitGroup
	for _, s := range sessions {
		wg.Add(1)
		go func() { defer wg.Done(); s.work(deadline) }()
	}
	// New mentions arrive; parley fetch (through serve's control socket)
	// polls them in while the teammates work.
	for n := 0; time.Now().Before(deadline); n++ {
		fake.AddMention(fmt.Sprintf("late%02d@social.example", n%11), fmt.Sprintf("question late %d: is there a Flatpak?", n), "", "public")
		fetch := exec.CommandContext(ctx, cfg.Bin, "fetch")
		fetch.Env = env
		if out, err := fetch.CombinedOutput(); err != nil {
			r.problem("parley fetch: %v: %s", err, strings.TrimSpace(string(out)))
		}
		r.polls++
		if m, err := procMemory(pid); err == nil {
			r.peakRSS = max(r.peakRSS, m.Peak)
			r.rss = m.Anon + m.File
		}
		time.Sleep(min(cfg.Mentions, time.Until(deadline)))
	}
	wg.Wait()
	ticks1, err := cpuTicks(pid)
	if err != nil {
		return r, err
	}
	r.cpuTicks = ticks1 - ticks0
	if m, err := procMemory(pid); err == nil {
		r.peakRSS = max(r.peakRSS, m.Peak)
		r.rss = m.Anon + m.File
	}

	typed := map[string]string{} // marker -> teammate
	for _, s := range sessions {
		r.latencies = append(r.latencies, s.latencies...)
		r.noFrame += s.noFrame
		r.sent += s.sent
		r.kept += s.kept
		for _, m := range s.typed {
			typed[m] = s.name
		}
		r.problems = append(r.problems, s.problems...)
		s.close()
	}
	r.typed = len(typed)
	// Every console closes (its drafts written), then the server stops.
	time.Sleep(time.Second)
	srv.stop()
	if data, err := os.ReadFile(filepath.Join(home, "state", "parley", "parley.log")); err == nil {
		for line := range strings.Lines(string(data)) {
			if strings.Contains(line, "level=ERROR") {
				r.serveLogErrors = append(r.serveLogErrors, strings.TrimSpace(line))
			}
		}
	}
	r.check(fake, filepath.Join(home, "data", "parley", "parley.db"), typed)
	if len(r.problems) > 0 || len(r.serveLogErrors) > 0 {
		return r, fmt.Errorf("%d problem(s), %d error(s) in the server's log", len(r.problems), len(r.serveLogErrors))
	}
	return r, nil
}

// check finds every typed text in a post or its author's draft (or still
// in the outbox), and no text posted twice.
func (r *loadResult) check(fake *fakeapi.Mastodon, db string, typed map[string]string) {
	posts := fake.Posted()
	r.posted = len(posts)
	st, err := store.Open(db, store.Options{MustExist: true})
	if err != nil {
		r.problem("open the database after the run: %v", err)
		return
	}
	defer st.Close()
	drafts, err := st.Drafts()
	if err != nil {
		r.problem("%v", err)
		return
	}
	pending, err := st.Pending()
	if err != nil {
		r.problem("%v", err)
		return
	}
	r.pendingAtEnd = len(pending)
	for marker, who := range typed {
		statuses := map[string]bool{}
		for _, p := range posts {
			if strings.Contains(p.Text, marker) {
				statuses[p.Status.ID] = true
			}
		}
		if len(statuses) > 1 {
			r.problem("%s's %q was posted %d times", who, marker, len(statuses))
		}
		if len(statuses) > 0 {
			continue
		}
		found := slices.ContainsFunc(drafts, func(d store.Draft) bool { return d.Who == who && strings.Contains(d.Text, marker) }) ||
			slices.ContainsFunc(pending, func(e store.OutboxEntry) bool { return strings.Contains(e.Text, marker) })
		if !found {
			r.problem("%s's %q is lost: in no post, draft or outbox entry", who, marker)
		}
	}
}

func (r *loadResult) report(w io.Writer, cfg loadConfig) {
	lat := slices.Clone(r.latencies)
	slices.Sort(lat)
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(p*float64(len(lat))))]
	}
	fmt.Fprintf(w, "Command: `go run ./bench serve-load -sessions %d -duration %s` (%d CPUs)\n\n", cfg.Sessions, cfg.Duration, numCPU())
	fmt.Fprintln(w, "| measure | value |\n|---|---:|")
	fmt.Fprintf(w, "| sessions (SSH, pty %dx%d) | %d |\n", cfg.W, cfg.H, cfg.Sessions)
	fmt.Fprintf(w, "| all consoles showing the queue after | %s |\n", fmtDur(r.startupSessions))
	fmt.Fprintf(w, "| keys with a frame | %d (%d more changed nothing on screen) |\n", len(lat), r.noFrame)
	fmt.Fprintf(w, "| key-to-frame p50 | %s |\n", fmtDur(pct(0.50)))
	fmt.Fprintf(w, "| key-to-frame p99 | %s |\n", fmtDur(pct(0.99)))
	fmt.Fprintf(w, "| key-to-frame max | %s |\n", fmtDur(pct(1)))
	fmt.Fprintf(w, "| server CPU over the run | %.1f%% of a core (%d ticks in %s) |\n", percentOfCore(r.cpuTicks, cfg.Duration), r.cpuTicks, cfg.Duration)
	fmt.Fprintf(w, "| server RSS at the end / peak | %s / %s |\n", fmtBytes(r.rss), fmtBytes(r.peakRSS))
	fmt.Fprintf(w, "| drafts typed / sent / left as drafts | %d / %d / %d |\n", r.typed, r.sent, r.kept)
	fmt.Fprintf(w, "| posts on the fake Mastodon / still in the outbox | %d / %d |\n", r.posted, r.pendingAtEnd)
	fmt.Fprintf(w, "| polls (parley fetch through serve) | %d |\n", r.polls)
	fmt.Fprintf(w, "| lost drafts, double posts, errors | %d |\n", len(r.problems)+len(r.serveLogErrors))
	for _, p := range append(r.problems, r.serveLogErrors...) {
		fmt.Fprintf(w, "\n- %s", p)
	}
	fmt.Fprintln(w)
}

// loadSession is one teammate's SSH console and its screen.
type loadSession struct {
	n      int
	name   string
	client *gossh.Client
	sess   *gossh.Session
	stdin  io.WriteCloser

	mu       sync.Mutex
	vt       *vt.Emulator
	keyAt    time.Time // the key waiting for its frame (zero: none)
	frameLat time.Duration
	frame    chan struct{}

	inMu sync.Mutex // keys and the emulator's answers share stdin

	latencies      []time.Duration
	noFrame        int
	typed          []string // markers typed in drafts
	sent, kept     int
	problems       []string
	closeOnce      sync.Once
	answersStopped chan struct{}
}

func openLoadSession(addr string, signer gossh.Signer, n, w, h int) (*loadSession, error) {
	client, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{User: fmt.Sprintf("t%02d", n),
		Auth: []gossh.AuthMethod{gossh.PublicKeys(signer)}, HostKeyCallback: gossh.InsecureIgnoreHostKey(), // loopback, just made
		Timeout: 10 * time.Second})
	if err != nil {
		return nil, err
	}
	sess, err := client.NewSession()
	if err != nil {
		client.Close()
		return nil, err
	}
	s := &loadSession{n: n, name: fmt.Sprintf("T%02d", n), client: client, sess: sess, vt: vt.NewEmulator(w, h),
		frame: make(chan struct{}, 1), answersStopped: make(chan struct{})}
	if err := sess.RequestPty("xterm-256color", h, w, gossh.TerminalModes{}); err != nil {
		s.close()
		return nil, err
	}
	if s.stdin, err = sess.StdinPipe(); err != nil {
		s.close()
		return nil, err
	}
	out, err := sess.StdoutPipe()
	if err != nil {
		s.close()
		return nil, err
	}
	if err := sess.Shell(); err != nil {
		s.close()
		return nil, err
	}
	go s.read(out)
	go s.answer()
	return s, nil
}

// read feeds the screen; the first bytes after a key are its frame.
func (s *loadSession) read(out io.Reader) {
	buf := make([]byte, 32<<10)
	for {
		n, err := out.Read(buf)
		if n > 0 {
			now := time.Now()
			s.mu.Lock()
			_, _ = s.vt.Write(buf[:n])
			if !s.keyAt.IsZero() {
				s.frameLat, s.keyAt = now.Sub(s.keyAt), time.Time{}
				select {
				case s.frame <- struct{}{}:
				default:
				}
			}
			s.mu.Unlock()
		}
		if err != nil {
			return
		}
	}
}

// answer sends the emulator's replies to the console's terminal queries.
func (s *loadSession) answer() {
	defer close(s.answersStopped)
	buf := make([]byte, 1024)
	for {
		n, err := s.vt.Read(buf)
		if err != nil {
			return
		}
		s.inMu.Lock()
		_, _ = s.stdin.Write(buf[:n])
		s.inMu.Unlock()
	}
}

func (s *loadSession) text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.vt.String()
}

func (s *loadSession) waitFor(want string, within time.Duration) bool {
	deadline := time.Now().Add(within)
	for !strings.Contains(s.text(), want) {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}

// key presses k and waits (up to a second) for the frame it causes.
func (s *loadSession) key(k string) {
	s.mu.Lock()
	s.keyAt = time.Now()
	select {
	case <-s.frame:
	default:
	}
	s.mu.Unlock()
	s.inMu.Lock()
	_, err := io.WriteString(s.stdin, k)
	s.inMu.Unlock()
	if err != nil {
		s.problems = append(s.problems, fmt.Sprintf("%s: type %q: %v", s.name, k, err))
		return
	}
	select {
	case <-s.frame:
		s.mu.Lock()
		s.latencies = append(s.latencies, s.frameLat)
		s.mu.Unlock()
	case <-time.After(time.Second):
		s.mu.Lock()
		s.keyAt = time.Time{}
		s.mu.Unlock()
		s.noFrame++
	}
}

// work is a teammate's loop until deadline: move, open a thread, start a
// reply, type it, then send it or leave it as a draft, and go back.
func (s *loadSession) work(deadline time.Time) {
	think := func() { time.Sleep(150 * time.Millisecond) }
	for round := 0; time.Now().Before(deadline); round++ {
		for range 1 + (s.n+round)%4 {
			s.key("j")
			think()
		}
		s.key("k")
		think()
		s.key("\r")
		if !s.waitFor("esc back", 3*time.Second) {
			s.key("\x1b")
			continue
		}
		s.key("r")
		if !s.waitFor("send to Mastodon", 3*time.Second) {
			// A warning first (a teammate drafts here): go on to the next.
			s.key("\x1b")
			s.key("\x1b")
			continue
		}
		marker := fmt.Sprintf("%s-r%03d", strings.ToLower(s.name), round)
		for _, c := range " answer " + marker {
			s.key(string(c))
			time.Sleep(40 * time.Millisecond)
		}
		if !s.waitFor(marker, 3*time.Second) {
			s.problems = append(s.problems, fmt.Sprintf("%s: typed %q but the composer does not show it:\n%s", s.name, marker, s.text()))
		}
		s.typed = append(s.typed, marker)
		if round%2 == 0 {
			s.key("\x13") // ctrl+s
			s.sent++
			time.Sleep(time.Second)
		} else {
			s.kept++
		}
		s.key("\x1b") // leave the composer (a draft is kept)
		think()
		s.key("\x1b") // back to the queue
		think()
	}
}

func (s *loadSession) close() {
	s.closeOnce.Do(func() {
		_ = s.sess.Close()
		_ = s.client.Close()
		if c, ok := s.vt.InputPipe().(io.Closer); ok {
			_ = c.Close()
		}
		select {
		case <-s.answersStopped:
		case <-time.After(time.Second):
		}
	})
}
