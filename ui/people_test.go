package ui

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"parley/feeds"
	"parley/funnel"
	"parley/store"
)

// Issue 13: a thread where several people talk is one conversation per
// person. These tests use a Mastodon conversation of three people:
// Marcus started it and we answered him; then Sofia asked about price
// and Greg said thanks, and nobody has answered those two.

const (
	marcusText = "Going from $6 to $8 for Pro is a lot. Is it still worth it?"
	sofiaText  = "How much is the Team plan for 12 people?"
	gregText   = "Thanks for the clear post about the new plans."
)

func peopleStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "parley.db"), store.Options{Ours: []string{"@quillstone"}, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	root := "mastodon:m.example:201"
	status := func(id, author, acct, inReplyTo, text string, ago time.Duration) feeds.Item {
		return feeds.Item{ID: "mastodon:m.example:" + id, Feed: mastoFeed, Author: author, Title: "New plans",
			Link: "https://m.example/@" + acct + "/" + id, Published: testNow.Add(-ago), Text: text,
			InReplyTo: inReplyTo, Root: root,
			Target: feeds.Target{ID: id, Visibility: "public", Mention: acct}}
	}
	items := []feeds.Item{
		status("201", "Marcus Lindqvist", "marcus", "", marcusText, 6*time.Hour),
		status("202", "@quillstone", "quillstone", root, "@marcus you keep $6 a month for the next 12 months.", 5*time.Hour),
		status("203", "Sofia Alvarez", "sofia", root, sofiaText, 4*time.Hour),
		status("204", "Greg Thompson", "greg", root, gregText, 3*time.Hour),
	}
	if _, err := st.Ingest(feeds.Result{Feed: mastoFeed, Items: items}, testNow); err != nil {
		t.Fatal(err)
	}
	return st
}

// person finds a thread's conversation by name.
func personIn(t *testing.T, st *store.Store, threadID, name string) store.Conversation {
	t.Helper()
	cs, err := st.Conversations(threadID)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no conversation of %s in %s (have %+v)", name, threadID, cs)
	return store.Conversation{}
}

func peopleApp(t *testing.T, st *store.Store, r feeds.Replier, trackLink string) *App {
	app := newMastodonApp(t, st, r)
	app.c.trackLink = trackLink
	return app
}

// lineWithText is the line of view holding want ("" when none).
func linesWith(view, want string) []string {
	var out []string
	for _, l := range strings.Split(view, "\n") {
		if strings.Contains(l, want) {
			out = append(out, l)
		}
	}
	return out
}

func TestQueueRowNamesThePersonWaitingBesideTheirOwnWords(t *testing.T) {
	st := peopleStore(t)
	tm := startApp(t, peopleApp(t, st, &fakeReplier{}, ""), 120, 24)
	waitFor(t, tm, "Sofia Alvarez")
	final := finalApp(t, tm)
	view := ansi.Strip(final.render())

	rows := linesWith(view, "Sofia Alvarez")
	if len(rows) != 1 {
		t.Fatalf("%d rows name Sofia, want 1:\n%s", len(rows), view)
	}
	row := rows[0]
	// Her words, her intent badge and mark, and the one more waiting.
	for _, want := range []string{sofiaText, "intent", "+1 waiting", "$ " + mastoFeed} {
		if !strings.Contains(row, want) {
			t.Errorf("Sofia's row lacks %q: %q", want, row)
		}
	}
	// Never another person's name beside her words, or hers beside theirs.
	for _, other := range []string{"Marcus", "Greg", gregText, marcusText} {
		if strings.Contains(row, other) {
			t.Errorf("Sofia's row shows %q: %q", other, row)
		}
	}
	if strings.Contains(view, "Marcus Lindqvist") {
		t.Errorf("the queue names Marcus, whom we answered (he waits for nothing):\n%s", view)
	}
}

