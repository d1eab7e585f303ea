// Package ui is parley's console: one root model (App) owns the screen and
// routes messages to the screen on view; every disk or network access runs
// in a tea.Cmd (cmds.go), never in Update or View.
package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"parley/events"
	"parley/filter"
	"parley/store"
)

type view int

const (
	viewQueue view = iota
	viewFunnel
	viewContacts
	viewFeeds
)

var viewNames = []string{"1 queue", "2 funnel", "3 contacts", "4 feeds"}

// App is the root model.
type App struct {
	deps Deps
	c    *Common
	help help.Model
	spin spinner.Model

	queue    *queueScreen
	thread   *threadScreen // the open thread, nil when none
	feedsV   *feedsScreen
	funnel   *funnelScreen
	contacts *contactsScreen
	// threadView is the view the open thread belongs to (where it was
	// opened): it shows there in place of that view's list, and esc goes
	// back to that list.
	threadView view

	view     view
	showHelp bool
	// helpScroll is the first line of the help overlay shown when it is
	// taller than the window.
	helpScroll int
	// snoozing is the thread whose snooze menu is open.
	snoozing *store.Thread
	// assigning is the open assign picker (assign.go); replyWarned, the
	// thread where r just warned of a teammate's draft (teamkeys.go).
	assigning   *assignPicker
	replyWarned string
	// bulkSnooze: the snooze menu is for the selected rows (bulk.go).
	bulkSnooze bool
	// undos are this session's actions, for u (undo.go).
	undos undoStack
	// filt is the / line (filter.go).
	filt filterLine
	// pendingOpen drops thread loads the user has already moved away from.
	pendingOpen string
	// opening: a thread load is in flight. Keys typed meanwhile wait in
	// typeahead and are replayed once it shows, so Enter then r (typed
	// ahead over a slow link) opens the composer instead of racing a
	// second load of the same thread.
	opening   bool
	typeahead []tea.Msg

	fetching map[string]bool
	// queueLoading: a queue read is in flight; queueStale: the queue
	// changed since it began (see reloadQueue).
	queueLoading, queueStale bool
	spinning                 bool
	status                   string
	statusErr                bool
	// stop is the quit after a signal (drafts.go).
	stop shutdownState
	// frames lets a burst of keys share frames (frames.go).
	frames frameCache
	// live: changes waiting to be shown (live.go).
	live liveState
	// breached is the header's SLA count; breachSeq drops stale counts (sla.go).
	breached  store.Breached
	breachSeq int
	// notify: live arrivals that ring and notify (notify.go).
	notify notifyState
	// round tallies what R fetched (fetchround.go); nil: none asked.
	round *fetchRound
	// clipNote says why a copy may not reach the clipboard (clipboard.go).
	clipNote string
}

// New builds the console on deps.Backend.
func New(deps Deps) *App {
	if deps.Now == nil {
		deps.Now = time.Now
	}
	keys := DefaultKeyMap()
	ApplyKeys(keys, deps.ConfigPath, deps.Keys)
	c := &Common{Styles: NewStyles(true), Keys: keys, B: deps.Backend, Now: deps.Now, Width: 80, Height: 24,
		unsaved: map[string]string{}, trackLink: deps.TrackLink, configPath: deps.ConfigPath,
		feedKinds: map[string]string{}, user: deps.User, team: teamState{teammates: deps.Teammates},
		remote: deps.Remote, sla: deps.SLA,
		templates: deps.Templates, templateDir: deps.TemplateDir, templateProblems: deps.TemplateProblems}
	for _, f := range deps.Feeds {
		c.feedKinds[f.Name] = f.Kind
	}
	a := &App{deps: deps, c: c, help: help.New(), fetching: map[string]bool{}, filt: newFilterLine(deps.Views)}
	c.Keys.Global.nameViews(viewNamesOf(deps.Views))
	a.help.Styles = c.Styles.Help
	a.spin = spinner.New(spinner.WithSpinner(spinner.MiniDot))
	a.queue = newQueueScreen(c)
	if len(deps.Feeds) == 0 && !deps.Demo {
		a.queue.welcome = welcomeText(c.Styles, c.Keys, deps.ConfigPath)
	}
	a.feedsV = newFeedsScreen(c, deps.Feeds, func() string { return a.spin.View() })
	a.funnel = newFunnelScreen(c)
	a.contacts = newContactsScreen(c)
	a.notify = notifyState{cfg: deps.Notify, since: deps.Now(), clock: time.Now}
	a.resize()
	return a
}

