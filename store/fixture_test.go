package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"parley/feeds"
	"parley/funnel"
)

// Schema fixtures: testdata/vN.db is a small realistic database written by
// the code of schema version N. Each one stands for files users have, so a
// change of layout must migrate it, and its test must keep passing.
//
// writeFixture makes the fixture of the current version. To write it:
//
//	PARLEY_WRITE_FIXTURE=1 go test ./store -run TestWriteFixture
//
// which writes testdata/v<current>.db (replacing only that one). After a
// schema change, write the new version's fixture this way and add a test
// like TestFixtureV3 for it; never rewrite an older one. The content is
// fixed (times, texts) except the outbox key, which is random, so the file
// is not byte-for-byte the same on every run.

// fixtureOurs are the names that are us in the fixtures.
var fixtureOurs = []string{"Maya (Quillstone)"}

// writeFixture stores: five threads in two feeds (blog comments, joined by
// #fragment links, with our answer in the feed; a Mastodon source with
// reply targets), a draft, a recorded reply, a manual stage move, a
// conversion and a queued outbox entry.
func writeFixture(t *testing.T, path string) {
	t.Helper()
	s, err := Open(path, Options{NoSync: true, Ours: fixtureOurs})
	mustNil(t, err)
	defer s.Close()
	blog := func(id, author string, min int, page, txt string) feeds.Item {
		return item(id, author, min, link("https://quillstone.example/"+page+"/#comment-"+id), text(txt))
	}
	mustIngest(t, s, result("Blog comments",
		blog("c1", "Ana Ruiz", 1, "pricing", "How much is the team plan for 12 people?"),
		blog("c2", "Maya (Quillstone)", 2, "pricing", "It is 14 EUR a seat a month; see the pricing page."),
		blog("c3", "Ana Ruiz", 3, "pricing", "Thanks, we bought it for the whole team!"),
		blog("d1", "Bob Stone", 4, "sync", "Sync lost three notes. Terrible."),
		blog("e1", "Eve Park", 7, "offline", "Is there an offline mode?"),
	), at(8))
	masto := func(id, author string, min int, target, txt string) feeds.Item {
		return item(id, author, min, text(txt), func(it *feeds.Item) {
			it.Link = "https://mastodon.example/@x/" + target
			it.Target = feeds.Target{ID: target, Visibility: "unlisted", Mention: "@" + strings.ToLower(author[:3]) + "@mastodon.example"}
		})
	}
	mustIngest(t, s, result("Mastodon",
		masto("m1", "Cat Lee", 5, "101", "Does the team plan include SSO?"),
		masto("m2", "Dee Moss", 6, "102", "Switched our team over last week."),
	), at(8))

	ana, bob, eve := threadOf(t, s, "c1"), threadOf(t, s, "d1"), threadOf(t, s, "e1")
	cat, dee := threadOf(t, s, "m1"), threadOf(t, s, "m2")
	mustNil(t, s.SaveDraft(bob, "Sorry, Bob! Checking the sync logs now.", at(10)))
	mustNil(t, s.RecordReply(Reply{ThreadID: eve, Text: "Yes: Settings, then Offline.", At: at(9), Via: "clipboard", Who: "maya"}))
	_, err = s.SetStage(dee, "", funnel.Advocate, "maya", at(11))
	mustNil(t, err)
	res, err := s.ImportConversions([]Conversion{{ID: "order-1", Ref: mustThread(t, s, ana).Ref(),
		Amount: Money{Currency: "EUR", Cents: 16800}, At: at(12)}}, at(12))
	if err != nil || res.Imported != 1 {
		t.Fatalf("conversion: %+v, %v", res, err)
	}
	_, err = s.QueueReply(Reply{ThreadID: cat, Text: "Yes, SSO is in the team plan.", At: at(13), Via: "Mastodon", Who: "maya"})
	mustNil(t, err)
	checkIndexes(t, s)
}

