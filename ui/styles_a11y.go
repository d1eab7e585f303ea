package ui

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"
)

// The bubbles defaults draw key hints in grey 239 on dark and 249 on
// light backgrounds (under 2:1) and the composer's line in grey 7; these
// use parley's roles instead, so they meet the palette's contrast.

func helpStyles(s *Styles) help.Styles {
	return help.Styles{
		ShortKey:       s.App,
		ShortDesc:      s.Muted,
		ShortSeparator: s.Muted,
		Ellipsis:       s.Muted,
		FullKey:        s.App.Bold(true),
		FullDesc:       s.Muted,
		FullSeparator:  s.Muted,
	}
}

func textAreaStyles(s *Styles, selBg color.Color) textarea.Styles {
	state := textarea.StyleState{
		Base:             s.App.UnsetForeground(),
		Text:             s.App,
		LineNumber:       s.Muted,
		CursorLineNumber: s.App,
		CursorLine:       s.App,
		EndOfBuffer:      s.Muted,
		Placeholder:      s.Muted,
		Prompt:           s.Accent,
		Selection:        s.App.Background(selBg),
	}
	blurred := state
	blurred.Prompt = s.Muted
	return textarea.Styles{Focused: state, Blurred: blurred,
		Cursor: textarea.CursorStyle{Color: s.Accent.GetForeground(), Shape: tea.CursorBlock, Blink: true}}
}
