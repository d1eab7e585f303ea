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
	// Teammates are the config's teammate names: whom a (assign) offers.
	Teammates []string
	// Keys are the config's [keys] rebindings; main reports their
	// mistakes (ui.ApplyKeys) before the console starts.
	Keys []feeds.KeyBinding
	// Getenv reads the terminal's environment (TMUX, TERM_PROGRAM) for a
	// remote session; nil: this process's, and tmux is asked directly.
	Getenv func(string) string
	// NoMouse turns mouse reporting off ([ui] mouse = false), leaving
	// the mouse to the terminal (mouse.go).
	NoMouse bool
	// Views are the config's saved filters, keys 5 to 9 (filter.go).
	Views []feeds.View
	// Now is the clock; nil means time.Now. Tests pin it for stable output.
	Now func() time.Time
	// SLA colours waiting ages and counts breaches (sla.go); Notify says
	// which live messages notify and how (notify.go); Templates are the
	// saved replies of ctrl+t, TemplateProblems what was wrong with the
	// templates folder (templates.go).
	SLA              feeds.SLA
	Notify           feeds.Notify
	Templates        []feeds.Template
	TemplateProblems []string
	// TemplateDir is the templates folder (where ctrl+t says to add some).
	TemplateDir string
	// Remote: the console runs for a user elsewhere (a `parley serve`
	// session), so o copies a link instead of opening a browser here.
	Remote bool
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
	// team: teammates and their presence (presence.go).
	team teamState
	// env is the terminal's environment as the program reports it
	// (tea.EnvMsg: over SSH, the session's), read by links.go and
	// notify.go; remote is Deps.Remote.
	env    termEnv
	remote bool
	sla    feeds.SLA
	// templates are the saved replies, templateDir the folder read for
	// them, templateProblems what was wrong there (templates.go).
	templates        []feeds.Template
	templateDir      string
	templateProblems []string
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
