package ui

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"parley/feeds"
	"parley/funnel"
	"parley/store"
)

// Intents a screen hands to App, which owns navigation and the store.
type (
	backMsg      struct{}
	doneMsg      struct{ thread store.Thread }
	snoozeAskMsg struct{ thread store.Thread }
	draftTickMsg struct{ threadID string }
	// stageStepMsg asks for a manual stage move of one person's
	// conversation: delta 1 forward, -1 back.
	stageStepMsg struct {
		thread  store.Thread
		contact string
		delta   int
	}
	// openThreadMsg asks App to open a thread in view from (the list the
	// thread was picked in), so esc returns there, addressing contact
	// (the person whose row was picked).
	openThreadMsg struct {
		id      string
		contact string
		from    view
	}
)

func emit(m tea.Msg) tea.Cmd { return func() tea.Msg { return m } }

// threadScreen shows one conversation, oldest first, with our messages and
// recorded replies in place, and the composer at the bottom.
type threadScreen struct {
	c        *Common
	keys     ThreadKeys
	ckeys    ComposeKeys
	thread   store.Thread
	messages []store.Message
	// earlier marks the older messages not read yet ("": none);
	// loadingEarlier: a read of them is in flight (threadscroll.go).
	earlier        string
	loadingEarlier bool
	replies        []store.Reply
	// outbox is the thread's replies not yet sent (queued, sending,
	// failed), oldest first.
	outbox []store.OutboxEntry
	// seen is the time of their newest message the user has been shown
	// while writing this reply: ctrl+s with anything newer in the store
	// shows it first. newSince marks messages after it as new (zero:
	// none).
	seen, newSince time.Time
	// repliesSeen is the stale-reply guard's Reply.Seen: when this
	// console last read the thread's replies (stale.go).
	repliesSeen time.Time
	// stale is the teammate's reply the last send was refused over (nil:
	// none); staleRev is the composer revision refused: a second ctrl+s
	// on that same text sends anyway.
	stale    *store.Reply
	staleRev uint64
	// history is the stage moves, oldest first; historyErr says why it
	// could not be read.
	history    []store.StageMove
	historyErr error
	// convs are the thread's people (waiting first, see people); to is
	// the contact ID of the one addressed (person.go).
	convs []store.Conversation
	to    string
	// personLine is the line of the addressed person's newest message in
	// the rendered conversation (-1: none marked), where p scrolls to.
	personLine int

	vp viewport.Model
	// vpGen counts SetContent calls; vpDrawn is the viewport's last
	// drawing: a key typed in the composer redraws the frame, not the
	// conversation above it.
	vpGen   uint64
	vpDrawn struct {
		key  [4]int
		text string
	}
	input     *textBox
	composing bool
	// picker is the saved-reply picker, open over the conversation
	// (templates.go); nil when closed.
	picker *templatePicker

	// Autosave state (drafts.go): lastSaved is what the store holds, as
	// written by save savedSeq; savedRev is the composer revision last
	// handed to a save; dirtySince is when the oldest change not handed
	// to one was made (zero: none); saveDue means a draftTickMsg is on
	// its way; saving is the seq of the autosave in flight (0: none).
	lastSaved  string
	savedSeq   uint64
	savedRev   uint64
	dirtySince time.Time
	saveDue    bool
	saving     uint64

	width, height int
}

func newThreadScreen(c *Common, m threadLoadedMsg, contact string, compose bool) (*threadScreen, tea.Cmd) {
	t := &threadScreen{c: c, keys: c.Keys.Thread, ckeys: c.Keys.Compose,
		thread: m.thread, messages: m.messages, earlier: m.earlier, replies: m.replies, outbox: m.outbox, lastSaved: m.draft,
		history: m.history, historyErr: m.historyErr, seen: seenAt(m), to: contact,
		repliesSeen: repliesSeenAt(m.readAt, m.replies, m.outbox)}
	t.setPeople(m.convs)
	t.vp = viewport.New()
	t.vp.SoftWrap = false
	t.input = newTextBox()
	t.input.Prompt = "│ "
	t.input.Placeholder = t.placeholder()
	t.input.SetStyles(c.Styles.TextArea)
	t.input.SetValue(m.draft)
	t.savedRev = t.input.Rev()
	t.SetSize(c.Width, c.Height)
	var cmd tea.Cmd
	if compose {
		cmd = t.startCompose()
	}
	t.vp.GotoBottom()
	t.showPerson() // person.go
	return t, cmd
}