func TestOpenRowAddressesThatPersonAndPSwitches(t *testing.T) {
	st := peopleStore(t)
	tm := startApp(t, peopleApp(t, st, &fakeReplier{}, ""), 120, 40)
	waitFor(t, tm, "Sofia Alvarez")
	tm.Send(enter)
	waitFor(t, tm, "Sofia Alvarez · stage intent", "3 people, 2 waiting")
	tm.Send(press('p')) // the next one waiting: Greg
	waitFor(t, tm, "Greg Thompson · stage new")
	tm.Send(press('p')) // then the rest: Marcus
	waitFor(t, tm, "Marcus Lindqvist · stage")
	tm.Send(press('P')) // and back
	// The renderer may redraw only the name (the rest of the line is as
	// it was for Greg before), so the line is checked on the final view.
	waitFor(t, tm, "Greg Thompson")
	final := finalApp(t, tm)
	if final.thread == nil {
		t.Fatal("the thread is not open")
	}
	if view := ansi.Strip(final.render()); !strings.Contains(view, "Greg Thompson · stage new") {
		t.Errorf("P did not go back to Greg:\n%s", view)
	}
	greg := personIn(t, st, final.thread.thread.ID, "Greg Thompson")
	if final.thread.to != greg.Contact {
		t.Fatalf("addressed %q, want Greg's %q", final.thread.to, greg.Contact)
	}

	// Greg's message carries the heavy bar; the others' do not. The
	// check reads the conversation, not the header.
	body := ansi.Strip(final.thread.renderMessages())
	for _, tc := range []struct {
		text   string
		marked bool
	}{{gregText, true}, {sofiaText, false}, {marcusText, false}} {
		lines := linesWith(body, tc.text)
		if len(lines) != 1 {
			t.Fatalf("%q on %d lines:\n%s", tc.text, len(lines), body)
		}
		if got := strings.HasPrefix(lines[0], "┃"); got != tc.marked {
			t.Errorf("%q marked %v, want %v: %q", tc.text, got, tc.marked, lines[0])
		}
	}
	if l := linesWith(body, "Greg Thompson  3h ago"); len(l) != 1 || !strings.HasPrefix(l[0], "┃") {
		t.Errorf("Greg's name line is not marked: %q", l)
	}
	// Our reply to Marcus is his conversation, not Greg's.
	if l := linesWith(body, "you keep $6"); len(l) != 1 || strings.HasPrefix(l[0], "┃") || strings.HasPrefix(l[0], "│") {
		t.Errorf("our reply to Marcus is marked as Greg's conversation: %q", l)
	}
	// The stage history is Greg's: he never moved.
	if !strings.Contains(body, "Stage history of Greg Thompson · now new") {
		t.Errorf("the history is not Greg's:\n%s", body)
	}
}

func TestHelpListsThePersonKeys(t *testing.T) {
	st := peopleStore(t)
	tm := startApp(t, peopleApp(t, st, &fakeReplier{}, ""), 120, 40)
	waitFor(t, tm, "Sofia Alvarez")
	tm.Send(enter)
	waitFor(t, tm, "3 people")
	tm.Send(press('?'))
	waitFor(t, tm, "next person", "previous person")
	tm.Send(esc) // closes the help
	finalApp(t, tm)
}

