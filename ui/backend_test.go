package ui

import (
	"context"
	"testing"

	"parley/engine"
	"parley/store"
)

var _ Backend = (*engine.Session)(nil)

// backendOf is an engine session on st with no background work running
// (no polls, no sends): the screens' reads and writes only.
func backendOf(st *store.Store, user string) Backend {
	return engine.New(engine.Config{Store: st, User: user}).Session(user)
}

// startedBackend runs an engine as the console does (polling, sending,
// the snooze clock) until the test ends.
func startedBackend(t *testing.T, cfg engine.Config) Backend {
	t.Helper()
	e := engine.New(cfg)
	ctx, cancel := context.WithCancel(context.Background())
	e.Start(ctx)
	t.Cleanup(func() { cancel(); e.Close() })
	return e.Session(cfg.User)
}