func TestWriteFixture(t *testing.T) {
	if os.Getenv("PARLEY_WRITE_FIXTURE") == "" {
		t.Skip("set PARLEY_WRITE_FIXTURE=1 to write testdata/v<current>.db")
	}
	work := filepath.Join(t.TempDir(), "parley.db")
	writeFixture(t, work)
	s, err := Open(work, Options{NoSync: true, Ours: fixtureOurs})
	mustNil(t, err)
	defer s.Close()
	out, err := filepath.Abs(filepath.Join("testdata", fmt.Sprintf("v%d.db", schemaVersion())))
	mustNil(t, err)
	if err := os.Remove(out); err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	info, err := s.Backup(out) // a consistent copy, 0600
	mustNil(t, err)
	t.Logf("wrote %s: %d threads, %d bytes", out, info.Threads, info.Bytes)
}

// openFixture copies testdata/name (Open upgrades in place) and opens the
// copy with the current code.
func openFixture(t *testing.T, name string, version uint64) *Store {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	mustNil(t, err)
	path := filepath.Join(t.TempDir(), "parley.db")
	mustNil(t, os.WriteFile(path, raw, 0o600))
	if v := readVersion(t, path); v != version {
		t.Fatalf("%s: schema_version = %d, want %d", name, v, version)
	}
	s, err := Open(path, Options{NoSync: true, Ours: fixtureOurs})
	if err != nil {
		t.Fatalf("this parley cannot open a schema %d database: %v", version, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestFixtureV3 reads back everything writeFixture stored in a schema 3
// file, with whatever schema this build has (schema 4 counts the queue).
func TestFixtureV3(t *testing.T) { checkFixture(t, "v3.db", 3) }

func TestFixtureV4(t *testing.T) { checkFixture(t, "v4.db", 4) }

func checkFixture(t *testing.T, name string, version uint64) {
	s := openFixture(t, name, version)
	_ = s.db.View(func(tx *bolt.Tx) error {
		if v := uint64FromBytes(tx.Bucket(bucketMeta).Get(keySchemaVersion)); v != schemaVersion() {
			t.Errorf("schema_version after Open = %d, want %d", v, schemaVersion())
		}
		return nil
	})
	checkIndexes(t, s)
	if th, msgs, _ := s.Stats(); th != 5 || msgs != 7 {
		t.Fatalf("Stats = %d threads, %d messages; want 5, 7", th, msgs)
	}
	ana, bob, eve := threadOf(t, s, "c1"), threadOf(t, s, "d1"), threadOf(t, s, "e1")
	cat, dee := threadOf(t, s, "m1"), threadOf(t, s, "m2")

	// Messages, threaded, ours marked.
	msgs, err := s.Messages(ana)
	mustNil(t, err)
	var got []string
	for _, m := range msgs {
		got = append(got, fmt.Sprintf("%s %s ours=%v", m.ID, m.Author, m.Ours))
	}
	want := []string{"c1 Ana Ruiz ours=false", "c2 Maya (Quillstone) ours=true", "c3 Ana Ruiz ours=false"}
	if !slices.Equal(got, want) {
		t.Errorf("Ana's thread = %q, want %q", got, want)
	}
	if msgs[2].Text != "Thanks, we bought it for the whole team!" || msgs[2].Feed != "Blog comments" || !msgs[2].Published.Equal(at(3)) {
		t.Errorf("c3 = %+v", msgs[2])
	}
	if m, _ := s.Messages(cat); len(m) != 1 || m[0].Target.ID != "101" || m[0].Target.Visibility != "unlisted" {
		t.Errorf("Cat's message = %+v, want its reply target", m)
	}

	// Draft, recorded reply.
	if d, ok, _ := s.Draft(bob); !ok || d.Text != "Sorry, Bob! Checking the sync logs now." || !d.Updated.Equal(at(10)) {
		t.Errorf("draft = %+v, %v", d, ok)
	}
	if r, _ := s.Replies(eve); len(r) != 1 || r[0].Text != "Yes: Settings, then Offline." || r[0].Via != "clipboard" ||
		r[0].Who != "maya" || !r[0].At.Equal(at(9)) {
		t.Errorf("Eve's replies = %+v", r)
	}

	// Funnel: the manual move, the conversion, the unhappy customer.
	if th := mustThread(t, s, dee); th.Stage != funnel.Advocate {
		t.Errorf("Dee at %s, want advocate (moved by hand)", th.Stage)
	}
	if h, _ := s.StageHistory(dee); len(h) == 0 || !h[len(h)-1].Manual || h[len(h)-1].Who != "maya" || h[len(h)-1].To != funnel.Advocate {
		t.Errorf("Dee's history = %+v, want a manual move to advocate by maya last", h)
	}
	if th := mustThread(t, s, ana); th.Stage != funnel.Converted || th.Conversions != 1 {
		t.Errorf("Ana: stage %s, %d conversions; want converted, 1", th.Stage, th.Conversions)
	}
	if th := mustThread(t, s, bob); !th.Unhappy {
		t.Error("Bob is not unhappy")
	}
	rep, err := s.Funnel(at(20))
	mustNil(t, err)
	if rep.Conversions != 1 || !slices.Equal(rep.Revenue, []Money{{Currency: "EUR", Cents: 16800}}) {
		t.Errorf("funnel: %d conversions, revenue %v; want 1, 168.00 EUR", rep.Conversions, rep.Revenue)
	}
	if c, _ := s.Contacts(); len(c) != 5 {
		t.Errorf("%d contacts, want 5", len(c))
	}

	// The outbox entry waits to be sent, with its target.
	p, err := s.Pending()
	mustNil(t, err)
	if len(p) != 1 || p[0].ThreadID != cat || p[0].Text != "Yes, SSO is in the team plan." || p[0].State != OutboxQueued ||
		p[0].Target.ID != "101" || p[0].Feed != "Mastodon" {
		t.Errorf("Pending = %+v", p)
	}
	// Schema 5: the queued reply answers Cat, whose status it targets.
	if len(p) == 1 && (p[0].To != contactID("Mastodon", "Cat Lee") || p[0].InReplyTo != "m1") {
		t.Errorf("pending reply answers %q (message %q), want Cat's m1", p[0].To, p[0].InReplyTo)
	}

	// Feed state.
	fs, err := s.FeedStates()
	mustNil(t, err)
	items := map[string]int{}
	for _, f := range fs {
		items[f.Name] = f.Items
	}
	if items["Blog comments"] != 5 || items["Mastodon"] != 2 {
		t.Errorf("feed items = %v, want 5 blog comments, 2 Mastodon", items)
	}
}

// A file from a newer parley is refused, untouched, with a message that
// names it and says to upgrade.
func TestFixtureFromANewerParleyIsRefused(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "v3.db"))
	mustNil(t, err)
	path := filepath.Join(t.TempDir(), "parley.db")
	mustNil(t, os.WriteFile(path, raw, 0o600))
	newer := schemaVersion() + 1
	setVersion(t, path, newer)
	before, err := os.ReadFile(path)
	mustNil(t, err)

	_, err = Open(path, Options{NoSync: true})
	if !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("err = %v, want ErrNewerSchema", err)
	}
	want := fmt.Sprintf("%s uses schema version %d but this parley knows only up to %d; upgrade parley", path, newer, schemaVersion())
	if !strings.Contains(err.Error(), want) {
		t.Errorf("message = %q\nwant it to contain %q", err, want)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Error("the refused Open changed the file")
	}
	// It can still be backed up, as it is.
	target := filepath.Join(t.TempDir(), "copy.db")
	if _, err := BackupFile(path, target, 0); err != nil {
		t.Errorf("BackupFile of a newer file: %v", err)
	} else if v := readVersion(t, target); v != newer {
		t.Errorf("copy schema_version = %d, want %d", v, newer)
	}
}