func welcomeText(s *Styles, km *KeyMap, configPath string) string {
	press := joinHints(", ", keyHint(km.Global.Help, "%s for keys"), keyHint(km.Global.Quit, "%s to quit"))
	if press != "" {
		press = "Press " + press + "."
	}
	return s.Title.Render("Welcome to parley.") + "\n\n" +
		"No feeds are configured yet. Add one to\n  " + s.Accent.Render(configPath) + "\n\n" +
		s.Muted.Render(welcomeConfig) + "\n\n" +
		"then start parley again. To look around first, run " + s.Accent.Render("parley --demo") + ".\n" +
		press
}

func (a *App) Init() tea.Cmd {
	cmds := []tea.Cmd{tea.RequestBackgroundColor, a.reloadQueue(),
		loadFeedStates(a.c.B), clockTick(), waitEvent(a.c.B.Events()), a.listen(), loadPresence(a.c.B), checkClipboard(clipboardEnv(a.deps))}
	return tea.Batch(cmds...)
}

// threadShown reports whether the open thread is on screen: it belongs to
// the view on display.
func (a *App) threadShown() bool {
	return a.thread != nil && a.threadView == a.view
}

func (a *App) active() screen {
	if a.threadShown() {
		return a.thread
	}
	switch a.view {
	case viewFunnel:
		return a.funnel
	case viewContacts:
		return a.contacts
	case viewFeeds:
		return a.feedsV
	}
	return a.queue
}

// Body is the screen minus the header and footer lines.
func (a *App) resize() {
	w, h := a.c.Width, max(1, a.c.Height-2)
	a.help.SetWidth(w)
	a.queue.SetSize(w, h)
	a.feedsV.SetSize(w, h)
	a.funnel.SetSize(w, h)
	a.contacts.SetSize(w, h)
	if a.thread != nil {
		a.thread.SetSize(w, h)
	}
}

func (a *App) setStatus(text string, isErr bool) {
	a.status, a.statusErr = text, isErr
}

// reloadQueue reads the queue again. At most one read is in flight: a
// request meanwhile (hundreds of feeds arriving at start-up) marks the
// queue stale and one more read follows, instead of one per feed.
func (a *App) reloadQueue() tea.Cmd {
	if a.queueLoading {
		a.queueStale = true
		return nil
	}
	a.queueLoading = true
	return a.queue.reload()
}

// refreshView reloads what the funnel or contacts view shows when it is on
// display (entering a view loads it anyway).
func (a *App) refreshView() tea.Cmd {
	switch a.view {
	case viewFunnel:
		return a.funnel.reload()
	case viewContacts:
		return a.contacts.reload()
	case viewFeeds:
		return loadFeedCounts(a.c.B, a.c.Now())
	}
	return nil
}

// quit saves the open draft first, then ends the program.
func (a *App) quit() tea.Cmd {
	var save tea.Cmd
	if a.thread != nil {
		save = a.thread.saveIfChanged()
	}
	return tea.Sequence(save, tea.Quit)
}

func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, cmd := a.update(msg)
	return m, tea.Batch(cmd, a.reportPresence())
}

