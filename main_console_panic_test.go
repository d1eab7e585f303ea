package main

import (
	"io"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// panicky panics where the test says: in Update, or in a command's
// goroutine.
type panicky struct{ inCmd bool }

func (m panicky) Init() tea.Cmd {
	if m.inCmd {
		return func() tea.Msg { panic("boom in a command") }
	}
	return func() tea.Msg { return "go" }
}

func (m panicky) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if msg == "go" {
		panic("boom in Update")
	}
	return m, nil
}

func (m panicky) View() tea.View { return tea.NewView("") }

// TestConsolePanicIsNeverExitZero: however Bubble Tea reports a panic,
// the console's exit status is not 0. Before, a panic in a command's
// goroutine came back as ErrProgramKilled, which the console took for
// its own kill after a signal, and exited 0.
func TestConsolePanicIsNeverExitZero(t *testing.T) {
	for _, inCmd := range []bool{false, true} {
		p := tea.NewProgram(panicky{inCmd: inCmd}, tea.WithInput(nil), tea.WithOutput(io.Discard),
			tea.WithoutSignalHandler(), tea.WithWindowSize(80, 24))
		_, runErr := p.Run()
		err := runFailure(runErr, false)
		if err == nil || !strings.Contains(err.Error(), "internal error") {
			t.Errorf("panic in cmd=%v: Run returned %v, runFailure %v; want an internal error", inCmd, runErr, err)
		}
	}
	// Our own kill after a signal and a plain quit are fine.
	if err := runFailure(tea.ErrProgramKilled, true); err != nil {
		t.Errorf("our kill: %v", err)
	}
	if err := runFailure(nil, false); err != nil {
		t.Errorf("quit: %v", err)
	}
}
