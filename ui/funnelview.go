package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"parley/filter"
	"parley/funnel"
	"parley/store"
)

// funnelScreen is view 2: how many threads are at each stage, what moved
// lately, what converted and which feeds it came from. enter on a stage
// lists its threads; enter on one of those opens it (App shows it in this
// view, and esc comes back to the list).
type funnelScreen struct {
	c    *Common
	keys FunnelKeys

	report store.FunnelReport
	feeds  []store.FeedFunnel // report.Feeds, best converting first
	loaded bool
	err    error
	gen    int // of the newest report load; older answers are dropped
	stage  int // cursor over the stage rows

	// The list of one stage's conversations (a person in a thread), when
	// listing: a window of it around the cursor (window.go).
	listing   bool
	listStage funnel.Stage
	list      windowList[convRow]
	// team: the counts per teammate, shown instead (funnelteam.go).
	team teamFunnel
	// filter is the / filter of the stage lists (filterlists.go).
	filter filter.Query

	width, height int
}

func newFunnelScreen(c *Common) *funnelScreen {
	f := &funnelScreen{c: c, keys: c.Keys.Funnel}
	f.list.same = func(a, b convRow) bool { return a.ThreadID == b.ThreadID && a.Contact == b.Contact }
	return f
}

func (f *funnelScreen) SetSize(w, h int) {
	f.width, f.height = w, h
	f.list.setRows(f.listRows())
}

// listRows is how many thread rows fit under the list's title and header.
func (f *funnelScreen) listRows() int { return max(1, f.height-2) }

// reload asks for a fresh report, and the open stage list if any.
func (f *funnelScreen) reload() tea.Cmd {
	f.gen++
	cmds := []tea.Cmd{loadFunnel(f.c.B, f.gen, f.c.Now())}
	if f.team.on {
		cmds = append(cmds, loadTeamCounts(f.c.B))
	}
	if f.listing {
		cmds = append(cmds, f.readList(f.list.reload()))
	}
	return tea.Batch(cmds...)
}

// readList reads a window of the listed stage.
func (f *funnelScreen) readList(r windowReq[convRow]) tea.Cmd {
	if !f.filter.Empty() {
		return loadFilteredStage(f.c.B, f.listStage, f.filter, f.c.Now(), r)
	}
	return loadStageWindow(f.c.B, f.listStage, r)
}

func (f *funnelScreen) setReport(r store.FunnelReport) {
	f.report, f.loaded, f.err = r, true, nil
	// The store orders feeds by what they earn: the question this table
	// answers is which feeds sell.
	f.feeds = r.Feeds
}

func (f *funnelScreen) selected() (convRow, bool) {
	if !f.listing {
		return convRow{}, false
	}
	return f.list.selected()
}

// intentPlus is the threads of a feed that reached intent or beyond.
func intentPlus(ff store.FeedFunnel) int {
	n := 0
	for st := funnel.Intent; int(st) < len(ff.Stages); st++ {
		n += ff.Stages[st]
	}
	return n
}

func (f *funnelScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case funnelLoadedMsg:
		if msg.gen != f.gen {
			return f, nil
		}
		if msg.err != nil {
			f.err = msg.err
			return f, nil
		}
		f.setReport(msg.report)
	case windowMsg[convRow]:
		if f.listing && msg.list == stageListName(f.listStage) {
			f.list.set(msg)
		}
	case tea.KeyPressMsg:
		if f.listing {
			return f, f.updateList(msg)
		}
		return f, f.updateStages(msg)
	}
	return f, nil
}

func (f *funnelScreen) updateStages(msg tea.KeyPressMsg) tea.Cmd {
	n := len(funnel.Stages)
	switch {
	case key.Matches(msg, f.keys.Down):
		f.stage++
	case key.Matches(msg, f.keys.Up):
		f.stage--
	case key.Matches(msg, f.keys.Top), key.Matches(msg, f.keys.HalfUp):
		f.stage = 0
	case key.Matches(msg, f.keys.Bottom), key.Matches(msg, f.keys.HalfDown):
		f.stage = n - 1
	case key.Matches(msg, f.keys.List):
		f.listing, f.listStage = true, funnel.Stages[f.stage]
		f.list.reset(f.listRows())
		return f.readList(f.list.head())
	}
	f.stage = clampInt(f.stage, 0, n-1)
	return nil
}

func (f *funnelScreen) updateList(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, f.keys.Back):
		f.listing = false
		f.list.reset(f.listRows())
		return nil
	case key.Matches(msg, f.keys.Open):
		if c, ok := f.selected(); ok {
			return emit(openThreadMsg{id: c.ThreadID, contact: c.Contact, from: viewFunnel})
		}
		return nil
	}
	if r, ok, _ := f.list.handle(f.keys.Motion, msg); ok {
		return f.readList(r)
	}
	return nil
}