// seenAt is what the user has seen of a thread they open: all of it, but
// with a draft from earlier, only their messages up to the draft's last
// change (later ones arrived while they were away).
func seenAt(m threadLoadedMsg) time.Time {
	if m.draft == "" || m.draftAt.IsZero() || !m.thread.LastTheirs.After(m.draftAt) {
		return m.thread.LastTheirs
	}
	var seen time.Time
	for _, msg := range m.messages {
		if !msg.Ours && !msg.Published.After(m.draftAt) && msg.Published.After(seen) {
			seen = msg.Published
		}
	}
	return seen
}

// twoWay reports whether ctrl+s posts the reply through the source.
func (t *threadScreen) twoWay() bool { return t.c.twoWay(t.thread.Feed) }

// sendVerb says what ctrl+s does here.
func (t *threadScreen) sendVerb() string {
	if t.twoWay() {
		return "send to " + feeds.KindLabel(t.c.feedKinds[t.thread.Feed])
	}
	return "copy + record"
}

func (t *threadScreen) startCompose() tea.Cmd {
	t.composing = true
	cmd := t.input.Focus()
	t.input.MoveToEnd()
	t.layout()
	return cmd
}

// showComposer: the box stays visible while a draft exists, so a returning
// user sees what they had typed.
func (t *threadScreen) showComposer() bool {
	return t.composing || !t.input.Empty()
}

func (t *threadScreen) SetSize(w, h int) {
	t.width, t.height = w, h
	t.layout()
}

func (t *threadScreen) composerHeight() int {
	return clampInt(t.height/3, 3, 10)
}

func (t *threadScreen) layout() {
	header := 3 + len(t.linkRows()) // title, meta, the link, rule
	body := t.height - header
	if t.showComposer() {
		t.input.SetWidth(t.width)
		t.input.SetHeight(t.composerHeight())
		body -= t.composerHeight() + 1 // + the rule above it
		if t.stale != nil {
			body-- // the stale-reply warning (stale.go)
		}
	}
	atBottom := t.vp.AtBottom()
	t.vp.SetWidth(t.width)
	t.vp.SetHeight(max(1, body))
	t.vp.SetContent(t.renderMessages())
	t.vpGen++
	if atBottom {
		t.vp.GotoBottom()
	}
}

// entry is a message, a recorded reply or a reply in the outbox, merged
// by time.
type entry struct {
	at     time.Time
	author string
	ours   bool
	via    string
	text   string
	link   string
	// state is an outbox reply's progress ("queued", "failed: …"); empty
	// for messages and sent replies.
	state  string
	failed bool
	new    bool // arrived since the reply being written was begun
	// byOther names the teammate who sent our reply ("": this
	// console's user, or nobody recorded).
	byOther string
	// mark: the message is the addressed person's (theirs), or ours to
	// them; only marked when several people talk in the thread.
	mark entryMark
}

type entryMark int

const (
	unmarked entryMark = iota
	markTheirs
	markOursToThem
)

