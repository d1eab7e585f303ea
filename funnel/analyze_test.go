package funnel

import (
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// at is the time of the i-th message (1-based) of a thread built by thread.
func at(i int) time.Time { return t0.Add(time.Duration(i) * time.Hour) }

// thread builds messages an hour apart; "us: " marks ours.
func thread(texts ...string) []Message {
	msgs := make([]Message, len(texts))
	for i, s := range texts {
		text, ours := strings.CutPrefix(s, "us: ")
		msgs[i] = Message{Text: text, Ours: ours, At: at(i + 1)}
	}
	return msgs
}

func kinds(sigs []Signal) []string {
	var out []string
	for _, s := range sigs {
		out = append(out, string(s.Kind))
	}
	return out
}

func TestAnalyzeThreads(t *testing.T) {
	a := mustAnalyzer(t, Config{Competitors: []string{"Scrivener"}})
	tests := []struct {
		name    string
		msgs    []Message
		st      State
		stage   Stage
		moves   []string // "from>to@msg cause"
		signals []string // "kind@msg", in order
		unhappy bool
		wonBack int // message of the win back, 0: none
	}{
		{
			name:    "first message intent lands in intent",
			msgs:    thread("How much is the team plan?"),
			stage:   Intent,
			moves:   []string{`new>intent@1 intent: "How much is the team plan?" (msg 1)`},
			signals: []string{"intent@1"},
		},
		{
			name:    "first message advocacy lands in advocate",
			msgs:    thread("I highly recommend Quillstone to every writer"),
			stage:   Advocate,
			moves:   []string{`new>advocate@1 advocate: "I highly recommend Quillstone to every writer" (msg 1)`},
			signals: []string{"positive@1", "advocacy@1"},
		},
		{
			name:    "first positive message stays new: trusting needs a dialogue",
			msgs:    thread("Just found Quillstone, the outline view is wonderful!"),
			stage:   New,
			signals: []string{"positive@1"},
		},
		{
			name:    "first thanks stays new",
			msgs:    thread("Thanks for writing the export guide!"),
			stage:   New,
			signals: []string{"positive@1", "thanks@1"},
		},
		{
			name:    "ours then theirs is engaged",
			msgs:    thread("Export to PDF drops my footnotes.", "us: Which version are you on?", "Version 3.2 on macOS."),
			stage:   Engaged,
			moves:   []string{"new>engaged@3 engaged: answered our reply (msg 3)"},
			signals: []string{"dialogue@3"},
		},
		{
			name:    "we write first, they answer",
			msgs:    thread("us: We just shipped outline export, feedback welcome.", "I will try it tonight."),
			stage:   Engaged,
			moves:   []string{"new>engaged@2 engaged: answered our reply (msg 2)"},
			signals: []string{"dialogue@2"},
		},
		{
			name:    "our reply unanswered is no dialogue",
			msgs:    thread("Export to PDF drops my footnotes.", "us: Fixed in 3.3, please update."),
			stage:   New,
			signals: nil,
		},
		{
			name:    "ours then their thanks is trusting",
			msgs:    thread("Export drops my footnotes.", "us: Fixed in 3.3, please update.", "Thanks, that fixed it!"),
			stage:   Trusting,
			moves:   []string{"new>trusting@3 trusting: thanked us (msg 3)"},
			signals: []string{"dialogue@3", "positive@3", "thanks@3"},
		},
		{
			name:    "ours then their positive words is trusting",
			msgs:    thread("Export drops my footnotes.", "us: Fixed in 3.3, please update.", "It works now, you are wonderful!"),
			stage:   Trusting,
			moves:   []string{`new>trusting@3 trusting: positive, "It works now, you are wonderful!" (msg 3)`},
			signals: []string{"dialogue@3", "positive@3"},
		},
		{
			name:    "sarcastic thanks is no trust",
			msgs:    thread("Export drops my footnotes.", "us: Fixed in 3.3, please update.", "Thanks for nothing."),
			stage:   Engaged,
			moves:   []string{"new>engaged@3 engaged: answered our reply (msg 3)"},
			signals: []string{"dialogue@3", "negative@3"},
			unhappy: true,
		},
		{
			name:    "polite thanks in advance is no trust",
			msgs:    thread("us: Try the beta build.", "How do I install it? Thanks in advance!"),
			stage:   Engaged,
			moves:   []string{"new>engaged@2 engaged: answered our reply (msg 2)"},
			signals: []string{"dialogue@2"},
		},
		{
			name: "stages in order, one move each",
			msgs: thread("Does the outline sync to iPad?", "us: Yes, with the 3.3 update.",
				"Thank you!", "us: Anything else?", "How much is the team plan for 5 seats?"),
			stage: Intent,
			moves: []string{
				"new>trusting@3 trusting: thanked us (msg 3)",
				`trusting>intent@5 intent: "How much is the team plan for 5 seats?" (msg 5)`,
			},
			signals: []string{"dialogue@3", "positive@3", "thanks@3", "dialogue@5", "intent@5"},
		},
		{
			name:    "one message, several stages: one move to the furthest, every signal",
			msgs:    thread("Can I export to Word?", "us: Yes, File > Export.", "Thanks, that fixed it! How much is the team plan?"),
			stage:   Intent,
			moves:   []string{`new>intent@3 intent: "How much is the team plan?" (msg 3)`},
			signals: []string{"dialogue@3", "positive@3", "thanks@3", "intent@3"},
		},
		{
			name:    "unhappy, our reply, happy: won back and trusting",
			msgs:    thread("Sync lost my chapter. This is unacceptable.", "us: So sorry! It is in Trash > Restore.", "Got it back, you are amazing, thank you!"),
			stage:   Trusting,
			moves:   []string{"new>trusting@3 trusting: thanked us (msg 3)"},
			signals: []string{"negative@1", "dialogue@3", "positive@3", "thanks@3", "won back@3"},
			wonBack: 3,
		},
		{
			name:    "won back without thanks says so",
			msgs:    thread("Sync lost my chapter. This is unacceptable.", "us: So sorry! It is in Trash > Restore.", "Got it back, you are amazing!"),
			stage:   Trusting,
			moves:   []string{`new>trusting@3 trusting: won back, "Got it back, you are amazing!" (msg 3)`},
			signals: []string{"negative@1", "dialogue@3", "positive@3", "won back@3"},
			wonBack: 3,
		},
		{
			name:    "happy again without our reply is not won back",
			msgs:    thread("Sync lost my chapter. This is unacceptable.", "Never mind, found it in Trash. Great app!"),
			stage:   New,
			signals: []string{"negative@1", "positive@2"},
		},
		{
			name:    "unhappy again after our reply needs another reply",
			msgs:    thread("Sync lost my chapter. This is unacceptable.", "us: Check Trash > Restore.", "Not there either, I am furious.", "Found it myself, great!"),
			stage:   Trusting,
			moves:   []string{"new>engaged@3 engaged: answered our reply (msg 3)", `engaged>trusting@4 trusting: positive, "Found it myself, great!" (msg 4)`},
			signals: []string{"negative@1", "dialogue@3", "negative@3", "positive@4"},
		},
		{
			name:    "unhappy is their latest message",
			msgs:    thread("Love the new theme!", "us: Thanks!", "Update: it crashed and I lost a chapter, I'm furious."),
			stage:   Engaged,
			moves:   []string{"new>engaged@3 engaged: answered our reply (msg 3)"},
			signals: []string{"positive@1", "dialogue@3", "negative@3"},
			unhappy: true,
		},
		{
			name:    "our reply after their complaint leaves them unhappy",
			msgs:    thread("Sync lost my chapter. This is unacceptable.", "us: Sorry, looking into it."),
			stage:   New,
			signals: []string{"negative@1"},
			unhappy: true,
		},
		{
			name:    "Since hides older stage signals",
			msgs:    thread("How much is the team plan?", "us: $8 a seat.", "Hmm, ok."),
			st:      State{Stage: New, Since: at(2)}, // moved back by hand after msg 2
			stage:   Engaged,
			moves:   []string{"new>engaged@3 engaged: answered our reply (msg 3)"},
			signals: []string{"dialogue@3"},
		},
		{
			name:  "a message at Since is hidden too",
			msgs:  thread("How much is the team plan?"),
			st:    State{Stage: Engaged, Since: at(1)},
			stage: Engaged,
		},
		{
			name:    "our reply before Since, their answer after: a dialogue",
			msgs:    thread("Does it run on Linux?", "us: Yes, there is a Flatpak.", "Installed it, thanks!"),
			st:      State{Stage: New, Since: at(2)},
			stage:   Trusting,
			moves:   []string{"new>trusting@3 trusting: thanked us (msg 3)"},
			signals: []string{"dialogue@3", "positive@3", "thanks@3"},
		},
		{
			name:    "their answer before Since, a later message after: still a dialogue",
			msgs:    thread("us: New export is out.", "Nice.", "Hmm, one question: does it do EPUB?"),
			st:      State{Stage: New, Since: at(2)},
			stage:   Engaged,
			moves:   []string{"new>engaged@3 engaged: answered our reply (msg 3)"},
			signals: []string{"dialogue@3"},
		},
		{
			name:    "mood ignores Since",
			msgs:    thread("Sync ate my chapter, I'm furious."),
			st:      State{Stage: Engaged, Since: at(5)},
			stage:   Engaged,
			signals: []string{"negative@1"},
			unhappy: true,
		},
		{
			name:    "never backwards: intent from converted moves nothing",
			msgs:    thread("us: Welcome aboard!", "How much is the team plan?"),
			st:      State{Stage: Converted},
			stage:   Converted,
			signals: []string{"dialogue@2", "intent@2"},
		},
		{
			name:    "advocacy from converted moves to advocate",
			msgs:    thread("us: Welcome aboard!", "Told my team about it and we all use it now"),
			st:      State{Stage: Converted},
			stage:   Advocate,
			moves:   []string{`converted>advocate@2 advocate: "Told my team about it and we all use it now" (msg 2)`},
			signals: []string{"dialogue@2", "advocacy@2"},
		},
		{
			name:    "advocate stays advocate",
			msgs:    thread("Not worth the price anymore, I'm cancelling."),
			st:      State{Stage: Advocate},
			stage:   Advocate,
			signals: []string{"negative@1"},
			unhappy: true,
		},
		{
			name:    "no messages",
			msgs:    nil,
			st:      State{Stage: Engaged},
			stage:   Engaged,
			signals: nil,
		},
		{
			name:  "only ours",
			msgs:  thread("us: Hi!", "us: Anyone there?"),
			stage: New,
		},
		{
			name:    "competitor advocacy is none",
			msgs:    thread("I highly recommend Scrivener"),
			stage:   New,
			signals: []string{"positive@1"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := a.Analyze(tc.msgs, tc.st)
			if res.Stage != tc.stage {
				t.Errorf("stage = %v, want %v", res.Stage, tc.stage)
			}
			var moves []string
			for _, m := range res.Moves {
				moves = append(moves, m.From.String()+">"+m.To.String()+"@"+strconv.Itoa(m.Msg)+" "+m.Cause)
				if !m.At.Equal(tc.msgs[m.Msg-1].At) {
					t.Errorf("move at %v, want the time of msg %d", m.At, m.Msg)
				}
			}
			if !reflect.DeepEqual(moves, tc.moves) {
				t.Errorf("moves:\n got %q\nwant %q", moves, tc.moves)
			}
			var sigs []string
			for _, s := range res.Signals {
				sigs = append(sigs, string(s.Kind)+"@"+strconv.Itoa(s.Msg))
			}
			if !reflect.DeepEqual(sigs, tc.signals) {
				t.Errorf("signals:\n got %q\nwant %q", sigs, tc.signals)
			}
			if res.Unhappy != tc.unhappy {
				t.Errorf("unhappy = %v (mood %.3f), want %v", res.Unhappy, res.Mood, tc.unhappy)
			}
			if res.WonBack != (tc.wonBack > 0) {
				t.Errorf("won back = %v, want %v", res.WonBack, tc.wonBack > 0)
			} else if tc.wonBack > 0 && !res.WonBackAt.Equal(at(tc.wonBack)) {
				t.Errorf("won back at %v, want %v", res.WonBackAt, at(tc.wonBack))
			}

			// Invariants: never backwards, moves chain from st.Stage to Stage.
			if res.Stage < tc.st.Stage {
				t.Errorf("stage %v went below %v", res.Stage, tc.st.Stage)
			}
			from := tc.st.Stage
			for _, m := range res.Moves {
				if m.From != from || m.To <= m.From {
					t.Errorf("move %v>%v does not continue from %v forward", m.From, m.To, from)
				}
				from = m.To
			}
			if from != res.Stage {
				t.Errorf("moves end at %v, stage is %v", from, res.Stage)
			}

			// Idempotent: from the stage found, the same messages move nothing.
			again := a.Analyze(tc.msgs, State{Stage: res.Stage, Since: tc.st.Since})
			if len(again.Moves) != 0 || again.Stage != res.Stage {
				t.Errorf("second run moved again: %v -> %v, %+v", res.Stage, again.Stage, again.Moves)
			}
		})
	}
}

func TestAnalyzeMood(t *testing.T) {
	a := mustAnalyzer(t, Config{})
	res := a.Analyze(thread("I love this app!", "us: Glad to hear it.", "Ok."), State{})
	if res.Mood != 0 || res.Unhappy {
		t.Errorf("mood = %v, unhappy = %v; want the latest message's 0, false", res.Mood, res.Unhappy)
	}
	res = a.Analyze(thread("us: Hello"), State{})
	if res.Mood != 0 || res.Unhappy {
		t.Errorf("no message of theirs: mood = %v, unhappy = %v", res.Mood, res.Unhappy)
	}
	msg := "Sync lost my chapter. This is unacceptable."
	res = a.Analyze(thread(msg), State{})
	if want := a.Sentiment(msg); res.Mood != want || !res.Unhappy {
		t.Errorf("mood = %v, unhappy = %v; want %v, true", res.Mood, res.Unhappy, want)
	}
	for _, s := range res.Signals {
		if s.Score != res.Mood {
			t.Errorf("signal %s score %v, want the message's %v", s.Kind, s.Score, res.Mood)
		}
	}
}

func TestMoodQuotes(t *testing.T) {
	a := mustAnalyzer(t, Config{})
	res := a.Analyze(thread("Hello. Sync lost my whole chapter and I'm furious. Version 3.2, macOS."), State{})
	if len(res.Signals) != 1 || res.Signals[0].Quote != "Sync lost my whole chapter and I'm furious." {
		t.Errorf("negative signal: %+v", res.Signals)
	}
	res = a.Analyze(thread("Version 3.2 here.\nThe new outline view is wonderful, thank you!"), State{})
	if len(res.Signals) == 0 || res.Signals[0].Quote != "The new outline view is wonderful, thank you!" {
		t.Errorf("positive signal: %+v", res.Signals)
	}
}

func TestCauseQuotes(t *testing.T) {
	a := mustAnalyzer(t, Config{})
	long := "We are a team of eleven screenwriters and would like to know how much is the team plan if we pay yearly?"
	res := a.Analyze(thread("Hello there.\n\n"+long+" Thanks!"), State{})
	if len(res.Moves) != 1 {
		t.Fatalf("moves = %+v", res.Moves)
	}
	cause := res.Moves[0].Cause
	q, ok := strings.CutPrefix(cause, `intent: "`)
	q, ok2 := strings.CutSuffix(q, `" (msg 1)`)
	if !ok || !ok2 {
		t.Fatalf("cause = %q, want intent: \"…\" (msg 1)", cause)
	}
	if !strings.HasSuffix(q, "…") || !strings.HasPrefix(long, strings.TrimSuffix(q, "…")) {
		t.Errorf("quote %q is not the start of the sentence cut with …", q)
	}
	if n := utf8.RuneCountInString(q); n > quoteLen+1 || n < quoteLen*2/3 {
		t.Errorf("quote is %d runes, want about %d", n, quoteLen)
	}
	if res.Signals[len(res.Signals)-1].Quote != q {
		t.Errorf("signal quote %q, cause quote %q", res.Signals[len(res.Signals)-1].Quote, q)
	}
}

func TestAnalyzeConcurrent(t *testing.T) {
	a := mustAnalyzer(t, Config{})
	threads := [][]Message{
		benchThread(),
		thread("Sync lost my chapter. This is unacceptable.", "us: So sorry! It is in Trash > Restore.", "Got it back, you are amazing!"),
		thread("I highly recommend Quillstone to every writer"),
		thread("Thanks for nothing.", "us: Sorry to hear that.", "How much is the team plan?"),
	}
	want := make([]Result, len(threads))
	for i, th := range threads {
		want[i] = a.Analyze(th, State{})
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for k := range 20 {
				i := (g + k) % len(threads)
				if got := a.Analyze(threads[i], State{}); !reflect.DeepEqual(got, want[i]) {
					t.Errorf("goroutine %d, thread %d: result differs from the sequential one", g, i)
				}
				a.Sentiment("Thanks a lot for breaking sync!")
			}
		})
	}
	wg.Wait()
}

