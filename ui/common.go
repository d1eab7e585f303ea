package ui

import (
	"time"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"parley/feeds"
)

// Deps is what the console needs from the outside world, wired by main.
type Deps struct {
	// Backend is how the console reads and changes the data, and learns
	// of background work (engine.Session, started by main).
	Backend Backend
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
	// Views are the config's saved filters, keys 5 to 9 (filter.go).
	Views []feeds.View
	// Now is the clock; nil means time.Now. Tests pin it for stable output.
	Now func() time.Time
}

// Common is the context every screen shares. Screens keep a pointer, so a
// resize or a theme change reaches all of them at once.
type Common struct {
	Styles *Styles
	Keys   *KeyMap
	Width  int
	Height int
	// B is Deps.Backend: every read and write goes through it.
	B   Backend
	Now func() time.Time
	// unsaved holds draft texts whose save command has not reported back,
	// so a quit in that window still writes them (App.PendingDrafts).
	unsaved map[string]string
	// draftW writes drafts in order (drafts.go); nil until first used.
	draftW *draftWriter
	// trackLink is Deps.TrackLink (ctrl+l); configPath says where to set it.
	trackLink  string
	configPath string
	// feedKinds maps a feed name to its kind.
	feedKinds map[string]string
	user      string
}

// twoWay reports whether replies to feed are sent to its source; any
// other thread is answered by copy + record.
func (c *Common) twoWay(feed string) bool { return c.B != nil && c.B.TwoWay(feed) }

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
