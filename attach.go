package main

// parley attach: open your console on the team's `parley serve` running
// on this machine, through its local socket (server/local.go). The
// server knows you by your unix login; this side only carries the
// terminal: raw mode, the window size and its changes, and the bytes.

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/charmbracelet/x/term"
	gossh "golang.org/x/crypto/ssh"

	"parley/server"
)

const attachUsage = `Usage: parley attach DIR

Open your console on the team's parley serve running on this machine,
like tmux attach. DIR is the team directory the server was started with
(parley serve --team-dir DIR); plain parley finds it by itself when it is
/run/parley or $PARLEY_TEAM_DIR. The server knows you by your unix login:
a [[teammate]] with unix_user = "you" in its config. Anyone else is told
who can add them.
`

func attachCmd(_ options, args []string, _, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprintln(stderr, "parley attach: name the team directory, e.g. parley attach /srv/parley-team (see parley attach --help)")
		return 2
	}
	if err := attach(args[0], os.Stdin, os.Stdout, stderr); err != nil {
		return attachFailed("parley attach", err, stderr)
	}
	return 0
}

// attachFailed is the exit code of an attach that ended with err: the
// console's own exit status, or 1 with the reason (a refusal says who
// may add you).
func attachFailed(prefix string, err error, stderr io.Writer) int {
	var exit *gossh.ExitError
	if errors.As(err, &exit) {
		return exit.ExitStatus()
	}
	fmt.Fprintf(stderr, "%s: %v\n", prefix, err)
	return 1
}

func attach(dir string, in, out *os.File, stderr io.Writer) error {
	if !term.IsTerminal(in.Fd()) || !term.IsTerminal(out.Fd()) {
		return errors.New("needs a terminal (run it in one, not in a pipe)")
	}
	conn, err := server.DialLocal(dir)
	if err != nil {
		return err
	}
	defer conn.Close()
	refused := ""
	c, chans, reqs, err := gossh.NewClientConn(conn, "parley", &gossh.ClientConfig{
		User: "parley", // ignored: the server asks the kernel who we are
		// DialLocal checked that the directory's owner serves the socket.
		HostKeyCallback: gossh.InsecureIgnoreHostKey(),
		BannerCallback:  func(msg string) error { refused += msg; return nil },
	})
	if err != nil {
		if refused != "" {
			return errors.New(strings.TrimSpace(strings.TrimPrefix(refused, "parley serve: ")))
		}
		return err
	}
	client := gossh.NewClient(c, chans, reqs)
	defer client.Close()
	sess, err := client.NewSession()
	if err != nil {
		return err
	}
	defer sess.Close()
	w, h, err := term.GetSize(out.Fd())
	if err != nil {
		w, h = 80, 24
	}
	termName := os.Getenv("TERM")
	if termName == "" {
		termName = "xterm-256color"
	}
	if err := sess.RequestPty(termName, h, w, gossh.TerminalModes{}); err != nil {
		return err
	}
	for _, name := range []string{"COLORTERM", "LANG", "LC_ALL"} {
		if v := os.Getenv(name); v != "" {
			_ = sess.Setenv(name, v)
		}
	}
	sess.Stdout, sess.Stderr = out, stderr
	// Not sess.Stdin: Wait would wait for that copy, which only ends
	// with the next key after the console has closed.
	keys, err := sess.StdinPipe()
	if err != nil {
		return err
	}
	go func() { _, _ = io.Copy(keys, in) }()
	state, err := term.MakeRaw(in.Fd())
	if err != nil {
		return err
	}
	defer term.Restore(in.Fd(), state)
	winch := make(chan os.Signal, 1)
	signal.Notify(winch, syscall.SIGWINCH)
	defer signal.Stop(winch)
	go func() {
		for range winch {
			if w, h, err := term.GetSize(out.Fd()); err == nil {
				_ = sess.WindowChange(h, w)
			}
		}
	}()
	if err := sess.Shell(); err != nil {
		return err
	}
	return sess.Wait()
}
