package store

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"parley/funnel"
)

// serveWith starts the control socket of s with handlers h.
func serveWith(t *testing.T, s *Store, h ControlHandlers) {
	t.Helper()
	stop, err := s.ServeControlWith(context.Background(), h)
	mustNil(t, err)
	t.Cleanup(stop)
}

// askJSON sends one raw version-1 request and decodes the first answer.
func askJSON(t *testing.T, sock, request string) controlReply {
	t.Helper()
	line := ask(t, sock, request)
	var r controlReply
	if err := json.Unmarshal([]byte(line), &r); err != nil {
		t.Fatalf("answer %q is not JSON: %v", line, err)
	}
	if r.V != ControlVersion {
		t.Errorf("answer %q lacks version %d", line, ControlVersion)
	}
	return r
}

func TestControlV1RefusesOtherVersionsAndUnknownOps(t *testing.T) {
	s := openTest(t)
	serveWith(t, s, ControlHandlers{})
	sock := ControlSocket(s.Path())
	tests := []struct{ name, request, code, want string }{
		{"newer version", `{"v":2,"op":"hello"}` + "\n", "version", "speaks control protocol version 1, the request was version 2"},
		{"no version", `{"op":"hello"}` + "\n", "version", "the request was version 0"},
		{"unknown op", `{"v":1,"op":"restore"}` + "\n", "unknown-op", `unknown request "restore" (this parley answers: hello, backup, export`},
		{"not JSON", `{"v":1,` + "\n", "bad-request", "not valid JSON"},
		{"export without a handler", `{"v":1,"op":"export","format":"csv"}` + "\n", "unsupported", "cannot export"},
		{"fetch without a handler", `{"v":1,"op":"fetch"}` + "\n", "unsupported", "does not poll feeds"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := askJSON(t, sock, tc.request)
			if r.Kind != "error" || r.Code != tc.code || !strings.Contains(r.Error, tc.want) {
				t.Errorf("answer = %+v, want error %s saying %q", r, tc.code, tc.want)
			}
		})
	}
	// The client turns them into a ControlError.
	_, err := controlCall(s.Path(), controlRequest{Op: "restore"}, nil, 10*time.Second, noFrames)
	var ce *ControlError
	if !errors.As(err, &ce) || ce.Code != "unknown-op" {
		t.Errorf("client err = %v, want a ControlError unknown-op", err)
	}
}

func TestControlHelloSaysWhoHoldsTheDatabase(t *testing.T) {
	s := openTest(t)
	before := time.Now()
	serveWith(t, s, ControlHandlers{})
	who, err := ControlHello(s.Path(), 5*time.Second)
	mustNil(t, err)
	if who.PID != os.Getpid() || who.Version != ControlVersion || who.Started.Before(before.Add(-time.Second)) {
		t.Errorf("who = %+v, want this process, version %d, started now", who, ControlVersion)
	}
	if !strings.Contains(strings.Join(who.Ops, " "), "fetch") {
		t.Errorf("ops = %v, want fetch among them", who.Ops)
	}
	// None running: ErrNoControl.
	if _, err := ControlHello(filepath.Join(t.TempDir(), "none.db"), time.Second); !errors.Is(err, ErrNoControl) {
		t.Errorf("no server: err = %v, want ErrNoControl", err)
	}
}

// A parley from before version 1 answers a JSON request with its
// one-line error: that is "no parley that can do it", not a failure.
func TestControlClientTreatsAnOlderParleyAsNoControl(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "parley.db")
	ln, err := net.Listen("unix", ControlSocket(db))
	mustNil(t, err)
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		buf := make([]byte, 512)
		_, _ = c.Read(buf)
		_, _ = io.WriteString(c, "error unknown request \"{\\\"v\\\":1\" (this parley answers: backup PATH)\n")
	}()
	_, err = ControlHello(db, 5*time.Second)
	if !errors.Is(err, ErrNoControl) || !strings.Contains(err.Error(), "is an older version") {
		t.Errorf("err = %v, want ErrNoControl saying it is an older version", err)
	}
}

