package main

import (
	"context"
	"encoding/csv"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"parley/engine"
	"parley/feeds"
	"parley/feeds/fakeapi"
	"parley/funnel"
	"parley/store"
)

// Issue 13 on real payloads, through the whole path a user's data takes:
// served over HTTP (a WordPress RSS comment feed, a WordPress Atom feed
// with thr:in-reply-to, a Discourse forum, a Mastodon account), fetched
// with `parley fetch`, stored, answered through the engine's outbox,
// fetched back, credited with `parley conversions import`, and listed by
// `parley export`. Many people talk in each thread; every assertion is
// about one person and their own words.

// peopleWorld is the four sources and the config that reads them.
type peopleWorld struct {
	cfg, db string
	masto   *fakeapi.Mastodon
	forum   *fakeapi.Discourse
	// status IDs on Mastodon, post numbers on Discourse
	adaStatus, beaStatus string
	topic                int
	// newComment is an <item> the RSS comment feed shows first once set.
	newComment atomic.Pointer[string]
}

func newPeopleWorld(t *testing.T) *peopleWorld {
	t.Helper()
	home := privateEnv(t)
	w := &peopleWorld{db: filepath.Join(home, "parley.db")}
	blogRSS, err := os.ReadFile("feeds/testdata/people/wordpress-comments.rss")
	if err != nil {
		t.Fatal(err)
	}
	blogAtom, err := os.ReadFile("testdata/issue13/comments.atom")
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/2026/11/pro-price-changes/feed/", func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "application/rss+xml; charset=UTF-8")
		body := blogRSS
		if c := w.newComment.Load(); c != nil {
			body = []byte(strings.Replace(string(blogRSS), "\t<item>", *c+"\t<item>", 1))
		}
		rw.Write(body)
	})
	mux.HandleFunc("/2026/11/moving-from-acme/feed/atom/", func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "application/atom+xml; charset=UTF-8")
		rw.Write(blogAtom)
	})
	blog := httptest.NewServer(mux)
	t.Cleanup(blog.Close)

	// Mastodon: Ada recommends us; Bea, answering Ada, asks the price. The
	// HTML is Mastodon's own (h-card mentions, as in the API docs).
	w.masto = fakeapi.NewMastodon("masto-token")
	t.Cleanup(w.masto.Close)
	start := time.Now().Add(-3 * time.Hour)
	w.adaStatus = w.masto.Add(fakeapi.MastodonStatusSpec{From: "ada", At: start, Notify: true,
		HTML: `<p><span class="h-card" translate="no"><a href="` + w.masto.URL + `/@quillstone" class="u-url mention">@<span>quillstone</span></a></span> switched our writing group over in the spring, no regrets.</p>`})
	w.beaStatus = w.masto.Add(fakeapi.MastodonStatusSpec{From: "bea", At: start.Add(20 * time.Minute), Notify: true, InReplyToID: w.adaStatus,
		HTML: `<p><span class="h-card" translate="no"><a href="` + w.masto.URL + `/@ada" class="u-url mention">@<span>ada</span></a></span> <span class="h-card" translate="no"><a href="` + w.masto.URL + `/@quillstone" class="u-url mention">@<span>quillstone</span></a></span> how much is the pro plan for a team of five?</p>`})

	// Discourse: Jonas opens a topic angry; Mei answers him with a price
	// question (reply_to_post_number 1).
	w.forum = fakeapi.NewDiscourse("forum-key", "maya")
	t.Cleanup(w.forum.Close)
	w.topic = w.forum.AddTopic("jonas", "Sync conflicts every morning since 4.2",
		"Sync conflicts every morning since 4.2. I lost a whole chapter today and nobody answers. This is terrible.", "")
	mei := w.forum.AddPost("mei", w.topic, "Same setup here. What does the business plan cost for 12 seats if it fixes this?", 1)
	first, _ := w.forum.Post(mei)
	w.forum.EditPost(first.ID-1, func(p *fakeapi.DiscoursePost) { p.CreatedAt = start })
	w.forum.EditPost(mei, func(p *fakeapi.DiscoursePost) { p.CreatedAt = start.Add(30 * time.Minute) })
	// Lars asks the topic; we answer him on the forum's web page with the
	// topic's Reply button (no reply_to_post_number) and his @name.
	lars := w.forum.AddPost("lars", w.topic, "Is there a student discount? I am writing my thesis in it.", 0)
	w.forum.EditPost(lars, func(p *fakeapi.DiscoursePost) { p.CreatedAt = start.Add(40 * time.Minute) })
	web := w.forum.AddPost("maya", w.topic, "@lars yes, 50% off with your university address.", 0)
	w.forum.EditPost(web, func(p *fakeapi.DiscoursePost) { p.CreatedAt = start.Add(50 * time.Minute) })

	t.Setenv("PARLEY_TEST_MASTODON_TOKEN", "masto-token")
	t.Setenv("PARLEY_TEST_DISCOURSE_KEY", "forum-key")
	w.cfg = writeConfig(t, `ours = ["Maya from Quillstone", "Quillstone Support"]

[[feed]]
name = "Blog (RSS)"
url  = "`+blog.URL+`/2026/11/pro-price-changes/feed/"

[[feed]]
name = "Blog (Atom)"
url  = "`+blog.URL+`/2026/11/moving-from-acme/feed/atom/"

[[feed]]
name      = "Mastodon"
kind      = "mastodon"
server    = "`+w.masto.URL+`"
token_env = "PARLEY_TEST_MASTODON_TOKEN"

[[feed]]
name         = "Forum"
kind         = "discourse"
url          = "`+w.forum.URL+`"
api_key_env  = "PARLEY_TEST_DISCOURSE_KEY"
api_username = "maya"

[funnel]
track_link = "https://shop.quillstone.example/?ref={thread}"
`)
	return w
}

