package ui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"parley/feeds"
	"parley/funnel"
	"parley/store"
)

const testTrackLink = "https://shop.example.com/?ref={thread}"

var ctrlL = tea.KeyPressMsg{Code: 'l', Mod: tea.ModCtrl}

// newUserApp is newTestApp with a login name and a track_link template.
func newUserApp(st *store.Store, trackLink string) *App {
	return New(Deps{Backend: backendOf(st, "alice"), Feeds: []feeds.Feed{{Name: "Blog comments"}, {Name: "Forum"}, {Name: "Reviews"}},
		ConfigPath: "/tmp/config.toml", User: "alice", TrackLink: trackLink, Now: func() time.Time { return testNow }})
}

// threadBy finds the fixture thread an author started.
func threadBy(t *testing.T, st *store.Store, author string) store.Thread {
	t.Helper()
	q, err := st.Queue(testNow)
	if err != nil {
		t.Fatal(err)
	}
	for _, th := range q {
		if th.Author == author {
			return th
		}
	}
	t.Fatalf("no queued thread by %s", author)
	return store.Thread{}
}

func TestQueueRowsShowStageBadgeAndMarkUnhappyFirst(t *testing.T) {
	st := testStore(t)
	// The newest thread, but unhappy: it belongs above intent and above
	// the calm ones that waited longer.
	if _, err := st.Ingest(feeds.Result{Feed: "Forum", Items: []feeds.Item{{ID: "d1", Feed: "Forum", Author: "Dan Moss",
		Title: "Export broke", Link: "https://community.quillstone.example/t/export/2", Published: testNow.Add(-10 * time.Minute),
		Text: "This update is terrible. I hate it, export is broken and I am angry."}}}, testNow); err != nil {
		t.Fatal(err)
	}
	tm := startApp(t, newUserApp(st, ""), 100, 24)
	waitFor(t, tm, "Alice Chen", "Dan Moss", "Carol Diaz")
	final := finalApp(t, tm)
	lines := strings.Split(ansi.Strip(final.render()), "\n")
	// Two unhappy threads (longest waiting first), then intent, then the rest.
	order := []string{"Alice Chen", "Dan Moss", "Bob Okafor", "Carol Diaz"}
	for i, who := range order {
		if row := lines[2+i]; !strings.Contains(row, who) {
			t.Fatalf("row %d is %q, want %s; queue:\n%s", i, row, who, strings.Join(lines, "\n"))
		}
	}
	for _, tc := range []struct {
		who, mark, badge string
	}{
		{"Alice Chen", "!", "new"},
		{"Dan Moss", "!", "new"},
		{"Bob Okafor", "$", "intent"},
		{"Carol Diaz", "+", "new"},
	} {
		row := lineWith(lines, tc.who)
		// cursor(2) then the mark, then the feed; the badge follows the author.
		if len(row) < 3 || string([]rune(row)[2]) != tc.mark {
			t.Errorf("%s: mark column is not %q: %q", tc.who, tc.mark, row)
		}
		if !regexp.MustCompile(regexp.QuoteMeta(tc.who) + `\s+` + tc.badge + `\s`).MatchString(row) {
			t.Errorf("%s: no %q badge after the author: %q", tc.who, tc.badge, row)
		}
	}
}

func TestStageForwardKeyMovesAndRecords(t *testing.T) {
	st := testStore(t)
	alice := threadBy(t, st, "Alice Chen")
	tm := startApp(t, newUserApp(st, ""), 100, 24)
	waitFor(t, tm, "Alice Chen")
	tm.Send(press('>'))
	waitFor(t, tm, "new → engaged (manual, by alice)")
	final := finalApp(t, tm)

	row := lineWith(strings.Split(ansi.Strip(final.render()), "\n"), "Alice Chen")
	if !regexp.MustCompile(`Alice Chen\s+eng\s`).MatchString(row) {
		t.Errorf("Alice's badge did not change to eng: %q", row)
	}
	got, err := st.Thread(alice.ID)
	if err != nil || got.Stage != funnel.Engaged {
		t.Fatalf("stored stage = %v (err %v), want engaged", got.Stage, err)
	}
	hist, err := st.StageHistory(alice.ID)
	if err != nil || len(hist) == 0 {
		t.Fatalf("history = %+v, err %v", hist, err)
	}
	last := hist[len(hist)-1]
	if !last.Manual || last.Who != "alice" || last.From != funnel.New || last.To != funnel.Engaged || !last.At.Equal(testNow) {
		t.Errorf("last move = %+v, want manual new -> engaged by alice at now", last)
	}
}