func (t *threadScreen) renderMessages() string {
	s := t.c.Styles
	marking := t.multiPerson() && t.to != ""
	entries := make([]entry, 0, len(t.messages)+len(t.replies)+len(t.outbox))
	// A reply parley posted comes back from the source as a message: the
	// reply already stands for it.
	posted := make(map[string]bool, 2*len(t.replies))
	for _, r := range t.replies {
		if r.Key != "" {
			posted[r.RemoteID] = true
			posted["key:"+r.Key] = true
		}
	}
	for _, m := range t.messages {
		if posted[m.ID] || (m.ReplyKey != "" && posted["key:"+m.ReplyKey]) {
			continue
		}
		isNew := !m.Ours && !t.newSince.IsZero() && m.Published.After(t.newSince)
		e := entry{at: m.Published, author: m.Author, ours: m.Ours, text: m.Text, link: m.Link, new: isNew}
		if marking && m.Contact == t.to {
			e.mark = markTheirs
			if m.Ours {
				e.mark = markOursToThem
			}
		}
		entries = append(entries, e)
	}
	for _, r := range t.replies {
		if t.earlier != "" && len(t.messages) > 0 && r.At.Before(t.messages[0].Published) {
			continue // among the messages not read yet: it comes with them
		}
		e := entry{at: r.At, author: "You", ours: true, via: r.Via, text: r.Text, link: r.URL}
		if marking && r.To == t.to {
			e.mark = markOursToThem
		}
		t.markSender(&e, r.Who)
		if r.Key != "" {
			e.state = "sent"
		}
		entries = append(entries, e)
	}
	for _, o := range t.outbox {
		e := entry{at: o.Queued, author: "You", ours: true, via: o.Via, text: o.Text,
			state: outboxStatus(o, t.c.Now()), failed: o.State == store.OutboxFailed}
		t.markSender(&e, o.Who)
		if marking && o.To == t.to {
			e.mark = markOursToThem
		}
		entries = append(entries, e)
	}
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].at.Before(entries[j].at) })

	width := max(20, t.width-2)
	body := lipgloss.NewStyle().Width(width).PaddingLeft(2)
	now := t.c.Now()
	var b strings.Builder
	b.WriteString(t.renderHistory())
	b.WriteString("\n" + s.Rule.Render(strings.Repeat("─", max(0, t.width))) + "\n")
	if note := t.earlierNote(); note != "" {
		b.WriteString(note + "\n\n")
	}
	if marking {
		width -= 2 // the gutter
		body = body.Width(width)
	}
	t.personLine = -1
	lines := strings.Count(b.String(), "\n")
	for i, e := range entries {
		if i > 0 {
			b.WriteString("\n\n")
			lines += 2
		}
		if e.mark == markTheirs {
			t.personLine = lines // their newest message's first line, in the end
		}
		text := t.renderEntry(e, body, now)
		if marking {
			text = gutter(s, e.mark, text)
		}
		b.WriteString(text)
		lines += strings.Count(text, "\n")
	}
	return b.String()
}

// renderEntry draws one message or reply: name, age, state, then the
// text under it.
func (t *threadScreen) renderEntry(e entry, body lipgloss.Style, now time.Time) string {
	s := t.c.Styles
	var b strings.Builder
	name := s.Author.Render(termText(e.author))
	if e.mark == markTheirs {
		name = s.Accent.Bold(true).Render(termText(e.author))
	}
	meta := age(now, e.at) + " ago"
	if e.ours {
		name = s.Ours.Render("▸ " + termText(e.author))
		switch {
		case e.state != "" && e.state != "sent":
			meta += " · reply via " + e.via
		case e.via != "":
			meta += " · replied via " + e.via
		default:
			meta += " · us"
		}
		if e.byOther != "" {
			meta += " · sent by " + termText(e.byOther)
		}
	}
	b.WriteString(name + s.MsgMeta.Render("  "+meta))
	if e.new {
		b.WriteString("  " + s.Accent.Render("● new"))
	}
	switch {
	case e.failed:
		b.WriteString("  " + s.Error.Render("✗ not sent"))
	case e.state == "sent":
		b.WriteString("  " + s.OK.Render("✓ sent"))
	case e.state != "":
		b.WriteString("  " + s.Accent.Render(e.state))
	}
	b.WriteByte('\n')
	text := termText(e.text) // wrapped by lipgloss: must measure as the terminal does
	if strings.TrimSpace(text) == "" {
		text = s.Muted.Render("(no text)")
	}
	b.WriteString(body.Render(text))
	if e.ours && e.link != "" {
		b.WriteString("\n" + body.Render(s.Muted.Render(e.link)))
	}
	if e.failed {
		// Below the text, on lines of its own: the reason must be
		// readable whole.
		b.WriteString("\n" + body.Render(s.Error.Render(e.state)))
	}
	return b.String()
}

// gutter marks an entry's lines in the left column: a heavy bar for the
// addressed person's messages, a light one for our replies to them. The
// bar is a character, so it survives NO_COLOR.
func gutter(s *Styles, m entryMark, text string) string {
	bar := "  "
	switch m {
	case markTheirs:
		bar = s.Accent.Render("┃") + " "
	case markOursToThem:
		bar = s.Muted.Render("│") + " "
	}
	return bar + strings.ReplaceAll(text, "\n", "\n"+bar)
}

