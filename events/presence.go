package events

// Presence is one open console on a thread: its teammate is viewing the
// thread, or drafting a reply there (the composer is open or holds
// text). It lives in the backend's memory only: it is about who is at a
// screen now, which no restart should bring back.
type Presence struct {
	Who      string
	ThreadID string
	Drafting bool
}
