package main

// parley serve: the team's one engine (the database's owner, serving the
// other commands on its control socket as the console does) and an SSH
// server where each teammate's key opens a console (package server).

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	charmlog "charm.land/log/v2"
	gossh "golang.org/x/crypto/ssh"

	"parley/feeds"
	"parley/server"
	"parley/store"
	"parley/ui"
)

const serveUsage = `Usage: parley serve [--listen ADDR] [--team-dir DIR [--team-group GROUP]]
                    [--config PATH] [--db PATH]

Run parley for a team: one engine owns the database (polls, sends, wakes
snoozes, answers parley fetch/export/backup/doctor), and an SSH server
opens a console for each teammate who logs in with one of their keys:

  ssh -t -p 2222 your-server      (the key says who you are, not the user name)

Teammates are [[teammate]] tables in the config:

  [[teammate]]
  name     = "Maya"                                  # shown to the others
  ssh_keys = ["ssh-ed25519 AAAA… maya@laptop"]       # keys that log in as her

Any other key, and every password, is refused before a session starts.
There is no shell, no command, no file transfer and no forwarding.

  --listen ADDR       where to listen (default %s: this machine only;
                      0.0.0.0:2222 for the network)
  --team-dir DIR      also serve teammates logged in on this machine: they
                      run parley (it finds DIR when it is /run/parley or
                      $PARLEY_TEAM_DIR) or parley attach DIR, and are known
                      by their login (unix_user). DIR is created 0750, its
                      socket 0660, both of --team-group
  --team-group GROUP  the group that may enter DIR (the teammates' group)

Host key: %s
  made on first start and kept (0600) beside the database (--db moves both).
It runs in the foreground and logs to the log file; SIGTERM or ctrl+c
closes every console (their drafts are saved) and stops.
`

// serveShutdownWait bounds a stop: consoles that do not save in time are
// killed (their drafts are written either way).
const serveShutdownWait = 10 * time.Second

func serveCmd(opts options, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		return unexpectedArg(stderr, "serve", args[0])
	}
	if opts.demo {
		fmt.Fprintln(stderr, "parley serve: --demo has no teammates: serve a config with [[teammate]] tables (see parley serve --help)")
		return 2
	}
	// The teammates first: without them there is nothing to serve, and
	// nothing should be opened or created.
	cfg, err := feeds.LoadConfig(opts.config)
	if errors.Is(err, feeds.ErrNoConfig) {
		fmt.Fprintf(stderr, "parley serve: no config at %s: add [[teammate]] tables with ssh_keys there (see parley serve --help)\n", opts.config)
		return 1
	}
	if err != nil {
		fmt.Fprintf(stderr, "parley serve: %v\n", err)
		return 1
	}
	if !checkKeys(cfg, stderr, "parley serve") {
		return 1
	}
	if opts.group != "" && opts.teamDir == "" {
		fmt.Fprintln(stderr, "parley serve: --team-group names the group of --team-dir: give both (see parley serve --help)")
		return 2
	}
	if !anyKey(cfg.Teammates) && (opts.teamDir == "" || !anyUnixUser(cfg.Teammates)) {
		fmt.Fprintf(stderr, "parley serve: %s has no [[teammate]] with ssh_keys (or unix_user, with --team-dir), so no one could log in: add one (see parley serve --help)\n", cfg.Path)
		return 1
	}

	_, st, noConfig, err := setup(opts)
	if errors.Is(err, store.ErrLocked) {
		if who, herr := store.ControlHello(opts.db, helloWait); herr == nil {
			fmt.Fprintf(stderr, "parley serve: parley is already open on %s%s: quit it first (parley serve must be the database's only owner)\n",
				absPath(opts.db), ownerAt(who))
			return 1
		}
		err = ownerUnreachable(err, absPath(opts.db))
	}
	if err != nil {
		fmt.Fprintf(stderr, "parley serve: %v\n", cleanErr(err))
		return 1
	}
	defer st.Close()

	keyPath := filepath.Join(filepath.Dir(absPath(opts.db)), server.HostKeyFile)
	hostKey, created, err := server.LoadHostKey(keyPath)
	if err != nil {
		fmt.Fprintf(stderr, "parley serve: %v\n", err)
		return 1
	}
	if created {
		slog.Info("made the server's host key", "path", keyPath, "fingerprint", gossh.FingerprintSHA256(hostKey.PublicKey()))
	}
	ln, err := net.Listen("tcp", opts.listen)
	if err != nil {
		fmt.Fprintf(stderr, "parley serve: %v (another parley serve, or --listen names another address)\n", err)
		return 1
	}

	// wish logs a console that ended with an error through charm's
	// logger, to stderr by default: it goes to the log file with the rest.
	charmlog.SetDefault(charmlog.New(slogWriter{}))

	// From here a stop signal is a clean stop, also during start-up.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	eng := ownerEngine(opts, cfg, noConfig, st, userName())
	eng.Start(ctx)
	defer eng.Close() // after the consoles, before st.Close

	srv, err := server.New(server.Config{Engine: eng, Teammates: cfg.Teammates, HostKey: hostKey,
		UI: withDaily(ui.Deps{Feeds: cfg.Feeds, ConfigPath: cfg.Path, TrackLink: cfg.Funnel.TrackLink, Keys: cfg.Keys, NoMouse: cfg.NoMouse,
			Views: cfg.Views}, cfg)})
	if err != nil {
		ln.Close()
		fmt.Fprintf(stderr, "parley serve: %v\n", err)
		return 1
	}
	served := make(chan error, 2)
	go func() { served <- srv.Serve(ln) }()
	if opts.teamDir != "" {
		local, err := listenTeam(opts.teamDir, opts.group)
		if err != nil {
			fmt.Fprintf(stderr, "parley serve: %v\n", err)
			_ = srv.Shutdown(context.Background())
			return 1
		}
		go func() { served <- srv.ServeLocal(local) }()
		// So a plain parley on this database attaches (teamfind.go).
		unrecord, err := recordTeamDir(opts.db, opts.teamDir)
		if err != nil {
			slog.Warn("plain parley will not find this server by itself", "err", err)
		}
		defer unrecord()
	}
	fmt.Fprintln(stderr, serveBanner(ln.Addr().String(), hostKey.PublicKey(), cfg.Teammates, opts.teamDir, opts.log))
	slog.Info("parley serve started", "listen", ln.Addr().String(), "teammates", len(cfg.Teammates), "db", absPath(opts.db))

	code := 0
	select {
	case s := <-sigs:
		slog.Info("signal, closing the consoles and stopping", "signal", s)
	case <-st.DamagedNotify():
		slog.Error("database damaged, stopping", "err", st.Damaged())
		code = 1
	case err := <-served:
		// Serve ends on its own only when the listener fails.
		slog.Error("ssh server stopped", "err", err)
		fmt.Fprintf(stderr, "parley serve: %v\n", err)
		code = 1
	}
	sctx, scancel := context.WithTimeout(context.Background(), serveShutdownWait)
	defer scancel()
	if err := srv.Shutdown(sctx); err != nil {
		slog.Error("shutdown", "err", err)
		fmt.Fprintf(stderr, "parley serve: %v\n", err)
		code = 1
	}
	if err := st.Damaged(); err != nil {
		fmt.Fprintf(stderr, "parley serve: %v\n", err)
		code = 1
	}
	slog.Info("parley serve stopped")
	return code
}