func (f *funnelScreen) View() string {
	if f.listing {
		return f.viewList()
	}
	if f.team.on {
		return f.teamView()
	}
	s := f.c.Styles
	switch {
	case f.err != nil:
		return s.Error.Render("Could not read the funnel: " + f.err.Error())
	case !f.loaded:
		return s.Muted.Render("Loading the funnel…")
	case f.report.Threads == 0:
		return s.Muted.Render("The funnel is empty: no threads yet. It fills as feeds are polled and you reply" + f.c.fetchHint() + ".")
	}
	r := f.report
	w := f.width
	lines := []string{s.Title.Render("Funnel") + s.Muted.Render(" · "+plural(r.Conversations, "conversation")+" · "+
		cases(r.People, "1 person", "%d people")+" · "+plural(r.Threads, "thread")+keyHint(f.c.Keys.Funnel.List, " · %s: list"))}

	// Stage rows: name, bar, count now, moves in over 7 and 30 days.
	const nameW, countW, in7W, in30W = 10, 6, 9, 10
	barW := clampInt(w-2-nameW-1-1-countW-1-in7W-1-in30W, 4, 60)
	maxN := 0
	for _, sc := range r.Stages {
		maxN = max(maxN, sc.Now)
	}
	lines = append(lines, s.Muted.Render(fit("  "+fit("STAGE", nameW)+" "+fit("", barW)+" "+fmt.Sprintf("%*s", countW, "NOW")+" "+
		fmt.Sprintf("%*s", in7W+1+in30W, "MOVED IN"), w)))
	for i, sc := range r.Stages {
		count := fmt.Sprintf("%*d", countW, sc.Now)
		in7 := fmt.Sprintf("%*s", in7W, fmt.Sprintf("+%d 7d", sc.In7))
		in30 := fmt.Sprintf("%*s", in30W, fmt.Sprintf("+%d 30d", sc.In30))
		b := fit(bar(sc.Now, maxN, barW), barW)
		if i == f.stage {
			lines = append(lines, s.Selected.Render(fit("› "+fit(sc.Stage.String(), nameW)+" "+b+" "+count+" "+in7+" "+in30, w)))
			continue
		}
		lines = append(lines, "  "+s.StageStyle(sc.Stage).Render(fit(sc.Stage.String(), nameW))+" "+s.Bar.Render(b)+" "+
			count+" "+s.Muted.Render(in7+" "+in30))
	}

	lines = append(lines, "")
	lines = append(lines, f.summary(w)...)

	// Per feed: which feeds bring buyers.
	lines = append(lines, "")
	lines = append(lines, f.feedLines(w, f.height-len(lines))...)
	return strings.Join(lines, "\n")
}

// summary is the one-line (two when narrow) roll-up under the stages.
func (f *funnelScreen) summary(w int) []string {
	s := f.c.Styles
	r := f.report
	parts := []string{
		fmt.Sprintf("unhappy %d", r.Unhappy),
		fmt.Sprintf("won back %d (%d in 30d)", r.WonBack, r.WonBack30),
		fmt.Sprintf("conversions %d", r.Conversions),
		"revenue " + formatRevenue(r.Revenue),
	}
	sep := s.Muted.Render(" · ")
	var out []string
	line := ""
	for _, p := range parts {
		switch {
		case line == "":
			line = p
		case lipgloss.Width(line)+lipgloss.Width(sep)+lipgloss.Width(p) <= w:
			line += sep + p
		default:
			out = append(out, line)
			line = p
		}
	}
	return append(out, fit(line, w))
}