// The composer says whom the reply answers, and ctrl+s sends it to THAT
// person's status with their @mention, and stops only them waiting.
func TestComposerNamesThePersonAndTheReplyGoesToThem(t *testing.T) {
	st := peopleStore(t)
	r := &fakeReplier{}
	tm := startApp(t, peopleApp(t, st, r, ""), 120, 40)
	waitFor(t, tm, "Sofia Alvarez")
	tm.Send(enter)
	waitFor(t, tm, "Sofia Alvarez · stage intent")
	tm.Send(press('p'))
	waitFor(t, tm, "Greg Thompson · stage new")
	tm.Send(press('r'))
	waitFor(t, tm, "Reply to Greg Thompson (Mastodon @greg)")
	for _, c := range "Glad it helped, Greg." {
		tm.Send(press(c))
	}
	tm.Send(ctrlS)
	waitFor(t, tm, "✓ sent")
	final := finalApp(t, tm)

	r.mu.Lock()
	posted := append([]feeds.Outgoing(nil), r.posted...)
	r.mu.Unlock()
	if len(posted) != 1 || posted[0].Target.ID != "204" || posted[0].Target.Mention != "greg" {
		t.Fatalf("posted %+v, want one reply to Greg's status 204 with @greg", posted)
	}
	id := final.thread.thread.ID
	replies, err := st.Replies(id)
	if err != nil || len(replies) != 1 {
		t.Fatalf("replies %+v (err %v), want 1", replies, err)
	}
	greg, sofia := personIn(t, st, id, "Greg Thompson"), personIn(t, st, id, "Sofia Alvarez")
	if replies[0].To != greg.Contact {
		t.Errorf("the reply is recorded To %q, want Greg's %q", replies[0].To, greg.Contact)
	}
	if greg.Waiting() || !sofia.Waiting() {
		t.Errorf("after answering Greg: Greg waiting %v, Sofia waiting %v; want false, true", greg.Waiting(), sofia.Waiting())
	}
}

// ctrl+l inserts the ref of the conversation addressed, so a sale credits
// the person who bought.
func TestCtrlLInsertsThePersonsConversationRef(t *testing.T) {
	st := peopleStore(t)
	tm := startApp(t, peopleApp(t, st, &fakeReplier{}, testTrackLink), 120, 40)
	waitFor(t, tm, "Sofia Alvarez")
	tm.Send(enter)
	waitFor(t, tm, "Sofia Alvarez · stage intent")
	tm.Send(press('r'))
	waitFor(t, tm, "Reply to Sofia Alvarez (Mastodon @sofia)")
	tm.Send(ctrlL)
	waitFor(t, tm, "?ref=")
	tm.Send(esc)
	waitFor(t, tm, "draft (r to continue) · to Sofia Alvarez")
	final := finalApp(t, tm)
	sofia := personIn(t, st, final.thread.thread.ID, "Sofia Alvarez")
	want := "https://shop.example.com/?ref=" + sofia.Ref()
	if got := final.thread.input.Value(); got != want {
		t.Errorf("composer = %q, want %q", got, want)
	}
	if !strings.Contains(sofia.Ref(), "-") {
		t.Errorf("Sofia's ref %q names no person", sofia.Ref())
	}
}

// > in a thread moves the person addressed, and nobody else.
func TestStageForwardMovesThePersonAddressed(t *testing.T) {
	st := peopleStore(t)
	tm := startApp(t, peopleApp(t, st, &fakeReplier{}, ""), 120, 40)
	waitFor(t, tm, "Sofia Alvarez")
	tm.Send(enter)
	waitFor(t, tm, "Sofia Alvarez · stage intent")
	tm.Send(press('p'))
	waitFor(t, tm, "Greg Thompson · stage new")
	tm.Send(press('>'))
	waitFor(t, tm, "new → engaged (manual, by maya)")
	final := finalApp(t, tm)
	if v := ansi.Strip(final.render()); !strings.Contains(v, "Greg Thompson · stage engaged") {
		t.Errorf("the header does not show Greg's new stage:\n%s", v)
	}
	id := final.thread.thread.ID
	if g := personIn(t, st, id, "Greg Thompson"); g.Stage != funnel.Engaged {
		t.Errorf("Greg at %s, want engaged", g.Stage)
	}
	if s := personIn(t, st, id, "Sofia Alvarez"); s.Stage != funnel.Intent {
		t.Errorf("Sofia at %s, want intent still", s.Stage)
	}
	if m := personIn(t, st, id, "Marcus Lindqvist"); m.Stage != funnel.New {
		t.Errorf("Marcus at %s, want new still", m.Stage)
	}
}

