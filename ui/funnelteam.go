package ui

// The funnel view's counts per teammate (t): who moved what. The store
// keeps a counter per teammate and audited action (store.TeamCounts), so
// this reads a handful of keys, never the audit log.

import (
	"fmt"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"

	"parley/store"
)

// teamFunnel is the per-teammate table's state.
type teamFunnel struct {
	on     bool
	loaded bool
	rows   []teamRow
	err    error
}

// teamRow is one teammate's counts.
type teamRow struct {
	who                                 string
	replies, moves, done, snoozed, asgn int
}

// teamCountsMsg is the store's counters.
type teamCountsMsg struct {
	counts []store.TeamCount
	err    error
}

func loadTeamCounts(b Backend) tea.Cmd {
	return func() tea.Msg {
		c, err := b.TeamCounts(bg)
		return teamCountsMsg{counts: c, err: err}
	}
}

// toggleTeam switches the funnel view to the counts per teammate and back.
func (f *funnelScreen) toggleTeam() tea.Cmd {
	f.team.on = !f.team.on
	if f.team.on {
		return loadTeamCounts(f.c.B)
	}
	return nil
}

// setTeam takes the counters, one row per teammate, busiest first.
func (f *funnelScreen) setTeam(m teamCountsMsg) {
	f.team.loaded, f.team.err = true, m.err
	by := map[string]*teamRow{}
	var rows []*teamRow
	for _, c := range m.counts {
		r := by[c.Who]
		if r == nil {
			r = &teamRow{who: c.Who}
			by[c.Who] = r
			rows = append(rows, r)
		}
		switch c.Action {
		// A sent reply was queued first: it counts once, as queued.
		case store.AuditReplyRecorded, store.AuditReplyQueued:
			r.replies += c.N
		case store.AuditStage:
			r.moves += c.N
		case store.AuditDone:
			r.done += c.N
		case store.AuditSnoozed:
			r.snoozed += c.N
		case store.AuditAssigned:
			r.asgn += c.N
		}
	}
	f.team.rows = f.team.rows[:0]
	for _, r := range rows {
		if r.replies+r.moves+r.done+r.snoozed+r.asgn > 0 {
			f.team.rows = append(f.team.rows, *r)
		}
	}
	slices.SortStableFunc(f.team.rows, func(a, b teamRow) int {
		if d := (b.replies + b.moves) - (a.replies + a.moves); d != 0 {
			return d
		}
		return strings.Compare(a.who, b.who)
	})
}

// teamView is the table: each teammate's replies, stage moves, dones,
// snoozes and assignments.
func (f *funnelScreen) teamView() string {
	s := f.c.Styles
	switch {
	case f.team.err != nil:
		return s.Error.Render("Could not read the team counts: " + f.team.err.Error())
	case !f.team.loaded:
		return s.Muted.Render("Loading the team counts…")
	}
	lines := []string{s.Title.Render("Who moved what") + s.Muted.Render(" · per teammate, since the team began"+
		keyHint(f.c.Keys.Funnel.ByTeammate, " · %s: back to the funnel")), ""}
	const nameW, colW = 16, 9
	head := "  " + fit("TEAMMATE", nameW)
	for _, c := range []string{"REPLIES", "MOVES", "DONE", "SNOOZED", "ASSIGNED"} {
		head += fmt.Sprintf(" %*s", colW, c)
	}
	lines = append(lines, s.Muted.Render(fit(head, f.width)))
	if len(f.team.rows) == 0 {
		lines = append(lines, s.Muted.Render("  Nobody has replied, moved a stage or closed a thread yet."))
	}
	for _, r := range f.team.rows {
		name := r.who
		if name == "" {
			name = "(you, before the team)"
		}
		line := "  " + fit(name, nameW)
		for _, n := range []int{r.replies, r.moves, r.done, r.snoozed, r.asgn} {
			line += fmt.Sprintf(" %*d", colW, n)
		}
		lines = append(lines, fit(line, f.width))
	}
	return strings.Join(lines, "\n")
}
