package ui

import (
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"

	"parley/store"
)

// proseText is n bytes of paragraphs of words, a blank line between
// paragraphs, as a long reply or a pasted log would be.
func proseText(n int, seed uint64) string {
	rng := rand.New(rand.NewPCG(seed, 7))
	words := []string{"the", "sync", "lost", "notes", "after", "update", "we", "are", "looking", "into", "it",
		"thanks", "for", "your", "patience", "meeting", "three", "days", "server", "log", "restore", "backup"}
	var b strings.Builder
	para := 0
	for b.Len() < n {
		w := words[rng.IntN(len(words))]
		b.WriteString(w)
		para += len(w) + 1
		if para > 300+rng.IntN(400) {
			b.WriteString(".\n\n")
			para = 0
		} else {
			b.WriteByte(' ')
		}
	}
	return b.String()[:n]
}

// plainKeys is text as a terminal without bracketed paste sends it: one
// key per character, Enter for a newline.
func plainKeys(text string) []tea.KeyPressMsg {
	keys := make([]tea.KeyPressMsg, 0, len(text))
	for _, r := range text {
		if r == '\n' {
			keys = append(keys, enter)
			continue
		}
		keys = append(keys, press(r))
	}
	return keys
}

// composingApp is a console at 100x30 with the first thread open in the
// composer, holding draft, the cursor at its end.
func composingApp(tb testing.TB, st *store.Store, draft string) (*App, string) {
	tb.Helper()
	app := newTestApp(st)
	app.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	queue, err := st.Queue(testNow)
	if err != nil || len(queue) == 0 {
		tb.Fatalf("queue: %v", err)
	}
	id := queue[0].ID
	loaded := loadThread(app.c.B, id, app.c.Now, 0)().(threadLoadedMsg)
	loaded.draft = draft
	app.pendingOpen = id
	app.Update(openedMsg{threadLoadedMsg: loaded, compose: true, from: viewQueue})
	if !app.composing() {
		tb.Fatal("the composer did not open")
	}
	return app, id
}

// BenchmarkComposerKeyIn1MBDraft is one key of a 16 KB paste arriving as
// plain keys, into a 1 MB draft, through App.Update and App.View as the
// program runs them; "one-line" is a 1 MB draft without a newline. "textarea-old" is the same key stream through the
// path it replaced (bubbles' textarea as thread.go used it: Value before
// and after, Update, View), kept here as the baseline.
func BenchmarkComposerKeyIn1MBDraft(b *testing.B) {
	const size = 1 << 20
	burst := plainKeys(proseText(16<<10, 99))
	prose := proseText(size, 1)
	oneLine := strings.ReplaceAll(prose, "\n", " ")

	// View is what the program calls after each key (a burst shares
	// frames: frames.go); "full-frame" draws the whole frame for every
	// key, as when keys come slower than frames.
	for _, tc := range []struct {
		name, draft      string
		middle, fullDraw bool
	}{
		{"end", prose, false, false},
		{"middle", prose, true, false},
		{"one-line", oneLine, true, false},
		{"end-full-frame", prose, false, true},
		{"one-line-full-frame", oneLine, true, true},
	} {
		b.Run("app/"+tc.name, func(b *testing.B) {
			app, _ := composingApp(b, testStore(b), tc.draft)
			if tc.middle {
				in := app.thread.input
				in.row = len(in.lines) / 2
				in.col = len(in.lines[in.row]) / 2
				in.scrollToCursor()
			}
			app.View()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				app.Update(burst[i%len(burst)])
				if tc.fullDraw {
					app.render()
				} else {
					app.View()
				}
			}
		})
	}

	b.Run("textarea-old/end", func(b *testing.B) {
		ta := textarea.New()
		ta.ShowLineNumbers = false
		ta.Prompt = "│ "
		ta.CharLimit = 0
		ta.SetStyles(NewStyles(true).TextArea)
		ta.SetValue(prose)
		ta.SetWidth(100)
		ta.SetHeight(9)
		ta.Focus()
		ta.MoveToEnd()
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			before := ta.Value()
			ta, _ = ta.Update(burst[i%len(burst)])
			_ = ta.Value() == before
			_ = ta.View()
		}
	})
}

// BenchmarkAutosave1MBDraft is one autosave of a 1 MB draft as the
// composer makes it: the text taken from the box (in Update), then
// written with fsync on (in a command). With draftSaveDelay it bounds how
// long after a change the change is on disk.
func BenchmarkAutosave1MBDraft(b *testing.B) {
	st, err := store.Open(filepath.Join(b.TempDir(), "parley.db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	box := newTextBox()
	box.SetWidth(100)
	box.SetValue(proseText(1<<20, 1))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		box.InsertString("x")
		if err := st.SaveDraft("thread", box.Value(), testNow); err != nil {
			b.Fatal(err)
		}
	}
}
