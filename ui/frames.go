package ui

import (
	"time"

	tea "charm.land/bubbletea/v2"
)

// Frames while typing. Bubble Tea draws a frame after every message, and
// a paste from a terminal without bracketed paste is thousands of key
// messages, each drawing a whole frame that the renderer then shows at
// most 60 times a second. While keys arrive in the composer, the frame
// drawn less than a frame interval ago is reused, and a repaint tick
// makes sure the last key is drawn: a paste then drains at the speed of
// the edits, and a signal during it finds the keys handled, not queued.

const frameInterval = time.Second / 60

type repaintMsg struct{}

type frameCache struct {
	text string
	at   time.Time
	// armed: a repaintMsg is on its way; until it comes a recent frame
	// may stand for the current one.
	armed bool
}

// frame is the screen as View shows it.
func (a *App) frame() string {
	if a.frames.armed && a.frames.text != "" && time.Since(a.frames.at) < frameInterval {
		return a.frames.text
	}
	a.frames.text, a.frames.at = a.render(), time.Now()
	return a.frames.text
}

// typed follows a key or paste: in the composer, it lets frames be reused
// until the repaint.
func (a *App) typed() tea.Cmd {
	if a.frames.armed || !a.composing() {
		return nil
	}
	a.frames.armed = true
	return tea.Tick(frameInterval, func(time.Time) tea.Msg { return repaintMsg{} })
}
