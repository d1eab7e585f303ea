package store

// Version 1 of the control protocol: every command works through the
// parley that holds the database. A request is one JSON line (at most
// controlMaxRequest bytes) with the protocol version and the operation,
// followed by Body bytes when it has any (the rows of an import). The
// answer is a stream of JSON lines, each with the version and a kind:
//
//	{"v":1,"op":"hello"}                      -> {"v":1,"kind":"ok","who":{...}}
//	{"v":1,"op":"export","format":"csv"}      -> {"kind":"data",...}... then ok | error
//	{"v":1,"op":"export","format":"csv","audit":true} -> {"kind":"data","audit":true,...}... then ok | error
//	{"v":1,"op":"conversions-import","body":N} + N bytes of JSON rows -> ok with "import"
//	{"v":1,"op":"doctor-check"}               -> ok with "check"
//	{"v":1,"op":"fetch","config":"/abs/config.toml"} -> feeds, feed..., then ok | error
//
// A fetch names the config it was run with (optional: an older client
// leaves it out and is served); a parley polling another config refuses
// it with code "other-config" (ErrOtherConfig).
//
// An export with "audit" (optional, schema 6) is the audit log instead of
// the conversations; its data frames say "audit" too, so a client that
// meets an older parley (which ignores the field and sends conversations)
// notices at the first frame and writes nothing (ErrNoAuditExport).
//
// A request that does not start with '{' is version 0, the one-line
// protocol of control.go, still answered for an older `parley backup`.

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"parley/feeds"
)

// ControlVersion is the control protocol version this parley speaks.
const ControlVersion = 1

// controlMaxBody bounds a request's body: the rows of an import from the
// largest file conversions import reads (64 MiB), as JSON.
const controlMaxBody = 512 << 20

// controlOps are the operations of version 1, for hello and error
// messages.
var controlOps = []string{"hello", "backup", "export", "conversions-import", "doctor-check", "fetch"}

// ControlHandlers are what the control server needs beyond the store:
// the engine supplies them (its config, its fetcher and writer). A nil handler
// answers that this parley cannot do it.
type ControlHandlers struct {
	// Export writes every thread to w in format (csv or json), as
	// `parley export` prints it.
	Export func(ctx context.Context, format string, w io.Writer) error
	// ExportAudit writes the audit log to w in format, as `parley export
	// --audit` prints it.
	ExportAudit func(ctx context.Context, format string, w io.Writer) error
	// FeedNames are the feeds a fetch run with config ("" when the
	// request named none) polls, in order (for the width of the report's
	// names); an error wrapping ErrOtherConfig refuses the fetch before
	// anything is polled.
	FeedNames func(config string) ([]string, error)
	// Fetch polls every feed now, stores the results and calls emit once
	// per feed as its result is committed. config is the config the
	// request named ("" when it named none). An error is for the whole
	// run (no feeds configured); one that wraps ErrOtherConfig refuses a
	// config other than the one this parley polls.
	Fetch func(ctx context.Context, config string, emit func(FeedResult)) error
}

// FeedResult is one feed's outcome of a fetch, as `parley fetch` reports
// it: with the direct path and through a running parley alike.
type FeedResult struct {
	Feed        string        `json:"feed"`
	Err         string        `json:"err,omitempty"`       // the fetch failed
	StoreErr    string        `json:"store_err,omitempty"` // fetched, not stored
	Damaged     bool          `json:"damaged,omitempty"`   // not stored: the database is damaged
	NotModified bool          `json:"not_modified,omitempty"`
	Duration    time.Duration `json:"duration"`
	New         int           `json:"new"`
	Items       int           `json:"items"`
	Truncated   int           `json:"truncated,omitempty"`
}

// Failed says whether the feed counts as failed (for fetch's exit status).
func (r FeedResult) Failed() bool { return r.Err != "" || r.StoreErr != "" || r.Damaged }

// NewFeedResult sums up a fetched result and what storing it did.
func NewFeedResult(r feeds.Result, res IngestResult, ingestErr error) FeedResult {
	fr := FeedResult{Feed: r.Feed, NotModified: r.NotModified, Duration: r.Duration, New: res.New,
		Items: len(r.Items), Truncated: r.Truncated}
	switch {
	case r.Err != nil:
		fr.Err = r.Err.Error()
	case errors.Is(ingestErr, ErrDamaged):
		fr.Damaged = true
	case ingestErr != nil:
		fr.StoreErr = ingestErr.Error()
	}
	return fr
}

