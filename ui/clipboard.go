package ui

// Copying goes through OSC 52 (tea.SetClipboard), which reaches the
// clipboard of the machine the terminal runs on, also over SSH. Nothing
// answers whether it arrived, so the console finds out what it can about
// the terminal and says how to make it work; y in the thread copies a
// recorded reply again once it does.

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"parley/store"
)

// clipboardCheckedMsg carries the note the status line adds after a copy
// ("" when nothing speaks against OSC 52).
type clipboardCheckedMsg struct{ note string }

// Notes for terminals that drop OSC 52. Short: they follow a status.
const (
	tmuxClipNote = "if tmux drops it: tmux set -g set-clipboard on" // withClipNote adds ", then y"
	noOSC52Note  = "this terminal ignores OSC 52 copies: select the text with shift+drag"
)

// checkClipboard looks at the terminal's environment. tmux's default
// (set-clipboard external) drops an application's OSC 52; the local
// console asks tmux for the option (tmuxOption), a remote one cannot and
// assumes the default.
func checkClipboard(getenv func(string) string, tmuxOption func() (string, error)) tea.Cmd {
	return func() tea.Msg { return clipboardCheckedMsg{note: clipboardNote(getenv, tmuxOption)} }
}

func clipboardNote(getenv func(string) string, tmuxOption func() (string, error)) string {
	switch {
	case getenv("TMUX") != "":
		if tmuxOption != nil {
			if v, err := tmuxOption(); err == nil && strings.TrimSpace(v) == "on" {
				return ""
			}
		}
		return tmuxClipNote
	case getenv("TERM_PROGRAM") == "Apple_Terminal", getenv("VTE_VERSION") != "" && getenv("TERM_PROGRAM") == "":
		// Terminal.app and the VTE terminals (GNOME Terminal, Tilix…)
		// have never implemented OSC 52 writes.
		return noOSC52Note
	}
	return ""
}

// localTmuxOption asks the tmux server this console runs in for its
// set-clipboard option.
func localTmuxOption() (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "tmux", "show-options", "-gv", "set-clipboard").Output()
	return string(out), err
}

// clipboardEnv is where the console learns about its terminal: deps.Getenv
// for a remote session (no tmux to ask), else this process.
func clipboardEnv(deps Deps) (func(string) string, func() (string, error)) {
	if deps.Getenv != nil {
		return deps.Getenv, nil
	}
	return os.Getenv, localTmuxOption
}

// withClipNote adds the clipboard note to a status that says something
// was copied: "Link copied (if tmux drops it: …)".
func (a *App) withClipNote(status string) string {
	if a.clipNote == "" {
		return status + "."
	}
	note := a.clipNote
	if note == tmuxClipNote { // copy again once tmux passes it on
		note += keyHint(a.c.Keys.Thread.Copy, ", then %s")
	}
	return status + " (" + note + ")."
}

// copiedMsg says y copied something in the thread.
type copiedMsg struct{ what string }

// lastReplyTo is our newest recorded reply to the person the thread
// addresses (to), else to anyone in it.
func lastReplyTo(replies []store.Reply, to string) (store.Reply, bool) {
	var any *store.Reply
	for i := len(replies) - 1; i >= 0; i-- {
		r := &replies[i]
		if r.Text == "" {
			continue
		}
		if r.To == to {
			return *r, true
		}
		if any == nil {
			any = r
		}
	}
	if any != nil {
		return *any, true
	}
	return store.Reply{}, false
}

// copyInThread is y in the thread: our last recorded reply to the person
// addressed (copy again, after fixing the clipboard or for another tab),
// else the thread's link.
func (t *threadScreen) copyInThread() tea.Cmd {
	if r, ok := lastReplyTo(t.replies, t.to); ok {
		return tea.Batch(tea.SetClipboard(r.Text), emit(copiedMsg{what: "Your reply of " + r.At.Local().Format("Jan 2 15:04") + " copied"}))
	}
	if link := t.link(); link != "" {
		// The addressed person's link, else the thread's (thread_link.go).
		return copyLink(link)
	}
	return emit(statusMsg{text: "Nothing to copy: no reply recorded here and no link."})
}
