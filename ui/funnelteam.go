package ui

import tea "charm.land/bubbletea/v2"

// toggleTeam switches the funnel view to the counts per teammate and back.
func (f *funnelScreen) toggleTeam() tea.Cmd { return nil }