func TestControlExportStreamsTheHandlersOutput(t *testing.T) {
	s := openTest(t)
	big := strings.Repeat("row,with,fields\n", 10000) // several data frames
	serveWith(t, s, ControlHandlers{Export: func(_ context.Context, format string, w io.Writer) error {
		_, err := io.WriteString(w, format+"\n"+big)
		return err
	}})
	var out bytes.Buffer
	mustNil(t, RequestExport(s.Path(), "json", &out))
	if out.String() != "json\n"+big {
		t.Errorf("export = %d bytes starting %.20q, want the handler's %d", out.Len(), out.String(), len(big)+5)
	}

	// The handler's error reaches the client after what was written.
	s2 := openTest(t)
	serveWith(t, s2, ControlHandlers{Export: func(_ context.Context, _ string, w io.Writer) error {
		_, _ = io.WriteString(w, "header\n")
		return errors.New("disk on fire")
	}})
	out.Reset()
	err := RequestExport(s2.Path(), "csv", &out)
	if err == nil || err.Error() != "disk on fire" || out.String() != "header\n" {
		t.Errorf("err = %v, out %q; want the handler's error after its output", err, out.String())
	}
}

func TestControlImportsConversions(t *testing.T) {
	s := openTest(t)
	fillForBackup(t, s)
	serveWith(t, s, ControlHandlers{})
	th, err := s.Thread(threadOf(t, s, "a1"))
	mustNil(t, err)
	rows := []Conversion{
		{Ref: th.Ref(), Amount: Money{Currency: "EUR", Cents: 4900}, At: at(10), Line: 2},
		{Ref: "abcdef0123", Amount: Money{Cents: 100}, At: at(11), Line: 3},
	}
	res, err := RequestImport(s.Path(), rows)
	mustNil(t, err)
	if res.Imported != 1 || len(res.Converted) != 1 || res.Converted[0] != th.ID {
		t.Errorf("result = %+v, want 1 imported converting %s", res, th.ID)
	}
	if len(res.Unknown) != 1 || res.Unknown[0].Line != 3 || !errors.Is(res.Unknown[0].Err, ErrNotFound) {
		t.Errorf("unknown = %+v, want line 3, ErrNotFound", res.Unknown)
	}
	again, err := RequestImport(s.Path(), rows[:1])
	mustNil(t, err)
	if again.Imported != 0 || again.Duplicate != 1 {
		t.Errorf("again = %+v, want 1 duplicate", again)
	}
	if got, err := s.Thread(th.ID); err != nil || got.Stage != funnel.Converted {
		t.Errorf("thread after import: stage %v, %v; want converted", got.Stage, err)
	}
}

func TestControlDoctorCheck(t *testing.T) {
	s := openTest(t)
	fillForBackup(t, s)
	serveWith(t, s, ControlHandlers{})
	res, err := RequestCheck(s.Path())
	mustNil(t, err)
	threads, messages, _ := s.Stats()
	if res.Err != "" || !res.UpToDate || res.Threads != threads || res.Messages != messages || res.Report.Keys == 0 {
		t.Errorf("check = %+v, want sound with %d threads, %d messages", res, threads, messages)
	}
	// The same counts as CheckFile gives a closed file.
	path := s.Path()
	rep := res.Report
	mustNil(t, s.Close())
	fileRep, err := CheckFile(path, time.Second)
	mustNil(t, err)
	if fileRep.Keys != rep.Keys || fileRep.Pages != rep.Pages || fileRep.Buckets != rep.Buckets {
		t.Errorf("owner's report %+v, CheckFile's %+v", rep, fileRep)
	}
}

func TestControlFetchStreamsOneResultPerFeed(t *testing.T) {
	s := openTest(t)
	release := make(chan struct{})
	serveWith(t, s, ControlHandlers{
		FeedNames: func(string) ([]string, error) { return []string{"blog", "forum"}, nil },
		Fetch: func(ctx context.Context, _ string, emit func(FeedResult)) error {
			emit(FeedResult{Feed: "blog", New: 2, Items: 5})
			<-release // the client has the first line before the second feed ends
			emit(FeedResult{Feed: "forum", Err: "GET: 500"})
			return nil
		},
	})
	var names []string
	var got []string
	err := RequestFetch(s.Path(), "", func(n []string) { names = n }, func(r FeedResult) {
		got = append(got, fmt.Sprintf("%s %d/%d %q %v", r.Feed, r.New, r.Items, r.Err, r.Failed()))
		if len(got) == 1 {
			close(release)
		}
	})
	mustNil(t, err)
	if strings.Join(names, ",") != "blog,forum" {
		t.Errorf("names = %v", names)
	}
	want := []string{`blog 2/5 "" false`, `forum 0/0 "GET: 500" true`}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("results = %q, want %q", got, want)
	}

	// A whole-run error is the client's error.
	s2 := openTest(t)
	serveWith(t, s2, ControlHandlers{Fetch: func(context.Context, string, func(FeedResult)) error {
		return errors.New("no config at /x: add [[feed]] entries")
	}})
	err = RequestFetch(s2.Path(), "", func([]string) {}, func(FeedResult) {})
	if err == nil || err.Error() != "no config at /x: add [[feed]] entries" {
		t.Errorf("err = %v, want the handler's", err)
	}
}

