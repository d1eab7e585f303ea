//go:build linux

package ui

import (
	"os"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"parley/engine"
	"parley/store"
)

// TestViewsOnBigDB visits views 1 to 4, a stage's list, the contacts and a
// filter on a real benchmark database: PARLEY_BIGDB names a COPY of it
// (opened read-write). It reports each step's time to its frame and the
// process's peak resident set (this test process: the console without a
// terminal).
func TestViewsOnBigDB(t *testing.T) {
	path := os.Getenv("PARLEY_BIGDB")
	if path == "" {
		t.Skip("PARLEY_BIGDB names a copy of the 100k benchmark database")
	}
	st, err := store.Open(path, store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	app := New(Deps{Backend: engine.New(engine.Config{Store: st}).Session(""), Now: time.Now})
	app.Update(tea.WindowSizeMsg{Width: 140, Height: 40})
	step := func(what string, msgs ...tea.Msg) {
		start := time.Now()
		for _, m := range msgs {
			_, cmd := app.Update(m)
			settle(t, app, cmd)
		}
		app.render()
		t.Logf("%-28s %8v  %s", what, time.Since(start).Round(time.Millisecond), vmHWM())
	}
	enter := tea.KeyPressMsg{Code: tea.KeyEnter}
	filterBy := func(q string) []tea.Msg {
		return []tea.Msg{press('/'), tea.PasteMsg{Content: q}, enter, press('j')}
	}
	step("start (view 1)", tea.Msg(nil))
	settle(t, app, app.reloadQueue())
	step("view 1 read", tea.Msg(nil))
	step("view 2", press('2'))
	step("enter: a stage's list", enter)
	step("view 3", press('3'))
	step("view 4", press('4'))
	step("view 1", press('1'))
	if os.Getenv("PARLEY_BIGDB_FILTER") != "" {
		step("/ is:unhappy (queue)", filterBy("is:unhappy")...)
		step("/ refund (queue: words)", tea.KeyPressMsg{Code: tea.KeyEscape})
		step("/ refund (queue: words)", filterBy("refund")...)
		step("view 3, / from:a", append([]tea.Msg{tea.KeyPressMsg{Code: tea.KeyEscape}, press('3')}, filterBy("from:a")...)...)
		step("view 2, stage, / from:a", append([]tea.Msg{press('2'), enter}, filterBy("from:a")...)...)
	}
}

func vmHWM() string {
	b, _ := os.ReadFile("/proc/self/status")
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") || strings.HasPrefix(l, "RssAnon:") || strings.HasPrefix(l, "RssFile:") {
			out = append(out, strings.Join(strings.Fields(l), " "))
		}
	}
	return strings.Join(out, ", ")
}