// Who is the parley that holds a database, as hello answers.
type Who struct {
	PID     int       `json:"pid"`
	TTY     string    `json:"tty,omitempty"` // its terminal, when known
	User    string    `json:"user,omitempty"`
	Started time.Time `json:"started"` // when it began serving
	Version int       `json:"version"` // its control protocol version
	Ops     []string  `json:"ops"`
}

// CheckResult is `parley doctor`'s database check, run by the parley
// that holds the database: what CheckFile, UpToDate, Stats and Pending
// give without one. An empty error string means no error.
type CheckResult struct {
	Report            FileReport `json:"report"`
	Err               string     `json:"err,omitempty"`
	UpToDate          bool       `json:"up_to_date"`
	Threads, Messages int
	StatsErr          string `json:"stats_err,omitempty"`
	Pending           int    `json:"pending"`
	PendingErr        string `json:"pending_err,omitempty"`
	UpToDateErr       string `json:"up_to_date_err,omitempty"`
}

// importUnknown is a ConversionError on the wire.
type importUnknown struct {
	Conversion
	Kind string `json:"kind"` // "not-found", "ambiguous" or "" (Err says)
	Err  string `json:"err"`
}

type importReply struct {
	Imported  int             `json:"imported"`
	Duplicate int             `json:"duplicate"`
	Converted []string        `json:"converted"`
	Unknown   []importUnknown `json:"unknown"`
}

type controlRequest struct {
	V      int    `json:"v"`
	Op     string `json:"op"`
	Path   string `json:"path,omitempty"`   // backup: the target
	Format string `json:"format,omitempty"` // export
	Audit  bool   `json:"audit,omitempty"`  // export: the audit log (schema 6; optional)
	Config string `json:"config,omitempty"` // fetch: the config it was run with
	Body   int64  `json:"body,omitempty"`   // bytes after the line
}

type controlReply struct {
	V      int          `json:"v"`
	Kind   string       `json:"kind"` // ok, error, data, feeds, feed
	Error  string       `json:"error,omitempty"`
	Code   string       `json:"code,omitempty"` // error: version, unknown-op, unsupported, bad-request, other-config
	Data   []byte       `json:"data,omitempty"`
	Audit  bool         `json:"audit,omitempty"` // data: of the audit log
	Who    *Who         `json:"who,omitempty"`
	Backup *BackupInfo  `json:"backup,omitempty"`
	Import *importReply `json:"import,omitempty"`
	Check  *CheckResult `json:"check,omitempty"`
	Feeds  []string     `json:"feeds,omitempty"`
	Feed   *FeedResult  `json:"feed,omitempty"`
}

// ControlError is an error the running parley answered: the operation
// reached it and failed there.
type ControlError struct {
	Msg  string
	Code string
}

func (e *ControlError) Error() string { return e.Msg }

// Is makes an answer with code other-config match ErrOtherConfig.
func (e *ControlError) Is(target error) bool {
	return target == ErrOtherConfig && e.Code == codeOtherConfig
}

// ErrOtherConfig is a fetch refused because the running parley polls the
// feeds of another config than the one the fetch was run with.
var ErrOtherConfig = errors.New("the running parley uses another config")

const codeOtherConfig = "other-config"

// errCode is the code an error answer carries for err ("": none).
func errCode(err error) string {
	if errors.Is(err, ErrOtherConfig) {
		return codeOtherConfig
	}
	return ""
}

// controlServer is what one ServeControl serves with.
type controlServer struct {
	s        *Store
	h        ControlHandlers
	who      Who
	backupMu sync.Mutex // two backups at once would only compete for the disk
	fetchMu  sync.Mutex // a second fetch waits for the first instead of polling twice
}

func newControlServer(s *Store, h ControlHandlers) *controlServer {
	who := Who{PID: os.Getpid(), TTY: ownTTY(), Started: time.Now(), Version: ControlVersion, Ops: controlOps}
	if u, err := user.Current(); err == nil {
		who.User = u.Username
	}
	return &controlServer{s: s, h: h, who: who}
}