func TestStageBackStopsAtNew(t *testing.T) {
	st := testStore(t)
	alice := threadBy(t, st, "Alice Chen")
	tm := startApp(t, newUserApp(st, ""), 100, 24)
	waitFor(t, tm, "Alice Chen")
	tm.Send(press('<'))
	waitFor(t, tm, "can't move back further")
	finalApp(t, tm)
	if hist, _ := st.StageHistory(alice.ID); len(hist) != 0 {
		t.Errorf("a move back from new was recorded: %+v", hist)
	}
}

// In the open thread, > moves the stage and the history on screen says
// why the thread is where it is: the signal, then the manual move.
func TestStageForwardInThreadShowsHistory(t *testing.T) {
	st := testStore(t)
	tm := startApp(t, newUserApp(st, ""), 100, 24)
	waitFor(t, tm, "Bob Okafor")
	tm.Send(press('j'))
	tm.Send(enter)
	waitFor(t, tm, "seats for two contractors", "Stage history")
	tm.Send(press('>'))
	waitFor(t, tm, "intent → converted (manual, by alice)")
	final := finalApp(t, tm)
	if final.thread == nil {
		t.Fatal("the thread closed")
	}
	view := ansi.Strip(final.render())
	for _, want := range []string{"stage converted", "Stage history", "new → intent", "intent → converted  manual, by alice"} {
		if !strings.Contains(view, want) {
			t.Errorf("thread view lacks %q:\n%s", want, view)
		}
	}
	h := final.thread.history
	if len(h) < 2 || h[0].Manual || !strings.Contains(h[0].Cause, "intent") || !h[len(h)-1].Manual {
		t.Errorf("history = %+v, want a signal move to intent, then the manual one", h)
	}
}

func TestCtrlLInsertsTrackedLink(t *testing.T) {
	st := testStore(t)
	alice := threadBy(t, st, "Alice Chen")
	tm := startApp(t, newUserApp(st, testTrackLink), 100, 24)
	waitFor(t, tm, "Alice Chen")
	tm.Send(press('r'))
	waitFor(t, tm, "ctrl+s copy + record")
	tm.Type("Try it: ")
	tm.Send(ctrlL)
	// The ref names Alice's conversation, not only the thread (issue 13).
	ref := store.ConversationRef(alice.ID, alice.Contact)
	want := "Try it: https://shop.example.com/?ref=" + ref
	waitFor(t, tm, "?ref="+ref)
	tm.Send(esc)
	waitFor(t, tm, "draft (r to continue)")
	final := finalApp(t, tm)
	if v := final.thread.input.Value(); v != want {
		t.Errorf("composer = %q, want %q", v, want)
	}
	if d, _, _ := st.As("alice").Draft(alice.ID); d.Text != want {
		t.Errorf("saved draft = %q, want %q", d.Text, want)
	}
}

func TestCtrlLWithoutTrackLinkSaysHowToSetIt(t *testing.T) {
	st := testStore(t)
	tm := startApp(t, newUserApp(st, ""), 200, 24)
	waitFor(t, tm, "Alice Chen")
	tm.Send(press('r'))
	waitFor(t, tm, "ctrl+s copy + record")
	tm.Send(ctrlL)
	waitFor(t, tm, `No track_link configured: add track_link = "https://shop.example.com/?ref={thread}" under [funnel] in /tmp/config.toml`)
	tm.Send(esc) // leave the composer: q is text there
	final := finalApp(t, tm)
	if v := final.thread.input.Value(); v != "" {
		t.Errorf("composer = %q, want nothing inserted", v)
	}
}

var stageRow = func(name string, n int) *regexp.Regexp {
	return regexp.MustCompile(`(?m)^[ ›] ` + name + `\s+█*\s+` + fmt.Sprint(n) + `\s+\+\d+ 7d\s+\+\d+ 30d`)
}