// A long request (a fetch) does not hold up a hello: a second console
// must hear at once who has the database.
func TestControlHelloIsAnsweredDuringAFetch(t *testing.T) {
	s := openTest(t)
	release := make(chan struct{})
	started := make(chan struct{})
	serveWith(t, s, ControlHandlers{Fetch: func(ctx context.Context, _ string, emit func(FeedResult)) error {
		close(started)
		<-release
		return nil
	}})
	fetched := make(chan error, 1)
	go func() { fetched <- RequestFetch(s.Path(), "", func([]string) {}, func(FeedResult) {}) }()
	<-started
	if _, err := ControlHello(s.Path(), 10*time.Second); err != nil {
		t.Errorf("hello during a fetch: %v", err)
	}
	close(release)
	mustNil(t, <-fetched)
}

// The version-1 backup writes the copy as the one-line request does.
func TestControlV1Backup(t *testing.T) {
	s := openTest(t)
	fillForBackup(t, s)
	serveWith(t, s, ControlHandlers{})
	target := filepath.Join(t.TempDir(), "copy.db")
	r, err := controlCall(s.Path(), controlRequest{Op: "backup", Path: target}, nil, 10*time.Second, noFrames)
	mustNil(t, err)
	if r.Backup == nil || r.Backup.Threads != 3 {
		t.Errorf("answer = %+v, want 3 threads", r.Backup)
	}
	if fi, err := os.Stat(target); err != nil || fi.Size() != r.Backup.Bytes {
		t.Errorf("copy: %v, %v", fi, err)
	}
}

// A parley that is quitting closes without answering: the command then
// opens the database itself, so that is ErrNoControl too.
func TestControlClientTreatsASilentCloseAsNoControl(t *testing.T) {
	db := filepath.Join(t.TempDir(), "parley.db")
	ln, err := net.Listen("unix", ControlSocket(db))
	mustNil(t, err)
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err == nil {
			_, _ = c.Read(make([]byte, 512))
			c.Close()
		}
	}()
	if _, err := RequestCheck(db); !errors.Is(err, ErrNoControl) || !strings.Contains(err.Error(), "without answering") {
		t.Errorf("err = %v, want ErrNoControl saying it closed without answering", err)
	}
}

// A parley killed as it accepted a connection resets it, unread request
// and all (the kernel closes the accepted socket before the listener):
// that is no answer either, so the command opens the database itself.
func TestControlClientTreatsAResetAsNoControl(t *testing.T) {
	db := filepath.Join(t.TempDir(), "parley.db")
	ln, err := net.Listen("unix", ControlSocket(db))
	mustNil(t, err)
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		// Closing with the request unread resets the connection.
		buf := make([]byte, 1)
		_, _ = c.Read(buf)
		time.Sleep(20 * time.Millisecond) // the rest of the request arrives
		c.Close()
	}()
	if _, err := RequestCheck(db); !errors.Is(err, ErrNoControl) {
		t.Errorf("err = %v, want ErrNoControl", err)
	}
}