// ownTTY is the terminal of this process (its standard input), or "".
func ownTTY() string {
	if runtime.GOOS != "linux" {
		return ""
	}
	for _, fd := range []string{"0", "1", "2"} {
		if p, err := os.Readlink("/proc/self/fd/" + fd); err == nil && strings.HasPrefix(p, "/dev/") && p != "/dev/null" {
			return p
		}
	}
	return ""
}

// frameWriter sends the answer's frames; emit may be called from other
// goroutines (a fetch's writer), so sends are serialised.
type frameWriter struct {
	mu  sync.Mutex
	c   net.Conn
	enc *json.Encoder
	err error
}

func (f *frameWriter) send(r controlReply) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	r.V = ControlVersion
	// A client that stopped reading (its output piped into something
	// stuck) is dropped after a while, and what it held with it.
	_ = f.c.SetWriteDeadline(time.Now().Add(time.Minute))
	f.err = f.enc.Encode(r)
	return f.err
}

func (f *frameWriter) fail(code, format string, args ...any) {
	_ = f.send(controlReply{Kind: "error", Code: code, Error: fmt.Sprintf(format, args...)})
}

// dataWriter turns an io.Writer's writes into data frames.
type dataWriter struct {
	f     *frameWriter
	audit bool // the frames carry the audit log
}

func (d dataWriter) Write(p []byte) (int, error) {
	for off := 0; off < len(p); off += 32 << 10 {
		if err := d.f.send(controlReply{Kind: "data", Data: p[off:min(len(p), off+32<<10)], Audit: d.audit}); err != nil {
			return off, err
		}
	}
	return len(p), nil
}

// serveV1 answers a version-1 request whose line (read from br) is line.
func (cs *controlServer) serveV1(ctx context.Context, c net.Conn, lr *io.LimitedReader, br *bufio.Reader, line string) {
	f := &frameWriter{c: c, enc: json.NewEncoder(c)}
	var req controlRequest
	if err := json.Unmarshal([]byte(line), &req); err != nil {
		f.fail("bad-request", "the request is not valid JSON: %v", err)
		return
	}
	if req.V != ControlVersion {
		f.fail("version", "this parley (pid %d) speaks control protocol version %d, the request was version %d: "+
			"run the same parley version as the running console (quit it and start it again after an upgrade)",
			cs.who.PID, ControlVersion, req.V)
		return
	}
	var body []byte
	if req.Body > 0 {
		if req.Body > controlMaxBody {
			f.fail("bad-request", "a request body is at most %d MiB, got %d bytes", controlMaxBody>>20, req.Body)
			return
		}
		lr.N = req.Body
		body = make([]byte, req.Body)
		_ = c.SetReadDeadline(time.Now().Add(controlIOTimeout))
		if _, err := io.ReadFull(br, body); err != nil {
			f.fail("bad-request", "the request's %d bytes did not arrive: %v", req.Body, err)
			return
		}
	}
	_ = c.SetReadDeadline(time.Time{})
	switch req.Op {
	case "hello":
		who := cs.who
		_ = f.send(controlReply{Kind: "ok", Who: &who})
	case "backup":
		if !filepath.IsAbs(req.Path) || strings.ContainsAny(req.Path, "\n\r") {
			f.fail("bad-request", "backup needs an absolute path, got %q", req.Path)
			return
		}
		if clientGone(c) {
			return // see the version-0 backup
		}
		cs.backupMu.Lock()
		info, err := cs.s.Backup(filepath.Clean(req.Path))
		cs.backupMu.Unlock()
		if err != nil {
			f.fail("", "%v", err)
			return
		}
		_ = f.send(controlReply{Kind: "ok", Backup: &info})
	case "export":
		export := cs.h.Export
		if req.Audit {
			export = cs.h.ExportAudit
		}
		if export == nil {
			f.fail("unsupported", "this parley (pid %d) cannot export: quit it and run parley export again", cs.who.PID)
			return
		}
		bw := bufio.NewWriterSize(dataWriter{f: f, audit: req.Audit}, 32<<10)
		err := export(ctx, req.Format, bw)
		if ferr := bw.Flush(); err == nil {
			err = ferr
		}
		if err != nil {
			f.fail("", "%v", err)
			return
		}
		_ = f.send(controlReply{Kind: "ok"})
	case "conversions-import":
		var rows []Conversion
		if err := json.Unmarshal(body, &rows); err != nil {
			f.fail("bad-request", "the rows to import are not valid JSON: %v", err)
			return
		}
		var res ImportResult
		if len(rows) > 0 { // as the command does: nothing to write
			var err error
			if res, err = cs.s.ImportConversions(rows, time.Now()); err != nil {
				f.fail("", "%v", err)
				return
			}
		}
		rep := importReply{Imported: res.Imported, Duplicate: res.Duplicate, Converted: res.Converted}
		for _, u := range res.Unknown {
			w := importUnknown{Conversion: u.Conversion, Err: u.Err.Error()}
			switch {
			case errors.Is(u.Err, ErrAmbiguousRef):
				w.Kind = "ambiguous"
			case errors.Is(u.Err, ErrNotFound):
				w.Kind = "not-found"
			}
			rep.Unknown = append(rep.Unknown, w)
		}
		_ = f.send(controlReply{Kind: "ok", Import: &rep})
	case "doctor-check":
		res := cs.s.doctorCheck()
		_ = f.send(controlReply{Kind: "ok", Check: &res})
	case "fetch":
		if cs.h.Fetch == nil {
			f.fail("unsupported", "this parley (pid %d) does not poll feeds: quit it and run parley fetch again", cs.who.PID)
			return
		}
		cs.fetchMu.Lock()
		defer cs.fetchMu.Unlock()
		if cs.h.FeedNames != nil {
			// First, so a client that loses the server mid-fetch knows
			// the fetch had begun; a refusal (another config) comes
			// before anything is polled.
			names, err := cs.h.FeedNames(req.Config)
			if err != nil {
				f.fail(errCode(err), "%v", err)
				return
			}
			if err := f.send(controlReply{Kind: "feeds", Feeds: names}); err != nil {
				return
			}
		}
		err := cs.h.Fetch(ctx, req.Config, func(r FeedResult) { _ = f.send(controlReply{Kind: "feed", Feed: &r}) })
		if err == nil {
			err = cs.s.Damaged()
		}
		if err != nil {
			f.fail(errCode(err), "%v", err)
			return
		}
		_ = f.send(controlReply{Kind: "ok"})
	default:
		f.fail("unknown-op", "unknown request %q (this parley answers: %s)", req.Op, strings.Join(controlOps, ", "))
	}
}