func (a *App) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.c.Width, a.c.Height = msg.Width, msg.Height
		a.resize()
		return a, nil
	case tea.BackgroundColorMsg:
		*a.c.Styles = *NewStyles(msg.IsDark())
		a.help.Styles = a.c.Styles.Help
		if a.thread != nil {
			a.thread.input.SetStyles(a.c.Styles.TextArea)
			a.thread.layout()
		}
		return a, nil
	case ShutdownMsg:
		return a, a.startShutdown()
	case tea.KeyPressMsg:
		a.stop.input++
		if a.opening && !key.Matches(msg, a.c.Keys.Global.ForceQuit) {
			a.holdTypeahead(msg)
			return a, nil
		}
		cmd := a.handleKey(msg)
		return a, tea.Batch(cmd, a.typed())
	case tea.PasteMsg:
		a.stop.input++
		if a.filt.editing {
			return a, a.filterEdit(msg)
		}
		if a.opening {
			a.holdTypeahead(msg)
			return a, nil
		}
		if a.threadShown() {
			_, cmd := a.thread.Update(msg)
			return a, tea.Batch(cmd, a.typed())
		}
		return a, nil
	case tea.MouseWheelMsg, tea.MouseClickMsg:
		return a, a.handleMouse(msg) // mouse.go
	case repaintMsg:
		a.frames.armed = false
		return a, nil
	case spinner.TickMsg:
		if len(a.fetching) == 0 {
			a.spinning = false
			return a, nil
		}
		var cmd tea.Cmd
		a.spin, cmd = a.spin.Update(msg)
		return a, cmd
	}
	return a, a.handleResult(msg)
}

func (a *App) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	// A status line answers the last action; the next key makes room for
	// the key hints again.
	a.setStatus("", false)
	g := a.c.Keys.Global
	if key.Matches(msg, g.ForceQuit) {
		return a.quit()
	}
	if a.filt.editing {
		return a.filterKey(msg)
	}
	if a.snoozing != nil {
		return a.handleSnoozeKey(msg)
	}
	if a.showHelp {
		a.helpKey(msg) // helpoverlay.go
		return nil
	}
	if cmd, ok := a.teamKey(msg); ok {
		return cmd
	}
	if !a.composing() {
		switch {
		case key.Matches(msg, g.Quit):
			return a.quit()
		case key.Matches(msg, g.Help):
			a.showHelp = true
			return nil
		case key.Matches(msg, g.NextView):
			a.view = (a.view + 1) % 4
			return a.enterView()
		case key.Matches(msg, g.Queue):
			a.view = viewQueue
			if !a.queue.filter.Empty() {
				// 1 is the whole queue; a saved view is 5 to 9.
				a.filt.input.SetValue("")
				return a.applyFilter(filter.Query{})
			}
			return a.enterView()
		case key.Matches(msg, g.Filter) && a.filterable():
			return a.startFilter()
		case key.Matches(msg, a.c.Keys.Queue.Undo) && !a.threadShown():
			return a.undo()
		case key.Matches(msg, g.Funnel):
			a.view = viewFunnel
			return a.enterView()
		case key.Matches(msg, g.Contacts):
			a.view = viewContacts
			return a.enterView()
		case key.Matches(msg, g.Feeds):
			a.view = viewFeeds
			return a.enterView()
		case key.Matches(msg, g.FetchAll):
			return tea.Batch(a.fetchAll(), a.refreshView())
		}
		if v, ok := a.savedView(msg); ok {
			return a.showFilter(v.Filter)
		}
	}
	if a.view == viewQueue && !a.threadShown() {
		if cmd, ok := a.handleQueueExtra(msg); ok {
			return cmd
		}
		qk := a.c.Keys.Queue
		t, ok := a.queue.selected()
		switch {
		// A row is about its waiting person: opening it addresses them,
		// and > < move their conversation.
		case key.Matches(msg, qk.Open) && ok:
			return a.open(t.ID, t.Waiter.Contact, false, viewQueue)
		case key.Matches(msg, qk.Reply) && ok:
			return a.open(t.ID, t.Waiter.Contact, true, viewQueue)
		case key.Matches(msg, qk.StageForward) && ok:
			return a.stageStep(t.ID, t.Waiter.Contact, 1)
		case key.Matches(msg, qk.StageBack) && ok:
			return a.stageStep(t.ID, t.Waiter.Contact, -1)
		case key.Matches(msg, qk.Done) && ok:
			return a.doneOrReopen(t)
		case key.Matches(msg, qk.Snooze) && ok:
			a.snoozing = &t
			return nil
		}
	}
	// The conversation lists of the funnel and contacts views take > and
	// < too, so a person's stage can be fixed where it is seen to be wrong.
	if !a.threadShown() {
		var (
			c         convRow
			ok        bool
			fwd, back key.Binding
		)
		switch a.view {
		case viewFunnel:
			c, ok = a.funnel.selected()
			fwd, back = a.c.Keys.Funnel.StageForward, a.c.Keys.Funnel.StageBack
		case viewContacts:
			c, ok = a.contacts.selectedConv()
			fwd, back = a.c.Keys.Contacts.StageForward, a.c.Keys.Contacts.StageBack
		}
		switch {
		case ok && key.Matches(msg, fwd):
			return a.stageStep(c.ThreadID, c.Contact, 1)
		case ok && key.Matches(msg, back):
			return a.stageStep(c.ThreadID, c.Contact, -1)
		}
	}
	_, cmd := a.active().Update(msg)
	return cmd
}

