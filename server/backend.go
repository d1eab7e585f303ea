package server

import (
	"context"

	"parley/engine"
	"parley/events"
)

// backend is one SSH console's way into the shared engine: the engine's
// Session for the teammate, with what a console that comes and goes on a
// long-running server needs on top.
type backend struct {
	*engine.Session
	// ctx is the SSH session's: it ends when the connection does.
	ctx    context.Context
	events <-chan events.Event
}

// Events are this console's own copy of the engine's events (fanout).
func (b *backend) Events() <-chan events.Event { return b.events }

// Changes ends the subscription with the SSH session too: the console
// subscribes for its whole life (context.Background), which on a server
// would keep every closed session's subscription until the server stops.
func (b *backend) Changes(ctx context.Context) events.ChangeSource {
	ctx, cancel := context.WithCancel(ctx)
	context.AfterFunc(b.ctx, cancel)
	return b.Session.Changes(ctx)
}

// teammateNames are whom a console's assign picker offers.
func (s *Server) teammateNames() []string {
	names := make([]string, 0, len(s.cfg.Teammates))
	for _, tm := range s.cfg.Teammates {
		names = append(names, tm.Name)
	}
	return names
}
