package engine

import (
	"context"

	"parley/store"
)

// FunnelByTeammate is who moved what: each teammate's manual stage moves
// and replies, read from counters kept on write.
func (s *Session) FunnelByTeammate(_ context.Context) ([]store.TeammateFunnel, error) {
	return s.st.FunnelByTeammate()
}