// View 2 lists people: Sofia at intent in the thread Marcus started, for
// her own words; > there moves her conversation.
func TestFunnelListsThePersonAtAStage(t *testing.T) {
	st := peopleStore(t)
	tm := startApp(t, peopleApp(t, st, &fakeReplier{}, ""), 120, 30)
	waitFor(t, tm, "Sofia Alvarez")
	tm.Send(press('2'))
	waitFor(t, tm, "Funnel · 3 conversations · 3 people · 1 thread")
	for range 3 { // new, engaged, trusting, intent
		tm.Send(press('j'))
	}
	tm.Send(enter)
	waitFor(t, tm, "1 conversation · enter: open")
	tm.Send(press('>'))
	waitFor(t, tm, "Sofia Alvarez: intent → converted (manual, by maya)")
	tm.Send(press('2'))
	final := finalApp(t, tm)
	id := final.queue.threads[0].ID
	if s := personIn(t, st, id, "Sofia Alvarez"); s.Stage != funnel.Converted {
		t.Errorf("Sofia at %s, want converted", s.Stage)
	}
	if m := personIn(t, st, id, "Marcus Lindqvist"); m.Stage != funnel.New {
		t.Errorf("Marcus at %s, want new still", m.Stage)
	}
}

func TestFunnelListRowIsThePersonWithTheirCause(t *testing.T) {
	st := peopleStore(t)
	tm := startApp(t, peopleApp(t, st, &fakeReplier{}, ""), 120, 30)
	waitFor(t, tm, "Sofia Alvarez")
	tm.Send(press('2'))
	waitFor(t, tm, "Funnel · 3 conversations")
	for range 3 {
		tm.Send(press('j'))
	}
	tm.Send(enter)
	waitFor(t, tm, "1 conversation · enter: open")
	final := finalApp(t, tm)
	view := ansi.Strip(final.render())
	rows := linesWith(view, "Sofia Alvarez")
	if len(rows) != 1 || !strings.Contains(rows[0], "New plans") || !strings.Contains(rows[0], `intent: "How much is the Team plan`) {
		t.Errorf("intent list rows for Sofia %q, want her with the thread and her own words as the cause:\n%s", rows, view)
	}
	if strings.Contains(view, "Marcus") {
		t.Errorf("the intent list names Marcus, who started the thread but is not at intent:\n%s", view)
	}
}

// p scrolls to the newest message of the person it addresses, which the
// reply answers, however long the thread.
func TestSwitchingPersonShowsTheirNewestMessage(t *testing.T) {
	st := peopleStore(t)
	var more []feeds.Item
	for i := range 8 {
		more = append(more, feeds.Item{ID: fmt.Sprintf("mastodon:m.example:3%02d", i), Feed: mastoFeed, Author: "Marcus Lindqvist",
			Link: fmt.Sprintf("https://m.example/@marcus/3%02d", i), Published: testNow.Add(-2*time.Hour + time.Duration(i)*time.Minute),
			Text: fmt.Sprintf("Another long thought, number %d.\n\nIt goes on.\n\nAnd on.", i), InReplyTo: "mastodon:m.example:201",
			Root: "mastodon:m.example:201", Target: feeds.Target{ID: fmt.Sprintf("3%02d", i), Mention: "marcus"}})
	}
	if _, err := st.Ingest(feeds.Result{Feed: mastoFeed, Items: more}, testNow); err != nil {
		t.Fatal(err)
	}
	tm := startApp(t, peopleApp(t, st, &fakeReplier{}, ""), 100, 20)
	waitFor(t, tm, "Sofia Alvarez")
	tm.Send(enter)
	waitFor(t, tm, "Sofia Alvarez · stage intent")
	tm.Send(press('p'))
	waitFor(t, tm, "Greg Thompson · stage")
	tm.Send(press('P'))
	waitFor(t, tm, "Sofia Alvarez · stage intent")
	final := finalApp(t, tm)
	if shown := ansi.Strip(final.thread.vpView()); !strings.Contains(shown, sofiaText) {
		t.Errorf("back on Sofia, her message is not on screen:\n%s", shown)
	}
}