// listenTeam makes the team directory and listens on its socket.
func listenTeam(dir, group string) (net.Listener, error) {
	dir = absPath(dir)
	if err := server.PrepareTeamDir(dir, group); err != nil {
		return nil, err
	}
	return server.ListenLocal(dir)
}

// anyUnixUser says whether any teammate can attach locally.
func anyUnixUser(team []feeds.Teammate) bool {
	for _, tm := range team {
		if tm.UnixUser != "" {
			return true
		}
	}
	return false
}

// anyKey says whether any teammate can log in over SSH.
func anyKey(team []feeds.Teammate) bool {
	for _, tm := range team {
		if len(tm.SSHKeys) > 0 {
			return true
		}
	}
	return false
}

// serveBanner is what serve prints once it listens: where, for whom, and
// the host key's fingerprint for teammates to check on first login.
func serveBanner(addr string, hostKey gossh.PublicKey, team []feeds.Teammate, teamDir, logPath string) string {
	var who, keyless, local []string
	for _, tm := range team {
		if len(tm.SSHKeys) > 0 {
			who = append(who, tm.Name)
		} else {
			keyless = append(keyless, tm.Name)
		}
		if tm.UnixUser != "" {
			local = append(local, tm.UnixUser)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "parley serve: listening on %s for %s\n", addr, strings.Join(who, ", "))
	fmt.Fprintf(&b, "  host key %s (teammates check it on their first ssh)\n", gossh.FingerprintSHA256(hostKey))
	if len(keyless) > 0 {
		fmt.Fprintf(&b, "  no ssh_keys, so no SSH login: %s\n", strings.Join(keyless, ", "))
	}
	if teamDir != "" {
		fmt.Fprintf(&b, "  on this machine: parley attach %s (for %s)\n", absPath(teamDir), strings.Join(local, ", "))
	}
	fmt.Fprintf(&b, "  log %s; ctrl+c or SIGTERM stops (drafts are saved)", logPath)
	return b.String()
}

// slogWriter hands a library's log lines to the log file.
type slogWriter struct{}

func (slogWriter) Write(p []byte) (int, error) {
	slog.Warn(strings.TrimSpace(string(p)), "from", "wish")
	return len(p), nil
}