func (a *App) composing() bool {
	return a.threadShown() && a.thread.composing
}

func (a *App) enterView() tea.Cmd {
	switch a.view {
	case viewFeeds:
		return tea.Batch(loadFeedStates(a.c.B), loadFeedCounts(a.c.B, a.c.Now()))
	case viewQueue:
		return a.reloadQueue()
	}
	return a.refreshView()
}

// stageStep moves one person's stage in a thread by hand, one step
// (delta 1 or -1); contactID "" is the starter.
func (a *App) stageStep(id, contactID string, delta int) tea.Cmd {
	return moveStage(a.c.B, id, contactID, delta, a.c.Now())
}

func (a *App) fetchAll() tea.Cmd {
	if !a.c.B.PollNow(bg) {
		a.setStatus("No feeds to fetch.", false)
		return nil
	}
	a.setStatus("Fetching all feeds…", false)
	a.round = newFetchRound(a.deps.Feeds, time.Now())
	return nil
}

// maxTypeahead bounds the keys held while a thread loads; a load takes
// milliseconds, so more than this means something is stuck, and the
// extra keys are dropped rather than replayed into an unknown state.
const maxTypeahead = 256

func (a *App) holdTypeahead(msg tea.Msg) {
	if len(a.typeahead) < maxTypeahead {
		a.typeahead = append(a.typeahead, msg)
	}
}

// replayTypeahead ends the open in flight and feeds the keys typed
// meanwhile to the console as it now is. A replayed key may start another
// open; the keys after it then wait for that one.
func (a *App) replayTypeahead() tea.Cmd {
	a.opening = false
	held := a.typeahead
	a.typeahead = nil
	var cmds []tea.Cmd
	for i, m := range held {
		if a.opening {
			a.typeahead = append(a.typeahead, held[i:]...)
			break
		}
		_, cmd := a.Update(m)
		cmds = append(cmds, cmd)
	}
	return tea.Batch(cmds...)
}

// open loads a thread to show in view from (the list it was picked in),
// addressing the person contactID ("": whoever waits longest, else the
// starter).
func (a *App) open(id, contactID string, compose bool, from view) tea.Cmd {
	a.pendingOpen = id
	a.opening = true
	st, lastN := a.c.B, threadFits(a.c.Height)
	return func() tea.Msg {
		m := loadThread(st, id, a.c.Now, lastN)().(threadLoadedMsg)
		return openedMsg{threadLoadedMsg: m, compose: compose, from: from, contact: contactID}
	}
}