// doctorCheck runs doctor's database check on the open store.
func (s *Store) doctorCheck() CheckResult {
	var res CheckResult
	rep, err := s.CheckReport()
	res.Report = rep
	if err != nil {
		res.Err = err.Error()
		return res
	}
	current, err := s.UpToDate()
	if err != nil {
		res.UpToDateErr = err.Error()
		return res
	}
	if res.UpToDate = current; !current {
		return res
	}
	if res.Threads, res.Messages, err = s.Stats(); err != nil {
		res.StatsErr = err.Error()
		return res
	}
	pending, err := s.Pending()
	if err != nil {
		res.PendingErr = err.Error()
	}
	res.Pending = len(pending)
	return res
}

// controlReplyIdle bounds the wait for the next frame of an answer: a
// fetch of a slow feed, or a backup of a large database, takes a while;
// a wedged parley forever. A var so tests need not wait it out.
var controlReplyIdle = 5 * time.Minute

// dialControl connects to the parley holding the database at dbPath,
// after checking that the socket and the process serving it are yours
// (the rows of an import, or where a backup goes, are yours to keep).
// It fails with ErrNoControl when nothing answers. who names the server
// for messages.
func dialControl(dbPath string, timeout time.Duration) (c net.Conn, pid int, who string, err error) {
	if abs, err := filepath.Abs(dbPath); err == nil {
		dbPath = abs
	}
	sock := ControlSocket(dbPath)
	fi, err := os.Lstat(sock)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, "", fmt.Errorf("%w: no socket at %s", ErrNoControl, sock)
	}
	if err != nil {
		return nil, 0, "", fmt.Errorf("check %s: %w", sock, err)
	}
	if err := CheckPrivateDir(filepath.Dir(sock)); err != nil {
		return nil, 0, "", err
	}
	switch {
	case fi.Mode().Type() == fs.ModeSymlink:
		return nil, 0, "", &unsafePathError{sock, "is a symlink: parley talks only to the socket it made; remove the link"}
	case fi.Mode().Type() != fs.ModeSocket:
		return nil, 0, "", fmt.Errorf("%w: %s is not a socket", ErrNoControl, sock)
	}
	if uid := fileUID(fi); !mine(uid) {
		return nil, 0, "", &unsafePathError{sock, fmt.Sprintf("belongs to %s, not you: parley sends it nothing; "+
			"remove it (as its owner or root)", ownerName(uid))}
	}
	c, err = net.DialTimeout("unix", sock, min(timeout, 5*time.Second))
	if err != nil {
		return nil, 0, "", fmt.Errorf("%w on %s: %w", ErrNoControl, sock, err)
	}
	uid, pid, err := peerCred(c)
	if err != nil {
		c.Close()
		return nil, 0, "", fmt.Errorf("cannot tell who listens on %s: %w", sock, err)
	}
	if uid >= 0 && uid != clientUID() {
		c.Close()
		return nil, 0, "", &unsafePathError{sock, fmt.Sprintf("is served by a process (pid %d) of %s, not yours: "+
			"parley sends it nothing", pid, ownerName(uid))}
	}
	who = "the parley using " + dbPath
	if pid > 0 {
		who += fmt.Sprintf(" (pid %d)", pid)
	}
	return c, pid, who, nil
}