// TestFixtureV4MultiPerson opens testdata/v4multi.db, written by the
// schema 4 code (the writer is testdata/v4multi_writer.go.txt, run in a
// checkout of that code): a blog post where four people comment, with a
// manual move and a recorded reply on the thread, and a Mastodon thread
// whose sale was imported with the old thread ref. Schema 5 splits them
// into conversations and reads each person's stage from their own words.
func TestFixtureV4MultiPerson(t *testing.T) {
	s := openFixture(t, "v4multi.db", 4)
	checkIndexes(t, s)
	const blogFeed = "Blog comments"
	blog, marcus := threadOf(t, s, "p1"), threadOf(t, s, "m1")
	conv := func(tid, feed, who string) Conversation {
		c, err := s.Conversation(tid, contactID(feed, who))
		if err != nil {
			t.Fatalf("%s: %v", who, err)
		}
		return c
	}
	grace, will := conv(blog, blogFeed, "Grace Liu"), conv(blog, blogFeed, "Will Harper")
	priya, hannah := conv(blog, blogFeed, "Priya Raman"), conv(blog, blogFeed, "Hannah Becker")

	// The thread's manual move (back to trusting) is the starter's, Grace's.
	h, err := s.ConversationHistory(blog, grace.Contact)
	mustNil(t, err)
	if grace.Stage != funnel.Trusting || len(h) == 0 || !h[len(h)-1].Manual || h[len(h)-1].Who != "maya" {
		t.Errorf("Grace at %s, history %+v; want trusting by maya's manual move", grace.Stage, h)
	}
	// Grace's advocacy was never Will's; our @reply was to Will, and his
	// answer asks the price: his own intent.
	if will.Stage != funnel.Intent || will.Replies != 1 {
		t.Errorf("Will at %s with %d replies, want intent after our @reply", will.Stage, will.Replies)
	}
	if wh, _ := s.ConversationHistory(blog, will.Contact); len(wh) == 0 || wh[0].Contact != will.Contact {
		t.Errorf("Will's history = %+v", wh)
	}
	if priya.Unhappy || !hannah.Unhappy {
		t.Errorf("unhappy: Priya %v, Hannah %v; want false, true", priya.Unhappy, hannah.Unhappy)
	}
	if c, _ := s.Contact(priya.Contact); c.Unhappy {
		t.Error("Priya is flagged unhappy for Hannah's comment")
	}
	if th := mustThread(t, s, blog); th.Stage != funnel.Intent || !th.Unhappy || th.WaitingPeople == 0 {
		t.Errorf("blog thread: %s unhappy %v waiting %d", th.Stage, th.Unhappy, th.WaitingPeople)
	}

	// The old thread ref credited the thread's starter, Marcus; Sofia's
	// price question is hers.
	m, sofia := conv(marcus, "Mastodon", "Marcus Lindqvist"), conv(marcus, "Mastodon", "Sofia Alvarez")
	if m.Stage != funnel.Converted || m.Conversions != 1 || sofia.Conversions != 0 || sofia.Stage != funnel.Intent {
		t.Errorf("Marcus %s/%d sales, Sofia %s/%d; want converted/1, intent/0", m.Stage, m.Conversions, sofia.Stage, sofia.Conversions)
	}
	if c, _ := s.Contact(sofia.Contact); c.Stage != funnel.Intent {
		t.Errorf("contact Sofia at %s, want intent", c.Stage)
	}
	n := 0
	mustNil(t, s.Export(func(ExportRow) error { n++; return nil }))
	if n != 6 {
		t.Errorf("export has %d rows, want 6 (one per person per thread)", n)
	}
	if rep, _ := s.Funnel(at(30)); rep.Conversations != 6 || rep.Threads != 2 || rep.People != 6 {
		t.Errorf("funnel: %d conversations, %d threads, %d people", rep.Conversations, rep.Threads, rep.People)
	}
}