type openedMsg struct {
	threadLoadedMsg
	compose bool
	from    view
	contact string
}

func (a *App) handleSnoozeKey(msg tea.KeyPressMsg) tea.Cmd {
	sk := a.c.Keys.Snooze
	t := *a.snoozing
	now := a.c.Now()
	var until time.Time
	switch {
	case key.Matches(msg, sk.Hour):
		until = now.Add(time.Hour)
	case key.Matches(msg, sk.Tomorrow):
		until = nextMorning(now, 1)
	case key.Matches(msg, sk.NextWeek):
		days := (8 - int(now.Weekday())) % 7 // to next Monday
		if days == 0 {
			days = 7
		}
		until = nextMorning(now, days)
	case key.Matches(msg, sk.Cancel):
		a.snoozing, a.bulkSnooze = nil, false
		return nil
	default:
		return nil
	}
	a.snoozing = nil
	if a.bulkSnooze {
		a.bulkSnooze = false
		return a.bulk(bulkSnooze, a.queue.pickedThreads(), until)
	}
	return changeThread(a.c.B, t.ID, t.Title, action{kind: "snooze", until: until})
}

// nextMorning is 9:00 local time, days from now.
func nextMorning(now time.Time, days int) time.Time {
	y, m, d := now.AddDate(0, 0, days).Date()
	return time.Date(y, m, d, 9, 0, 0, 0, now.Location())
}

// closeThread goes back to the list the thread was opened from, and
// reloads it: what was done in the thread may have moved it.
func (a *App) closeThread() tea.Cmd {
	var save tea.Cmd
	if a.thread != nil {
		save = a.thread.saveIfChanged()
	}
	owner := a.threadView
	a.thread = nil
	a.threadView = viewQueue
	a.pendingOpen = ""
	cmds := []tea.Cmd{save, a.reloadQueue()}
	if a.opening {
		// The load in flight will be dropped; the keys held for it must not be.
		cmds = append(cmds, a.replayTypeahead())
	}
	switch owner {
	case viewFunnel:
		cmds = append(cmds, a.funnel.reload())
	case viewContacts:
		cmds = append(cmds, a.contacts.reload())
	}
	return tea.Batch(cmds...)
}