// benchThread is a realistic support-to-sale thread of 10 messages.
func benchThread() []Message {
	return thread(
		"Hi! Since the 3.2 update, exporting my novel to EPUB drops every footnote. I have a deadline on Friday, so this is pretty stressful.",
		"us: Sorry about that! Could you tell us which theme you export with? The classic theme has a known bug we are fixing.",
		"It's the classic one, yes. Is there a workaround until the fix ships? I really can't lose the footnotes.",
		"us: Switch to the modern theme under File > Export > Theme; the footnotes survive there. The fix lands in 3.2.1 this week.",
		"That worked, thank you so much! You saved my deadline.",
		"us: Glad to hear it! Good luck with the novel.",
		"One more thing: my writing group wants to use Quillstone too. How much is the team plan for 6 seats, and is there a discount for nonprofits?",
		"us: The team plan is $8 per seat a month, and nonprofits get 30% off. Here is the link: https://shop.example.com/?ref=t42",
		"Perfect, we'll sign up on Monday.",
		"Update: we're all on it now. I highly recommend Quillstone to every novelist I know!",
	)
}

func BenchmarkAnalyze(b *testing.B) {
	a := mustAnalyzer(b, Config{})
	msgs := benchThread()
	if res := a.Analyze(msgs, State{}); res.Stage != Advocate {
		b.Fatalf("bench thread reaches %v, want advocate (%+v)", res.Stage, res.Moves)
	}
	b.ReportAllocs()
	for b.Loop() {
		a.Analyze(msgs, State{})
	}
}
