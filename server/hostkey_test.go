package server

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"parley/events"
	"parley/store"
)

// The host key is made once, 0600 in a 0700 directory, and the same key
// is used on every later start.
func TestHostKeyCreatedPrivateAndReused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", HostKeyFile)
	first, created, err := LoadHostKey(path)
	if err != nil || !created {
		t.Fatalf("first load: created %v, err %v; want a new key", created, err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("host key mode %04o, want 0600", perm)
	}
	if di, err := os.Stat(filepath.Dir(path)); err != nil || di.Mode().Perm() != 0o700 {
		t.Errorf("data dir: %v %v, want 0700", di.Mode().Perm(), err)
	}
	if got := first.PublicKey().Type(); got != "ssh-ed25519" {
		t.Errorf("host key type %s, want ssh-ed25519", got)
	}
	again, created, err := LoadHostKey(path)
	if err != nil || created {
		t.Fatalf("restart: created %v, err %v; want the kept key", created, err)
	}
	if !bytes.Equal(first.PublicKey().Marshal(), again.PublicKey().Marshal()) {
		t.Error("a restart made a new host key: every teammate's known_hosts would break")
	}
}

// A key others can read, a link, or a damaged file is refused with what
// to do; nothing is overwritten.
func TestHostKeyRefusesUnsafeFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	path := filepath.Join(dir, HostKeyFile)
	if _, _, err := LoadHostKey(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadHostKey(path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("group-readable key: err = %v, want refused with chmod 600", err)
	}

	link := filepath.Join(dir, "linked_key")
	if err := os.Symlink(path, link); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadHostKey(link); !errors.Is(err, store.ErrUnsafePath) {
		t.Errorf("symlinked key: err = %v, want ErrUnsafePath", err)
	}

	bad := filepath.Join(dir, "bad_key")
	if err := os.WriteFile(bad, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadHostKey(bad); err == nil || !strings.Contains(err.Error(), "move it away") {
		t.Errorf("damaged key: err = %v, want refused", err)
	}
	if data, _ := os.ReadFile(bad); string(data) != "not a key" {
		t.Error("the damaged key was overwritten")
	}

	open := t.TempDir()
	if err := os.Chmod(open, 0o777); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadHostKey(filepath.Join(open, HostKeyFile)); !errors.Is(err, store.ErrUnsafePath) {
		t.Errorf("key in a world-writable dir: err = %v, want ErrUnsafePath", err)
	}
}

// Every console gets every event, except a send's outcome, which is its
// author's.
func TestFanoutGivesEachConsoleItsEvents(t *testing.T) {
	src := make(chan events.Event)
	f := newFanout()
	go f.run(src)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	maya, bob := f.subscribe(ctx, "Maya"), f.subscribe(ctx, "Bob")

	sent := events.Event{Send: &events.SendEvent{Entry: store.OutboxEntry{Who: "Maya", State: store.OutboxSent}}}
	src <- events.Event{Woke: 2}
	src <- sent
	src <- events.Event{Resumed: 1}
	next := func(ch <-chan events.Event) events.Event {
		select {
		case ev := <-ch:
			return ev
		case <-time.After(2 * time.Second):
			t.Fatal("no event")
		}
		return events.Event{}
	}
	if ev := next(maya); ev.Woke != 2 {
		t.Errorf("Maya's first event %+v, want Woke", ev)
	}
	if ev := next(maya); ev.Send == nil {
		t.Errorf("Maya's second event %+v, want her send", ev)
	}
	if ev := next(bob); ev.Woke != 2 {
		t.Errorf("Bob's first event %+v, want Woke", ev)
	}
	if ev := next(bob); ev.Resumed != 1 {
		t.Errorf("Bob's second event %+v, want Resumed (not Maya's send)", ev)
	}
	close(src)
	if _, ok := <-bob; ok {
		t.Error("Bob's channel still open after the engine's closed")
	}
}
