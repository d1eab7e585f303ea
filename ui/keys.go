package ui

import "charm.land/bubbles/v2/key"

// KeyMap holds every binding, one struct per screen, so the help overlay
// always shows the keys of what is on screen and config can rebind them.
type KeyMap struct {
	Global   GlobalKeys
	Queue    QueueKeys
	Thread   ThreadKeys
	Compose  ComposeKeys
	Snooze   SnoozeKeys
	Picker   PickerKeys
	Funnel   FunnelKeys
	Contacts ContactsKeys
	Help     HelpKeys
	Feeds    FeedsKeys
}

// HelpKeys scroll the ? overlay when it is taller than the window; any
// other key closes it.
type HelpKeys struct {
	Down key.Binding
	Up   key.Binding
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
	// Filter opens the / line in the queue (filter.go).
	Filter key.Binding
	// Views open the config's saved views, 5 to 9; the ones the config
	// does not fill are disabled (and so not in help).
	Views [5]key.Binding
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
	Open         key.Binding
	Reply        key.Binding
	Done         key.Binding
	Undo         key.Binding
	Snooze       key.Binding
	StageForward key.Binding
	StageBack    key.Binding
	Assign       key.Binding
	Unassign     key.Binding
	// Links (links.go), unread (unread.go) and selection (bulk.go).
	OpenLink   key.Binding
	CopyLink   key.Binding
	MarkUnread key.Binding
	Select     key.Binding
	Unselect   key.Binding
}

type ThreadKeys struct {
	Motion
	Back         key.Binding
	Reply        key.Binding
	Done         key.Binding
	Snooze       key.Binding
	StageForward key.Binding
	StageBack    key.Binding
	// NextPerson and PrevPerson switch whom the thread addresses (the
	// reply, the marked messages, > and <) among its people, waiting
	// ones first.
	NextPerson key.Binding
	PrevPerson key.Binding
	Assign     key.Binding
	Unassign   key.Binding
	OpenLink   key.Binding
	MarkUnread key.Binding
	// Copy copies our last recorded reply to the person addressed (again),
	// else the thread's link (clipboard.go).
	Copy key.Binding
}

type ComposeKeys struct {
	Send      key.Binding
	Editor    key.Binding
	TrackLink key.Binding
	Template  key.Binding
	Leave     key.Binding
}

// PickerKeys work in the saved-reply picker (templates.go); anything
// else typed filters it.
type PickerKeys struct {
	Up     key.Binding
	Down   key.Binding
	Insert key.Binding
	Cancel key.Binding
}

// FunnelKeys work on the funnel view: its stage rows and the list of a
// stage's threads.
type FunnelKeys struct {
	Motion
	List key.Binding // on a stage: list its threads
	Open key.Binding // in the list: open the thread
	Back key.Binding // in the list: back to the stages
	// In the list: move the selected thread's stage by hand.
	StageForward key.Binding
	StageBack    key.Binding
	// ByTeammate toggles the counts per teammate (who moved what).
	ByTeammate key.Binding
}

// ContactsKeys work on the contacts view: the contacts and one contact's
// threads.
type ContactsKeys struct {
	Motion
	Threads key.Binding // on a contact: their threads
	Open    key.Binding // on one of their threads: open it
	Back    key.Binding // from their threads: back to the contacts
	// On one of their threads: move its stage by hand.
	StageForward key.Binding
	StageBack    key.Binding
}