// handleResult handles everything that is not input: command results,
// intents from screens, poller events.
func (a *App) handleResult(msg tea.Msg) tea.Cmd {
	if cmd, ok := a.handleOutbox(msg); ok {
		return cmd
	}
	if cmd, ok := a.handleLive(msg); ok {
		return cmd
	}
	if cmd, ok := a.handleFilter(msg); ok {
		return cmd
	}
	switch msg := msg.(type) {
	case queueWindowMsg:
		var again tea.Cmd
		if msg.reload {
			a.queueLoading = false
			if a.queueStale {
				a.queueStale = false
				again = a.reloadQueue()
			}
		}
		if msg.err != nil {
			a.setStatus("Could not read the queue: "+msg.err.Error(), true)
		}
		a.queue.setWindow(msg)
		if msg.reload {
			again = tea.Batch(again, a.countBreached())
		}
		return again
	case openedMsg:
		if msg.thread.ID != a.pendingOpen && msg.err == nil {
			return nil
		}
		if msg.err != nil {
			a.setStatus("Could not open the thread: "+msg.err.Error(), true)
			return a.replayTypeahead()
		}
		var save tea.Cmd
		if a.thread != nil {
			// Opening a thread from another view replaces the open one.
			save = a.thread.saveIfChanged()
		}
		loaded := msg.threadLoadedMsg
		if text, ok := a.c.unsaved[loaded.thread.ID]; ok {
			loaded.draft = text // a save still in flight is newer than the disk
		}
		var cmd tea.Cmd
		a.thread, cmd = newThreadScreen(a.c, loaded, msg.contact, msg.compose)
		a.threadView = msg.from
		a.resize()
		a.setStatus("", false)
		return tea.Batch(save, cmd, a.replayTypeahead())
	case openThreadMsg:
		return a.open(msg.id, msg.contact, false, msg.from)
	case stageStepMsg:
		return a.stageStep(msg.thread.ID, msg.contact, msg.delta)
	case stageMovedMsg:
		return a.stageMoved(msg)
	case threadInfoMsg:
		if msg.err == nil && a.thread != nil && a.thread.thread.ID == msg.thread.ID {
			a.thread.setInfo(msg)
		}
	case funnelLoadedMsg, windowMsg[convRow]:
		a.funnel.Update(msg)
	case teamCountsMsg:
		a.funnel.setTeam(msg)
	case windowMsg[store.Contact], contactConvsMsg:
		a.contacts.Update(msg)
	case backMsg:
		return a.closeThread()
	case doneMsg:
		return a.doneOrReopen(msg.thread)
	case snoozeAskMsg:
		t := msg.thread
		a.snoozing = &t
	case draftTickMsg, editorFileMsg, editorDoneMsg, editedMsg, sendCheckMsg, earlierMsg:
		if a.thread != nil {
			_, cmd := a.thread.Update(msg)
			return cmd
		}
	case draftSavedMsg:
		return a.draftSaved(msg)
	case shutdownTickMsg:
		return a.shutdownTick()
	case replyRecordedMsg:
		if cmd, ok := a.staleRefused(msg.err); ok {
			return cmd
		}
		if msg.err != nil {
			a.setStatus("Reply NOT recorded (your text is still in the composer): "+msg.err.Error(), true)
			return nil
		}
		if a.thread != nil && a.thread.thread.ID == msg.reply.ThreadID {
			a.thread.replied(msg.reply)
		}
		delete(a.queue.drafts, msg.reply.ThreadID)
		where := ""
		if msg.link != "" {
			where = " Paste it at " + msg.link
		}
		// The note comes before the link: the link is in the thread's
		// header too, the note nowhere else.
		copied := "Reply copied to the clipboard and recorded."
		if a.clipNote != "" {
			copied = a.withClipNote("Reply recorded and copied")
		}
		a.setStatus(copied+where, false)
		return a.reloadQueue()
	case threadChangedMsg:
		return a.threadChanged(msg)
	case engineMsg:
		return a.handleEvent(events.Event(msg))
	case feedStatesMsg:
		if msg.err == nil {
			a.feedsV.setStates(msg.states)
		}
	case clockMsg:
		return tea.Batch(clockTick(), a.countBreached())
	case breachedMsg:
		a.breachedCounted(msg)
	case statusMsg:
		a.setStatus(msg.text, msg.isErr)
	case presenceMsg:
		a.c.setPresence(msg)
	case assignedMsg:
		return a.assigned(msg)
	case bulkMsg:
		return a.bulkDone(msg)
	case linkMsg:
		a.setStatus(msg.text, msg.isErr)
	case arrivalsMsg:
		return a.arrived(msg)
	case notifyFlushMsg:
		return a.flushNotify()
	case unreadMsg:
		return a.unreadDone(msg)
	case tea.EnvMsg:
		a.c.env = newTermEnv(msg.Getenv)
	case clipboardCheckedMsg:
		a.clipNote = msg.note
	case copiedMsg:
		a.setStatus(a.withClipNote(msg.what), false)
	}
	return nil
}

