package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"parley/feeds/fakeapi"
)

// mastodonE2E is parley's environment for talking to a fake Mastodon
// server: a config with one two-way feed and the token in the
// environment, as a user would set it up.
func mastodonE2E(t *testing.T) (bin string, env []string, fake *fakeapi.Mastodon) {
	t.Helper()
	bin = buildParley(t)
	fake = fakeapi.NewMastodon("e2e-secret-token")
	t.Cleanup(fake.Close)
	env = isolatedEnv(t)
	home := strings.TrimPrefix(env[0], "HOME=")
	dir := filepath.Join(home, "config", "parley")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	cfg := `ours = ["@quillstone"]

[[feed]]
name      = "Mastodon"
kind      = "mastodon"
server    = "` + fake.URL + `"
token_env = "PARLEY_E2E_MASTODON_TOKEN"
every     = "1m"
`
	if err := os.WriteFile(filepath.Join(dir, "config.toml"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return bin, append(env, "PARLEY_E2E_MASTODON_TOKEN=e2e-secret-token"), fake
}

func TestE2EReplyToMastodonAfterAFailedAttempt(t *testing.T) {
	bin, env, fake := mastodonE2E(t)
	status := fake.AddMention("alice@social.example", "does Quillstone export to PDF?", "", "unlisted")
	// The first attempt meets a 502: it may have been posted, so parley
	// must look before it tries again.
	fake.FailPosts(1, 502, "")

	s := startTmux(t, filepath.Join(t.TempDir(), "tmux.sock"), env, bin)
	s.waitFor("@alice@social.exa")
	s.keys("Enter")
	s.waitFor("export to PDF?")
	s.keys("r")
	s.waitFor("ctrl+s send to Mastodon")
	s.keys("-l", "Yes: File, Export, PDF.")
	s.waitFor("Export, PDF.")
	s.keys("C-s")
	s.waitFor("retrying")
	scr := s.waitFor("✓ sent")
	if !strings.Contains(scr, "replied via Mastodon") {
		t.Errorf("the sent reply is not marked as sent via Mastodon:\n%s", scr)
	}

	posts := fake.Posted()
	if len(posts) != 1 {
		t.Fatalf("%d posts created on the server, want 1", len(posts))
	}
	p := posts[0]
	if p.InReplyToID != status || p.Visibility != "unlisted" || p.IdempotencyKey == "" {
		t.Errorf("post = in_reply_to_id %q, visibility %q, Idempotency-Key %q; want %q, unlisted, a key", p.InReplyToID, p.Visibility, p.IdempotencyKey, status)
	}
	if p.Text != "@alice@social.example Yes: File, Export, PDF." {
		t.Errorf("posted text %q: want the author's mention, then the reply", p.Text)
	}

	// Restart: the reply comes back in our account's statuses; it is ours
	// (the thread stays answered) and shown once.
	s.keys("Escape")
	// Escape and q in one read would be alt+q: wait for the queue.
	s.waitFor("Nothing is waiting")
	s.keys("q")
	s.waitGone()
	s = startTmux(t, filepath.Join(t.TempDir(), "tmux.sock"), env, bin)
	s.waitFor("1 queue")
	s.keys("4")
	s.waitFor("✓")
	s.keys("1")
	scr = s.waitFor("1 queue")
	if strings.Contains(scr, "@alice@social.exa") {
		t.Errorf("the answered thread is back in the queue after our reply was fetched back:\n%s", scr)
	}
	if n := fake.PostCount(); n != 1 {
		t.Errorf("%d posts after restart, want 1", n)
	}
}

func TestE2EReplyCutOffMidSendIsResumedOnce(t *testing.T) {
	bin, env, fake := mastodonE2E(t)
	fake.AddMention("bob@other.example", "is there a Linux build?", "", "public")
	// The server stores the post, then never answers; and it has no
	// Idempotency-Key support, so only parley's look at the thread can
	// prevent a second post.
	fake.StallPosts(time.Hour)
	fake.IgnoreIdempotency = true

	s := startTmux(t, filepath.Join(t.TempDir(), "tmux.sock"), env, bin)
	s.waitFor("@bob@other.exam")
	s.keys("Enter")
	s.waitFor("Linux build?")
	s.keys("r")
	s.waitFor("ctrl+s send to Mastodon")
	s.keys("-l", "Yes, a tarball and a Flatpak.")
	s.waitFor("Flatpak.")
	s.keys("C-s")
	s.waitFor("sending…")
	waitUntilE2E(t, "the server to store the post", func() bool { return fake.PostCount() == 1 })

	// kill -9: no chance to record anything.
	pid := strings.TrimSpace(s.tmux("display-message", "-p", "-t", s.name, "#{pane_pid}"))
	if out, err := exec.Command("kill", "-9", pid).CombinedOutput(); err != nil {
		t.Fatalf("kill -9 %s: %v %s", pid, err, out)
	}
	// The pane's only program is gone, so the server may be gone too.
	exec.Command("tmux", "-S", s.socket, "kill-server").Run()
	fake.StallPosts(0)

	s = startTmux(t, filepath.Join(t.TempDir(), "tmux.sock"), env, bin)
	s.waitFor("1 queue")
	waitUntilE2E(t, "the thread to leave the queue", func() bool {
		return !strings.Contains(s.screen(), "@bob@other.exam")
	})
	if n := fake.PostCount(); n != 1 {
		t.Errorf("%d posts on the server after the resumed send, want exactly 1", n)
	}
}

func waitUntilE2E(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