// renderHistory answers "why is this thread at this stage": every move
// with its age, its stages, its cause and who made it by hand.
func (t *threadScreen) renderHistory() string {
	s := t.c.Styles
	now := t.c.Now()
	stage, history := t.thread.Stage, t.history
	head := s.Author.Render("Stage history")
	if c, ok := t.person(); ok {
		// The stage is a person's: show the addressed person's moves.
		stage = c.Stage
		history = nil
		for _, m := range t.history {
			if m.Contact == c.Contact || m.Contact == "" && c.Started {
				history = append(history, m)
			}
		}
		if t.multiPerson() {
			head += s.Muted.Render(" of ") + s.Author.Render(termText(c.Name))
		}
	}
	head += s.Muted.Render(" · now ") + s.StageStyle(stage).Render(stage.String())
	switch {
	case t.historyErr != nil:
		return head + "\n" + s.Error.Render(fit("  could not read the stage history: "+t.historyErr.Error(), max(1, t.width)))
	case len(history) == 0:
		return head + s.Muted.Render(" · no moves yet")
	}
	var b strings.Builder
	b.WriteString(head)
	for _, m := range history {
		cause := m.Cause
		if m.Manual {
			cause = "manual"
			if m.Who != "" {
				cause += ", by " + m.Who
			}
		}
		line := "  " + s.Muted.Render(fit(age(now, m.At)+" ago", 8)) + " " +
			s.StageStyle(m.From).Render(m.From.String()) + " → " + s.StageStyle(m.To).Render(m.To.String()) + "  "
		// A long cause wraps under itself (a hanging indent), so the
		// times and stages stay a readable column.
		indent := lipgloss.Width(line)
		if t.width-indent < 24 {
			indent = 11
			line += "\n" + strings.Repeat(" ", indent)
		}
		wrapped := lipgloss.NewStyle().Width(max(10, t.width-indent)).Render(cause)
		wrapped = strings.ReplaceAll(wrapped, "\n", "\n"+strings.Repeat(" ", indent))
		b.WriteString("\n" + line + s.Muted.Render(wrapped))
	}
	return b.String()
}

// setInfo takes a fresh record and history after a change; the composer
// and the scroll position stay.
func (t *threadScreen) setInfo(m threadInfoMsg) {
	t.thread, t.history, t.historyErr = m.thread, m.history, m.historyErr
	t.setPeople(m.convs)
	t.layout()
}

func (t *threadScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case earlierMsg:
		return t, t.addEarlier(msg)
	case draftTickMsg:
		if msg.threadID != t.thread.ID {
			return t, nil
		}
		return t, t.autosave()
	case sendCheckMsg:
		return t, t.checkedSend(msg)
	case draftSavedMsg:
		return t, t.saved(msg)
	case editorFileMsg:
		if msg.err != nil {
			return t, emit(statusMsg{text: "Could not prepare the editor: " + msg.err.Error(), isErr: true})
		}
		return t, runEditor(msg)
	case editorDoneMsg:
		return t, readEditorFile(msg)
	case editedMsg:
		if msg.threadID != t.thread.ID {
			return t, nil
		}
		if msg.err != nil {
			return t, emit(statusMsg{text: "Draft unchanged: " + msg.err.Error(), isErr: true})
		}
		t.input.SetValue(msg.text)
		t.layout()
		return t, t.saveIfChanged()
	case tea.KeyPressMsg:
		if t.composing {
			return t, t.updateCompose(msg)
		}
		return t, t.updateRead(msg)
	case tea.PasteMsg:
		if t.composing {
			return t, t.updateCompose(msg)
		}
	}
	return t, nil
}

func (t *threadScreen) updateRead(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, t.keys.Back):
		return emit(backMsg{})
	case key.Matches(msg, t.keys.Reply):
		return t.startCompose()
	case key.Matches(msg, t.keys.Done):
		return emit(doneMsg{t.thread})
	case key.Matches(msg, t.keys.Snooze):
		return emit(snoozeAskMsg{t.thread})
	case key.Matches(msg, t.keys.StageForward):
		return emit(stageStepMsg{thread: t.thread, contact: t.to, delta: 1})
	case key.Matches(msg, t.keys.StageBack):
		return emit(stageStepMsg{thread: t.thread, contact: t.to, delta: -1})
	case key.Matches(msg, t.keys.OpenLink):
		return t.c.openLink(t.link(), t.c.Keys.Thread.Copy)
	case key.Matches(msg, t.keys.MarkUnread):
		return markUnread(t.c.B, t.thread.ID, t.thread.Title)
	case key.Matches(msg, t.keys.NextPerson):
		t.nextPerson(1)
	case key.Matches(msg, t.keys.PrevPerson):
		t.nextPerson(-1)
	case key.Matches(msg, t.keys.Copy):
		return t.copyInThread()
	case key.Matches(msg, t.keys.Down):
		t.vp.ScrollDown(1)
	case key.Matches(msg, t.keys.Up):
		t.vp.ScrollUp(1)
		return t.moreAtTop(false)
	case key.Matches(msg, t.keys.Top):
		t.vp.GotoTop()
		return t.moreAtTop(true)
	case key.Matches(msg, t.keys.Bottom):
		t.vp.GotoBottom()
	case key.Matches(msg, t.keys.HalfDown):
		t.vp.HalfPageDown()
	case key.Matches(msg, t.keys.HalfUp):
		t.vp.HalfPageUp()
		return t.moreAtTop(false)
	}
	return nil
}

