package ui

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"parley/funnel"
	"parley/store"
)

// draftSaveDelay bounds what a crash can lose: a change is on disk at most
// this long after it was typed (plus one write).
const draftSaveDelay = 200 * time.Millisecond

// Intents a screen hands to App, which owns navigation and the store.
type (
	backMsg      struct{}
	doneMsg      struct{ thread store.Thread }
	snoozeAskMsg struct{ thread store.Thread }
	draftTickMsg struct{ threadID string }
	// stageStepMsg asks for a manual stage move: delta 1 forward, -1 back.
	stageStepMsg struct {
		thread store.Thread
		delta  int
	}
	// openThreadMsg asks App to open a thread in view from (the list the
	// thread was picked in), so esc returns there.
	openThreadMsg struct {
		id   string
		from view
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
	replies  []store.Reply
	// history is the stage moves, oldest first; historyErr says why it
	// could not be read.
	history    []store.StageMove
	historyErr error

	vp        viewport.Model
	input     textarea.Model
	composing bool

	// Autosave state: lastSaved is what the store holds; saveDue means a
	// draftTickMsg is on its way.
	lastSaved string
	saveDue   bool

	width, height int
}

func newThreadScreen(c *Common, m threadLoadedMsg, compose bool) (*threadScreen, tea.Cmd) {
	t := &threadScreen{c: c, keys: c.Keys.Thread, ckeys: c.Keys.Compose,
		thread: m.thread, messages: m.messages, replies: m.replies, lastSaved: m.draft,
		history: m.history, historyErr: m.historyErr}
	t.vp = viewport.New()
	t.vp.SoftWrap = false
	t.input = textarea.New()
	t.input.ShowLineNumbers = false
	t.input.Prompt = "│ "
	t.input.Placeholder = "Write a reply… (ctrl+s: copy + record, esc: leave, draft is kept)"
	t.input.CharLimit = 0
	t.input.SetStyles(c.Styles.TextArea)
	t.input.SetValue(m.draft)
	t.SetSize(c.Width, c.Height)
	var cmd tea.Cmd
	if compose {
		cmd = t.startCompose()
	}
	t.vp.GotoBottom()
	return t, cmd
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
	return t.composing || t.input.Value() != ""
}

func (t *threadScreen) SetSize(w, h int) {
	t.width, t.height = w, h
	t.layout()
}

func (t *threadScreen) composerHeight() int {
	return clampInt(t.height/3, 3, 10)
}

func (t *threadScreen) layout() {
	header := 3 // title, meta, rule
	body := t.height - header
	if t.showComposer() {
		t.input.SetWidth(t.width)
		t.input.SetHeight(t.composerHeight())
		body -= t.composerHeight() + 1 // + the rule above it
	}
	atBottom := t.vp.AtBottom()
	t.vp.SetWidth(t.width)
	t.vp.SetHeight(max(1, body))
	t.vp.SetContent(t.renderMessages())
	if atBottom {
		t.vp.GotoBottom()
	}
}

// entry is a message or a recorded reply, merged by time.
type entry struct {
	at     time.Time
	author string
	ours   bool
	via    string
	text   string
	link   string
}

func (t *threadScreen) renderMessages() string {
	s := t.c.Styles
	entries := make([]entry, 0, len(t.messages)+len(t.replies))
	for _, m := range t.messages {
		entries = append(entries, entry{at: m.Published, author: m.Author, ours: m.Ours, text: m.Text, link: m.Link})
	}
	for _, r := range t.replies {
		entries = append(entries, entry{at: r.At, author: "You", ours: true, via: r.Via, text: r.Text})
	}
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].at.Before(entries[j].at) })

	width := max(20, t.width-2)
	body := lipgloss.NewStyle().Width(width).PaddingLeft(2)
	now := t.c.Now()
	var b strings.Builder
	b.WriteString(t.renderHistory())
	b.WriteString("\n" + s.Rule.Render(strings.Repeat("─", max(0, t.width))) + "\n")
	for i, e := range entries {
		if i > 0 {
			b.WriteString("\n\n")
		}
		name := s.Author.Render(e.author)
		meta := age(now, e.at) + " ago"
		if e.ours {
			name = s.Ours.Render("▸ " + e.author)
			if e.via != "" {
				meta += " · replied via " + e.via
			} else {
				meta += " · us"
			}
		}
		b.WriteString(name + s.MsgMeta.Render("  "+meta))
		b.WriteByte('\n')
		text := e.text
		if strings.TrimSpace(text) == "" {
			text = s.Muted.Render("(no text)")
		}
		b.WriteString(body.Render(text))
	}
	return b.String()
}

