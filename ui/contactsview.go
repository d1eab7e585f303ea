package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"parley/filter"
	"parley/store"
)

// contactsScreen is view 3: the people behind the threads (an author on a
// source), furthest stage first. enter shows one contact's threads across
// feeds; enter on one opens it in this view, esc comes back. Only the rows
// that fit are drawn, so 100k contacts move as fast as ten.
type contactsScreen struct {
	c    *Common
	keys ContactsKeys

	// list is a window of the contacts around the cursor (window.go),
	// read from the store's index in this order: never all of them.
	list windowList[store.Contact]

	// One contact's conversations (them in each thread), when showing.
	showing  bool
	contact  store.Contact
	convs    []convRow
	thLoaded bool
	thErr    error
	thGen    int
	thNav    listNav
	// filter and thFilter are the / filters of the contacts and of one
	// contact's conversations (filterlists.go).
	filter, thFilter filter.Query

	width, height int
}

func newContactsScreen(c *Common) *contactsScreen {
	v := &contactsScreen{c: c, keys: c.Keys.Contacts}
	v.list.same = func(a, b store.Contact) bool { return a.ID == b.ID }
	return v
}

func (v *contactsScreen) SetSize(w, h int) {
	v.width, v.height = w, h
	v.list.setRows(max(1, h-1))  // under the header
	v.thNav.setRows(max(1, h-2)) // under the title and the header
}

// reload asks for the contacts again, and the shown contact's threads.
func (v *contactsScreen) reload() tea.Cmd {
	cmds := []tea.Cmd{v.readList(v.list.reload())}
	if v.showing {
		cmds = append(cmds, v.loadThreads())
	}
	return tea.Batch(cmds...)
}

func (v *contactsScreen) loadThreads() tea.Cmd {
	v.thGen++
	return loadContactConvs(v.c.B, v.thGen, v.contact.ID)
}

// setContacts shows a window of the contacts, and the shown contact's
// fresh stage and counts in the heading when the window holds them.
func (v *contactsScreen) setContacts(m windowMsg[store.Contact]) {
	if !v.list.set(m) {
		return
	}
	for _, c := range m.items {
		if v.showing && c.ID == v.contact.ID {
			v.contact = c
		}
	}
}

func (v *contactsScreen) setConvs(cs []convRow) {
	selected := ""
	if c, ok := v.selectedConv(); ok {
		selected = c.ThreadID
	}
	v.convs, v.thLoaded, v.thErr = cs, true, nil
	v.thNav.setLen(len(cs))
	for i, c := range cs {
		if c.ThreadID == selected {
			v.thNav.cursor = i
			v.thNav.clamp()
			break
		}
	}
}

func (v *contactsScreen) selectedContact() (store.Contact, bool) { return v.list.selected() }

// selectedConv is the contact's conversation under the cursor.
func (v *contactsScreen) selectedConv() (convRow, bool) {
	if !v.showing || v.thNav.cursor < 0 || v.thNav.cursor >= len(v.convs) {
		return convRow{}, false
	}
	return v.convs[v.thNav.cursor], true
}

func (v *contactsScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case windowMsg[store.Contact]:
		v.setContacts(msg)
	case contactConvsMsg:
		if msg.gen != v.thGen || !v.showing || msg.contactID != v.contact.ID {
			return v, nil
		}
		if msg.err != nil {
			v.thErr, v.thLoaded = msg.err, true
			return v, nil
		}
		v.setConvs(msg.convs)
	case tea.KeyPressMsg:
		if v.showing {
			switch {
			case key.Matches(msg, v.keys.Back):
				v.showing, v.convs = false, nil
			case key.Matches(msg, v.keys.Open):
				if c, ok := v.selectedConv(); ok {
					return v, emit(openThreadMsg{id: c.ThreadID, contact: c.Contact, from: viewContacts})
				}
			default:
				v.thNav.handle(v.keys.Motion, msg)
			}
			return v, nil
		}
		if key.Matches(msg, v.keys.Threads) {
			c, ok := v.selectedContact()
			if !ok {
				return v, nil
			}
			v.showing, v.contact = true, c
			v.convs, v.thLoaded, v.thErr = nil, false, nil
			v.thNav = listNav{}
			v.thNav.setRows(max(1, v.height-2))
			return v, v.loadThreads()
		}
		if r, ok, _ := v.list.handle(v.keys.Motion, msg); ok {
			return v, v.readList(r)
		}
	}
	return v, nil
}

// contactColumns: the name takes what feed and the fixed columns leave.
// cursor(2) mark(1) sp name sp feed sp badge sp touches(7) sp threads(7) sp seen(5)
func (v *contactsScreen) contactColumns() (name, feed int) {
	const fixed = 2 + 1 + 1 + 1 + 1 + badgeWidth + 1 + 7 + 1 + 7 + 1 + 5
	feed = clampInt((v.width-fixed)/3, 8, 20)
	return max(8, v.width-fixed-feed), feed
}