func (t *threadScreen) updateCompose(msg tea.Msg) tea.Cmd {
	if t.picker != nil {
		switch m := msg.(type) {
		case tea.KeyPressMsg:
			return t.updatePicker(m)
		case tea.PasteMsg:
			// A paste filters the picker; it must not land in the draft
			// behind it.
			t.picker.filter = append(t.picker.filter, []rune(strings.ReplaceAll(m.Content, "\n", " "))...)
			t.picker.refilter()
			return nil
		}
	}
	if km, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(km, t.ckeys.Template):
			return t.openPicker()
		case key.Matches(km, t.ckeys.Leave):
			t.composing = false
			t.input.Blur()
			t.layout()
			return t.saveIfChanged()
		case key.Matches(km, t.ckeys.Send):
			return t.send()
		case key.Matches(km, t.ckeys.Editor):
			return writeEditorFile(t.thread.ID, t.input.Value())
		case key.Matches(km, t.ckeys.TrackLink):
			return t.insertTrackLink()
		}
	}
	rev, wasEmpty := t.input.Rev(), t.input.Empty()
	t.input.Update(msg)
	return t.edited(rev, wasEmpty)
}

// insertTrackLink puts the thread's tracked link at the cursor; the edit
// then autosaves like any other.
func (t *threadScreen) insertTrackLink() tea.Cmd {
	if t.c.trackLink == "" {
		where := t.c.configPath
		if where == "" {
			where = "your config file"
		}
		return emit(statusMsg{text: `No track_link configured: add track_link = "https://shop.example.com/?ref={thread}" under [funnel] in ` + where})
	}
	rev, wasEmpty := t.input.Rev(), t.input.Empty()
	t.input.InsertString(funnel.TrackLink(t.c.trackLink, t.ref()))
	return t.edited(rev, wasEmpty)
}

// send first reloads the thread: a reply must not go out to a
// conversation whose end the user has not seen (sendCheckMsg).
func (t *threadScreen) send() tea.Cmd {
	if strings.TrimSpace(t.input.Value()) == "" {
		return emit(statusMsg{text: "Nothing to send: the reply is empty."})
	}
	load := t.contentCmd()
	return func() tea.Msg { return sendCheckMsg{load().(threadContentMsg)} }
}

// sendCheckMsg is the thread as stored when ctrl+s was pressed.
type sendCheckMsg struct{ threadContentMsg }

// checkedSend sends unless their messages arrived that the user has not
// been shown: then it shows them and waits for a second ctrl+s.
func (t *threadScreen) checkedSend(m sendCheckMsg) tea.Cmd {
	if m.err != nil {
		return emit(statusMsg{text: "Reply NOT sent (your text is still in the composer): " + m.err.Error(), isErr: true})
	}
	if m.thread.ID != t.thread.ID {
		return nil
	}
	if m.thread.LastTheirs.After(t.seen) {
		newer := 0
		for _, msg := range m.messages {
			if !msg.Ours && msg.Published.After(t.seen) {
				newer++
			}
		}
		t.newSince, t.seen = t.seen, m.thread.LastTheirs
		t.setContent(m.threadContentMsg)
		t.vp.GotoBottom()
		return emit(statusMsg{text: fmt.Sprintf("%s arrived since you began this reply (marked ● new). Read%s.",
			cases(newer, "A new message", "%d new messages"), keyHint(t.c.Keys.Compose.Send, ", then %s again to send"))})
	}
	return t.doSend()
}