// View 2 from the store at 80x24: counts per stage; enter lists a stage,
// enter opens a thread in the funnel view, esc goes back to the list.
func TestFunnelViewListsStageAndOpensThread(t *testing.T) {
	st := testStore(t)
	inNew, err := st.ThreadsInStage(funnel.New)
	if err != nil || len(inNew) != 2 {
		t.Fatalf("threads in new = %d (err %v), want Alice's and Carol's", len(inNew), err)
	}
	msgs, _ := st.Messages(inNew[0].ID)
	firstText := strings.SplitN(msgs[0].Text, "\n", 2)[0]

	tm := startApp(t, newUserApp(st, ""), 80, 24)
	waitFor(t, tm, "Alice Chen")
	tm.Send(press('2'))
	waitFor(t, tm, "Funnel · 3 conversations", "conversions 0")
	tm.Send(enter) // the cursor starts on new
	waitFor(t, tm, "2 conversations · enter: open")
	tm.Send(enter)
	waitFor(t, tm, firstText)
	tm.Send(esc)
	waitFor(t, tm, "2 conversations · enter: open")
	final := finalApp(t, tm)

	if final.view != viewFunnel || final.thread != nil || !final.funnel.listing {
		t.Fatalf("after esc: view %d, thread %v, listing %v; want the funnel's list", final.view, final.thread != nil, final.funnel.listing)
	}
	frame := final.render()
	checkFits(t, frame, 80, 24)
	list := ansi.Strip(frame)
	for _, th := range inNew {
		if !strings.Contains(list, th.Author) {
			t.Errorf("the list of new lacks %s:\n%s", th.Author, list)
		}
	}
	final.funnel.listing = false
	frame = final.render()
	checkFits(t, frame, 80, 24)
	view := ansi.Strip(frame)
	for _, tc := range []struct {
		stage string
		n     int
	}{{"new", 2}, {"engaged", 0}, {"trusting", 0}, {"intent", 1}, {"converted", 0}, {"advocate", 0}} {
		if !stageRow(tc.stage, tc.n).MatchString(view) {
			t.Errorf("no row %q with %d threads:\n%s", tc.stage, tc.n, view)
		}
	}
	for _, want := range []string{"unhappy 1", "conversions 0", "Blog comments"} {
		if !strings.Contains(view, want) {
			t.Errorf("funnel view lacks %q:\n%s", want, view)
		}
	}
}

func TestContactsViewListsAndOpensTheirThreads(t *testing.T) {
	st := testStore(t)
	contacts, err := st.Contacts()
	if err != nil || len(contacts) != 3 {
		t.Fatalf("contacts = %d (err %v), want 3", len(contacts), err)
	}
	first := contacts[0]
	ts, err := st.ContactThreads(first.ID)
	if err != nil || len(ts) == 0 {
		t.Fatalf("threads of %s: %d (err %v)", first.Name, len(ts), err)
	}
	msgs, _ := st.Messages(ts[0].ID)
	firstText := strings.SplitN(msgs[0].Text, "\n", 2)[0]

	tm := startApp(t, newUserApp(st, ""), 80, 24)
	waitFor(t, tm, "Alice Chen")
	tm.Send(press('3'))
	waitFor(t, tm, "CONTACTS (3)", "TOUCHES")
	tm.Send(enter)
	waitFor(t, tm, "first seen", "THEIR CONVERSATIONS (1)")
	tm.Send(enter)
	waitFor(t, tm, firstText)
	tm.Send(esc)
	waitFor(t, tm, "first seen")
	tm.Send(esc)
	waitFor(t, tm, "CONTACTS (3)")
	final := finalApp(t, tm)
	if final.view != viewContacts || final.thread != nil || final.contacts.showing {
		t.Fatalf("after esc esc: view %d, thread %v, showing %v", final.view, final.thread != nil, final.contacts.showing)
	}
	frame := final.render()
	checkFits(t, frame, 80, 24)
	view := ansi.Strip(frame)
	for _, c := range contacts {
		if !strings.Contains(view, c.Name) {
			t.Errorf("contacts view lacks %s:\n%s", c.Name, view)
		}
	}
	if row := lineWith(strings.Split(view, "\n"), "Alice Chen"); !strings.HasPrefix(row, "  ! ") {
		t.Errorf("unhappy Alice is not marked: %q", row)
	}
}

