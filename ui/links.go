package ui

// Links: o opens the thread's link (the addressed person's message, else
// the thread's) in a browser, y copies it (OSC 52), and the thread header
// shows it whole, wrapped, as an OSC 8 hyperlink.
//
// o runs $BROWSER (else xdg-open, or open on macOS) in a command, never in
// Update. Where the browser would open on the wrong machine (the console
// reached over SSH: SSH_CONNECTION in the environment Bubble Tea reports,
// or a `parley serve` session) it copies instead and says so.

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// termEnv is what the console knows of the user's terminal from its
// environment (tea.EnvMsg).
type termEnv struct {
	ssh         bool   // SSH_CONNECTION or SSH_TTY set
	tmux        bool   // TMUX set: escape sequences need passthrough
	term        string // TERM
	termProgram string // TERM_PROGRAM
	browser     string // BROWSER
	// noHyperlinks: TERM says the terminal cannot take OSC 8 (the Linux
	// console, dumb), or PARLEY_NO_HYPERLINKS is set.
	noHyperlinks bool
	// vte: VTE_VERSION set (GNOME Terminal, Tilix...): it speaks OSC 777.
	vte bool
}

func newTermEnv(getenv func(string) string) termEnv {
	e := termEnv{
		ssh:         getenv("SSH_CONNECTION") != "" || getenv("SSH_TTY") != "",
		tmux:        getenv("TMUX") != "",
		term:        getenv("TERM"),
		termProgram: getenv("TERM_PROGRAM"),
		browser:     getenv("BROWSER"),
		vte:         getenv("VTE_VERSION") != "",
	}
	switch e.term {
	case "linux", "dumb", "vt100", "vt220":
		e.noHyperlinks = true
	}
	if getenv("PARLEY_NO_HYPERLINKS") != "" {
		e.noHyperlinks = true
	}
	return e
}

// remoteUser reports whether a browser started here would open on
// another machine than the user's.
func (c *Common) remoteUser() bool { return c.remote || c.env.ssh }

// linkMsg reports o or y.
type linkMsg struct {
	text  string
	isErr bool
}

// safeLink is link as it may go to a terminal or a browser's command
// line: an absolute http(s) URL, with every byte outside printable ASCII
// percent-encoded, so it can carry no escape sequence, no space and no
// option ("-" first); "" when it is none.
func safeLink(link string) string {
	link = strings.TrimSpace(link)
	u, err := url.Parse(link)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	var b strings.Builder
	for i := 0; i < len(link); i++ {
		c := link[i]
		if c <= ' ' || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '`' {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// copyLink copies link with OSC 52.
func copyLink(link string) tea.Cmd {
	l := safeLink(link)
	if l == "" {
		return emit(statusMsg{text: "This thread has no web link to copy."})
	}
	// copiedMsg: the status adds why the copy may not arrive (clipboard.go).
	return tea.Batch(tea.SetClipboard(l), emit(copiedMsg{what: "Link copied: " + l}))
}

// browserWait is how long o waits for the browser command to fail: an
// opener (xdg-open) exits at once, a browser run directly runs on, and
// then its start is all there is to report.
const browserWait = 2 * time.Second

// openLink opens link in the user's browser, or copies it when the
// browser would open elsewhere. copy is the key that copies it instead
// (named when the browser fails).
func (c *Common) openLink(link string, copy key.Binding) tea.Cmd {
	l := safeLink(link)
	if l == "" {
		return emit(statusMsg{text: "This thread has no web link to open."})
	}
	if c.remoteUser() {
		return tea.Batch(tea.SetClipboard(l), emit(linkMsg{
			text: "Over SSH a browser would open on the server, not your machine: link copied instead (OSC 52): " + l}))
	}
	name, args := browserCommand(c.env.browser)
	return func() tea.Msg {
		return linkMsg{text: runBrowser(name, append(args, l), keyHint(copy, " Press %s to copy it:"))}
	}
}

// browserCommand is $BROWSER's first entry (a colon-separated list, each
// a command and its arguments), else the platform's opener.
func browserCommand(browser string) (string, []string) {
	if first, _, _ := strings.Cut(browser, ":"); strings.TrimSpace(first) != "" {
		f := strings.Fields(first)
		return f[0], f[1:]
	}
	if runtime.GOOS == "darwin" {
		return "open", nil
	}
	return "xdg-open", nil
}

// runBrowser starts the browser detached from the terminal (no stdin,
// stdout or stderr: it must not draw over the console) and says how it
// went; copyHint (" Press y to copy it:") ends a failure.
func runBrowser(name string, args []string, copyHint string) string {
	link := args[len(args)-1]
	cmd := exec.Command(name, args...)
	if err := cmd.Start(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return fmt.Sprintf("Could not open the link: %s is not installed (set $BROWSER).%s %s", name, copyHint, link)
		}
		return fmt.Sprintf("Could not open the link with %s: %v", name, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	ctx, cancel := context.WithTimeout(context.Background(), browserWait)
	defer cancel()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Sprintf("Could not open the link: %s failed (%v).%s %s", name, err, copyHint, link)
		}
	case <-ctx.Done():
		// Still running: a browser started directly. It is reaped by the
		// goroutine above when it exits.
	}
	return fmt.Sprintf("Opened in %s: %s", name, link)
}

// hyperlink draws text as an OSC 8 link to link where the terminal takes
// them; text must be plain (no escape sequences). id ties the pieces of
// a wrapped link into one link for the terminal.
func (c *Common) hyperlink(text, link, id string) string {
	l := safeLink(link)
	if l == "" || c.env.noHyperlinks {
		return text
	}
	return ansi.SetHyperlink(l, "id="+id) + text + ansi.ResetHyperlink()
}

// wrapLink cuts a link into rows of width cells, whole: a link is one
// word, and a row cut with an ellipsis hides where a reply goes.
func wrapLink(link string, width int) []string {
	width = max(width, 8)
	var rows []string
	r := []rune(link)
	for len(r) > width {
		rows = append(rows, string(r[:width]))
		r = r[width:]
	}
	return append(rows, string(r))
}