func (a *App) stageMoved(msg stageMovedMsg) tea.Cmd {
	switch {
	case msg.err != nil:
		a.setStatus("Could not move the stage: "+msg.err.Error(), true)
		return nil
	case msg.atEnd && msg.delta > 0:
		a.setStatus(fmt.Sprintf("%s in %q is at %s, the last stage: it can't move further.", termText(msg.name), msg.title, msg.stage), false)
		return nil
	case msg.atEnd:
		a.setStatus(fmt.Sprintf("%s in %q is at %s, the first stage: it can't move back further.", termText(msg.name), msg.title, msg.stage), false)
		return nil
	}
	if !msg.undo {
		m := msg
		a.undos.push(undoEntry{move: &m})
	}
	by := ""
	if msg.move.Who != "" {
		by = ", by " + msg.move.Who
	}
	// The person and the move first: a long title is what gets cut.
	a.setStatus(fmt.Sprintf("%s: %s → %s (manual%s) in %q", termText(msg.name), msg.move.From, msg.move.To, by, msg.title), false)
	// The queue's order depends on the stage; the open thread shows its
	// history; the funnel and contacts count stages.
	cmds := []tea.Cmd{a.reloadQueue(), a.refreshView()}
	if a.thread != nil && a.thread.thread.ID == msg.threadID {
		cmds = append(cmds, loadThreadInfo(a.c.B, msg.threadID))
	}
	return tea.Batch(cmds...)
}

// handleEvent shows the backend's background work, and waits for more.
func (a *App) handleEvent(ev events.Event) tea.Cmd {
	cmds := []tea.Cmd{waitEvent(a.c.B.Events())}
	switch {
	case ev.Poll != nil:
		cmds = append(cmds, a.handlePoll(ev.Poll))
	case ev.Send != nil:
		cmds = append(cmds, a.handleSend(ev.Send))
	case ev.Woke > 0:
		cmds = append(cmds, a.reloadQueue())
	case ev.Resumed > 0:
		what := "1 reply"
		if ev.Resumed > 1 {
			what = fmt.Sprintf("%d replies", ev.Resumed)
		}
		a.setStatus("Sending "+what+" left in the outbox…", false)
	}
	return tea.Batch(cmds...)
}

// handlePoll shows a poll starting, or its result once the backend has
// stored it.
func (a *App) handlePoll(ev *events.PollEvent) tea.Cmd {
	var cmds []tea.Cmd
	if !ev.Next.IsZero() {
		a.feedsV.next[ev.Feed] = ev.Next
	}
	if ev.Started {
		a.fetching[ev.Feed] = true
		a.feedsV.fetching[ev.Feed] = true
		if !a.spinning {
			a.spinning = true
			cmds = append(cmds, a.spin.Tick)
		}
	}
	if ev.Result == nil {
		return tea.Batch(cmds...)
	}
	a.feedsV.failures[ev.Feed] = ev.Failures
	delete(a.fetching, ev.Feed)
	delete(a.feedsV.fetching, ev.Feed)
	a.feedsV.stored(*ev.Result, ev.StoreErr, a.c.Now())
	if ev.StoreErr != nil {
		a.setStatus(fmt.Sprintf("Could not store items of %q: %v", ev.Feed, ev.StoreErr), true)
	}
	a.countFetch(ev)
	cmds = append(cmds, loadFeedStates(a.c.B))
	if res := ev.Stored; res.New > 0 {
		// Reloads coalesce (reloadQueue), so a burst of results at
		// start-up costs a few reads, not one each.
		cmds = append(cmds, a.reloadQueue(), a.refreshView())
		if a.thread != nil && slices.Contains(res.Threads, a.thread.thread.ID) {
			cmds = append(cmds, a.thread.contentCmd())
		}
	}
	return tea.Batch(cmds...)
}

func (a *App) View() tea.View {
	v := tea.NewView(a.frame())
	v.AltScreen = true
	v.WindowTitle = "parley"
	if !a.deps.NoMouse {
		// Cell motion: clicks and the wheel, not every move (no redraws
		// while the pointer crosses the window).
		v.MouseMode = tea.MouseModeCellMotion
	}
	return v
}

