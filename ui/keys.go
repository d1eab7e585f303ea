package ui

import "charm.land/bubbles/v2/key"

// KeyMap holds every binding, one struct per screen, so the help overlay
// always shows the keys of what is on screen and config can rebind them.
type KeyMap struct {
	Global  GlobalKeys
	Queue   QueueKeys
	Thread  ThreadKeys
	Compose ComposeKeys
	Snooze  SnoozeKeys
}

// GlobalKeys work on every screen (outside compose, where letters are text).
type GlobalKeys struct {
	Quit      key.Binding
	ForceQuit key.Binding
	Help      key.Binding
	NextView  key.Binding
	Queue     key.Binding
	Funnel    key.Binding
	Contacts  key.Binding
	Feeds     key.Binding
	FetchAll  key.Binding
}

// Motion keys are shared by every list-like screen.
type Motion struct {
	Up       key.Binding
	Down     key.Binding
	Top      key.Binding
	Bottom   key.Binding
	HalfDown key.Binding
	HalfUp   key.Binding
}

type QueueKeys struct {
	Motion
	Open   key.Binding
	Reply  key.Binding
	Done   key.Binding
	Undo   key.Binding
	Snooze key.Binding
}

type ThreadKeys struct {
	Motion
	Back   key.Binding
	Reply  key.Binding
	Done   key.Binding
	Snooze key.Binding
}

type ComposeKeys struct {
	Send   key.Binding
	Editor key.Binding
	Leave  key.Binding
}

type SnoozeKeys struct {
	Hour     key.Binding
	Tomorrow key.Binding
	NextWeek key.Binding
	Cancel   key.Binding
}

// DefaultKeyMap is the key contract of DESIGN.md.
func DefaultKeyMap() *KeyMap {
	motion := Motion{
		Up:       key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("k/↑", "up")),
		Down:     key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("j/↓", "down")),
		Top:      key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "top")),
		Bottom:   key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "bottom")),
		HalfDown: key.NewBinding(key.WithKeys("ctrl+d", "pgdown"), key.WithHelp("ctrl+d", "half page down")),
		HalfUp:   key.NewBinding(key.WithKeys("ctrl+u", "pgup"), key.WithHelp("ctrl+u", "half page up")),
	}
	done := key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "done (archive)"))
	snooze := key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "snooze"))
	reply := key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reply"))
	return &KeyMap{
		Global: GlobalKeys{
			Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
			ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit (drafts saved)")),
			Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
			NextView:  key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next view")),
			Queue:     key.NewBinding(key.WithKeys("1"), key.WithHelp("1", "queue")),
			Funnel:    key.NewBinding(key.WithKeys("2"), key.WithHelp("2", "funnel")),
			Contacts:  key.NewBinding(key.WithKeys("3"), key.WithHelp("3", "contacts")),
			Feeds:     key.NewBinding(key.WithKeys("4"), key.WithHelp("4", "feeds")),
			FetchAll:  key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "fetch all now")),
		},
		Queue: QueueKeys{
			Motion: motion,
			Open:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open thread")),
			Reply:  reply,
			Done:   done,
			Undo:   key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "undo done/snooze")),
			Snooze: snooze,
		},
		Thread: ThreadKeys{
			Motion: motion,
			Back:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back to queue")),
			Reply:  reply,
			Done:   done,
			Snooze: snooze,
		},
		Compose: ComposeKeys{
			Send:   key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "send (copy + record)")),
			Editor: key.NewBinding(key.WithKeys("ctrl+e"), key.WithHelp("ctrl+e", "edit in $EDITOR")),
			Leave:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "leave (draft kept)")),
		},
		Snooze: SnoozeKeys{
			Hour:     key.NewBinding(key.WithKeys("1", "h"), key.WithHelp("1", "1 hour")),
			Tomorrow: key.NewBinding(key.WithKeys("2", "t"), key.WithHelp("2", "tomorrow 9:00")),
			NextWeek: key.NewBinding(key.WithKeys("3", "w"), key.WithHelp("3", "next week")),
			Cancel:   key.NewBinding(key.WithKeys("esc", "q"), key.WithHelp("esc", "cancel")),
		},
	}
}

func (m Motion) bindings() []key.Binding {
	return []key.Binding{m.Up, m.Down, m.Top, m.Bottom, m.HalfDown, m.HalfUp}
}

func (g GlobalKeys) bindings() []key.Binding {
	return []key.Binding{g.NextView, g.Queue, g.Funnel, g.Contacts, g.Feeds, g.FetchAll, g.Help, g.Quit, g.ForceQuit}
}
