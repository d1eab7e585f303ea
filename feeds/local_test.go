package feeds

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// hangGuard is how long a fetch may take before the test calls it hung.
// Not a speed target: the fetches here either return at once or hang for
// good (a FIFO nobody writes to).
const hangGuard = 10 * time.Second

// fetchOrHang runs Fetch and fails the test if it does not return.
func fetchOrHang(t *testing.T, f *Fetcher, feed Feed) Result {
	t.Helper()
	done := make(chan Result, 1)
	go func() { done <- f.Fetch(context.Background(), feed, ConditionalState{}) }()
	select {
	case r := <-done:
		return r
	case <-time.After(hangGuard):
		t.Fatalf("fetch of %s did not return within %s", feed.URL, hangGuard)
		return Result{}
	}
}

func mkfifo(t *testing.T, path string) string {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("cannot make a FIFO here: %v", err)
	}
	return path
}

// What is not a regular file is refused at once, with what it is, however
// long the timeout: a FIFO blocks in open(2) until a writer comes, a device
// never ends. A symlink to a feed file is read like the file.
func TestFetchLocalRefusesWhatIsNotARegularFile(t *testing.T) {
	dir := t.TempDir()
	feedFile := filepath.Join(dir, "feed.xml")
	if err := os.WriteFile(feedFile, []byte(tinyFeed), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.xml")
	if err := os.Symlink(feedFile, link); err != nil {
		t.Fatal(err)
	}
	fifo := mkfifo(t, filepath.Join(dir, "pipe.xml"))
	fifoLink := filepath.Join(dir, "pipe-link.xml")
	if err := os.Symlink(fifo, fifoLink); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "s.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()

	tests := []struct{ name, url, want string }{
		{"symlink to a feed file", link, ""},
		{"FIFO", fifo, "is a named pipe (FIFO)"},
		{"file URL of a FIFO", "file://" + filepath.ToSlash(fifo), "is a named pipe (FIFO)"},
		{"symlink to a FIFO", fifoLink, "is a named pipe (FIFO)"},
		{"/dev/zero", "/dev/zero", "/dev/zero is a device"},
		{"/dev/urandom", "/dev/urandom", "/dev/urandom is a device"},
		{"directory", dir, "is a directory, not a regular file"},
		{"socket", sock, "is a socket"},
	}
	// A long timeout and a big cap: the refusal must not be the timeout
	// or the cap running out.
	f := NewFetcher(Options{Timeout: time.Hour, MaxBytes: 1 << 30})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := os.Stat(tt.url); strings.HasPrefix(tt.url, "/dev/") && err != nil {
				t.Skipf("no %s here", tt.url)
			}
			r := fetchOrHang(t, f, Feed{Name: "Local", URL: tt.url})
			if tt.want == "" {
				if r.Err != nil || len(r.Items) != 1 {
					t.Fatalf("err=%v items=%d, want the one item", r.Err, len(r.Items))
				}
				return
			}
			if r.Err == nil || !strings.Contains(r.Err.Error(), tt.want) || !strings.Contains(r.Err.Error(), "regular file") {
				t.Fatalf("error = %v, want one saying %q", r.Err, tt.want)
			}
			if r.Feed != "Local" || strings.Contains(r.Err.Error(), `"Local"`) {
				t.Errorf("feed %q, error %q: the result names the feed, its error does not repeat the name", r.Feed, r.Err)
			}
		})
	}
}

