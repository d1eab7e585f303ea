package store

import (
	"errors"
	"slices"
	"testing"
	"time"

	"parley/feeds"
	"parley/funnel"
)

// Multi-person threads (issue 13): every source where many people talk in
// one thread, built as feeds.Items the way each source's parser gives
// them. These use the real analyzer and texts people write; they assert
// what must hold whatever the rules' details: one person's signal never
// moves another's stage, and nobody's name goes beside another's words.

const postURL = "https://quillstone.example/blog/price-increase/"

// wpComment is a WordPress comment-feed item: one thread per post,
// joined by the #comment fragment.
func wpComment(id, author string, min int, txt string) feeds.Item {
	return item(id, author, min, link(postURL+"#comment-"+id), text(txt),
		title("Comment on Price increase: is Pro still worth it? by "+author),
		func(it *feeds.Item) { it.Feed = "Blog comments" })
}

func convOf(t *testing.T, s *Store, threadID, feed, author string) Conversation {
	t.Helper()
	c, err := s.Conversation(threadID, contactID(feed, author))
	if err != nil {
		t.Fatalf("conversation of %s: %v", author, err)
	}
	return c
}

func TestWordPressPostWithFourCommenters(t *testing.T) {
	s := openTest(t, "Maya (Quillstone)")
	mustIngest(t, s, result("Blog comments",
		wpComment("101", "Grace Liu", 1, "You should try Pro for a month, the sync alone is worth it. Highly recommend."),
		wpComment("102", "Will Harper", 2, "Not worth the price anymore. Dropping to free."),
		wpComment("103", "Priya Raman", 3, "You saved my week with the offline mode, thank you!"),
		wpComment("104", "Hannah Becker", 4, "This update is terrible. I lost all my tags and nobody answers support."),
	), at(5))
	tid := threadOf(t, s, "101")
	checkIndexes(t, s)
	const feed = "Blog comments"
	grace, will := convOf(t, s, tid, feed, "Grace Liu"), convOf(t, s, tid, feed, "Will Harper")
	priya, hannah := convOf(t, s, tid, feed, "Priya Raman"), convOf(t, s, tid, feed, "Hannah Becker")

	// Grace recommends us: that is Grace's stage, nobody else's.
	if grace.Stage != funnel.Advocate || !grace.Started {
		t.Errorf("Grace: %s, started %v; want advocate, the starter", grace.Stage, grace.Started)
	}
	for _, c := range []Conversation{will, priya, hannah} {
		if c.Stage == funnel.Advocate || c.Started {
			t.Errorf("%s: %s, started %v; Grace's recommendation moved them", c.Name, c.Stage, c.Started)
		}
	}
	// Hannah is unhappy, Priya (who thanked us) is not.
	if !hannah.Unhappy || priya.Unhappy {
		t.Errorf("unhappy: Hannah %v, Priya %v; want true, false", hannah.Unhappy, priya.Unhappy)
	}
	if c, _ := s.Contact(contactID(feed, "Priya Raman")); c.Unhappy || c.Stage == funnel.Advocate {
		t.Errorf("contact Priya = %+v: someone else's signal", c)
	}
	th := mustThread(t, s, tid)
	if th.Stage != funnel.Advocate || !th.Unhappy || th.Author != "Grace Liu" || th.WaitingPeople != 4 {
		t.Errorf("thread: stage %s unhappy %v author %q waiting %d; want advocate, true, Grace, 4",
			th.Stage, th.Unhappy, th.Author, th.WaitingPeople)
	}

	// One queue row, about the most urgent person, in their own words.
	q, err := s.Queue(at(5))
	mustNil(t, err)
	if len(q) != 1 {
		t.Fatalf("queue has %d rows, want 1 for the thread", len(q))
	}
	// The row's person: unhappy first, then intent, then longest waiting.
	urgent := []Conversation{grace, will, priya, hannah}
	slices.SortStableFunc(urgent, func(a, b Conversation) int {
		rank := func(c Conversation) int {
			switch {
			case c.Unhappy:
				return 0
			case c.Stage == funnel.Intent:
				return 1
			}
			return 2
		}
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		return a.WaitingSince.Compare(b.WaitingSince)
	})
	if w := q[0].Waiter; w.Contact != urgent[0].Contact || w.Name != urgent[0].Name || w.Preview != urgent[0].Preview ||
		!w.Unhappy || !q[0].WaitingSince.Equal(urgent[0].WaitingSince) {
		t.Errorf("row = %+v since %v, want %s (unhappy, waiting longest) with their words", w, q[0].WaitingSince, urgent[0].Name)
	}
	if hannah.Preview != "This update is terrible. I lost all my tags and nobody answers support." {
		t.Errorf("Hannah's preview = %q", hannah.Preview)
	}

	// Our answer in the comments, to Hannah by @name: only she stops
	// waiting; the row goes to the next person, with their words.
	mustIngest(t, s, result("Blog comments",
		wpComment("105", "Maya (Quillstone)", 6, "@Hannah Becker so sorry about your tags! Settings > History restores them."),
	), at(7))
	checkIndexes(t, s)
	hannah = convOf(t, s, tid, feed, "Hannah Becker")
	if hannah.Waiting() || hannah.Replies != 1 || !hannah.LastOurs.Equal(at(6)) {
		t.Errorf("Hannah after our @reply: waiting %v, %d replies", hannah.Waiting(), hannah.Replies)
	}
	th = mustThread(t, s, tid)
	if th.WaitingPeople != 3 || th.Waiter.Contact == hannah.Contact || th.Waiter.Contact == "" {
		t.Fatalf("after answering Hannah: %d waiting, row %+v", th.WaitingPeople, th.Waiter)
	}
	next := convOf(t, s, tid, feed, th.Waiter.Name)
	if th.Waiter.Preview != next.Preview || !th.WaitingSince.Equal(next.WaitingSince) {
		t.Errorf("row %+v is not %s's own", th.Waiter, next.Name)
	}

	// A reply copied to the clipboard for Will: Will stops waiting. He
	// answers with a price question: Will's intent, Grace unchanged.
	mustNil(t, s.RecordReply(Reply{ThreadID: tid, To: will.Contact, Text: "Will, the yearly plan is 20% off.",
		At: at(8), Via: "clipboard", Who: "maya"}))
	mustIngest(t, s, result("Blog comments",
		wpComment("106", "Will Harper", 9, "Honestly a cheaper yearly plan would keep me. How much would that be?"),
	), at(10))
	checkIndexes(t, s)
	will, grace = convOf(t, s, tid, feed, "Will Harper"), convOf(t, s, tid, feed, "Grace Liu")
	if will.Stage != funnel.Intent || will.Replies != 1 || will.Messages != 2 {
		t.Errorf("Will: %s, %d replies, %d messages; want intent, 1, 2", will.Stage, will.Replies, will.Messages)
	}
	if grace.Stage != funnel.Advocate || grace.Replies != 0 {
		t.Errorf("Grace: %s, %d replies; want advocate, 0", grace.Stage, grace.Replies)
	}
	if h, _ := s.ConversationHistory(tid, will.Contact); len(h) == 0 || h[len(h)-1].To != funnel.Intent ||
		h[len(h)-1].Contact != will.Contact {
		t.Errorf("Will's history = %+v", h)
	}

	// Will buys through his tracked link: the sale is his.
	res, err := s.ImportConversions([]Conversion{{ID: "order-9", Ref: will.Ref(), Amount: Money{"EUR", 9600}, At: at(20)}}, at(21))
	mustNil(t, err)
	if res.Imported != 1 || !slices.Equal(res.Converted, []string{tid}) {
		t.Fatalf("import = %+v", res)
	}
	will, grace = convOf(t, s, tid, feed, "Will Harper"), convOf(t, s, tid, feed, "Grace Liu")
	if will.Stage != funnel.Converted || will.Conversions != 1 || grace.Conversions != 0 {
		t.Errorf("after Will's sale: Will %s/%d, Grace %d sales", will.Stage, will.Conversions, grace.Conversions)
	}
	// An old tracked link (the thread's ref) credits the starter, Grace.
	_, err = s.ImportConversions([]Conversion{{ID: "order-10", Ref: th.Ref(), Amount: Money{"EUR", 100}, At: at(22)}}, at(23))
	mustNil(t, err)
	if g := convOf(t, s, tid, feed, "Grace Liu"); g.Conversions != 1 || g.Stage != funnel.Advocate {
		t.Errorf("Grace after an old-ref sale: %d sales at %s; want 1, still advocate", g.Conversions, g.Stage)
	}
	checkIndexes(t, s)

	// The export: one row per person, theirs.
	var rows []ExportRow
	mustNil(t, s.Export(func(r ExportRow) error { rows = append(rows, r); return nil }))
	type row struct {
		who, ref    string
		stage       funnel.Stage
		unhappy     bool
		replies     int
		conversions int
		revenue     []Money
	}
	var got []row
	for _, r := range rows {
		got = append(got, row{r.Contact, r.Conversation.Ref(), r.Conversation.Stage, r.Conversation.Unhappy,
			r.Replies, r.Conversions, r.Revenue})
	}
	want := []row{
		{"Grace Liu", grace.Ref(), funnel.Advocate, false, 0, 1, []Money{{"EUR", 100}}},
		{"Will Harper", will.Ref(), funnel.Converted, false, 1, 1, []Money{{"EUR", 9600}}},
		{"Priya Raman", priya.Ref(), priya.Stage, false, 0, 0, nil},
		{"Hannah Becker", hannah.Ref(), hannah.Stage, true, 1, 0, nil},
	}
	if !slices.EqualFunc(got, want, func(a, b row) bool {
		return a.who == b.who && a.ref == b.ref && a.stage == b.stage && a.unhappy == b.unhappy &&
			a.replies == b.replies && a.conversions == b.conversions && slices.Equal(a.revenue, b.revenue)
	}) {
		t.Errorf("export =\n%+v\nwant\n%+v", got, want)
	}

	// Refs resolve without guessing: a conversation ref to its person, a
	// thread ref to the starter.
	if c, err := s.ConversationByRef(will.Ref()); err != nil || c.Contact != will.Contact || c.Title == "" {
		t.Errorf("ConversationByRef(Will's) = %+v, %v", c, err)
	}
	if c, err := s.ConversationByRef(th.Ref()); err != nil || c.Contact != grace.Contact {
		t.Errorf("ConversationByRef(thread) = %s, %v; want Grace", c.Name, err)
	}
	if _, err := s.ConversationByRef(th.Ref() + "-ffffff"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown person: %v, want ErrNotFound", err)
	}
}