func (v *contactsScreen) View() string {
	if v.showing {
		return v.viewThreads()
	}
	s := v.c.Styles
	switch {
	case v.list.err != nil:
		return s.Error.Render("Could not read the contacts: " + v.list.err.Error())
	case !v.list.loaded:
		return s.Muted.Render("Loading the contacts…")
	case len(v.list.items) == 0 && !v.filter.Empty():
		return s.Muted.Render(filterHint(v.filter, v.c.Keys.Global.Filter))
	case len(v.list.items) == 0:
		return s.Muted.Render("No contacts yet: everyone who writes in a feed shows up here" + v.c.fetchHint() + ".")
	}
	nameW, feedW := v.contactColumns()
	var b strings.Builder
	b.WriteString(s.Muted.Render(fit("    "+fit(fmt.Sprintf("CONTACTS (%d)", v.list.count()), nameW)+" "+fit("FEED", feedW)+" "+
		fit("STAGE", badgeWidth)+" "+fmt.Sprintf("%7s %7s %5s", "TOUCHES", "THREADS", "SEEN"), v.width)))
	now := v.c.Now()
	from, to := v.list.nav.visible()
	for i := from; i < to; i++ {
		c := v.list.items[i]
		mark := " "
		if c.Unhappy {
			mark = "!"
		}
		tail := " " + fmt.Sprintf("%7d %7d %5s", c.Touches(), c.Threads, age(now, c.LastSeen))
		b.WriteByte('\n')
		if i == v.list.nav.cursor {
			b.WriteString(s.Selected.Render(cursorMark(true)+mark+" "+fit(c.Name, nameW)+" "+fit(c.Feed, feedW)+" ") +
				badge(s, c.Stage) + tail)
			continue
		}
		b.WriteString(cursorMark(false) + styledMark(s, mark) + " " + s.Author.Render(fit(c.Name, nameW)) + " " + fit(c.Feed, feedW) + " " +
			badge(s, c.Stage) + tail)
	}
	return b.String()
}

func (v *contactsScreen) viewThreads() string {
	s := v.c.Styles
	c := v.contact
	now := v.c.Now()
	head := s.Author.Render(c.Name) + s.Muted.Render(" · "+c.Feed+" · ") + s.StageStyle(c.Stage).Render(c.Stage.String()) +
		s.Muted.Render(fmt.Sprintf(" · %s · first seen %s ago", cases(c.Touches(), "1 touch", "%d touches"), age(now, c.FirstSeen))+
			keyHint(v.c.Keys.Contacts.Back, " · %s: back"))
	if c.Unhappy {
		head = s.Unhappy.Render("! ") + head
	}
	head = fit(head, v.width)
	switch {
	case v.thErr != nil:
		return head + "\n" + s.Error.Render("Could not list their conversations: "+v.thErr.Error())
	case !v.thLoaded:
		return head + "\n" + s.Muted.Render("Loading…")
	case len(v.convs) == 0 && !v.thFilter.Empty():
		return head + "\n" + s.Muted.Render(filterHint(v.thFilter, v.c.Keys.Global.Filter))
	case len(v.convs) == 0:
		return head + "\n" + s.Muted.Render("No conversations.")
	}
	// cursor(2) mark(1) sp feed sp badge sp title sp msgs(4) sp last(5):
	// each row is this person in one thread, with their stage there and
	// their messages in it.
	feedW := 12
	if v.width >= 100 {
		feedW = 16
	}
	titleW := max(8, v.width-2-1-1-feedW-1-badgeWidth-1-1-4-1-5)
	var b strings.Builder
	b.WriteString(head)
	b.WriteString("\n" + s.Muted.Render(fit("    "+fit("FEED", feedW)+" "+fit("STAGE", badgeWidth)+" "+
		fit(fmt.Sprintf("THEIR CONVERSATIONS (%d)", len(v.convs)), titleW)+" "+fmt.Sprintf("%4s %5s", "MSGS", "LAST"), v.width)))
	from, to := v.thNav.visible()
	for i := from; i < to; i++ {
		c := v.convs[i]
		title := c.Title
		if title == "" {
			title = c.Preview
		}
		if c.Cause != "" && titleW >= 40 {
			title = fit(title, titleW*3/5) + " " + c.Cause
		}
		mark := convMark(c.Conversation)
		last := c.LastTheirs
		if c.LastOurs.After(last) {
			last = c.LastOurs
		}
		tail := " " + fit(title, titleW) + " " + fmt.Sprintf("%4d %5s", c.Messages, age(now, last))
		b.WriteByte('\n')
		if i == v.thNav.cursor {
			// The row's head only, as in the queue: a move rewrites less.
			b.WriteString(s.Selected.Render(cursorMark(true)+mark+" "+fit(c.Feed, feedW)+" ") + badge(s, c.Stage) + tail)
			continue
		}
		b.WriteString(cursorMark(false) + styledMark(s, mark) + " " + fit(c.Feed, feedW) + " " + badge(s, c.Stage) + tail)
	}
	return b.String()
}

func (v *contactsScreen) ShortHelp() []key.Binding {
	if v.showing {
		return []key.Binding{v.keys.Down, v.keys.Up, v.keys.Open, v.keys.Back}
	}
	return []key.Binding{v.keys.Down, v.keys.Up, v.keys.Threads}
}

func (v *contactsScreen) FullHelp() [][]key.Binding {
	if v.showing {
		return [][]key.Binding{v.keys.Motion.bindings(), {v.keys.Open, v.keys.Back, v.keys.StageForward, v.keys.StageBack}}
	}
	return [][]key.Binding{v.keys.Motion.bindings(), {v.keys.Threads}}
}

// readList reads a window of the contacts, or all of those the / filter
// keeps (filterlists.go).
func (v *contactsScreen) readList(r windowReq[store.Contact]) tea.Cmd {
	if !v.filter.Empty() {
		return loadFilteredContacts(v.c.B, v.filter, v.c.Now(), r)
	}
	return loadContactsWindow(v.c.B, r)
}
