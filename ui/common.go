package ui

import (
	"time"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"parley/feeds"
	"parley/store"
)

// Deps is what the console needs from the outside world, wired by main.
type Deps struct {
	Store *store.Store
	// Poller runs background fetches; nil means no polling (tests).
	Poller *feeds.Poller
	// Feeds are the configured feeds (for the feeds view and the welcome).
	Feeds      []feeds.Feed
	ConfigPath string
	Demo       bool
	// TrackLink is the [funnel] track_link template ("{thread}" is
	// replaced by the thread's ref); empty: ctrl+l explains how to set it.
	TrackLink string
	// User names who makes manual stage moves and sends replies (the
	// login name).
	User string
	// Repliers post replies to two-way feeds, by feed name; a thread of
	// any other feed is answered by copy + record.
	Repliers map[string]feeds.Replier
	// RetryDelays overrides the waits between attempts of a failed send
	// (tests); nil means defaultRetryDelays.
	RetryDelays []time.Duration
	// Now is the clock; nil means time.Now. Tests pin it for stable output.
	Now func() time.Time
	// Changes is the change feed the console refreshes from (live.go);
	// nil: it shows only the changes it made itself.
	Changes ChangeSource
}

// Common is the context every screen shares. Screens keep a pointer, so a
// resize or a theme change reaches all of them at once.
type Common struct {
	Styles *Styles
	Keys   *KeyMap
	Width  int
	Height int
	Store  *store.Store
	Now    func() time.Time
	// unsaved holds draft texts whose save command has not reported back,
	// so a quit in that window still writes them (App.PendingDrafts).
	unsaved map[string]string
	// draftW writes drafts in order (drafts.go); nil until first used.
	draftW *draftWriter
	// trackLink is Deps.TrackLink (ctrl+l); configPath says where to set it.
	trackLink  string
	configPath string
	// repliers is Deps.Repliers; feedKinds maps a feed name to its kind.
	repliers  map[string]feeds.Replier
	feedKinds map[string]string
	user      string
}

// replier is the Replier of a thread's feed, nil when it is read-only.
func (c *Common) replier(feed string) feeds.Replier { return c.repliers[feed] }

// screen is one view of the console. Only App returns a tea.View; screens
// render strings that App places between its header and footer.
type screen interface {
	Update(tea.Msg) (screen, tea.Cmd)
	View() string
	SetSize(w, h int)
	help.KeyMap
}

// Minimum usable size; below it the console says so instead of drawing
// a broken layout.
const (
	minWidth  = 60
	minHeight = 15
)