// Atom comment feeds say whom a comment answers (thr:in-reply-to): our
// answer to Omar counts for Omar, and Lena, who started, still waits.
func TestAtomInReplyToAttributesOurAnswer(t *testing.T) {
	s := openTest(t, "Quillstone Support")
	atom := func(id, author string, min int, parent, txt string) feeds.Item {
		return item("tag:forum.example,2026:"+id, author, min, text(txt), replyTo(parentID(parent)),
			link("https://forum.example/t/offline-mode/"+id), func(it *feeds.Item) { it.Feed = "Forum (Atom)" })
	}
	mustIngest(t, s, result("Forum (Atom)",
		atom("1", "Lena Vogel", 1, "", "Does offline mode keep attachments? Mine vanish after a day."),
		atom("2", "Omar Haddad", 2, "1", "Same here. Is there a trial of the Team plan where this works?"),
		atom("3", "Quillstone Support", 3, "2", "Omar, yes: the Team trial keeps attachments offline for 30 days."),
	), at(4))
	tid := threadOf(t, s, "tag:forum.example,2026:1")
	checkIndexes(t, s)
	msgs, err := s.Messages(tid)
	mustNil(t, err)
	lena, omar := contactID("Forum (Atom)", "Lena Vogel"), contactID("Forum (Atom)", "Omar Haddad")
	if msgs[2].Contact != omar {
		t.Errorf("our answer counts for %q, want Omar %q (its in-reply-to)", msgs[2].Contact, omar)
	}
	th := mustThread(t, s, tid)
	if th.WaitingPeople != 1 || th.Waiter.Contact != lena || th.Waiter.Name != "Lena Vogel" ||
		th.Waiter.Preview != "Does offline mode keep attachments? Mine vanish after a day." {
		t.Errorf("row = %+v, %d waiting; want Lena alone, in her words", th.Waiter, th.WaitingPeople)
	}
	// Omar's stage is his: his trial question is intent; Lena's is not.
	if o, l := convOf(t, s, tid, "Forum (Atom)", "Omar Haddad"), convOf(t, s, tid, "Forum (Atom)", "Lena Vogel"); o.Stage != funnel.Intent || l.Stage == funnel.Intent {
		t.Errorf("stages: Omar %s, Lena %s; want intent, not intent", o.Stage, l.Stage)
	}
}