// A fetch names its config; the server's handler sees it, and a refusal
// for another config reaches the client as ErrOtherConfig, before any
// feed name (nothing was polled).
func TestControlFetchCarriesItsConfig(t *testing.T) {
	s := openTest(t)
	var asked []string
	refuse := func(config string) error {
		if config != "" && config != "/home/maya/a.toml" {
			return fmt.Errorf("the running console uses /home/maya/a.toml; this fetch names %s: %w", config, ErrOtherConfig)
		}
		return nil
	}
	fetched := 0
	serveWith(t, s, ControlHandlers{
		FeedNames: func(config string) ([]string, error) {
			asked = append(asked, config)
			return []string{"blog"}, refuse(config)
		},
		Fetch: func(_ context.Context, config string, emit func(FeedResult)) error {
			fetched++
			if err := refuse(config); err != nil {
				return err
			}
			emit(FeedResult{Feed: "blog", New: 1, Items: 1})
			return nil
		},
	})
	named := 0
	err := RequestFetch(s.Path(), "/home/maya/b.toml", func([]string) { named++ }, func(FeedResult) {
		t.Error("a refused fetch reported a feed")
	})
	if !errors.Is(err, ErrOtherConfig) || !strings.Contains(err.Error(), "this fetch names /home/maya/b.toml") {
		t.Errorf("err = %v, want the refusal as ErrOtherConfig", err)
	}
	if named != 0 || fetched != 0 {
		t.Errorf("a refused fetch got the feed names %d times and was fetched %d times", named, fetched)
	}
	for _, config := range []string{"/home/maya/a.toml", ""} { // "": an older client
		var got []string
		err := RequestFetch(s.Path(), config, func(n []string) { got = n }, func(FeedResult) {})
		if err != nil || strings.Join(got, ",") != "blog" {
			t.Errorf("fetch naming %q: %v (names %v)", config, err, got)
		}
	}
	if strings.Join(asked, "|") != "/home/maya/b.toml|/home/maya/a.toml|" || fetched != 2 {
		t.Errorf("the handlers saw the configs %q, fetched %d times", asked, fetched)
	}
	// Another error is not ErrOtherConfig.
	if errors.Is(&ControlError{Msg: "x", Code: "unsupported"}, ErrOtherConfig) {
		t.Error("every ControlError matches ErrOtherConfig")
	}
}

// export with "audit" runs the audit handler; without, the export's.
func TestControlExportAudit(t *testing.T) {
	s := openTest(t)
	serveWith(t, s, ControlHandlers{
		Export: func(_ context.Context, format string, w io.Writer) error {
			_, err := io.WriteString(w, "conversations "+format)
			return err
		},
		ExportAudit: func(_ context.Context, format string, w io.Writer) error {
			_, err := io.WriteString(w, "audit "+format)
			return err
		},
	})
	var out bytes.Buffer
	mustNil(t, RequestExportAudit(s.Path(), "json", &out))
	if out.String() != "audit json" {
		t.Errorf("audit export = %q", out.String())
	}
	out.Reset()
	mustNil(t, RequestExport(s.Path(), "csv", &out))
	if out.String() != "conversations csv" {
		t.Errorf("export = %q", out.String())
	}

	// A parley that cannot export the log says so.
	s2 := openTest(t)
	serveWith(t, s2, ControlHandlers{Export: func(_ context.Context, _ string, w io.Writer) error {
		_, err := io.WriteString(w, "conversations")
		return err
	}})
	out.Reset()
	err := RequestExportAudit(s2.Path(), "csv", &out)
	var ce *ControlError
	if !errors.As(err, &ce) || ce.Code != "unsupported" || out.Len() != 0 {
		t.Errorf("err = %v, out %q; want unsupported and nothing written", err, out.String())
	}
}

// A parley from before the audit log ignores the field and streams the
// conversations: the client refuses that at the first frame.
func TestControlExportAuditRefusesAnOlderParleysAnswer(t *testing.T) {
	db := filepath.Join(t.TempDir(), "parley.db")
	ln, err := net.Listen("unix", ControlSocket(db))
	mustNil(t, err)
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		line, _ := bufio.NewReader(c).ReadString('\n')
		if !strings.Contains(line, `"audit":true`) {
			_, _ = io.WriteString(c, `{"v":1,"kind":"error","error":"no audit field"}`+"\n")
			return
		}
		_, _ = io.WriteString(c, `{"v":1,"kind":"data","data":"cmVmLHRocmVhZF9yZWYK"}`+"\n"+`{"v":1,"kind":"ok"}`+"\n")
	}()
	var out bytes.Buffer
	err = RequestExportAudit(db, "csv", &out)
	if !errors.Is(err, ErrNoAuditExport) || out.Len() != 0 {
		t.Errorf("err = %v, out %q; want ErrNoAuditExport and nothing written", err, out.String())
	}
}
