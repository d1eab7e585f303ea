package ui

// Presence: each console tells the backend which thread it shows and
// whether a reply is being written there; every console shows who else
// is on a thread, in the queue row and the thread's title line, and r
// where a teammate is drafting warns once before composing.

import (
	"strings"
	"sync"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"parley/events"
)

// teamState is what the console knows of its teammates.
type teamState struct {
	// others are the other teammates' presence, by thread; never this
	// console's user.
	others map[string][]events.Presence
	// teammates are the config's teammate names (the assign picker).
	teammates []string
	// report sends this console's presence (presenceReporter).
	report presenceReporter
}

// presenceMsg is every console's presence as the backend holds it.
type presenceMsg []events.Presence

func loadPresence(b Backend) tea.Cmd {
	return func() tea.Msg { return presenceMsg(b.Presence(bg)) }
}

// setPresence keeps the others' presence.
func (c *Common) setPresence(all []events.Presence) {
	others := map[string][]events.Presence{}
	for _, p := range all {
		if p.Who != c.user && p.ThreadID != "" {
			others[p.ThreadID] = append(others[p.ThreadID], p)
		}
	}
	c.team.others = others
}

// presenceText says who else is on a thread, those typing first:
// "bob typing, maya viewing". Empty when nobody is.
func (c *Common) presenceText(threadID string) string {
	ps := c.team.others[threadID]
	if len(ps) == 0 {
		return ""
	}
	var typing, viewing []string
	seen := map[string]bool{}
	for _, p := range ps {
		if p.Drafting && !seen[p.Who] {
			seen[p.Who] = true
			typing = append(typing, termText(p.Who)+" typing")
		}
	}
	for _, p := range ps {
		if !seen[p.Who] {
			seen[p.Who] = true
			viewing = append(viewing, termText(p.Who)+" viewing")
		}
	}
	return strings.Join(append(typing, viewing...), ", ")
}

// drafter is a teammate drafting a reply on the thread ("": none).
func (c *Common) drafter(threadID string) string {
	for _, p := range c.team.others[threadID] {
		if p.Drafting {
			return p.Who
		}
	}
	return ""
}

// presence is what a console reports.
type presence struct {
	thread   string
	drafting bool
}

// presenceReporter sends the newest presence, in order: each command
// sends whatever is newest when it runs, one command at a time (sending),
// so two quick changes (open, then r) can never land reversed. Update
// takes only mu, never waiting on a send.
type presenceReporter struct {
	mu      sync.Mutex // want, started
	want    presence
	started bool
	sending sync.Mutex // sent, and one send at a time
	sent    presence
}

// myPresence is what this console shows now.
func (a *App) myPresence() presence {
	if !a.threadShown() {
		return presence{}
	}
	return presence{thread: a.thread.thread.ID, drafting: a.thread.showComposer()}
}

// reportPresence tells the backend when what this console shows changed
// (called after every Update).
func (a *App) reportPresence() tea.Cmd {
	if a.c.B == nil {
		return nil
	}
	r := &a.c.team.report
	now := a.myPresence()
	r.mu.Lock()
	changed := now != r.want || !r.started
	r.want, r.started = now, true
	r.mu.Unlock()
	if !changed {
		return nil
	}
	b := a.c.B
	return func() tea.Msg {
		r.sending.Lock()
		defer r.sending.Unlock()
		r.mu.Lock()
		want := r.want
		r.mu.Unlock()
		if want != r.sent {
			_ = b.SetPresence(bg, want.thread, want.drafting)
			r.sent = want
		}
		return nil
	}
}

// titleLine is the thread's title with who else is there at its right.
func (t *threadScreen) titleLine() string {
	s := t.c.Styles
	title := postTitle(t.thread.Title, t.thread.Author) // posttitle.go
	if title == "" {
		title = "(untitled)"
	}
	// Done or snoozed first (threadstate.go): a long title is what gets cut.
	state := threadState(t.thread, t.c.Now(), t.c.Keys.Thread.Done)
	if state != "" {
		state = s.Warn.Render(state + " · ")
	}
	who := t.c.presenceText(t.thread.ID)
	if who == "" {
		return state + s.Title.Render(fit(title, max(1, t.width-lipgloss.Width(state))))
	}
	who = cutCells(who, max(1, t.width/2))
	left := state + s.Title.Render(fit(title, max(1, t.width-lipgloss.Width(state)-lipgloss.Width(who)-2)))
	gap := max(1, t.width-lipgloss.Width(left)-lipgloss.Width(who))
	return left + strings.Repeat(" ", gap) + s.Warn.Render(who)
}

// draftWarning is r's first answer on a thread where a teammate drafts;
// the second r composes anyway.
func draftWarning(who string, reply key.Binding) string {
	return termText(who) + " is drafting a reply here" + keyHint(reply, " — %s again to reply anyway")
}

// rowTail is a queue row's tail: who else is on the thread, then how
// many more people wait.
func (c *Common) rowTail(threadID, more string) string {
	who := c.presenceText(threadID)
	switch {
	case who == "":
		return more
	case more == "":
		return who
	}
	return who + " · " + more
}