func cases(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return fmt.Sprintf(many, n)
}

func (t *threadScreen) doSend() tea.Cmd {
	text := strings.TrimSpace(t.input.Value())
	if text == "" {
		return emit(statusMsg{text: "Nothing to send: the reply is empty."})
	}
	if t.twoWay() {
		// Pending autosaves must not bring the text back as a draft
		// after the outbox took it (clearComposer marks it saved).
		t.dirtySince = time.Time{}
		r := store.Reply{ThreadID: t.thread.ID, Text: text, At: t.c.Now(), Who: t.c.user,
			Via: feeds.KindLabel(t.c.feedKinds[t.thread.Feed]), To: t.to, InReplyTo: t.answeredID(),
			Seen: t.repliesSeen, Force: t.insisting()}
		return queueReply(t.c.B, r)
	}
	r := store.Reply{ThreadID: t.thread.ID, Text: text, At: t.c.Now(), Via: "clipboard", Who: t.c.user,
		To: t.to, InReplyTo: t.answeredID(), Seen: t.repliesSeen, Force: t.insisting()}
	// The clipboard write is OSC52: it reaches the SSH client's machine.
	return tea.Batch(tea.SetClipboard(text), recordReply(t.c.B, r, t.thread.Link))
}

// queued clears the composer once the outbox holds the reply (and the
// draft is gone); the entry shows in the thread with its state.
func (t *threadScreen) queued(e store.OutboxEntry) {
	// The backend may have reported the attempt (and the thread been
	// reloaded) before ctrl+s's own answer: keep one row per entry.
	if !slices.ContainsFunc(t.outbox, func(o store.OutboxEntry) bool { return o.Key == e.Key }) {
		t.outbox = append(t.outbox, e)
	}
	t.clearComposer()
}

// setOutboxState shows an attempt starting before the store says so.
func (t *threadScreen) setOutboxState(key string, st store.OutboxState) {
	for i := range t.outbox {
		if t.outbox[i].Key == key {
			t.outbox[i].State = st
			t.layout()
		}
	}
}

// setContent takes the thread's messages, replies and outbox as now
// stored; the composer, scroll position and seen mark stay.
func (t *threadScreen) setContent(m threadContentMsg) {
	t.thread, t.replies, t.outbox = m.thread, m.replies, m.outbox
	t.messages, t.earlier = keepHeld(t.messages, t.earlier, m.messages, m.earlier)
	// What a refresh shows has been seen, a teammate's reply included.
	if at := repliesSeenAt(m.readAt, m.replies, m.outbox); at.After(t.repliesSeen) {
		t.repliesSeen = at
	}
	t.setPeople(m.convs)
	t.layout()
}

// restoreRefused puts a reply the source refused for good back into the
// composer, before anything typed since, as the store did with the
// draft; the autosave then writes both.
func (t *threadScreen) restoreRefused(text string) tea.Cmd {
	before := t.input.Value()
	if strings.Contains(before, text) {
		return nil
	}
	rev, wasEmpty := t.input.Rev(), t.input.Empty()
	if strings.TrimSpace(before) == "" {
		t.input.SetValue(text)
	} else {
		t.input.SetValue(text + "\n\n" + before)
	}
	return t.edited(rev, wasEmpty)
}

// replied clears the composer after the store recorded the reply (and
// deleted the draft); a failure leaves the text where it was.
func (t *threadScreen) replied(r store.Reply) {
	t.replies = append(t.replies, r)
	t.clearComposer()
}

func (t *threadScreen) clearComposer() {
	t.stale = nil
	t.input.Reset()
	// The store deleted the draft with the reply: nothing to save.
	t.lastSaved, t.savedRev, t.dirtySince = "", t.input.Rev(), time.Time{}
	t.composing = false
	t.input.Blur()
	t.layout()
	t.vp.GotoBottom()
}