func parentID(p string) string {
	if p == "" {
		return ""
	}
	return "tag:forum.example,2026:" + p
}

// A Discourse topic: the reply goes to the person answered, through
// their post (reply_to_post_number); once sent and fetched back it
// counts for them only.
func TestDiscourseTopicRepliesToThePerson(t *testing.T) {
	s := openTest(t)
	post := func(n int, author string, min int, txt string) feeds.Item {
		id := "discourse:community.example:post:" + string(rune('0'+n))
		it := item(id, author, min, text(txt), link("https://community.example/t/sync-conflicts/77/"+string(rune('0'+n))),
			func(it *feeds.Item) {
				it.Feed = "Community"
				it.Target = feeds.Target{ID: string(rune('0' + n)), Topic: "77", PostNumber: n}
			})
		if n > 1 {
			it.InReplyTo = "discourse:community.example:post:1"
		}
		return it
	}
	mustIngest(t, s, result("Community",
		post(1, "jonas", 1, "Sync conflicts every morning since 4.2. Anyone else?"),
		post(2, "mei", 2, "Yes! What does the business plan cost? We might switch if it fixes this."),
		post(3, "jonas", 3, "Still happening today, it is getting frustrating."),
	), at(4))
	tid := threadOf(t, s, "discourse:community.example:post:1")
	mei := contactID("Community", "mei")
	e := mustQueue(t, s, Reply{ThreadID: tid, To: mei, Text: "Business is 12 EUR a seat; the fix ships in 4.3.", Via: "Discourse", Who: "maya", At: at(5)})
	if e.Target.PostNumber != 2 || e.To != mei || e.InReplyTo != "discourse:community.example:post:2" {
		t.Errorf("entry answers post %d of %s (%s), want Mei's post 2", e.Target.PostNumber, e.To, e.InReplyTo)
	}
	if _, err := s.MarkSending(e.Key, at(5)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MarkSent(e.Key, feeds.Posted{ItemID: "discourse:community.example:post:4", URL: "https://community.example/t/sync-conflicts/77/4"}, at(6)); err != nil {
		t.Fatal(err)
	}
	// Fetched back: our post 4 (Discourse names the topic as its parent).
	mustIngest(t, s, result("Community", post(4, "maya", 6, "Business is 12 EUR a seat; the fix ships in 4.3.")), at(7))
	checkIndexes(t, s)
	m, jonas := convOf(t, s, tid, "Community", "mei"), convOf(t, s, tid, "Community", "jonas")
	if m.Waiting() || m.Replies != 1 || jonas.Replies != 0 || !jonas.Waiting() {
		t.Errorf("Mei waiting %v with %d replies; Jonas waiting %v with %d; want our one reply on Mei",
			m.Waiting(), m.Replies, jonas.Waiting(), jonas.Replies)
	}
	th := mustThread(t, s, tid)
	if th.Waiter.Contact != jonas.Contact || th.Waiter.Preview != "Still happening today, it is getting frustrating." {
		t.Errorf("row = %+v, want Jonas with his newest words", th.Waiter)
	}
}

// A Mastodon conversation: statuses chain by in_reply_to_id. A reply to
// Bea goes to Bea's status with Bea's mention, and Ada's signals never
// touch Bea.
func TestMastodonConversationPerPerson(t *testing.T) {
	s := openTest(t)
	toot := func(id, acct string, min int, parent, txt string) feeds.Item {
		return item("masto:"+id, acct, min, text(txt), replyTo(parentOrEmpty(parent)), func(it *feeds.Item) {
			it.Feed = "Mastodon"
			it.Link = "https://social.example/@" + acct + "/" + id
			it.Target = feeds.Target{ID: id, Visibility: "public", Mention: "@" + acct + "@social.example"}
		})
	}
	mustIngest(t, s, result("Mastodon",
		toot("1", "ada", 1, "", "@quillstone I tell everyone about Quillstone, highly recommend it for writing groups."),
		toot("2", "bea", 2, "1", "@ada @quillstone how much is the pro plan for a team of five?"),
	), at(3))
	tid := threadOf(t, s, "masto:1")
	ada, bea := convOf(t, s, tid, "Mastodon", "ada"), convOf(t, s, tid, "Mastodon", "bea")
	if bea.Stage == funnel.Advocate || ada.Stage != funnel.Advocate {
		t.Errorf("Ada %s, Bea %s: Ada's recommendation is Ada's", ada.Stage, bea.Stage)
	}
	e := mustQueue(t, s, Reply{ThreadID: tid, To: bea.Contact, Text: "Pro is 8 EUR a seat a month.", Via: "Mastodon", Who: "maya", At: at(4)})
	if e.Target.ID != "2" || e.Target.Mention != "@bea@social.example" {
		t.Errorf("reply goes to %+v, want Bea's status 2 with her mention", e.Target)
	}
	// An empty To answers the row's person: both wait (queuing is not
	// sending), and Bea's buying intent comes before Ada's longer wait.
	th := mustThread(t, s, tid)
	e2 := mustQueue(t, s, Reply{ThreadID: tid, Text: "Pro is 8 EUR a seat a month.", Via: "Mastodon", Who: "maya", At: at(4)})
	if th.Waiter.Contact != bea.Contact || e2.To != bea.Contact || e2.Target.ID != "2" {
		t.Errorf("unnamed reply answers %s status %s (row %s), want Bea's 2", e2.To, e2.Target.ID, th.Waiter.Name)
	}
}

func parentOrEmpty(p string) string {
	if p == "" {
		return ""
	}
	return "masto:" + p
}

// A reply copied with ctrl+s and posted by hand comes back in the feed
// under our name: it confirms the recorded reply and counts once.
func TestClipboardReplyFetchedBackCountsOnce(t *testing.T) {
	s := openTest(t, "Maya (Quillstone)")
	mustIngest(t, s, result("Blog comments",
		wpComment("201", "Ana Ruiz", 1, "Can I export my notes to Markdown?"),
	), at(2))
	tid := threadOf(t, s, "201")
	mustNil(t, s.RecordReply(Reply{ThreadID: tid, Text: "Yes: File > Export > Markdown.", At: at(3), Via: "clipboard", Who: "maya"}))
	mustIngest(t, s, result("Blog comments",
		wpComment("202", "Maya (Quillstone)", 4, "Yes:  File > Export >\nMarkdown."),
	), at(5))
	checkIndexes(t, s)
	replies, err := s.Replies(tid)
	mustNil(t, err)
	if len(replies) != 1 || replies[0].Key == "" || replies[0].RemoteID != "202" {
		t.Fatalf("replies = %+v, want the one recorded, confirmed by 202", replies)
	}
	msgs, _ := s.Messages(tid)
	if msgs[1].ReplyKey != replies[0].Key {
		t.Errorf("fetched-back copy has ReplyKey %q, want %q", msgs[1].ReplyKey, replies[0].Key)
	}
	if c := convOf(t, s, tid, "Blog comments", "Ana Ruiz"); c.Replies != 1 {
		t.Errorf("Ana's conversation counts %d replies, want 1", c.Replies)
	}
	if c, _ := s.Contact(contactID("Blog comments", "Ana Ruiz")); c.Touches() != 2 {
		t.Errorf("touches = %d, want 2 (her message, our one reply)", c.Touches())
	}
}

// > > < < on one conversation raises no "moved in" count; each
// conversation counts once per stage and window.
func TestMovedCountsAreHonest(t *testing.T) {
	s := openFake(t, "us")
	mustIngest(t, s, result("blog", dayItem("a", "ann", 38, "hello"), dayItem("b", "bob", 38, "#intent")), day(38))
	a, b := threadOf(t, s, "a"), threadOf(t, s, "b")
	before, err := s.Funnel(day(40))
	mustNil(t, err)
	for i, to := range []funnel.Stage{funnel.Engaged, funnel.Trusting, funnel.Engaged, funnel.New} {
		_, err := s.SetStage(a, "", to, "maya", day(39).Add(time.Duration(i)*time.Hour))
		mustNil(t, err)
	}
	// Bob: back and forth into intent twice counts once.
	for i, to := range []funnel.Stage{funnel.Engaged, funnel.Intent} {
		_, err := s.SetStage(b, "", to, "maya", day(39).Add(time.Duration(i)*time.Hour))
		mustNil(t, err)
	}
	after, err := s.Funnel(day(40))
	mustNil(t, err)
	for i := range after.Stages {
		if after.Stages[i].In7 != before.Stages[i].In7 || after.Stages[i].In30 != before.Stages[i].In30 {
			t.Errorf("%s: moved in 7/30 days %d/%d after > > < < and a round trip, was %d/%d",
				after.Stages[i].Stage, after.Stages[i].In7, after.Stages[i].In30, before.Stages[i].In7, before.Stages[i].In30)
		}
	}
	if before.Stages[funnel.Intent].In7 != 1 {
		t.Errorf("intent this week = %d, want 1 (Bob)", before.Stages[funnel.Intent].In7)
	}
}

// A changed [funnel] config re-reads every conversation at Open, with
// progress, and a stage an older rule set goes down when the new rules
// no longer find it.
func TestRereadWhenTheRulesChange(t *testing.T) {
	path := t.TempDir() + "/parley.db"
	noIntent, err := funnel.NewAnalyzer(funnel.Config{Intent: []string{"zebra crossing"}})
	mustNil(t, err)
	s, err := Open(path, Options{NoSync: true, Funnel: noIntent})
	mustNil(t, err)
	mustIngest(t, s, result("blog",
		item("a", "ann", 1, text("We want the zebra crossing edition for our team.")),
		item("b", "bob", 2, text("Is there a student discount?")),
	), at(3))
	a, b := threadOf(t, s, "a"), threadOf(t, s, "b")
	if mustThread(t, s, a).Stage != funnel.Intent {
		t.Fatal("the config's own pattern is no intent")
	}
	mustNil(t, s.Close())

	defaults, err := funnel.NewAnalyzer(funnel.Config{})
	mustNil(t, err)
	var progress [][2]int
	s, err = Open(path, Options{NoSync: true, Funnel: defaults, Progress: func(done, total int) {
		progress = append(progress, [2]int{done, total})
	}})
	mustNil(t, err)
	defer s.Close()
	if len(progress) == 0 || progress[len(progress)-1] != [2]int{2, 2} {
		t.Errorf("progress = %v, want it to end at 2 of 2", progress)
	}
	if st := mustThread(t, s, b).Stage; st != funnel.Intent {
		t.Errorf("Bob's discount question at %s after the re-read, want intent", st)
	}
	if st := mustThread(t, s, a).Stage; st != funnel.New {
		t.Errorf("Ann at %s after the re-read, want new (the rule that found intent is gone)", st)
	}
	if h, _ := s.StageHistory(a); len(h) != 2 || h[1].To != funnel.New {
		t.Errorf("Ann's history = %+v, want the old move and one re-read move down", h)
	}
	checkIndexes(t, s)
	mustNil(t, s.Close())
	// Same rules: nothing to re-read.
	progress = nil
	s, err = Open(path, Options{NoSync: true, Funnel: defaults, Progress: func(done, total int) {
		progress = append(progress, [2]int{done, total})
	}})
	mustNil(t, err)
	if len(progress) != 0 {
		t.Errorf("re-read again with the same rules: %v", progress)
	}
}

// The thread record stores the Waiter's name, words and link once when
// they are the thread's own, and reads them back either way.
func TestThreadRecordWaiterRoundTrip(t *testing.T) {
	for _, w := range []Waiter{
		{Contact: "fedcba9876543210", Name: "ann", Preview: "newest words", Link: "https://x/1", Stage: funnel.Intent, Mood: -0.4, Unhappy: true, Intent: true},
		{Contact: "0123456789abcdef", Name: "bob", Preview: "bob's words", Link: "https://x/2"},
		{},
	} {
		th := threadRec{Thread: Thread{ID: "00112233445566aa", Author: "ann", Preview: "newest words", Link: "https://x/1",
			Waiter: w, WaitingPeople: 2}}
		rec := encodeThread(&th)
		got, err := decodeThread([]byte(th.ID), rec)
		if err != nil || got.Thread != th.Thread {
			t.Errorf("round trip of %+v:\n got %+v, %v", w, got.Thread, err)
		}
		if sum, err := decodeThreadSummary([]byte(th.ID), rec); err != nil || sum != th.Thread {
			t.Errorf("summary of %+v: %+v, %v", w, sum, err)
		}
	}
}

// A reply written elsewhere counts for the person its opening names:
// WordPress's "In reply to Name." line, or a leading @name.
func TestOpeningNamesThePersonAnswered(t *testing.T) {
	s := openTest(t, "Maya from Quillstone")
	mustIngest(t, s, result("Blog comments",
		wpComment("301", "Yuki Tanaka", 1, "The template gallery is empty on Android."),
		wpComment("302", "Daniel Okafor", 2, "Could we get a side-by-side conflict view?"),
		// As the sanitizer renders WordPress's link to the parent comment.
		wpComment("303", "Maya from Quillstone", 3, "In reply to Daniel Okafor (https://blog.example/p/#comment-302).\n\nGood idea, Daniel. It is on the roadmap now."),
		wpComment("304", "Maya from Quillstone", 4, "@yuki 4.0.3 fixes the gallery on Android."),
	), at(5))
	tid := threadOf(t, s, "301")
	msgs, err := s.Messages(tid)
	mustNil(t, err)
	yuki, daniel := contactID("Blog comments", "Yuki Tanaka"), contactID("Blog comments", "Daniel Okafor")
	if msgs[2].Contact != daniel || msgs[3].Contact != yuki {
		t.Errorf("our replies count for %q and %q, want Daniel %q and Yuki %q", msgs[2].Contact, msgs[3].Contact, daniel, yuki)
	}
	if th := mustThread(t, s, tid); th.WaitingPeople != 0 {
		t.Errorf("%d still waiting (%s), want none", th.WaitingPeople, th.Waiter.Name)
	}
	checkIndexes(t, s)
}

// > and < move one person's conversation: the one named, or the
// starter's when none is.
func TestSetStageMovesOneConversation(t *testing.T) {
	s := openFake(t, "us")
	mustIngest(t, s, result("blog",
		item("a", "ann", 1, link("https://b.example/p/#c1"), text("Question about sync.")),
		item("b", "bob", 2, link("https://b.example/p/#c2"), text("Same here.")),
	), at(3))
	tid := threadOf(t, s, "a")
	ann, bob := contactID("blog", "ann"), contactID("blog", "bob")
	m, err := s.SetStage(tid, bob, funnel.Advocate, "maya", at(4))
	mustNil(t, err)
	if m.Contact != bob {
		t.Errorf("move of %q, want Bob's", m.Contact)
	}
	if c, _ := s.Conversation(tid, bob); c.Stage != funnel.Advocate {
		t.Errorf("Bob at %s, want advocate", c.Stage)
	}
	if c, _ := s.Conversation(tid, ann); c.Stage != funnel.New {
		t.Errorf("Ann at %s: Bob's move moved her", c.Stage)
	}
	if c, _ := s.Contact(ann); c.Stage != funnel.New {
		t.Errorf("contact Ann at %s", c.Stage)
	}
	if _, err := s.SetStage(tid, "", funnel.Intent, "maya", at(5)); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.Conversation(tid, ann); c.Stage != funnel.Intent {
		t.Errorf("no person named: Ann (the starter) at %s, want intent", c.Stage)
	}
	if _, err := s.SetStage(tid, bob, funnel.Advocate, "maya", at(6)); !errors.Is(err, ErrSameStage) {
		t.Errorf("same stage: %v, want ErrSameStage", err)
	}
	if _, err := s.SetStage(tid, "ffffffffffffffff", funnel.Intent, "maya", at(6)); !errors.Is(err, ErrNotFound) {
		t.Errorf("nobody of that ID: %v, want ErrNotFound", err)
	}
	if got, _ := s.ConversationsInStage(funnel.Advocate); len(got) != 1 || got[0].Contact != bob || got[0].Title == "" {
		t.Errorf("advocates = %+v, want Bob with the thread's title", got)
	}
	if th := mustThread(t, s, tid); th.Stage != funnel.Advocate {
		t.Errorf("thread at %s, want advocate (the furthest)", th.Stage)
	}
	checkIndexes(t, s)
}