func (a *App) render() string {
	w, h := a.c.Width, a.c.Height
	if w < minWidth || h < minHeight {
		return fmt.Sprintf("parley needs at least %dx%d\n(this window is %dx%d)", minWidth, minHeight, w, h)
	}
	body := a.active().View()
	if a.showHelp {
		body = a.helpOverlay(h - 2)
	}
	if a.snoozing != nil {
		body = a.snoozeOverlay(h - 2)
	}
	if a.assigning != nil {
		body = a.assignOverlay(h - 2)
	}
	// Pin the body to its lines so the footer never moves.
	bodyLines := strings.Split(body, "\n")
	if len(bodyLines) > h-2 {
		bodyLines = bodyLines[:h-2]
	}
	for i, l := range bodyLines {
		// Per code point, as the terminal counts (see termText).
		bodyLines[i] = cutCells(l, w)
	}
	for len(bodyLines) < h-2 {
		bodyLines = append(bodyLines, "")
	}
	return a.header() + "\n" + strings.Join(bodyLines, "\n") + "\n" + a.footer()
}

func (a *App) header() string {
	s := a.c.Styles
	var tabs []string
	for i, name := range viewNames {
		if view(i) == a.view && (a.view != viewQueue || a.viewTab() < 0) {
			tabs = append(tabs, s.ActiveTab.Render(name))
		} else {
			tabs = append(tabs, s.Tab.Render(name))
		}
	}
	tabs = append(tabs, a.viewTabs()...)
	left := s.Title.Render("parley") + " " + strings.Join(tabs, "")
	right := ""
	if a.deps.Demo {
		right = s.Warn.Render("demo") + " "
	}
	right = a.breachedBadge() + a.filterBadge() + right
	if n := len(a.fetching); n > 0 {
		right = s.Accent.Render(a.spin.View()) + s.Muted.Render(fmt.Sprintf(" fetching %d ", n)) + right
	}
	gap := a.c.Width - lipgloss.Width(left) - lipgloss.Width(right)
	if gap < 1 {
		return fit(left, a.c.Width)
	}
	return left + strings.Repeat(" ", gap) + right
}

func (a *App) footer() string {
	s := a.c.Styles
	if a.filt.editing {
		return a.filterFooter()
	}
	if a.status != "" {
		st := s.Muted
		if a.statusErr {
			st = s.Error
		}
		return st.Render(fit(a.status, a.c.Width))
	}
	var global []key.Binding
	if a.composing() {
		// Letters are text in the composer; only ctrl+c quits there.
		global = []key.Binding{a.c.Keys.Global.ForceQuit}
	} else {
		global = []key.Binding{a.c.Keys.Global.Help, a.c.Keys.Global.Quit}
	}
	// The screen's keys give way (with an ellipsis) before the global
	// ones: "? help" must always be there to find the rest.
	h := a.help
	tail := h.ShortHelpView(global)
	sep := h.Styles.ShortSeparator.Inline(true).Render(h.ShortSeparator)
	h.SetWidth(max(1, a.c.Width-lipgloss.Width(tail)-lipgloss.Width(sep)))
	return fit(h.ShortHelpView(a.active().ShortHelp())+sep+tail, a.c.Width)
}

func (a *App) snoozeOverlay(height int) string {
	sk := a.c.Keys.Snooze
	title := a.snoozing.Title
	lines := []string{
		a.c.Styles.Title.Render("Snooze until…"),
		a.c.Styles.Muted.Render(fit(title, 40)),
		"",
	}
	for _, b := range []key.Binding{sk.Hour, sk.Tomorrow, sk.NextWeek, sk.Cancel} {
		lines = append(lines, a.c.Styles.Accent.Render(b.Help().Key)+"  "+b.Help().Desc)
	}
	box := a.c.Styles.Overlay.Render(strings.Join(lines, "\n"))
	return lipgloss.Place(a.c.Width, height, lipgloss.Center, lipgloss.Center, box)
}