// Opening a thread from the funnel must not take over the queue view:
// the queue still shows its list, and the funnel shows the thread.
func TestThreadBelongsToTheViewItWasOpenedIn(t *testing.T) {
	st := testStore(t)
	tm := startApp(t, newUserApp(st, ""), 100, 24)
	waitFor(t, tm, "Alice Chen")
	tm.Send(press('2'))
	waitFor(t, tm, "Funnel · 3 conversations")
	tm.Send(press('j'))
	tm.Send(press('j'))
	tm.Send(press('j')) // intent
	tm.Send(enter)
	waitFor(t, tm, "1 conversation · enter: open")
	tm.Send(enter)
	waitFor(t, tm, "seats for two contractors")
	tm.Send(press('1'))
	waitFor(t, tm, "WAITING FOR A REPLY")
	tm.Send(press('2'))
	waitFor(t, tm, "seats for two contractors")
	final := finalApp(t, tm)
	if final.thread == nil || final.threadView != viewFunnel || final.view != viewFunnel {
		t.Fatalf("thread %v in view %d, on view %d; want Bob's thread in the funnel", final.thread != nil, final.threadView, final.view)
	}
	final.view = viewQueue
	if final.active() != final.queue {
		t.Error("the queue view shows the funnel's thread")
	}
}

func TestHelpListsStageAndLinkKeys(t *testing.T) {
	st := testStore(t)
	tm := startApp(t, newUserApp(st, ""), 120, 40)
	waitFor(t, tm, "Alice Chen")
	tm.Send(enter)
	waitFor(t, tm, "meeting notes")
	final := finalApp(t, tm)
	final.showHelp = true
	for _, tc := range []struct {
		name  string
		setup func()
		want  []string
	}{
		{"thread", func() {}, []string{">", "stage forward", "<", "stage back", "ctrl+l", "insert tracked link", "esc", "ctrl+s"}},
		{"queue", func() { final.thread = nil }, []string{">", "stage forward", "<", "stage back", "enter", "open thread"}},
		{"funnel", func() { final.view = viewFunnel }, []string{"enter", "list who is there", "j/↓", "R"}},
		{"funnel list", func() { final.funnel.listing = true }, []string{"enter", "open thread", "esc", "back to the funnel"}},
		{"contacts", func() { final.view = viewContacts }, []string{"enter", "their conversations", "j/↓", "G"}},
		{"contact threads", func() { final.contacts.showing = true }, []string{"open thread", "back to contacts"}},
	} {
		tc.setup()
		for _, size := range [][2]int{{120, 40}, {80, 24}} {
			final.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
			view := ansi.Strip(final.render())
			for _, k := range append(tc.want, "fetch all now", "ctrl+c", "quit (drafts saved)") {
				if !strings.Contains(view, k) {
					t.Errorf("%s help at %dx%d lacks %q:\n%s", tc.name, size[0], size[1], k, view)
				}
			}
		}
	}
}

// A stage can be fixed where it is seen: in the funnel's list of a stage.
func TestStageForwardInFunnelList(t *testing.T) {
	st := testStore(t)
	inIntent, err := st.ThreadsInStage(funnel.Intent)
	if err != nil || len(inIntent) != 1 {
		t.Fatalf("threads in intent = %d (err %v), want 1", len(inIntent), err)
	}
	tm := startApp(t, newUserApp(st, ""), 80, 24)
	waitFor(t, tm, "Alice Chen")
	tm.Send(press('2'))
	waitFor(t, tm, "Funnel · 3 conversations")
	tm.Send(press('j'))
	tm.Send(press('j'))
	tm.Send(press('j')) // new, engaged, trusting, intent
	tm.Send(enter)
	waitFor(t, tm, "1 conversation · enter: open")
	tm.Send(press('>'))
	waitFor(t, tm, "intent → converted (manual, by alice)")
	finalApp(t, tm)

	got, err := st.Thread(inIntent[0].ID)
	if err != nil || got.Stage != funnel.Converted {
		t.Fatalf("stored stage = %v (err %v), want converted", got.Stage, err)
	}
}
