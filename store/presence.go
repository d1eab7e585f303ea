package store

// PublishPresence tells every subscriber that who's presence changed on
// the threads (ChangePresence). Presence is not stored (the engine holds
// it in memory): the change feed is only how every console hears of it,
// so it shows "bob typing" within one refresh.
func (s *Store) PublishPresence(who string, threads ...string) {
	s.feed.publish(Change{Who: who, Kind: ChangePresence, Threads: threads})
}
