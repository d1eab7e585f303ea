package ui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textarea"
	"charm.land/lipgloss/v2"

	"parley/funnel"
)

// Styles are semantic roles, not colours, so screens never pick colours.
// Colour is dropped by the renderer when the terminal (or NO_COLOR) says so;
// bold/reverse keep the layout readable without it.
type Styles struct {
	IsDark bool

	App       lipgloss.Style
	Title     lipgloss.Style
	Tab       lipgloss.Style
	ActiveTab lipgloss.Style
	Muted     lipgloss.Style
	Accent    lipgloss.Style
	Error     lipgloss.Style
	Warn      lipgloss.Style
	OK        lipgloss.Style

	Selected lipgloss.Style // the head of the list row under the cursor
	Unread   lipgloss.Style // unread count badge
	Draft    lipgloss.Style // "draft" mark

	Author   lipgloss.Style
	Ours     lipgloss.Style // our messages and replies
	MsgMeta  lipgloss.Style
	Body     lipgloss.Style
	Rule     lipgloss.Style
	Compose  lipgloss.Style // box around the composer
	Overlay  lipgloss.Style // help and menus
	StatusOK lipgloss.Style

	// Funnel roles. Stage badges carry their label, and marks are
	// characters (! $ +), so nothing depends on colour alone.
	Stage    [6]lipgloss.Style // badge per funnel.Stage
	Unhappy  lipgloss.Style    // "!" mark and "unhappy" flag
	IntentMk lipgloss.Style    // "$" mark
	Positive lipgloss.Style    // "+" mark, "won back"
	Bar      lipgloss.Style    // funnel bars
	BarSel   lipgloss.Style    // the bar of the stage under the cursor

	Help     help.Styles
	TextArea textarea.Styles

	// Pre-rendered badges and marks: rows draw them by the thousand and a
	// Render costs microseconds.
	badges [6]string
	marks  map[string]string
}

// StageStyle is the badge style of a stage (muted for an unknown one).
func (s *Styles) StageStyle(st funnel.Stage) lipgloss.Style {
	if int(st) < len(s.Stage) {
		return s.Stage[st]
	}
	return s.Muted
}

// NewStyles builds the palette for a light or dark terminal background.
func NewStyles(isDark bool) *Styles {
	ld := lipgloss.LightDark(isDark)
	// Every text colour reads at WCAG AA (4.5:1) and every border at 3:1
	// on the lightest dark theme (Nord #2e3440) and the darkest light one
	// (#eeeeee): TestEveryStyleMeetsWCAGContrast.
	var (
		fg      = ld(lipgloss.Color("#1c1c1c"), lipgloss.Color("#e4e4e4"))
		muted   = ld(lipgloss.Color("#5f5f5f"), lipgloss.Color("#a8a8a8"))
		accent  = ld(lipgloss.Color("#5f00d7"), lipgloss.Color("#af87ff"))
		ours    = ld(lipgloss.Color("#005f87"), lipgloss.Color("#5fafd7"))
		errC    = ld(lipgloss.Color("#af0000"), lipgloss.Color("#ff8787"))
		warn    = ld(lipgloss.Color("#875f00"), lipgloss.Color("#ffaf00"))
		ok      = ld(lipgloss.Color("#005f00"), lipgloss.Color("#5fd75f"))
		selBg   = ld(lipgloss.Color("#dadada"), lipgloss.Color("#3a3a3a"))
		border  = ld(lipgloss.Color("#808080"), lipgloss.Color("#808080"))
		badgeFg = ld(lipgloss.Color("#ffffff"), lipgloss.Color("#1c1c1c"))
	)
	base := lipgloss.NewStyle().Foreground(fg)
	s := &Styles{IsDark: isDark}
	s.App = base
	s.Title = base.Bold(true).Foreground(accent)
	s.Tab = base.Foreground(muted).Padding(0, 1)
	s.ActiveTab = s.Tab.Foreground(fg).Bold(true).Underline(true)
	s.Muted = base.Foreground(muted)
	s.Accent = base.Foreground(accent)
	s.Error = base.Foreground(errC)
	s.Warn = base.Foreground(warn)
	s.OK = base.Foreground(ok)
	// Reverse keeps the cursor visible when colours are stripped (NO_COLOR).
	s.Selected = base.Background(selBg).Bold(true)
	s.Unread = base.Foreground(badgeFg).Background(accent).Bold(true)
	s.Draft = base.Foreground(warn).Italic(true)
	s.Author = base.Bold(true)
	s.Ours = base.Bold(true).Foreground(ours)
	s.MsgMeta = s.Muted
	s.Body = base
	s.Rule = base.Foreground(border)
	s.Compose = base.Border(lipgloss.NormalBorder(), true, false, false, false).BorderForeground(border)
	s.Overlay = base.Border(lipgloss.RoundedBorder()).BorderForeground(accent).Padding(0, 1)
	s.StatusOK = s.OK

	s.Stage[funnel.New] = s.Muted
	s.Stage[funnel.Engaged] = base.Foreground(ours)
	s.Stage[funnel.Trusting] = base.Foreground(ok)
	s.Stage[funnel.Intent] = base.Foreground(warn).Bold(true)
	s.Stage[funnel.Converted] = base.Foreground(ok).Bold(true)
	s.Stage[funnel.Advocate] = base.Foreground(accent).Bold(true)
	s.Unhappy = s.Error.Bold(true)
	s.IntentMk = s.OK.Bold(true)
	s.Positive = s.OK
	s.Bar = base.Foreground(accent)
	s.BarSel = s.Bar.Bold(true)
	for _, st := range funnel.Stages {
		s.badges[st] = s.Stage[st].Render(fit(stageLabel(st), badgeWidth))
	}
	s.marks = map[string]string{"!": s.Unhappy.Render("!"), "$": s.IntentMk.Render("$"), "+": s.Positive.Render("+")}

	s.Help = helpStyles(s)
	s.TextArea = textAreaStyles(s, selBg)
	return s
}
