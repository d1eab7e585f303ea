package fakeapi

import "sync"

// fault is a run of n answers to fail with, armed by FailPosts/FailFetch.
type fault struct {
	n          int
	status     int
	retryAfter string
}

// take consumes one failure of f under mu; ok is false when none is left.
func (f *fault) take(mu *sync.Mutex) (status int, retryAfter string, ok bool) {
	mu.Lock()
	defer mu.Unlock()
	if f.n <= 0 {
		return 0, "", false
	}
	f.n--
	return f.status, f.retryAfter, true
}