// Twenty FIFO feeds, more than max_concurrent, leave no slot taken: the
// working feed among them is fetched.
func TestFetchAllFIFOsDoNotStarveOthers(t *testing.T) {
	dir := t.TempDir()
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, tinyFeed) })
	var list []Feed
	for i := range 20 {
		list = append(list, Feed{Name: fmt.Sprintf("pipe %d", i), URL: mkfifo(t, filepath.Join(dir, fmt.Sprintf("p%d.xml", i)))})
	}
	list = append(list, Feed{Name: "web", URL: srv.URL + "/feed"})
	f := NewFetcher(Options{Client: srv.Client(), MaxConcurrent: 16, Timeout: time.Hour})
	results := map[string]Result{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f.FetchAll(context.Background(), list, nil, func(r Result) { results[r.Feed] = r })
	}()
	select {
	case <-done:
	case <-time.After(hangGuard):
		t.Fatalf("FetchAll did not return within %s: FIFO feeds hold the fetch slots", hangGuard)
	}
	if r := results["web"]; r.Err != nil || len(r.Items) != 1 {
		t.Errorf("the working feed: err=%v items=%d, want its one item", r.Err, len(r.Items))
	}
	for _, fd := range list[:20] {
		if r := results[fd.Name]; r.Err == nil || !strings.Contains(r.Err.Error(), "named pipe") {
			t.Errorf("%s: err=%v, want a refusal", fd.Name, r.Err)
		}
	}
}

// stalledReader blocks in Read until release is closed, as a read from a
// stalled NFS mount does (which nothing can interrupt).
type stalledReader struct{ release <-chan struct{} }

func (s stalledReader) Read([]byte) (int, error) {
	<-s.release
	return 0, io.EOF
}
func (stalledReader) Close() error { return nil }

// A local read that blocks gives its slot back at the timeout and fails
// with a timeout; while it stays blocked the path is not read again (one
// stuck read per path, however many polls), and once it returns the path is
// read as usual.
func TestFetchLocalStalledReadReleasesItsSlot(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.xml")
	if err := os.WriteFile(good, []byte(tinyFeed), 0o600); err != nil {
		t.Fatal(err)
	}
	const stalled = "/mnt/nfs/stalled.xml"
	release := make(chan struct{})
	var stalls atomic.Int32
	const timeout = 200 * time.Millisecond
	f := NewFetcher(Options{MaxConcurrent: 1, Timeout: timeout}) // one slot: a held slot blocks everything
	f.openLocal = func(path string) (io.ReadCloser, error) {
		if path == stalled && stalls.Add(1) == 1 {
			return stalledReader{release}, nil
		}
		if path == stalled {
			return io.NopCloser(strings.NewReader(tinyFeed)), nil
		}
		return openLocal(path)
	}
	defer func() {
		select {
		case <-release:
		default:
			close(release)
		}
	}()

	r := fetchOrHang(t, f, Feed{Name: "NFS", URL: stalled})
	if r.Err == nil || !strings.Contains(r.Err.Error(), "timeout") || !strings.Contains(r.Err.Error(), stalled) {
		t.Fatalf("stalled read: err = %v, want a timeout naming the path", r.Err)
	}
	if r.Duration < timeout {
		t.Errorf("gave up after %v, before the %v timeout", r.Duration, timeout)
	}
	// The only slot is free again.
	if r := fetchOrHang(t, f, Feed{Name: "Good", URL: good}); r.Err != nil || len(r.Items) != 1 {
		t.Fatalf("the next feed: err=%v items=%d, want its item (slot not released?)", r.Err, len(r.Items))
	}
	// Polls of the stuck path start no new read.
	for range 3 {
		r := fetchOrHang(t, f, Feed{Name: "NFS", URL: stalled})
		if r.Err == nil || !strings.Contains(r.Err.Error(), "still blocked since") {
			t.Fatalf("poll while stuck: err = %v, want \"still blocked since …\"", r.Err)
		}
	}
	if n := stalls.Load(); n != 1 {
		t.Fatalf("%d reads of the stuck path started, want 1", n)
	}
	// The stuck read returns: the path is read again.
	close(release)
	deadline := time.Now().Add(hangGuard)
	for {
		r := fetchOrHang(t, f, Feed{Name: "NFS", URL: stalled})
		if r.Err == nil {
			if len(r.Items) != 1 || stalls.Load() != 2 {
				t.Fatalf("after the stuck read returned: items=%d reads=%d, want 1 item from a second read", len(r.Items), stalls.Load())
			}
			break
		}
		if !strings.Contains(r.Err.Error(), "still blocked") || time.Now().After(deadline) {
			t.Fatalf("after the stuck read returned: err = %v", r.Err)
		}
		time.Sleep(5 * time.Millisecond) // the abandoned goroutine is finishing
	}
}

