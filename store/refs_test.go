package store

import (
	"errors"
	"strings"
	"testing"
)

// item-2751 and item-10197 hash to thread IDs 8b62971b9bc3e0a8 and
// 8b629717142881f7: they share 7 hex chars (found by a birthday search).
const (
	clashA   = "item-2751"
	clashB   = "item-10197"
	clashAID = "8b62971b9bc3e0a8"
)

func TestThreadByRef(t *testing.T) {
	s := openFake(t)
	mustIngest(t, s, result("blog", item("a", "ann", 1), item(clashA, "bob", 2), item(clashB, "cat", 3)), at(10))
	a := mustThread(t, s, threadOf(t, s, "a"))
	if got := threadOf(t, s, clashA); got != clashAID {
		t.Fatalf("thread of %s = %s, want %s (the hash changed?)", clashA, got, clashAID)
	}
	if len(a.Ref()) != RefLen || !strings.HasPrefix(a.ID, a.Ref()) {
		t.Fatalf("Ref() = %q for ID %q", a.Ref(), a.ID)
	}
	tests := []struct {
		ref     string
		want    string // thread ID, or "" for an error
		wantErr error
	}{
		{a.Ref(), a.ID, nil},
		{"  " + strings.ToUpper(a.Ref()) + "\n", a.ID, nil},
		{a.ID, a.ID, nil},
		{a.ID[:6], a.ID, nil},
		{clashAID[:8], clashAID, nil},
		{clashAID[:7], "", ErrAmbiguousRef},
		{clashAID[:6], "", ErrAmbiguousRef},
		{a.ID[:5], "", ErrNotFound},       // too short to be a ref
		{a.ID + "0", "", ErrNotFound},     // longer than any ID
		{"zzzzzzzzzz", "", ErrNotFound},   // not hex
		{"", "", ErrNotFound},             // nothing
		{"ffffffffff", "", ErrNotFound},   // sorts after every key
		{"0000000000", "", ErrNotFound},   // sorts before every key
		{a.ID[:9] + "x", "", ErrNotFound}, // one bad char
	}
	for _, tc := range tests {
		th, err := s.ThreadByRef(tc.ref)
		if tc.wantErr != nil {
			if !errors.Is(err, tc.wantErr) {
				t.Errorf("ThreadByRef(%q) = %s, %v; want %v", tc.ref, th.ID, err, tc.wantErr)
			} else if norm := strings.ToLower(strings.TrimSpace(tc.ref)); !strings.Contains(err.Error(), norm) {
				t.Errorf("ThreadByRef(%q): error %q does not name the ref", tc.ref, err)
			}
			continue
		}
		if err != nil || th.ID != tc.want {
			t.Errorf("ThreadByRef(%q) = %s, %v; want %s", tc.ref, th.ID, err, tc.want)
		}
	}
}