// renderHistory answers "why is this thread at this stage": every move
// with its age, its stages, its cause and who made it by hand.
func (t *threadScreen) renderHistory() string {
	s := t.c.Styles
	now := t.c.Now()
	head := s.Author.Render("Stage history") + s.Muted.Render(" · now ") + s.StageStyle(t.thread.Stage).Render(t.thread.Stage.String())
	switch {
	case t.historyErr != nil:
		return head + "\n" + s.Error.Render(fit("  could not read the stage history: "+t.historyErr.Error(), max(1, t.width)))
	case len(t.history) == 0:
		return head + s.Muted.Render(" · no moves yet")
	}
	var b strings.Builder
	b.WriteString(head)
	for _, m := range t.history {
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
	t.layout()
}

func (t *threadScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case draftTickMsg:
		if msg.threadID != t.thread.ID {
			return t, nil
		}
		t.saveDue = false
		return t, t.saveIfChanged()
	case draftSavedMsg:
		if msg.threadID == t.thread.ID && msg.err == nil {
			t.lastSaved = msg.text
		}
		return t, nil
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
		return emit(stageStepMsg{thread: t.thread, delta: 1})
	case key.Matches(msg, t.keys.StageBack):
		return emit(stageStepMsg{thread: t.thread, delta: -1})
	case key.Matches(msg, t.keys.Down):
		t.vp.ScrollDown(1)
	case key.Matches(msg, t.keys.Up):
		t.vp.ScrollUp(1)
	case key.Matches(msg, t.keys.Top):
		t.vp.GotoTop()
	case key.Matches(msg, t.keys.Bottom):
		t.vp.GotoBottom()
	case key.Matches(msg, t.keys.HalfDown):
		t.vp.HalfPageDown()
	case key.Matches(msg, t.keys.HalfUp):
		t.vp.HalfPageUp()
	}
	return nil
}

func (t *threadScreen) updateCompose(msg tea.Msg) tea.Cmd {
	if km, ok := msg.(tea.KeyPressMsg); ok {
		switch {
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
	before := t.input.Value()
	var cmd tea.Cmd
	t.input, cmd = t.input.Update(msg)
	return tea.Batch(cmd, t.edited(before))
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
	before := t.input.Value()
	t.input.InsertString(funnel.TrackLink(t.c.trackLink, t.thread.Ref()))
	return t.edited(before)
}

// edited schedules the autosave after the composer's text changed from
// before (nothing when it did not).
func (t *threadScreen) edited(before string) tea.Cmd {
	if t.input.Value() == before {
		return nil
	}
	if before == "" || t.input.Value() == "" {
		t.layout() // the composer box appears or goes
	}
	if t.saveDue {
		return nil
	}
	t.saveDue = true
	id := t.thread.ID
	return tea.Tick(draftSaveDelay, func(time.Time) tea.Msg { return draftTickMsg{threadID: id} })
}

func (t *threadScreen) saveIfChanged() tea.Cmd {
	text := t.input.Value()
	if text == t.lastSaved {
		return nil
	}
	t.c.unsaved[t.thread.ID] = text
	return saveDraft(t.c.Store, t.thread.ID, text, t.c.Now())
}

func (t *threadScreen) send() tea.Cmd {
	text := strings.TrimSpace(t.input.Value())
	if text == "" {
		return emit(statusMsg{text: "Nothing to send: the reply is empty."})
	}
	r := store.Reply{ThreadID: t.thread.ID, Text: text, At: t.c.Now(), Via: "clipboard"}
	// The clipboard write is OSC52: it reaches the SSH client's machine.
	return tea.Batch(tea.SetClipboard(text), recordReply(t.c.Store, r, t.thread.Link))
}

// replied clears the composer after the store recorded the reply (and
// deleted the draft); a failure leaves the text where it was.
func (t *threadScreen) replied(r store.Reply) {
	t.replies = append(t.replies, r)
	t.input.Reset()
	t.lastSaved = ""
	t.composing = false
	t.input.Blur()
	t.layout()
	t.vp.GotoBottom()
}

func (t *threadScreen) View() string {
	s := t.c.Styles
	title := t.thread.Title
	if title == "" {
		title = "(untitled)"
	}
	meta := t.thread.Feed + " · " + t.thread.Author + " · started " + age(t.c.Now(), t.thread.Created) + " ago" +
		" · stage " + t.thread.Stage.String()
	if t.thread.Unhappy {
		meta += " · ! unhappy"
	}
	if t.thread.WonBack {
		meta += " · won back"
	}
	if n := t.thread.Conversions; n == 1 {
		meta += " · 1 conversion"
	} else if n > 1 {
		meta += fmt.Sprintf(" · %d conversions", n)
	}
	if l := t.thread.Link; l != "" {
		meta += " · " + l
	}
	var b strings.Builder
	b.WriteString(s.Title.Render(fit(title, t.width)))
	b.WriteByte('\n')
	b.WriteString(s.Muted.Render(fit(meta, t.width)))
	b.WriteByte('\n')
	b.WriteString(s.Rule.Render(strings.Repeat("─", t.width)))
	b.WriteByte('\n')
	b.WriteString(t.vp.View())
	if t.showComposer() {
		b.WriteByte('\n')
		label := " draft (r to continue) "
		if t.composing {
			label = " reply · ctrl+s copy + record · esc leave (kept) "
		}
		b.WriteString(s.Rule.Render("──") + s.Accent.Render(label) + s.Rule.Render(strings.Repeat("─", max(0, t.width-2-lipgloss.Width(label)))))
		b.WriteByte('\n')
		b.WriteString(t.input.View())
	}
	return b.String()
}

func (t *threadScreen) ShortHelp() []key.Binding {
	if t.composing {
		return []key.Binding{t.ckeys.Send, t.ckeys.Editor, t.ckeys.TrackLink, t.ckeys.Leave}
	}
	return []key.Binding{t.keys.Reply, t.keys.Back, t.keys.Done, t.keys.Snooze, t.keys.StageForward, t.keys.StageBack, t.keys.Down, t.keys.Up}
}

func (t *threadScreen) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		t.keys.Motion.bindings(),
		{t.keys.Reply, t.keys.Back, t.keys.Done, t.keys.Snooze, t.keys.StageForward, t.keys.StageBack},
		{t.ckeys.Send, t.ckeys.Editor, t.ckeys.TrackLink, t.ckeys.Leave},
	}
}