// controlCall sends one version-1 request (and body) to the parley
// holding dbPath and hands each frame of the answer but the last to
// frame; the last (ok) is returned. An error answer is a *ControlError;
// an older parley, or none, is ErrNoControl.
func controlCall(dbPath string, req controlRequest, body []byte, idle time.Duration, frame func(controlReply) error) (controlReply, error) {
	c, pid, who, err := dialControl(dbPath, idle)
	if err != nil {
		return controlReply{}, err
	}
	defer c.Close()
	req.V = ControlVersion
	req.Body = int64(len(body))
	line, err := json.Marshal(req)
	if err != nil {
		return controlReply{}, err
	}
	_ = c.SetDeadline(time.Now().Add(idle))
	w := bufio.NewWriter(c)
	_, _ = w.Write(append(line, '\n'))
	_, _ = w.Write(body)
	werr := w.Flush()

	type result struct {
		r   controlReply
		err error
	}
	frames := make(chan result)
	done := make(chan struct{})
	defer close(done)
	go func() {
		br := bufio.NewReader(c)
		for {
			first, err := br.Peek(1)
			if err == nil && first[0] != '{' {
				// An older parley answers in the one-line protocol.
				old, _ := br.ReadString('\n')
				err = fmt.Errorf("%w: %s is an older version (it answered %q): quit it and run this again",
					ErrNoControl, who, strings.TrimSpace(old))
			}
			var r controlReply
			if err == nil {
				var raw []byte
				raw, err = br.ReadBytes('\n')
				if err == nil {
					err = json.Unmarshal(raw, &r)
				}
			}
			select {
			case frames <- result{r, err}:
			case <-done:
				return
			}
			if err != nil || r.Kind == "ok" || r.Kind == "error" {
				return
			}
			_ = c.SetReadDeadline(time.Now().Add(idle))
		}
	}()
	poll := time.NewTicker(controlPollStopped)
	defer poll.Stop()
	answered := false
	for {
		select {
		case res := <-frames:
			r, err := res.r, res.err
			switch {
			case (errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET)) && !answered:
				// A parley that is quitting closes without a word (one
				// killed as it accepted resets instead); every
				// operation is safe to do again (an import counts a row
				// once), so the caller opens the database itself.
				return r, fmt.Errorf("%w: %s closed the connection without answering (quitting?)", ErrNoControl, who)
			case err != nil && werr != nil:
				return r, fmt.Errorf("ask %s: %w", who, werr)
			case errors.Is(err, ErrNoControl):
				return r, err
			case errors.Is(err, os.ErrDeadlineExceeded):
				return r, fmt.Errorf("%s did not answer within %s", who, idle)
			case errors.Is(err, io.EOF):
				return r, fmt.Errorf("%s stopped answering (did it quit?)", who)
			case err != nil:
				return r, fmt.Errorf("%s gave no answer: %w", who, err)
			case r.V != ControlVersion:
				return r, fmt.Errorf("%s answered in control protocol version %d, this parley speaks %d: run the same version of parley for both",
					who, r.V, ControlVersion)
			case r.Kind == "error":
				return r, &ControlError{Msg: r.Error, Code: r.Code}
			case r.Kind == "ok":
				return r, nil
			}
			answered = true
			if err := frame(r); err != nil {
				return r, err
			}
		case <-poll.C:
			if processStopped(pid) {
				return controlReply{}, fmt.Errorf("%s is stopped (suspended with ctrl+z?), so it cannot answer: "+
					"resume it (fg in its terminal, or kill -CONT %d) or quit it, then try again", who, pid)
			}
		}
	}
}

