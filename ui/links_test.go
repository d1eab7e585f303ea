package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"parley/feeds"
)

// fakeBrowser installs a $BROWSER script that records its arguments, one
// a line, and returns the file it writes.
func fakeBrowser(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	out := filepath.Join(dir, "args")
	script := filepath.Join(dir, "browser")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nprintf '%s\\n' \"$@\" > "+out+"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("BROWSER", script)
	t.Setenv("SSH_CONNECTION", "")
	t.Setenv("SSH_TTY", "")
	return out
}

func waitFile(t *testing.T, path string) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(path); err == nil && len(b) > 0 {
			return string(b)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s was never written", path)
	return ""
}

// o on a queue row runs $BROWSER with the row's link, the only argument.
func TestOOpensTheRowsLinkWithBrowser(t *testing.T) {
	out := fakeBrowser(t)
	tm := startApp(t, newTestApp(testStore(t)), 100, 24)
	waitFor(t, tm, "Bob Okafor")
	tm.Send(press('j'))
	tm.Send(press('o'))
	if got := waitFile(t, out); got != "https://community.quillstone.example/t/pricing/1\n" {
		t.Errorf("browser args = %q, want Bob's thread link alone", got)
	}
	waitFor(t, tm, "Opened in")
	finalApp(t, tm)
}

// In a thread o opens the thread's link too; y copies it with OSC 52.
func TestThreadOOpensAndYCopiesTheLink(t *testing.T) {
	out := fakeBrowser(t)
	tm := startApp(t, newTestApp(testStore(t)), 100, 24)
	waitFor(t, tm, "Alice Chen")
	tm.Send(enter)
	waitFor(t, tm, "meeting notes")
	tm.Send(press('o'))
	if got := waitFile(t, out); got != "https://quillstone.example/blog/sync/#comment-1\n" {
		t.Errorf("browser args = %q, want Alice's link", got)
	}
	tm.Send(press('y'))
	// OSC 52 carries the link base64-encoded.
	waitFor(t, tm, "\x1b]52;c;aHR0cHM6Ly9xdWlsbHN0b25lLmV4YW1wbGUvYmxvZy9zeW5jLyNjb21tZW50LTE", "Link copied")
	finalApp(t, tm)
}

// Over SSH nothing is started: the link is copied and the status says why.
func TestOOverSSHCopiesInstead(t *testing.T) {
	out := fakeBrowser(t)
	t.Setenv("SSH_CONNECTION", "10.0.0.2 50000 10.0.0.1 22")
	tm := startApp(t, newTestApp(testStore(t)), 120, 24)
	waitFor(t, tm, "Alice Chen")
	tm.Send(press('o'))
	waitFor(t, tm, "\x1b]52;c;", "Over SSH")
	finalApp(t, tm)
	if _, err := os.Stat(out); err == nil {
		t.Error("$BROWSER ran over SSH")
	}
}

// A failing browser is reported on the status line, with y as the way out.
func TestOFailingBrowserSaysSo(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "browser")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nexit 3\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("BROWSER", script)
	t.Setenv("SSH_CONNECTION", "")
	t.Setenv("SSH_TTY", "")
	tm := startApp(t, newTestApp(testStore(t)), 140, 24)
	waitFor(t, tm, "Alice Chen")
	tm.Send(press('o'))
	waitFor(t, tm, "Could not open the link")
	finalApp(t, tm)
}

// The header shows a long link whole, over several rows, each an OSC 8
// hyperlink to the whole link; nothing of it is cut with an ellipsis.
func TestThreadHeaderShowsALongLinkWholeAsHyperlink(t *testing.T) {
	st := testStore(t)
	long := "https://community.quillstone.example/t/a-very-long-topic-title-about-sync-and-pricing-and-more/12345?page=2&utm_source=feed#post-67"
	if _, err := st.Ingest(newThreadItem("L1", "Lena Park", "Where is the export button?", testNow.Add(-10*time.Minute)), testNow); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Ingest(newThreadItemLink("L2", "Lena Park", "And the import?", long, testNow.Add(-5*time.Minute)), testNow); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TERM", "xterm-256color")
	t.Setenv("PARLEY_NO_HYPERLINKS", "")
	// A terminal (the test output is none: links would be dropped).
	tm := teatest.NewTestModel(t, newTestApp(st), teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ANSI256)))
	waitFor(t, tm, "Lena Park")
	tm.Send(press('G'))
	tm.Send(enter)
	waitFor(t, tm, "And the import?", "\x1b]8;id=")
	final := finalApp(t, tm)
	view := final.render()
	if final.thread == nil {
		t.Fatal("no thread open")
	}
	plain := ansi.Strip(view)
	joined := ""
	for _, line := range strings.Split(plain, "\n") {
		if i := strings.Index(line, "↗ "); i >= 0 {
			joined = strings.TrimSpace(line[i+len("↗ "):])
			continue
		}
		if joined != "" && !strings.HasPrefix(line, "──") && strings.HasPrefix(line, "  ") {
			joined += strings.TrimSpace(line)
			continue
		}
		if joined != "" {
			break
		}
	}
	if joined != long {
		t.Errorf("the header's link rows read %q, want the whole link %q:\n%s", joined, long, plain)
	}
	if n := strings.Count(view, "\x1b]8;id="+final.thread.thread.ID+";"+long); n < 2 {
		t.Errorf("%d OSC 8 pieces link to the whole link, want one per row (2+):\n%q", n, view)
	}
}

func newThreadItemLink(id, author, text, link string, published time.Time) (r feeds.Result) {
	r = newThreadItem(id, author, text, published)
	r.Items[0].Link = link
	r.Items[0].Title = "Export and import"
	return r
}
