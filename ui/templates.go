package ui

// Saved replies: ctrl+t in the composer opens a picker of the templates
// (config [[template]] and the templates folder); typing filters it, the
// preview shows the reply as it will be inserted (variables filled for
// this thread and person), enter inserts it at the cursor.

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"parley/feeds"
	"parley/funnel"
	"parley/store"
)

// templatePicker is the open picker.
type templatePicker struct {
	all     []feeds.Template
	filter  []rune
	matches []int // indexes into all
	cursor  int
}

func newTemplatePicker(ts []feeds.Template) *templatePicker {
	p := &templatePicker{all: ts}
	p.refilter()
	return p
}

// refilter keeps the templates whose name or text holds the filter (any
// case), those matching by name first.
func (p *templatePicker) refilter() {
	f := strings.ToLower(string(p.filter))
	var byName, byBody []int
	for i, t := range p.all {
		switch {
		case strings.Contains(strings.ToLower(t.Name), f):
			byName = append(byName, i)
		case strings.Contains(strings.ToLower(t.Body), f):
			byBody = append(byBody, i)
		}
	}
	p.matches = append(byName, byBody...)
	p.cursor = clampInt(p.cursor, 0, len(p.matches)-1)
}

func (p *templatePicker) current() (feeds.Template, bool) {
	if p.cursor < 0 || p.cursor >= len(p.matches) {
		return feeds.Template{}, false
	}
	return p.all[p.matches[p.cursor]], true
}

// openPicker answers ctrl+t.
func (t *threadScreen) openPicker() tea.Cmd {
	if len(t.c.templates) == 0 {
		where := t.c.configPath
		if where == "" {
			where = "your config file"
		}
		text := fmt.Sprintf(`No saved replies yet: add [[template]] name = "Thanks" body = "Hi {first_name}, …" to %s`, where)
		if t.c.templateDir != "" {
			text += ", or .txt/.md files to " + t.c.templateDir
		}
		return emit(statusMsg{text: text})
	}
	t.picker = newTemplatePicker(t.c.templates)
	return nil
}

// updatePicker takes a key while the picker is open.
func (t *threadScreen) updatePicker(msg tea.KeyPressMsg) tea.Cmd {
	p, pk := t.picker, t.c.Keys.Picker
	switch {
	case key.Matches(msg, pk.Cancel):
		t.picker = nil
		return nil
	case key.Matches(msg, pk.Insert):
		tm, ok := p.current()
		t.picker = nil
		if !ok {
			return nil
		}
		rev, wasEmpty := t.input.Rev(), t.input.Empty()
		t.input.InsertString(feeds.ExpandTemplate(tm.Body, t.templateVars()))
		t.layout()
		return tea.Batch(t.edited(rev, wasEmpty), emit(statusMsg{text: fmt.Sprintf("Inserted %q.", tm.Name)}))
	case key.Matches(msg, pk.Up):
		p.cursor = max(0, p.cursor-1)
	case key.Matches(msg, pk.Down):
		p.cursor = min(len(p.matches)-1, p.cursor+1)
	case msg.Code == tea.KeyBackspace:
		if len(p.filter) > 0 {
			p.filter = p.filter[:len(p.filter)-1]
			p.refilter()
		}
	case msg.Text != "":
		p.filter = append(p.filter, []rune(msg.Text)...)
		p.refilter()
	}
	return nil
}

// templateVars are this thread's values of the template variables, for
// the person the reply addresses.
func (t *threadScreen) templateVars() map[string]string {
	name := t.thread.Author
	if c, ok := t.person(); ok && c.Name != "" {
		name = c.Name
	}
	vars := map[string]string{
		"author":     name,
		"first_name": feeds.FirstName(name),
		"feed":       t.thread.Feed,
		"link":       t.link(),
	}
	if t.c.trackLink != "" {
		vars["track_link"] = funnel.TrackLink(t.c.trackLink, t.ref())
	}
	return vars
}

// ref names the conversation (this thread, the person addressed), so an
// imported sale credits that person.
func (t *threadScreen) ref() string {
	if t.to != "" {
		return store.ConversationRef(t.thread.ID, t.to)
	}
	return t.thread.Ref()
}

// pickerView draws the picker in the conversation's place: the list,
// then the preview of the one under the cursor.
func (t *threadScreen) pickerView(height int) string {
	s, p := t.c.Styles, t.picker
	title := s.Title.Render("Saved replies") + s.Muted.Render(fmt.Sprintf(" (%d of %d) · type to filter: ", len(p.matches), len(p.all))) +
		s.Accent.Render(termText(string(p.filter))+"▏")
	lines := []string{title}
	listRows := clampInt(len(p.matches), 1, max(1, height/3))
	top := clampInt(p.cursor-listRows+1, 0, max(0, len(p.matches)-listRows))
	if len(p.matches) == 0 {
		lines = append(lines, s.Muted.Render("  nothing matches"))
	}
	for i := top; i < min(len(p.matches), top+listRows); i++ {
		tm := p.all[p.matches[i]]
		row := "  " + fit(tm.Name, max(1, t.width/3)) + " " + s.Muted.Render(fit(tm.Source, max(1, t.width-t.width/3-4)))
		if i == p.cursor {
			row = s.Selected.Render("› "+fit(tm.Name, max(1, t.width/3))) + " " + s.Muted.Render(fit(tm.Source, max(1, t.width-t.width/3-4)))
		}
		lines = append(lines, row)
	}
	for _, pr := range t.c.templateProblems {
		if len(lines) >= height/2 {
			break
		}
		lines = append(lines, s.Warn.Render(fit("! "+pr, t.width)))
	}
	lines = append(lines, s.Rule.Render(strings.Repeat("─", max(0, t.width))))
	if tm, ok := p.current(); ok {
		text := termText(feeds.ExpandTemplate(tm.Body, t.templateVars()))
		preview := lipgloss.NewStyle().Width(max(10, t.width-2)).PaddingLeft(2).Render(text)
		lines = append(lines, strings.Split(preview, "\n")...)
	}
	hint := s.Muted.Render(pickerHints(t.c.Keys.Picker))
	if len(lines) > height-1 {
		lines = lines[:max(0, height-1)]
	}
	for len(lines) < height-1 {
		lines = append(lines, "")
	}
	return strings.Join(append(lines, hint), "\n")
}