func noFrames(r controlReply) error {
	return fmt.Errorf("unexpected %q in the answer", r.Kind)
}

// ControlHello asks the parley holding the database at dbPath who it is.
func ControlHello(dbPath string, timeout time.Duration) (Who, error) {
	r, err := controlCall(dbPath, controlRequest{Op: "hello"}, nil, timeout, noFrames)
	if err != nil {
		return Who{}, err
	}
	if r.Who == nil {
		return Who{}, errors.New("the running parley's hello names nobody")
	}
	return *r.Who, nil
}

// RequestExport has the parley holding the database write the export in
// format to w.
func RequestExport(dbPath, format string, w io.Writer) error {
	_, err := controlCall(dbPath, controlRequest{Op: "export", Format: format}, nil, controlReplyIdle, func(r controlReply) error {
		if r.Kind != "data" {
			return noFrames(r)
		}
		_, err := w.Write(r.Data)
		return err
	})
	return err
}

// ErrNoAuditExport: the parley holding the database is older than the
// audit log and answered an audit export with something else.
var ErrNoAuditExport = errors.New("the running parley is older than the audit log and cannot export it: quit it and run parley export --audit again")

// RequestExportAudit has the parley holding the database write the audit
// log in format to w. An older parley's answer is refused at its first
// frame, before anything is written (ErrNoAuditExport).
func RequestExportAudit(dbPath, format string, w io.Writer) error {
	_, err := controlCall(dbPath, controlRequest{Op: "export", Format: format, Audit: true}, nil, controlReplyIdle, func(r controlReply) error {
		if r.Kind != "data" {
			return noFrames(r)
		}
		if !r.Audit {
			return ErrNoAuditExport
		}
		_, err := w.Write(r.Data)
		return err
	})
	return err
}

// RequestImport has the parley holding the database import rows.
func RequestImport(dbPath string, rows []Conversion) (ImportResult, error) {
	body, err := json.Marshal(rows)
	if err != nil {
		return ImportResult{}, err
	}
	r, err := controlCall(dbPath, controlRequest{Op: "conversions-import"}, body, controlReplyIdle, noFrames)
	if err != nil {
		return ImportResult{}, err
	}
	if r.Import == nil {
		return ImportResult{}, errors.New("the running parley's answer to the import has no result")
	}
	res := ImportResult{Imported: r.Import.Imported, Duplicate: r.Import.Duplicate, Converted: r.Import.Converted}
	for _, u := range r.Import.Unknown {
		// The sentinels come back as themselves, so callers can tell
		// them apart as they do without a running parley.
		e := errors.New(u.Err)
		switch u.Kind {
		case "ambiguous":
			e = ErrAmbiguousRef
		case "not-found":
			e = ErrNotFound
		}
		res.Unknown = append(res.Unknown, ConversionError{Conversion: u.Conversion, Err: e})
	}
	return res, nil
}

// RequestCheck has the parley holding the database run doctor's check.
func RequestCheck(dbPath string) (CheckResult, error) {
	r, err := controlCall(dbPath, controlRequest{Op: "doctor-check"}, nil, controlReplyIdle, noFrames)
	if err != nil {
		return CheckResult{}, err
	}
	if r.Check == nil {
		return CheckResult{}, errors.New("the running parley's answer to the check has no result")
	}
	return *r.Check, nil
}

// RequestFetch has the parley holding the database poll every feed now;
// config is the config this fetch was run with (an absolute path, or ""
// for any): a parley polling another refuses with ErrOtherConfig. names
// is called once with the feeds it polls (before any result), emit once
// per feed.
func RequestFetch(dbPath, config string, names func([]string), emit func(FeedResult)) error {
	_, err := controlCall(dbPath, controlRequest{Op: "fetch", Config: config}, nil, controlReplyIdle, func(r controlReply) error {
		switch {
		case r.Kind == "feeds":
			names(slices.Clone(r.Feeds))
		case r.Kind == "feed" && r.Feed != nil:
			emit(*r.Feed)
		default:
			return noFrames(r)
		}
		return nil
	})
	return err
}