// feedLines draws the per-feed breakdown in at most height lines.
func (f *funnelScreen) feedLines(w, height int) []string {
	s := f.c.Styles
	switch {
	case height < 1 || len(f.feeds) == 0:
		return nil
	case height == 1:
		return []string{s.Muted.Render(fmt.Sprintf("  %d feeds: a taller window shows how each converts", len(f.feeds)))}
	}
	const numW, intW, convdW, convsW, revW = 7, 7, 9, 11, 13
	fixed := 2 + 1 + numW + 1 + intW + 1 + convdW + 1 + convsW + 1 + revW + 1
	feedW := clampInt(w-fixed-8, 8, 24)
	barW := clampInt(w-fixed-feedW, 0, 30)
	out := []string{s.Muted.Render(fit("  "+fit("FEED", feedW)+" "+fmt.Sprintf("%*s %*s %*s %*s %*s", numW, "CONVS", intW, "INTENT+",
		convdW, "CONVERTED", convsW, "CONVERSIONS", revW, "REVENUE"), w))}
	// Bars show revenue (summed over currencies, as the store sorts), or
	// conversions while nothing has earned anything.
	weight := func(ff store.FeedFunnel) int64 {
		var cents int64
		for _, m := range ff.Revenue {
			cents += m.Cents
		}
		return cents
	}
	var maxW int64
	for _, ff := range f.feeds {
		maxW = max(maxW, weight(ff))
	}
	if maxW == 0 {
		weight = func(ff store.FeedFunnel) int64 { return int64(ff.Conversions) }
		for _, ff := range f.feeds {
			maxW = max(maxW, weight(ff))
		}
	}
	rows := height - 1
	shown := f.feeds
	if len(shown) > rows {
		shown = shown[:max(0, rows-1)]
	}
	for _, ff := range shown {
		rev := "–"
		if len(ff.Revenue) > 0 {
			rev = formatMoney(ff.Revenue[0])
			if len(ff.Revenue) > 1 {
				rev += "+"
			}
		}
		if lipgloss.Width(rev) > revW {
			rev = fit(rev, revW)
		}
		row := "  " + fit(ff.Feed, feedW) + " " + fmt.Sprintf("%*d %*d %*d %*d %*s", numW, ff.Conversations, intW, intentPlus(ff),
			convdW, ff.Stages[funnel.Converted], convsW, ff.Conversions, revW, rev) + " "
		out = append(out, row+s.Bar.Render(bar(int(weight(ff)), int(maxW), barW)))
	}
	if n := len(f.feeds) - len(shown); n > 0 {
		out = append(out, s.Muted.Render(fmt.Sprintf("  … %d more feeds", n)))
	}
	return out
}

func (f *funnelScreen) viewList() string {
	s := f.c.Styles
	st := f.listStage
	title := s.StageStyle(st).Bold(true).Render(st.String())
	switch {
	case f.list.err != nil:
		return title + "\n" + s.Error.Render("Could not list the conversations: "+f.list.err.Error())
	case !f.list.loaded:
		return title + "\n" + s.Muted.Render("Loading…")
	case len(f.list.items) == 0 && !f.filter.Empty():
		return title + "\n" + s.Muted.Render(filterHint(f.filter, f.c.Keys.Global.Filter))
	case len(f.list.items) == 0:
		return title + "\n" + s.Muted.Render(fmt.Sprintf("Nobody is at %s now%s.", st, keyHint(f.c.Keys.Funnel.Back, " (%s: back to the funnel)")))
	}
	w := f.width
	feedW, personW := 12, 14
	if w >= 100 {
		feedW, personW = 16, 18
	}
	const movedW = 5
	// The thread's title and the cause share what is left.
	rest := max(16, w-2-1-1-feedW-1-personW-1-1-movedW-1)
	titleW := rest * 2 / 5
	causeW := rest - titleW
	var b strings.Builder
	b.WriteString(title + s.Muted.Render(" · "+plural(f.list.count(), "conversation")+
		keyHint(f.c.Keys.Funnel.Open, " · %s: open")+keyHint(f.c.Keys.Funnel.Back, " · %s: back to the funnel")))
	b.WriteString("\n" + s.Muted.Render(fit("    "+fit("FEED", feedW)+" "+fit("PERSON", personW)+" "+fit("THREAD", titleW)+" "+
		fit("WHY", causeW)+" "+fmt.Sprintf("%*s", movedW, "MOVED"), w)))
	now := f.c.Now()
	from, to := f.list.nav.visible()
	for i := from; i < to; i++ {
		c := f.list.items[i]
		title := c.Title
		if title == "" {
			title = c.Preview
		}
		mark := convMark(c.Conversation)
		who := " " + fit(c.Feed, feedW) + " " + fit(c.Name, personW) + " "
		rest := fit(title, titleW) + " " + s.Muted.Render(fit(c.Cause, causeW)) + " " + fmt.Sprintf("%*s", movedW, age(now, c.StageAt))
		b.WriteByte('\n')
		if i == f.list.nav.cursor {
			// The row's head only, as in the queue: a move rewrites less.
			b.WriteString(s.Selected.Render(cursorMark(true)+mark+who) + rest)
			continue
		}
		b.WriteString(cursorMark(false) + styledMark(s, mark) + who + rest)
	}
	return b.String()
}

func (f *funnelScreen) ShortHelp() []key.Binding {
	if f.listing {
		return []key.Binding{f.keys.Down, f.keys.Up, f.keys.Open, f.keys.Back}
	}
	return []key.Binding{f.keys.Down, f.keys.Up, f.keys.List, f.c.Keys.Global.FetchAll}
}

func (f *funnelScreen) FullHelp() [][]key.Binding {
	if f.listing {
		return [][]key.Binding{f.keys.Motion.bindings(), {f.keys.Open, f.keys.Back, f.keys.StageForward, f.keys.StageBack}}
	}
	return [][]key.Binding{f.keys.Motion.bindings(), {f.keys.List, f.keys.ByTeammate}}
}