// A token file that is a FIFO used to block the fetch that needed it.
func TestSecretFileMustBeARegularFile(t *testing.T) {
	fifo := mkfifo(t, filepath.Join(t.TempDir(), "token"))
	done := make(chan error, 1)
	go func() { _, err := (Secret{File: fifo}).Load(); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "is a named pipe") {
			t.Errorf("FIFO token file: err = %v, want a refusal", err)
		}
	case <-time.After(hangGuard):
		t.Fatal("loading a FIFO token file did not return")
	}
}

// A local file that is not a feed may be anything, a token file among
// them: the error says what it looks like and never quotes it. (An HTTP
// error may quote the start of a server's page; see TestParseErrors.)
func TestFetchLocalNotAFeedNeverQuotesTheFile(t *testing.T) {
	const token = "ghp_R3aLLyS3cr3tT0k3nDoNotL3ak0123456789"
	tests := []struct{ name, body, want string }{
		{"token file", token + "\n", "(starts with plain text)"},
		{"token after a blank line", "\n\n  " + token, "(starts with plain text)"},
		{"env file", "export API_TOKEN=" + token + "\n", "(starts with plain text)"},
		{"XML with the token as root", "<" + token + ">x</" + token + ">", "(XML, but not RSS or Atom)"},
		{"XML closed wrongly", "\n</" + token + ">", "(malformed XML at line 2)"},
		{"JSON", `{"token": "` + token + `"}`, "(JSON, but not a JSON Feed)"},
		{"broken JSON", `{"token": "` + token + `" "x"}`, "(JSON, but not a JSON Feed)"},
		{"JSON Feed with a wrong type", `{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1", "title": {"` + token + `": 1}}]}`, "(JSON, but not a JSON Feed)"},
		{"HTML", "<!doctype html><title>" + token + "</title>", "(starts like an HTML page)"},
		{"binary", "\x00\x01" + token, "(starts with binary data)"},
		{"empty", "\n \n", "(it is empty)"},
	}
	dir := t.TempDir()
	f := NewFetcher(Options{})
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, fmt.Sprintf("token%d.txt", i))
			if err := os.WriteFile(path, []byte(tt.body), 0o600); err != nil {
				t.Fatal(err)
			}
			r := f.Fetch(context.Background(), Feed{Name: "Oops", URL: path}, ConditionalState{})
			if r.Err == nil {
				t.Fatalf("no error for %q", tt.body)
			}
			msg := r.Err.Error()
			if strings.Contains(msg, token) || strings.Contains(msg, token[:8]) || strings.Contains(msg, "API_TOKEN") {
				t.Errorf("the error quotes the file: %q", msg)
			}
			if want := `parse: ` + path + " is not an RSS, Atom or JSON feed " + tt.want; msg != want {
				t.Errorf("error = %q\n      want %q", msg, want)
			}
		})
	}
}

