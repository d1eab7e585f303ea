package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"parley/feeds"
	"parley/store"
)

// privateEnv points every XDG dir at a temp dir so tests never touch the
// real ones.
func privateEnv(t *testing.T) string {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, "config"))
	t.Setenv("XDG_DATA_HOME", filepath.Join(home, "data"))
	t.Setenv("XDG_STATE_HOME", filepath.Join(home, "state"))
	return home
}

func feedServer(t *testing.T) *httptest.Server {
	rss, err := os.ReadFile("feeds/testdata/wordpress-comments.rss")
	if err != nil {
		t.Fatal(err)
	}
	modified := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	mux := http.NewServeMux()
	mux.HandleFunc("/comments/feed/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		http.ServeContent(w, r, "feed.rss", modified, bytes.NewReader(rss))
	})
	mux.HandleFunc("/broken", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func writeConfig(t *testing.T, text string) string {
	p := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestFetchPrintsOneLinePerFeed(t *testing.T) {
	home := privateEnv(t)
	srv := feedServer(t)
	cfg := writeConfig(t, `
[[feed]]
name = "Blog comments"
url  = "`+srv.URL+`/comments/feed/"

[[feed]]
name = "Broken"
url  = "`+srv.URL+`/broken"
`)
	db := filepath.Join(home, "p.db")
	code, out, errOut := runCLI("fetch", "--config", cfg, "--db", db)
	if code != 0 {
		t.Fatalf("exit %d, want 0 (one feed worked)\n%s%s", code, out, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("want one line per feed, got:\n%s", out)
	}
	if !strings.Contains(out, "✓ Blog comments:") || !strings.Contains(out, " new / ") {
		t.Errorf("no success line for the blog:\n%s", out)
	}
	if !strings.Contains(out, "✗ Broken:") || !strings.Contains(out, "500") {
		t.Errorf("no error line naming the status for the broken feed:\n%s", out)
	}

	// Second run: Last-Modified comes back as If-Modified-Since -> 304.
	code, out, _ = runCLI("--db", db, "fetch", "--config", cfg)
	if code != 0 || !strings.Contains(out, "Blog comments: not modified") {
		t.Errorf("second fetch (exit %d) did not use conditional GET:\n%s", code, out)
	}

	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	states, _ := st.FeedStates()
	var broken store.FeedState
	for _, s := range states {
		if s.Name == "Broken" {
			broken = s
		}
	}
	if !strings.Contains(broken.LastError, "500") {
		t.Errorf("the broken feed's error is not kept: %+v", broken)
	}
}

func TestFetchExitsNonZeroWhenEveryFeedFails(t *testing.T) {
	home := privateEnv(t)
	srv := feedServer(t)
	cfg := writeConfig(t, "[[feed]]\nname = \"Broken\"\nurl = \""+srv.URL+"/broken\"\n")
	code, out, errOut := runCLI("fetch", "--config", cfg, "--db", filepath.Join(home, "p.db"))
	if code != 1 || !strings.Contains(errOut, "every feed failed") {
		t.Fatalf("exit %d, stderr %q, stdout %q", code, errOut, out)
	}
}

func TestFetchWithoutConfigSaysWhatToDo(t *testing.T) {
	privateEnv(t)
	code, _, errOut := runCLI("fetch")
	if code != 1 || !strings.Contains(errOut, "no config at") || !strings.Contains(errOut, "--demo") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}

func TestBadConfigNamesFileAndLine(t *testing.T) {
	home := privateEnv(t)
	cfg := writeConfig(t, "[[feed]]\nurl = \"https://a.example/f\"\nevery = \"often\"\n")
	code, _, errOut := runCLI("fetch", "--config", cfg, "--db", filepath.Join(home, "p.db"))
	if code != 1 || !strings.Contains(errOut, cfg+":3:") {
		t.Fatalf("exit %d, stderr %q: want %s:3", code, errOut, cfg)
	}
}

func TestSecondInstanceGetsClearErrorQuickly(t *testing.T) {
	home := privateEnv(t)
	db := filepath.Join(home, "data", "parley", "demo.db")
	first, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	start := time.Now()
	code, _, errOut := runCLI("fetch", "--demo")
	took := time.Since(start)
	if code != 1 || !strings.Contains(errOut, "another parley is using "+db) {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if took > 5*time.Second {
		t.Errorf("took %v to give up on the lock, want about 2s", took)
	}
}

func TestDemoFetchUsesDemoDatabaseOnly(t *testing.T) {
	home := privateEnv(t)
	code, out, errOut := runCLI("fetch", "--demo")
	if code != 0 || strings.Count(out, "✓") != 3 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	dataDir := filepath.Join(home, "data", "parley")
	if _, err := os.Stat(filepath.Join(dataDir, "demo.db")); err != nil {
		t.Errorf("demo.db not created: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dataDir, "parley.db")); !os.IsNotExist(err) {
		t.Errorf("--demo touched the real database (stat: %v)", err)
	}
	for _, p := range []string{filepath.Join(home, "data", "parley"), filepath.Join(home, "state", "parley")} {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o700 {
			t.Errorf("%s: mode %v, err %v; want 0700", p, fi.Mode().Perm(), err)
		}
	}
	for _, p := range []string{filepath.Join(dataDir, "demo.db"), filepath.Join(home, "state", "parley", "parley.log")} {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, err %v; want 0600", p, fi.Mode().Perm(), err)
		}
	}
}

func TestUnknownAndUnbuiltCommands(t *testing.T) {
	privateEnv(t)
	if code, _, errOut := runCLI("frobnicate"); code != 2 || !strings.Contains(errOut, "unknown command") {
		t.Errorf("unknown: exit %d %q", code, errOut)
	}
	if code, _, errOut := runCLI("import-opml"); code != 2 || !strings.Contains(errOut, "give one OPML file") {
		t.Errorf("import-opml without a file: exit %d %q", code, errOut)
	}
	for _, cmd := range []string{"export", "conversions", "serve"} {
		if _, out, errOut := runCLI(cmd, "--help"); strings.Contains(out+errOut, "not available") || !strings.Contains(out, "Usage: parley "+cmd) {
			t.Errorf("%s --help: %q %q", cmd, out, errOut)
		}
	}
	if code, errOut, _ := runCLI("--help"); code != 0 || !strings.Contains(errOut, "parley fetch") {
		t.Errorf("help: exit %d %q", code, errOut)
	}
}

// fixtureNow is the fixed clock of the funnel fixture.
var fixtureNow = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// fixtureDB builds a small database with a fixed clock: three threads in
// two feeds, one of our replies, and conversions on two conversations (one
// in two currencies). It returns the path and each person's conversation
// ref (what ctrl+l inserts) by contact.
func fixtureDB(t *testing.T, dir string) (db string, refs map[string]string) {
	t.Helper()
	db = filepath.Join(dir, "fixture.db")
	st, err := store.Open(db, store.Options{Ours: []string{"Maya from Shop"}, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	at := func(h int) time.Time { return fixtureNow.Add(-time.Duration(h) * time.Hour) }
	results := []feeds.Result{
		{Feed: "Blog, comments", Items: []feeds.Item{
			{ID: "blog-1", Author: "Ana Ruiz", Title: `Comment on "Pricing, explained" by Ana Ruiz`,
				Link: "https://shop.example/blog/pricing/#comment-1", Published: at(50),
				Text: "How much is the team plan for 12 people?"},
			{ID: "blog-2", Author: "Maya from Shop", Title: `Comment on "Pricing, explained" by Maya from Shop`,
				Link: "https://shop.example/blog/pricing/#comment-2", Published: at(48),
				Text: "Hi Ana, it is 14 a seat per month; here is the pricing page."},
			{ID: "blog-3", Author: "Ana Ruiz", Title: `Comment on "Pricing, explained" by Ana Ruiz`,
				Link: "https://shop.example/blog/pricing/#comment-3", Published: at(30),
				Text: "Thanks, we bought it for the whole team!"},
		}},
		{Feed: "Reviews", Items: []feeds.Item{
			{ID: "review-1", Author: "Ben <Bo> Carter", Title: "5/5: Fast & simple",
				Link: "https://shop.example/reviews", Published: at(40), Text: "Works well on my phone and laptop."},
			{ID: "review-2", Author: "Chloe Martin", Title: "1/5: Lost my notes",
				Link: "https://shop.example/reviews", Published: at(20), Text: "Sync lost three notes. Terrible."},
			{ID: "review-3", Author: "Dan Okafor", Title: "2/5: Crashes on start",
				Link: "https://shop.example/reviews", Published: at(45), Text: "The app crashes every time I open it. Awful."},
			{ID: "review-4", Author: "Maya from Shop", Title: "Re: Crashes on start", InReplyTo: "review-3",
				Link: "https://shop.example/reviews", Published: at(44), Text: "Sorry, Dan! Version 2.1 fixes the crash."},
			{ID: "review-5", Author: "Dan Okafor", Title: "Re: Crashes on start", InReplyTo: "review-3",
				Link: "https://shop.example/reviews", Published: at(43), Text: "Thanks, that fixed it. Works great now!"},
		}},
	}
	for _, r := range results {
		if _, err := st.Ingest(r, fixtureNow); err != nil {
			t.Fatal(err)
		}
	}
	refs = map[string]string{}
	err = st.Export(func(r store.ExportRow) error {
		refs[r.Contact] = r.Conversation.Ref()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := st.ImportConversions([]store.Conversion{
		{ID: "order-1", Ref: refs["Ana Ruiz"], Amount: store.Money{Currency: "EUR", Cents: 16800}, At: at(29)},
		{ID: "order-2", Ref: refs["Ben <Bo> Carter"], Amount: store.Money{Currency: "EUR", Cents: 4900}, At: at(10)},
		{ID: "order-3", Ref: refs["Ben <Bo> Carter"], Amount: store.Money{Currency: "USD", Cents: 1000}, At: at(9)},
	}, fixtureNow)
	if err != nil || res.Imported != 3 {
		t.Fatalf("fixture conversions: %+v, %v", res, err)
	}
	return db, refs
}

func TestExportCSV(t *testing.T) {
	home := privateEnv(t)
	db, _ := fixtureDB(t, home)
	code, out, errOut := runCLI("export", "--db", db)
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	golden.RequireEqual(t, out)

	// encoding/csv reads back exactly what the store holds, commas and
	// quotes in titles and feed names included.
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("export is not valid CSV: %v", err)
	}
	if strings.Join(recs[0], ",") != strings.Join(exportColumns, ",") {
		t.Errorf("header = %v", recs[0])
	}
	if len(recs) != 5 {
		t.Fatalf("%d rows, want a header and 4 conversations", len(recs))
	}
	byContact := map[string][]string{}
	for _, r := range recs[1:] {
		byContact[r[3]] = r
	}
	ana := byContact["Ana Ruiz"]
	if ana[2] != "Blog, comments" || ana[13] != `Comment on "Pricing, explained" by Ana Ruiz` {
		t.Errorf("feed/title did not round-trip: %q", ana)
	}
	if ana[4] != "converted" || ana[10] != "1" || ana[11] != "168.00" || ana[12] != "EUR" || ana[9] != "1" {
		t.Errorf("Ana's stage/conversions/revenue/currency/replies = %q", ana)
	}
	if !strings.HasPrefix(ana[0], ana[1]+"-") || len(ana[0]) != len(ana[1])+7 {
		t.Errorf("Ana's ref %q is not her thread's ref %q, a dash and 6 hex chars", ana[0], ana[1])
	}
	if ben := byContact["Ben <Bo> Carter"]; ben[11] != "49.00 EUR; 10.00 USD" || ben[12] != "mixed" || ben[10] != "2" {
		t.Errorf("two currencies: revenue %q currency %q conversions %q", ben[11], ben[12], ben[10])
	}
	if chloe := byContact["Chloe Martin"]; chloe[11] != "0.00" || chloe[12] != "" || chloe[10] != "0" {
		t.Errorf("no conversions: %q", chloe)
	}
}

func TestExportJSON(t *testing.T) {
	home := privateEnv(t)
	db, _ := fixtureDB(t, home)
	code, out, errOut := runCLI("export", "--format", "json", "--db", db)
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	golden.RequireEqual(t, out)

	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("export is not one JSON array: %v", err)
	}
	if len(rows) != 4 {
		t.Fatalf("%d objects, want 4", len(rows))
	}
	for _, r := range rows {
		if len(r) != len(exportColumns) {
			t.Errorf("keys %v, want %v", r, exportColumns)
		}
		for _, k := range exportColumns {
			if _, ok := r[k]; !ok {
				t.Errorf("no key %q in %v", k, r)
			}
		}
		if _, ok := r["conversions"].(float64); !ok {
			t.Errorf("conversions is %T, want a number", r["conversions"])
		}
		if _, ok := r["our_replies"].(float64); !ok {
			t.Errorf("our_replies is %T, want a number", r["our_replies"])
		}
		if _, ok := r["unhappy"].(bool); !ok {
			t.Errorf("unhappy is %T, want a bool", r["unhappy"])
		}
		if _, ok := r["revenue"].(string); !ok {
			t.Errorf("revenue is %T, want a string", r["revenue"])
		}
	}
	if !strings.Contains(out, `"5/5: Fast & simple"`) || !strings.Contains(out, `"Ben <Bo> Carter"`) {
		t.Errorf("HTML characters were escaped:\n%s", out)
	}

	// An empty database is an empty array, not nothing. (It must exist:
	// export never creates one.)
	empty := filepath.Join(home, "empty.db")
	if st, err := store.Open(empty, store.Options{NoSync: true}); err != nil {
		t.Fatal(err)
	} else {
		st.Close()
	}
	code, out, _ = runCLI("export", "--format=json", "--db", empty)
	if code != 0 || out != "[]\n" {
		t.Errorf("empty export: exit %d, %q", code, out)
	}
}

func TestExportFormatIsChecked(t *testing.T) {
	home := privateEnv(t)
	code, out, errOut := runCLI("export", "--format", "xml", "--db", filepath.Join(home, "p.db"))
	if code != 2 || out != "" || !strings.Contains(errOut, `"xml"`) || !strings.Contains(errOut, "csv or json") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(home, "p.db")); !os.IsNotExist(err) {
		t.Errorf("a usage error opened the database (stat: %v)", err)
	}
	if code, _, errOut := runCLI("export", "threads.csv"); code != 2 || !strings.Contains(errOut, "unexpected argument") {
		t.Errorf("extra argument: exit %d, %q", code, errOut)
	}
}

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// threadConversions reads a thread's conversion count and stage by ref.
func threadConversions(t *testing.T, db, ref string) (int, string) {
	t.Helper()
	st, err := store.Open(db, store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	th, err := st.ThreadByRef(ref)
	if err != nil {
		t.Fatal(err)
	}
	return th.Conversions, th.Stage.String()
}

func TestConversionsImportCSV(t *testing.T) {
	home := privateEnv(t)
	db, refs := fixtureDB(t, home)
	chloe := refs["Chloe Martin"]
	// Columns in another order, header in capitals, CRLF line ends, an id
	// column; bad rows of every kind and one unknown ref.
	file := writeFile(t, home, "sales.csv", strings.Join([]string{
		"Time,REF,Amount,Currency,Id",
		"2026-11-20T10:00:00Z," + chloe + ",49.00,eur,A-1",
		"2026-11-20 11:00:00," + strings.ToUpper(chloe) + ",49.5,EUR,A-2",
		"2026-11-19," + chloe + ",49,,A-3",
		"",
		"2026-11-20T10:00:00Z," + chloe + ",\"1,234.00\",EUR,A-4",
		"2026-11-20T10:00:00Z," + chloe + ",-5,EUR,A-5",
		"20/11/2026," + chloe + ",5.999,EURO,A-6",
		"2026-11-20T10:00:00Z,,5,EUR,A-7",
		"2026-11-20T10:00:00Z,3fa2c1d9e0,12.00,EUR,A-8",
		"2026-11-20T10:00:00Z," + chloe + ",5",
	}, "\r\n")+"\r\n")
	code, out, errOut := runCLI("conversions", "import", file, "--db", db)
	if code != 1 {
		t.Errorf("exit %d, want 1 (some rows not imported)\n%s%s", code, out, errOut)
	}
	if out != "imported 3 conversions (1 thread now converted)\n" {
		t.Errorf("stdout %q", out)
	}
	for _, want := range []string{
		`line 6: amount "1,234.00" is not a plain number (expected e.g. 49, 49.5 or 49.00`,
		"line 7: amount -5 is negative",
		`line 8: amount "5.999" is not a plain number`,
		`currency "EURO" is not a currency code (expected 3 letters`,
		`time "20/11/2026" is not a date (expected RFC 3339`,
		"line 9: no ref",
		"line 10: ref 3fa2c1d9e0 matches no thread (not imported; fix the ref and import again)",
		"line 11: 3 fields, expected 5",
		"6 rows of 9 not imported",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if n, stage := threadConversions(t, db, chloe); n != 3 || stage != "converted" {
		t.Errorf("after import: %d conversions, stage %s; want 3, converted", n, stage)
	}

	// Again: nothing is counted twice.
	code, out, _ = runCLI("conversions", "import", "--db", db, file)
	if code != 1 || out != "imported 0 conversions (0 threads now converted, 3 already imported)\n" {
		t.Errorf("second import: exit %d, stdout %q", code, out)
	}
	if n, _ := threadConversions(t, db, chloe); n != 3 {
		t.Errorf("second import counted again: %d conversions", n)
	}
}

func TestConversionsImportJSONLines(t *testing.T) {
	home := privateEnv(t)
	db, refs := fixtureDB(t, home)
	chloe := refs["Chloe Martin"]
	// No extension: the content says JSON. No ids: a row is its own ID.
	file := writeFile(t, home, "sales", `
{"ref":"`+chloe+`","amount":"49.00","currency":"EUR","time":"2026-11-20T10:00:00Z"}
{"ref":"`+chloe+`","amount":12.5,"currency":"usd","time":"2026-11-20"}

{"ref":"`+chloe+`","amount":0,"currency":null,"time":"2026-11-20 09:30:00","id":7}
`)
	code, out, errOut := runCLI("conversions", "import", file, "--db", db)
	if code != 0 || errOut != "" || out != "imported 3 conversions (1 thread now converted)\n" {
		t.Errorf("exit %d\nstdout %q\nstderr %q", code, out, errOut)
	}
	code, out, errOut = runCLI("conversions", "import", file, "--db", db)
	if code != 0 || errOut != "" || out != "imported 0 conversions (0 threads now converted, 3 already imported)\n" {
		t.Errorf("again: exit %d\nstdout %q\nstderr %q", code, out, errOut)
	}
	if n, _ := threadConversions(t, db, chloe); n != 3 {
		t.Errorf("%d conversions, want 3", n)
	}

	bad := writeFile(t, home, "bad.jsonl", `{"ref":"`+chloe+`","amount":"49.00","time":"2026-11-20T10:00:00Z","email":"a@b.example"}
{"ref":"`+chloe+`","amount":4.9e1,"time":"2026-11-20T10:00:00Z"}
not json
{"ref":"`+chloe+`","amount":true,"time":"2026-11-20T10:00:00Z"}
{"ref":"`+chloe+`","amount":"1.00"}
{"ref":"`+chloe+`","amount":"2.00","time":"2026-11-21T10:00:00Z"}
`)
	code, out, errOut = runCLI("conversions", "import", bad, "--db", db)
	if code != 1 || out != "imported 1 conversion (0 threads now converted)\n" {
		t.Errorf("bad rows: exit %d, stdout %q", code, out)
	}
	for _, want := range []string{
		`line 1: unknown field "email"`,
		`line 2: amount "4.9e1" is not a plain number`,
		"line 3: not a JSON object",
		"line 4: amount true is not a number or a string",
		`line 5: no "time" field`,
		"5 rows of 6 not imported",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}

// The README's `parley conversions import --demo` succeeds on the demo's
// own sample file; a file with a ref that matches no thread is reported
// with its line and exit status 1.
func TestConversionsImportDemo(t *testing.T) {
	home := privateEnv(t)
	code, out, errOut := runCLI("conversions", "import", "--demo")
	if code != 0 || errOut != "" {
		t.Errorf("exit %d, stderr %q; want 0 and nothing: the sample's refs are all demo threads", code, errOut)
	}
	if out != "imported 2 conversions (2 threads now converted, 1 already imported)\n" {
		t.Errorf("stdout %q", out)
	}
	code, out, _ = runCLI("--demo", "conversions", "import")
	if code != 0 || out != "imported 0 conversions (0 threads now converted, 3 already imported)\n" {
		t.Errorf("again: exit %d, stdout %q", code, out)
	}
	code, out, errOut = runCLI("conversions", "import", "--demo", filepath.Join("testdata", "conversions-unknown-ref.csv"))
	if code != 1 || out != "imported 1 conversion (0 threads now converted)\n" ||
		!strings.Contains(errOut, "line 3: ref 0badc0ffee matches no thread") {
		t.Errorf("a file with an unknown ref: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(home, "data", "parley", "parley.db")); !os.IsNotExist(err) {
		t.Errorf("--demo touched the real database (stat: %v)", err)
	}
}

func TestConversionsImportErrors(t *testing.T) {
	home := privateEnv(t)
	db := filepath.Join(home, "p.db")
	empty := writeFile(t, home, "empty.csv", " \n\n")
	headerOnly := writeFile(t, home, "header.csv", "ref,amount,currency,time\n")
	extra := writeFile(t, home, "extra.csv", "ref,amount,currency,time,email,note\n")
	noHeader := writeFile(t, home, "noheader.csv", "3fa2c1d9e0,49.00,EUR,2026-11-20\n")
	noTime := writeFile(t, home, "notime.csv", "ref,amount\n3fa2c1d9e0,49.00\n")
	tests := []struct {
		name  string
		args  []string
		code  int
		wants []string
	}{
		{"no subcommand", []string{"conversions"}, 2, []string{"missing subcommand", "conversions import FILE"}},
		{"unknown subcommand", []string{"conversions", "export"}, 2, []string{`unknown subcommand "export"`, "import"}},
		{"no file", []string{"conversions", "import"}, 2, []string{"missing FILE"}},
		{"two files", []string{"conversions", "import", "a.csv", "b.csv"}, 2, []string{"one FILE at a time"}},
		{"missing file", []string{"conversions", "import", filepath.Join(home, "nope.csv")}, 1, []string{"nope.csv: no such file"}},
		{"empty file", []string{"conversions", "import", empty}, 1, []string{"empty.csv: the file is empty", "ref,amount,currency,time"}},
		{"header only", []string{"conversions", "import", headerOnly}, 1, []string{"no conversions in the file"}},
		{"extra columns", []string{"conversions", "import", extra}, 1, []string{`line 1: unknown columns "email", "note"`, "expected ref, amount, time"}},
		{"no header", []string{"conversions", "import", noHeader}, 1, []string{"unknown columns", "must be a header"}},
		{"missing column", []string{"conversions", "import", noTime}, 1, []string{"no time column"}},
		{"a directory", []string{"conversions", "import", home}, 1, []string{"is a directory"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(append(tc.args, "--db", db)...)
			if code != tc.code || out != "" {
				t.Errorf("exit %d (want %d), stdout %q, stderr %q", code, tc.code, out, errOut)
			}
			for _, w := range tc.wants {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr %q lacks %q", errOut, w)
				}
			}
		})
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("a file that could not be read still opened the database (stat: %v)", err)
	}
}

func TestConversionsImportLockedDatabase(t *testing.T) {
	home := privateEnv(t)
	db, refs := fixtureDB(t, home)
	file := writeFile(t, home, "s.csv", "ref,amount,currency,time\n"+refs["Chloe Martin"]+",1.00,EUR,2026-11-20\n")
	first, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	code, _, errOut := runCLI("conversions", "import", file, "--db", db)
	if code != 1 || !strings.Contains(errOut, "another parley is using "+db) {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestHelpCoversEveryCommand(t *testing.T) {
	privateEnv(t)
	code, errOut, _ := runCLI("--help")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"parley fetch", "parley export [--format csv|json]", "parley conversions import FILE", "--config PATH", "--db PATH", "--demo"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("parley --help lacks %q", want)
		}
	}
	for _, args := range [][]string{{"export", "--help"}, {"export", "-h"}} {
		code, errOut, _ := runCLI(args...)
		if code != 0 {
			t.Errorf("%v: exit %d", args, code)
		}
		for _, col := range append(exportColumns, "--format csv", "--format json", "mixed") {
			if !strings.Contains(errOut, col) {
				t.Errorf("%v lacks %q", args, col)
			}
		}
	}
	for _, args := range [][]string{{"conversions", "--help"}, {"conversions", "import", "--help"}, {"conversions", "import", "x.csv", "-h"}} {
		code, errOut, _ := runCLI(args...)
		if code != 0 || !strings.Contains(errOut, "parley conversions import FILE") {
			t.Errorf("%v: exit %d, %q", args, code, errOut)
		}
		for _, want := range []string{"ref,amount,currency,time", ".jsonl", "2026-11-20 10:00:00", "at most 2 decimals", "--demo", "Exit status"} {
			if !strings.Contains(errOut, want) {
				t.Errorf("%v lacks %q", args, want)
			}
		}
	}
	if code, errOut, _ := runCLI("fetch", "--help"); code != 0 || !strings.Contains(errOut, "Usage: parley fetch") {
		t.Errorf("fetch --help: exit %d, %q", code, errOut)
	}
}

func TestBadFunnelConfigNamesFileAndLine(t *testing.T) {
	home := privateEnv(t)
	tests := []struct {
		text, want string
		line       int
	}{
		{"[[feed]]\nurl = \"https://a.example/f\"\n\n[funnel]\ntrack_link = \"https://shop.example/buy\"\n", "{thread}", 5},
		{"[funnel]\nintent = [\"price\"]\nadvocacy = [\"\"]\n", "funnel.advocacy", 3},
		{"[funnel]\nintnet = [\"price\"]\n", "intent, advocacy, competitors, track_link", 2},
	}
	for _, tc := range tests {
		cfg := writeConfig(t, tc.text)
		for _, cmd := range []string{"export", "fetch"} {
			code, _, errOut := runCLI(cmd, "--config", cfg, "--db", filepath.Join(home, "p.db"))
			if code != 1 || !strings.Contains(errOut, fmt.Sprintf("%s:%d:", cfg, tc.line)) || !strings.Contains(errOut, tc.want) {
				t.Errorf("%s with %q: exit %d, stderr %q; want %s:%d and %q", cmd, tc.text, code, errOut, cfg, tc.line, tc.want)
			}
		}
	}
}

func TestParseInterspersed(t *testing.T) {
	var db string
	var demo bool
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.StringVar(&db, "db", "", "")
	fs.BoolVar(&demo, "demo", false, "")
	pos, err := parseInterspersed(fs, []string{"import", "--db", "x.db", "a.csv", "--demo", "--", "--b.csv"})
	if err != nil || strings.Join(pos, " ") != "import a.csv --b.csv" || db != "x.db" || !demo {
		t.Errorf("pos %q db %q demo %v err %v", pos, db, demo, err)
	}
}

func TestUserName(t *testing.T) {
	if userName() == "" {
		t.Error("userName is empty; want the login name, $USER or \"me\"")
	}
}