func (w *peopleWorld) fetch(t *testing.T) {
	t.Helper()
	code, out, errOut := runCLI("fetch", "--config", w.cfg, "--db", w.db)
	if code != 0 || strings.Count(out, "✓") != 4 {
		t.Fatalf("fetch: exit %d, want every feed fetched\n%s%s", code, out, errOut)
	}
}

// open opens the database as the console does, for reads and for the
// engine that sends; the store is closed when the test ends or by close.
func (w *peopleWorld) open(t *testing.T) *store.Store {
	t.Helper()
	cfg, err := feeds.LoadConfig(w.cfg)
	if err != nil {
		t.Fatal(err)
	}
	an, err := funnel.NewAnalyzer(cfg.Funnel)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(w.db, store.Options{Ours: cfg.Ours, Funnel: an})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// people is every conversation of the database by the person's name (the
// test's names are unique across threads).
func people(t *testing.T, st *store.Store) map[string]store.Conversation {
	t.Helper()
	byName := map[string]store.Conversation{}
	for stage := funnel.New; stage <= funnel.Advocate; stage++ {
		list, err := st.ConversationsInStage(stage)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range list {
			if _, dup := byName[c.Name]; dup {
				t.Fatalf("%s has two conversations", c.Name)
			}
			byName[c.Name] = c
		}
	}
	return byName
}

// queueRows is each queue row's person with the words beside their name.
func queueRows(t *testing.T, st *store.Store) map[string]store.Thread {
	t.Helper()
	q, err := st.Queue(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]store.Thread{}
	for _, th := range q {
		rows[th.Waiter.Name] = th
	}
	return rows
}

// sendThroughOutbox queues a reply to one person as ctrl+s does and
// waits for the engine to post it to the fake server.
func sendThroughOutbox(t *testing.T, w *peopleWorld, st *store.Store, r store.Reply) store.OutboxEntry {
	t.Helper()
	cfg, err := feeds.LoadConfig(w.cfg)
	if err != nil {
		t.Fatal(err)
	}
	// No feeds to poll (the test fetches when it means to), only the
	// repliers of the two-way ones.
	f := feeds.NewFetcher(feeds.Options{})
	repliers := map[string]feeds.Replier{}
	for _, fd := range cfg.Feeds {
		if r := f.Replier(fd); r != nil {
			repliers[fd.Name] = r
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e := engine.New(engine.Config{Store: st, Repliers: repliers, User: "maya"})
	e.Start(ctx)
	defer e.Close()
	ent, err := e.QueueReply(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.After(10 * time.Second)
	for {
		select {
		case ev := <-e.Events():
			if ev.Send == nil || ev.Send.Started || ev.Send.Entry.Key != ent.Key {
				continue
			}
			if ev.Send.Err != nil || ev.Send.Entry.State != store.OutboxSent {
				t.Fatalf("send to %s: %+v, %v", r.To, ev.Send.Entry, ev.Send.Err)
			}
			return ev.Send.Entry
		case <-deadline:
			t.Fatalf("the reply to %s was not sent within 10s", r.To)
		}
	}
}

func TestEverySourceKeepsPeopleApart(t *testing.T) {
	w := newPeopleWorld(t)
	w.fetch(t)
	st := w.open(t)
	conv := people(t, st)
	for _, name := range []string{"Will Harper", "Grace Liu", "Priya Raman", "Hannah Becker",
		"Lena Vogel", "Omar Haddad", "Rosa Lindgren", "Jin Park", "@ada", "@bea", "jonas", "mei", "lars"} {
		if _, ok := conv[name]; !ok {
			t.Fatalf("no conversation of %s; have %v", name, slices.Sorted(maps.Keys(conv)))
		}
	}
	for name := range conv {
		if name == "Maya from Quillstone" || name == "Quillstone Support" || name == "maya" || name == "@quillstone" {
			t.Errorf("we have a conversation of our own (%s)", name)
		}
	}

	// Per-person stages and moods, each for that person's own words.
	type want struct {
		stage   funnel.Stage
		unhappy bool
	}
	for name, w := range map[string]want{
		"Will Harper":   {funnel.New, true},       // "not worth the price", beside Grace's recommendation
		"Grace Liu":     {funnel.Advocate, false}, // "You should try Pro for a month"
		"Priya Raman":   {funnel.New, false},      // thanked us, next to Hannah's anger
		"Hannah Becker": {funnel.New, true},       // "ate all my tags. Never again."
		"Lena Vogel":    {funnel.New, true},       // "Acme ate my photos. Never again…"
		"Omar Haddad":   {funnel.New, true},       // "Great, another outage. Just love it."
		"Rosa Lindgren": {funnel.Advocate, false}, // "I tell everyone about it"
		"Jin Park":      {funnel.Advocate, false}, // "No regrets"
		"@ada":          {funnel.Advocate, false}, // "no regrets", on Mastodon
		"@bea":          {funnel.Intent, false},   // "how much is the pro plan for a team of five?"
		"jonas":         {funnel.New, true},       // "This is terrible"
		"mei":           {funnel.Intent, false},   // "What does the business plan cost…"
		"lars":          {funnel.Intent, false},   // "Is there a student discount?"
	} {
		c := conv[name]
		if c.Stage != w.stage || c.Unhappy != w.unhappy {
			t.Errorf("%s: stage %s, unhappy %v (%q, cause %q); want %s, %v",
				name, c.Stage, c.Unhappy, c.Preview, c.Cause, w.stage, w.unhappy)
		}
	}
	if c := conv["Lena Vogel"]; c.Mood >= funnel.PositiveAt {
		t.Errorf("Lena's \"Acme ate my photos\" reads positive (%.2f: the queue would mark it +)", c.Mood)
	}
	// A stage's cause quotes that person, never someone else in the thread.
	for _, name := range []string{"Grace Liu", "Rosa Lindgren", "@bea", "mei"} {
		c := conv[name]
		if c.Cause == "" || !strings.Contains(c.Cause, "msg") {
			t.Errorf("%s at %s without a cause naming their message: %q", name, c.Stage, c.Cause)
		}
	}
	if !strings.Contains(conv["Grace Liu"].Cause, "try Pro") || !strings.Contains(conv["@bea"].Cause, "pro plan") {
		t.Errorf("causes are not the person's words: Grace %q, bea %q", conv["Grace Liu"].Cause, conv["@bea"].Cause)
	}

	// Queue rows: whoever is named, the words beside the name are theirs.
	// Mastodon reads as people read it: @acct, no profile URL, and our own
	// mention dropped.
	rows := queueRows(t, st)
	for name, th := range rows {
		c, ok := conv[name]
		if !ok {
			t.Errorf("queue row of %q, who has no conversation", name)
			continue
		}
		if th.Waiter.Preview != c.Preview || th.Waiter.Contact != c.Contact {
			t.Errorf("row of %s shows %q, their newest words are %q", name, th.Waiter.Preview, c.Preview)
		}
	}
	// (Our mention is dropped only when it leads: after @ada it is part of
	// whom she addresses, as the feeds' TestDropLeadingMention keeps it.)
	if th, ok := rows["@bea"]; !ok || th.Waiter.Preview != "@ada @quillstone how much is the pro plan for a team of five?" {
		t.Errorf("Mastodon row = %+v; want bea's question as she wrote it, with no profile URL", rows["@bea"].Waiter)
	}
	if th := rows["@bea"]; th.WaitingPeople != 2 {
		t.Errorf("Mastodon row says %d waiting, want 2 (bea, and ada behind her)", th.WaitingPeople)
	}
	if p := conv["@ada"].Preview; p != "switched our writing group over in the spring, no regrets." {
		t.Errorf("ada's newest words read %q; want them without our leading mention", p)
	}
	// In the Atom thread our answer went to Omar (thr:in-reply-to): Lena,
	// who started, still waits and Omar does not.
	if omar := conv["Omar Haddad"]; omar.Waiting() || omar.Replies != 1 || !conv["Lena Vogel"].Waiting() {
		t.Errorf("Atom: Omar waiting %v with %d replies, Lena waiting %v; want our reply on Omar only",
			omar.Waiting(), omar.Replies, conv["Lena Vogel"].Waiting())
	}
	// In the RSS thread our "In reply to Hannah Becker." answers Hannah.
	if h, wl := conv["Hannah Becker"], conv["Will Harper"]; h.Replies != 1 || wl.Replies != 0 {
		t.Errorf("RSS: our reply counts for Hannah %d, Will %d; want 1, 0", h.Replies, wl.Replies)
	}

	// On Discourse, our answer to the topic that names @lars is his: the
	// source names no post, so the rule for replies written elsewhere
	// applies (docs/REPLIES.md), and Jonas, who opened the topic, waits.
	if l, j := conv["lars"], conv["jonas"]; l.Replies != 1 || l.Waiting() || j.Replies != 0 || !j.Waiting() {
		t.Errorf("Discourse web reply to @lars: Lars %d replies (waiting %v), Jonas %d (waiting %v); want it on Lars",
			l.Replies, l.Waiting(), j.Replies, j.Waiting())
	}

	// Replies address one person: Bea's status with her mention, Mei's
	// post as reply_to_post_number.
	bea, mei := conv["@bea"], conv["mei"]
	sendThroughOutbox(t, w, st, store.Reply{ThreadID: bea.ThreadID, To: bea.Contact, Text: "Pro is 8 EUR a seat a month, so 40 EUR for five.", Via: "Mastodon", Who: "maya", At: time.Now()})
	sendThroughOutbox(t, w, st, store.Reply{ThreadID: mei.ThreadID, To: mei.Contact, Text: "Business is 12 EUR a seat; the sync fix ships in 4.3.", Via: "Forum", Who: "maya", At: time.Now()})
	posted := w.masto.Posted()
	if len(posted) != 1 || posted[0].InReplyToID != w.beaStatus || !strings.HasPrefix(posted[0].Text, "@bea ") {
		t.Errorf("Mastodon posts = %+v; want one, in reply to bea's status %s, starting with her mention", posted, w.beaStatus)
	}
	created := w.forum.Created()
	if len(created) != 1 || created[0].ReplyToPostNumber != 2 || created[0].TopicID != w.topic {
		t.Errorf("Discourse posts = %+v; want one in topic %d answering Mei's post 2", created, w.topic)
	}
	// Priya on the blog (a read-only source): ctrl+s copies the reply and
	// records it; Maya pastes it as a threaded answer, and WordPress
	// prints it with its "In reply to Priya Raman." opening.
	priya := conv["Priya Raman"]
	pasted := "Happy to hear it! Offline mode keeps working on the free plan too."
	if err := st.RecordReply(store.Reply{ThreadID: priya.ThreadID, To: priya.Contact, Text: pasted, Via: "clipboard", Who: "maya", At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	item := `	<item>
		<title>By: Maya from Quillstone</title>
		<link>https://blog.quillstone.example/2026/11/pro-price-changes/#comment-107</link>
		<dc:creator><![CDATA[Maya from Quillstone]]></dc:creator>
		<pubDate>` + time.Now().UTC().Format(time.RFC1123Z) + `</pubDate>
		<guid isPermaLink="false">https://blog.quillstone.example/?p=412#comment-107</guid>
		<description><![CDATA[In reply to Priya Raman. ` + pasted + `]]></description>
		<content:encoded><![CDATA[<p>In reply to <a href="https://blog.quillstone.example/2026/11/pro-price-changes/#comment-103">Priya Raman</a>.</p>
<p>` + pasted + `</p>
]]></content:encoded>
	</item>
`
	w.newComment.Store(&item)
	st.Close()

	// Fetched back, each reply counts once, for the person it answered.
	w.fetch(t)
	st = w.open(t)
	conv = people(t, st)
	for name, replies := range map[string]int{"@bea": 1, "@ada": 0, "mei": 1, "jonas": 0, "Priya Raman": 1} {
		c := conv[name]
		if c.Replies != replies || c.Waiting() != (replies == 0) {
			t.Errorf("%s after our replies came back: %d replies, waiting %v; want %d", name, c.Replies, c.Waiting(), replies)
		}
	}
	if rs, err := st.Replies(priya.ThreadID); err != nil || len(rs) != 1 || !strings.HasSuffix(rs[0].RemoteID, "#comment-107") {
		t.Errorf("recorded blog replies = %+v (%v); want the pasted one, confirmed by its comment", rs, err)
	}
	rows = queueRows(t, st)
	if _, ok := rows["@bea"]; ok {
		t.Errorf("bea is still in the queue after our reply to her")
	}
	if th, ok := rows["@ada"]; !ok || !strings.HasSuffix(th.Waiter.Preview, "no regrets.") {
		t.Errorf("ada's row = %+v; she still waits, in her words", th.Waiter)
	}
	if th, ok := rows["jonas"]; !ok || !th.Waiter.Unhappy {
		t.Errorf("jonas's row = %+v; he still waits, unhappy", th.Waiter)
	}

	// A sale through the link given to the second commenter (Grace) is
	// Grace's; an old link with the thread's ref alone credits Will, who
	// started the thread.
	grace, will := conv["Grace Liu"], conv["Will Harper"]
	threadRef := grace.ThreadID[:10]
	sales := filepath.Join(t.TempDir(), "sales.csv")
	if err := os.WriteFile(sales, []byte("ref,amount,currency,time\n"+
		store.ConversationRef(grace.ThreadID, grace.Contact)+",96.00,EUR,2026-12-01T10:00:00Z\n"+
		threadRef+",8.00,EUR,2026-12-01T11:00:00Z\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if code, out, errOut := runCLI("conversions", "import", sales, "--config", w.cfg, "--db", w.db); code != 0 {
		t.Fatalf("conversions import: exit %d\n%s%s", code, out, errOut)
	}
	st = w.open(t)
	conv = people(t, st)
	if g, wl := conv["Grace Liu"], conv["Will Harper"]; g.Conversions != 1 || wl.Conversions != 1 ||
		wl.Stage != funnel.Converted || g.Stage != funnel.Advocate {
		t.Errorf("after the sales: Grace %s with %d, Will %s with %d; want Grace's sale hers (advocate stays), the old ref Will's",
			g.Stage, g.Conversions, wl.Stage, wl.Conversions)
	}
	st.Close()

	// The export: one row per conversation, with that person's ref, stage,
	// mood and revenue.
	code, out, errOut := runCLI("export", "--format", "csv", "--config", w.cfg, "--db", w.db)
	if code != 0 {
		t.Fatalf("export: exit %d\n%s", code, errOut)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) < 2 {
		t.Fatalf("export is no CSV (%v):\n%s", err, out)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, h := range []string{"ref", "thread_ref", "contact", "stage", "unhappy", "revenue"} {
		if _, ok := col[h]; !ok {
			t.Fatalf("export has no %s column: %v", h, recs[0])
		}
	}
	if len(recs)-1 != len(conv) {
		t.Errorf("export has %d rows for %d conversations", len(recs)-1, len(conv))
	}
	byContact := map[string][]string{}
	for _, r := range recs[1:] {
		byContact[r[col["contact"]]] = r
	}
	for name, w := range map[string][5]string{
		// ref, thread_ref, stage, unhappy, revenue
		"Grace Liu":     {store.ConversationRef(grace.ThreadID, grace.Contact), threadRef, "advocate", "false", "96.00"},
		"Will Harper":   {store.ConversationRef(will.ThreadID, will.Contact), threadRef, "converted", "true", "8.00"},
		"Hannah Becker": {"", threadRef, "new", "true", "0.00"},
		"Priya Raman":   {"", threadRef, "new", "false", "0.00"},
		"@bea":          {store.ConversationRef(bea.ThreadID, bea.Contact), bea.ThreadID[:10], "intent", "false", "0.00"},
	} {
		r, ok := byContact[name]
		if !ok {
			t.Errorf("no export row for %s", name)
			continue
		}
		got := [5]string{r[col["ref"]], r[col["thread_ref"]], r[col["stage"]], r[col["unhappy"]], r[col["revenue"]]}
		if w[0] == "" {
			got[0] = ""
		}
		if got != w {
			t.Errorf("export row of %s = %v, want %v", name, got, w)
		}
	}
}