// Twenty local feeds stalled on a dead mount, more than max_concurrent:
// each gives its slot back at the timeout, so the working feed is fetched
// in the same round, and later rounds start no new reads of the stuck
// paths (the abandoned reads stay at one per path).
func TestFetchAllStalledLocalFeedsDoNotStarveOthers(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, tinyFeed) })
	release := make(chan struct{})
	defer close(release)
	var opened atomic.Int32
	f := NewFetcher(Options{Client: srv.Client(), MaxConcurrent: 16, Timeout: 100 * time.Millisecond})
	f.openLocal = func(string) (io.ReadCloser, error) {
		opened.Add(1)
		return stalledReader{release}, nil
	}
	var list []Feed
	for i := range 20 {
		list = append(list, Feed{Name: fmt.Sprintf("nfs %d", i), URL: fmt.Sprintf("/mnt/nfs/%d.xml", i)})
	}
	list = append(list, Feed{Name: "web", URL: srv.URL + "/feed"})
	for round, want := range []string{"timeout", "still blocked since"} {
		results := map[string]Result{}
		done := make(chan struct{})
		go func() {
			defer close(done)
			f.FetchAll(context.Background(), list, nil, func(r Result) { results[r.Feed] = r })
		}()
		select {
		case <-done:
		case <-time.After(hangGuard):
			t.Fatalf("round %d: FetchAll did not return: stalled reads hold the slots", round+1)
		}
		if r := results["web"]; r.Err != nil || len(r.Items) != 1 {
			t.Errorf("round %d: the working feed: err=%v items=%d, want its item", round+1, r.Err, len(r.Items))
		}
		for _, fd := range list[:20] {
			if r := results[fd.Name]; r.Err == nil || !strings.Contains(r.Err.Error(), want) {
				t.Errorf("round %d: %s: err=%v, want %q", round+1, fd.Name, r.Err, want)
			}
		}
		if n := opened.Load(); n != 20 {
			t.Errorf("round %d: %d reads of the 20 stalled paths started in all, want 20", round+1, n)
		}
	}
}

type panickingReader struct{}

func (panickingReader) Read([]byte) (int, error) { panic("reader bug") }
func (panickingReader) Close() error             { return nil }

// A bug met while reading one feed fails that feed with an error; the
// others are fetched and the process (a console in raw mode) lives on.
func TestFetchAllSurvivesAPanicInOneFeed(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.xml")
	if err := os.WriteFile(good, []byte(tinyFeed), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.xml")
	f := NewFetcher(Options{Timeout: 2 * time.Second})
	f.openLocal = func(path string) (io.ReadCloser, error) {
		if path == bad {
			return panickingReader{}, nil
		}
		return openLocal(path)
	}
	got := map[string]Result{}
	f.FetchAll(context.Background(), []Feed{{Name: "Bad", URL: bad}, {Name: "Good", URL: good}}, nil,
		func(r Result) { got[r.Feed] = r })
	if r := got["Bad"]; r.Err == nil || !strings.Contains(r.Err.Error(), "internal error") {
		t.Errorf("panicking feed: err = %v, want an internal error", r.Err)
	}
	if r := got["Good"]; r.Err != nil || len(r.Items) == 0 {
		t.Errorf("good feed: err = %v, %d items; want it fetched", r.Err, len(r.Items))
	}
	// The path is not left marked as stuck: the next read goes through.
	f.openLocal = openLocal
	if err := os.WriteFile(bad, []byte(tinyFeed), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := f.Fetch(context.Background(), Feed{Name: "Bad", URL: bad}, ConditionalState{}); r.Err != nil {
		t.Errorf("after the panic: %v", r.Err)
	}
}

// A large local feed is read into one buffer of its size: growing one as
// io.ReadAll does costs several times the file in allocations and, for a
// moment, twice it in live memory (the console once peaked at 1.3 GB on
// one huge poll).
func TestReadingALargeLocalFileAllocatesItsSizeOnce(t *testing.T) {
	const size = 8 << 20
	path := filepath.Join(t.TempDir(), "big.xml")
	if err := os.WriteFile(path, bytes.Repeat([]byte("<item>x</item>\n"), size/15), 0o600); err != nil {
		t.Fatal(err)
	}
	f := NewFetcher(Options{MaxBytes: 64 << 20})
	fh, err := openLocal(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	fi, err := fh.(*os.File).Stat()
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	body, err := f.readCapped(fh, fi.Size())
	runtime.ReadMemStats(&after)
	if err != nil || int64(len(body)) != fi.Size() {
		t.Fatalf("read %d bytes, err %v; want %d", len(body), err, fi.Size())
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > uint64(fi.Size())*5/4 {
		t.Errorf("reading a %d-byte file allocated %d bytes (%.1fx); want about its size once",
			fi.Size(), alloc, float64(alloc)/float64(fi.Size()))
	}
}