// FeedsKeys work on the feeds view.
type FeedsKeys struct {
	Motion
	Queue key.Binding // the queue filtered to the feed
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
	open := key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open thread"))
	forward := key.NewBinding(key.WithKeys(">"), key.WithHelp(">", "stage forward"))
	back := key.NewBinding(key.WithKeys("<"), key.WithHelp("<", "stage back"))
	assign := key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "assign"))
	unassign := key.NewBinding(key.WithKeys("A"), key.WithHelp("A", "unassign"))
	openLink := key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "open link"))
	copyLink := key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy link"))
	unread := key.NewBinding(key.WithKeys("U"), key.WithHelp("U", "mark unread"))
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
			Filter:    key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter (esc clears)")),
			Views:     savedViewKeys(),
		},
		Queue: QueueKeys{
			Motion:       motion,
			Open:         open,
			Reply:        reply,
			Done:         done,
			Undo:         key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "undo (done, snooze, stage; again for older)")),
			Snooze:       snooze,
			StageForward: forward,
			StageBack:    back,
			Assign:       assign,
			Unassign:     unassign,
			OpenLink:     openLink,
			CopyLink:     copyLink,
			MarkUnread:   unread,
			Select:       key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "select rows")),
			Unselect:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear selection")),
		},
		Thread: ThreadKeys{
			Motion:       motion,
			Back:         key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
			Reply:        reply,
			Done:         done,
			Snooze:       snooze,
			StageForward: forward,
			StageBack:    back,
			NextPerson:   key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "next person")),
			PrevPerson:   key.NewBinding(key.WithKeys("P"), key.WithHelp("P", "previous person")),
			Assign:       assign,
			Unassign:     unassign,
			OpenLink:     openLink,
			MarkUnread:   unread,
			Copy:         key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy reply or link")),
		},
		Compose: ComposeKeys{
			Send:      key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "send or copy+record")),
			Editor:    key.NewBinding(key.WithKeys("ctrl+e"), key.WithHelp("ctrl+e", "edit in $EDITOR")),
			TrackLink: key.NewBinding(key.WithKeys("ctrl+l"), key.WithHelp("ctrl+l", "insert tracked link")),
			Template:  key.NewBinding(key.WithKeys("ctrl+t"), key.WithHelp("ctrl+t", "insert saved reply")),
			Leave:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "leave (draft kept)")),
		},
		Funnel: FunnelKeys{
			Motion:       motion,
			List:         key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "list who is there")),
			Open:         open,
			Back:         key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back to the funnel")),
			StageForward: forward,
			StageBack:    back,
			ByTeammate:   key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "counts per teammate")),
		},
		Contacts: ContactsKeys{
			Motion:       motion,
			Threads:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "their conversations")),
			Open:         open,
			Back:         key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back to contacts")),
			StageForward: forward,
			StageBack:    back,
		},
		Picker: PickerKeys{
			Up:     key.NewBinding(key.WithKeys("up", "ctrl+p"), key.WithHelp("↑", "previous")),
			Down:   key.NewBinding(key.WithKeys("down", "ctrl+n"), key.WithHelp("↓", "next")),
			Insert: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "insert at the cursor")),
			Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close")),
		},
		Help: HelpKeys{
			Down: key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("j", "scroll down")),
			Up:   key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("k", "scroll up")),
		},
		Feeds: FeedsKeys{
			Motion: motion,
			Queue:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "its threads in the queue")),
		},
		Snooze: SnoozeKeys{
			Hour:     key.NewBinding(key.WithKeys("1", "h"), key.WithHelp("1", "1 hour")),
			Tomorrow: key.NewBinding(key.WithKeys("2", "t"), key.WithHelp("2", "tomorrow 9:00")),
			NextWeek: key.NewBinding(key.WithKeys("3", "w"), key.WithHelp("3", "next Monday 9:00")),
			Cancel:   key.NewBinding(key.WithKeys("esc", "q"), key.WithHelp("esc", "cancel")),
		},
	}
}

func (m Motion) bindings() []key.Binding {
	return []key.Binding{m.Up, m.Down, m.Top, m.Bottom, m.HalfDown, m.HalfUp}
}

func (g GlobalKeys) bindings() []key.Binding {
	return append([]key.Binding{g.NextView, g.Queue, g.Funnel, g.Contacts, g.Feeds}, append(g.Views[:],
		g.Filter, g.FetchAll, g.Help, g.Quit, g.ForceQuit)...)
}

// savedViewKeys are 5 to 9, disabled until the config names views
// (nameViews).
func savedViewKeys() [5]key.Binding {
	var out [5]key.Binding
	for i := range out {
		k := string(rune('5' + i))
		out[i] = key.NewBinding(key.WithKeys(k), key.WithHelp(k, "saved view"), key.WithDisabled())
	}
	return out
}

// nameViews enables a key per saved view, its help the view's name.
func (g *GlobalKeys) nameViews(names []string) {
	for i := range g.Views {
		if i < len(names) {
			g.Views[i].SetEnabled(true)
			g.Views[i].SetHelp(g.Views[i].Help().Key, names[i])
		}
	}
}
