package pacer

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

type counter struct {
	n    int
	slow time.Duration // how long the next bump's Update takes
}

type bump struct{ slow time.Duration }

func (c *counter) Init() tea.Cmd { return nil }

func (c *counter) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case bump:
		time.Sleep(msg.slow)
		c.n++
	case tea.KeyPressMsg:
		return c, tea.Quit
	}
	return c, nil
}

// View changes every cell on a bump, so the renderer's diff writes the
// whole line: "aaaaaaaa", then "bbbbbbbb"...
func (c *counter) View() tea.View { return tea.NewView(frameText(c.n)) }

func frameText(n int) string { return strings.Repeat(string(rune('a'+n)), 8) }

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// start runs a paced program; it is quit at the end of the test.
func start(t *testing.T) (*tea.Program, *pacer, *syncBuffer) {
	t.Helper()
	out := &syncBuffer{}
	// The filter hands the paced model to programModel's probe.
	var seen Filter = func(m tea.Model, msg tea.Msg) tea.Msg {
		if p, ok := msg.(probe); ok {
			p.got <- m.(*pacedModel)
			return nil
		}
		return msg
	}
	// A short quiet period, so the test sees the ticker stop soon.
	prog := newProgram(&counter{}, seen, 50*time.Millisecond, tea.WithInput(nil), tea.WithOutput(out), tea.WithWindowSize(40, 5), tea.WithoutSignalHandler())
	done := make(chan error, 1)
	go func() { _, err := prog.Run(); done <- err }()
	t.Cleanup(func() {
		prog.Quit()
		if err := <-done; err != nil {
			t.Errorf("program: %v", err)
		}
	})
	m := programModel(t, prog)
	return prog, m.p, out
}

// programModel finds the paced model the program runs, once it runs.
func programModel(t *testing.T, prog *tea.Program) *pacedModel {
	t.Helper()
	got := make(chan *pacedModel, 1)
	prog.Send(tea.Msg(probe{got}))
	select {
	case m := <-got:
		return m
	case <-time.After(5 * time.Second):
		t.Fatal("the program never handled a message")
	}
	return nil
}

type probe struct{ got chan *pacedModel }

// eventually waits for cond; the deadline only bounds a failure.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A Bubble Tea upgrade that renames the renderer's ticker must be seen:
// the pacer would silently do nothing.
func TestPacerFindsTheTicker(t *testing.T) {
	_, p, _ := start(t)
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.found || p.ticker == nil {
		t.Fatal("the pacer did not find Bubble Tea's renderer ticker (Program.ticker): an idle console wakes 60 times a second again")
	}
}

// Idle, the ticker stops; every change after still reaches the output,
// also one whose Update outlasts the quiet period.
func TestPacerStopsWhenQuietAndDrawsEveryChange(t *testing.T) {
	prog, p, out := start(t)
	eventually(t, "the first frame is drawn", func() bool { return strings.Contains(out.String(), frameText(0)) })
	eventually(t, "the ticker stops once nothing happens", func() bool { return !p.isRunning() })

	prog.Send(bump{})
	eventually(t, "a change after idle is drawn", func() bool { return strings.Contains(out.String(), frameText(1)) })
	eventually(t, "the ticker stops again", func() bool { return !p.isRunning() })

	// Longer than the quiet period: the frame must not be left unflushed.
	prog.Send(bump{slow: 4 * p.quiet})
	eventually(t, "a slow Update's frame is drawn", func() bool { return strings.Contains(out.String(), frameText(2)) })
	eventually(t, "the ticker stops after the slow Update", func() bool { return !p.isRunning() })
}