func (t *threadScreen) View() string {
	s := t.c.Styles
	meta := t.meta()
	var b strings.Builder
	b.WriteString(t.titleLine())
	b.WriteByte('\n')
	b.WriteString(t.metaLine(meta))
	b.WriteByte('\n')
	for _, row := range t.linkRows() {
		b.WriteString(row + "\n")
	}
	b.WriteString(s.Rule.Render(strings.Repeat("─", t.width)))
	b.WriteByte('\n')
	if t.picker != nil {
		b.WriteString(t.pickerView(t.vp.Height()))
	} else {
		b.WriteString(t.vpView())
	}
	if t.showComposer() {
		b.WriteByte('\n')
		label := t.composerLabel()
		label = cutCells(label, max(1, t.width-2))
		b.WriteString(s.Rule.Render("──") + s.Accent.Render(label) + s.Rule.Render(strings.Repeat("─", max(0, t.width-2-lipgloss.Width(label)))))
		b.WriteByte('\n')
		if warn := t.staleLine(); warn != "" {
			b.WriteString(warn + "\n")
		}
		b.WriteString(t.input.View())
	}
	return b.String()
}

// meta is the line under the title: the feed, the person addressed and
// their stage, flags and sales; with several people, how many and how
// to switch, and who started the thread. The link (link) is drawn after
// it by metaLine.
func (t *threadScreen) meta() string {
	th := t.thread
	name, stage, unhappy, wonBack, conversions := th.Author, th.Stage, th.Unhappy, th.WonBack, th.Conversions
	if c, ok := t.person(); ok {
		name, stage, unhappy, wonBack, conversions = c.Name, c.Stage, c.Unhappy, c.WonBack, c.Conversions
	}
	meta := th.Feed + " · " + name
	if !t.multiPerson() {
		meta += " · started " + age(t.c.Now(), th.Created) + " ago"
	}
	meta += " · stage " + stage.String()
	if th.Assignee != "" {
		meta += " · assigned to " + termText(th.Assignee)
	}
	if unhappy {
		meta += " · ! unhappy"
	}
	if wonBack {
		meta += " · won back"
	}
	if conversions == 1 {
		meta += " · 1 conversion"
	} else if conversions > 1 {
		meta += fmt.Sprintf(" · %d conversions", conversions)
	}
	if t.multiPerson() {
		waiting := 0
		for _, c := range t.convs {
			if c.Waiting() {
				waiting++
			}
		}
		meta += fmt.Sprintf(" · %d people", len(t.convs))
		if waiting > 0 {
			meta += fmt.Sprintf(", %d waiting", waiting)
		}
		meta += keyHint(t.c.Keys.Thread.NextPerson, " (%s: next person)") + " · started by " + th.Author + " " + age(t.c.Now(), th.Created) + " ago"
	}
	// The link follows on this line when it fits whole, else on rows of
	// its own (metaLine, linkRows).
	return meta
}

// vpView is the conversation as the viewport draws it, drawn again only
// when its content, scroll position or size changed.
func (t *threadScreen) vpView() string {
	k := [4]int{int(t.vpGen), t.vp.YOffset(), t.vp.Width(), t.vp.Height()}
	if t.vpDrawn.key != k || t.vpDrawn.text == "" {
		t.vpDrawn.key, t.vpDrawn.text = k, t.vp.View()
	}
	return t.vpDrawn.text
}

func (t *threadScreen) ShortHelp() []key.Binding {
	if t.picker != nil {
		pk := t.c.Keys.Picker
		return []key.Binding{pk.Insert, pk.Up, pk.Down, pk.Cancel}
	}
	if t.composing {
		return []key.Binding{t.ckeys.Send, t.ckeys.Editor, t.ckeys.TrackLink, t.ckeys.Template, t.ckeys.Leave}
	}
	if t.multiPerson() {
		return []key.Binding{t.keys.Reply, t.keys.NextPerson, t.keys.Back, t.keys.Done, t.keys.Snooze, t.keys.StageForward, t.keys.StageBack, t.keys.Down, t.keys.Up}
	}
	return []key.Binding{t.keys.Reply, t.keys.Back, t.keys.Done, t.keys.Snooze, t.keys.StageForward, t.keys.StageBack, t.keys.Down, t.keys.Up}
}

func (t *threadScreen) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		append(t.keys.Motion.bindings(), t.keys.Assign, t.keys.Unassign, t.keys.OpenLink, t.keys.Copy, t.keys.MarkUnread),
		{t.keys.Reply, t.keys.Back, t.keys.Done, t.keys.Snooze, t.keys.StageForward, t.keys.StageBack, t.keys.NextPerson, t.keys.PrevPerson},
		{t.ckeys.Send, t.ckeys.Editor, t.ckeys.TrackLink, t.ckeys.Template, t.ckeys.Leave},
	}
}
