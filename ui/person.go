package ui

import (
	"fmt"
	"slices"
	"strings"

	"parley/feeds"
	"parley/store"
)

// The person addressed in an open thread. A thread holds one
// conversation per person; the screen answers one of them at a time:
// their messages are marked, the header shows their stage, the composer
// says whom the reply goes to, and the reply records them as its To.

// people orders a thread's conversations for switching with p: those
// waiting first, in the queue's order (unhappy, then buying intent, then
// longest waiting), so the row's person comes first and p goes to the
// next most urgent; then the rest, first to write first.
func people(convs []store.Conversation) []store.Conversation {
	out := slices.Clone(convs)
	first := func(x, y bool) int {
		switch {
		case x && !y:
			return -1
		case !x && y:
			return 1
		}
		return 0
	}
	slices.SortStableFunc(out, func(a, b store.Conversation) int {
		if c := first(a.Waiting(), b.Waiting()); c != 0 || !a.Waiting() {
			if c != 0 {
				return c
			}
			return a.First.Compare(b.First)
		}
		if c := first(a.Unhappy, b.Unhappy); c != 0 {
			return c
		}
		if c := first(a.Intent, b.Intent); c != 0 {
			return c
		}
		return a.WaitingSince.Compare(b.WaitingSince)
	})
	return out
}

// defaultPerson is whom a thread opened without a named person
// addresses: the queue row's person, else whoever waits longest, else
// the starter.
func defaultPerson(t store.Thread, convs []store.Conversation) string {
	if t.Waiter.Contact != "" && slices.ContainsFunc(convs, func(c store.Conversation) bool { return c.Contact == t.Waiter.Contact }) {
		return t.Waiter.Contact
	}
	ordered := people(convs)
	if len(ordered) > 0 && ordered[0].Waiting() {
		return ordered[0].Contact
	}
	if c, ok := findConversation(convs, ""); ok {
		return c.Contact
	}
	return ""
}

// person is the conversation addressed; false when the thread has
// nobody (only our own messages).
func (t *threadScreen) person() (store.Conversation, bool) {
	for _, c := range t.convs {
		if c.Contact == t.to {
			return c, true
		}
	}
	return store.Conversation{}, false
}

// multiPerson: more than one person talks here, so whose messages are
// whose is worth marking.
func (t *threadScreen) multiPerson() bool { return len(t.convs) > 1 }

// setPeople takes the thread's conversations as now stored; the person
// addressed stays when still there.
func (t *threadScreen) setPeople(convs []store.Conversation) {
	t.convs = people(convs)
	if _, ok := t.person(); !ok {
		t.to = defaultPerson(t.thread, t.convs)
	}
}

// nextPerson addresses the next (d=1) or previous (d=-1) person, waiting
// ones first.
func (t *threadScreen) nextPerson(d int) {
	if len(t.convs) < 2 {
		return
	}
	i := slices.IndexFunc(t.convs, func(c store.Conversation) bool { return c.Contact == t.to })
	i = (i + d + len(t.convs)) % len(t.convs)
	t.to = t.convs[i].Contact
	t.layout()
	// Show their newest message: the one the reply will answer.
	if t.personLine >= 0 {
		t.vp.SetYOffset(max(0, t.personLine-1))
		t.vpGen++
	}
}

// showPerson scrolls up to the addressed person's newest message when the
// thread opens below it: in a busy thread the last message is often
// someone else's, and the draft under it says whom it answers.
func (t *threadScreen) showPerson() {
	if t.personLine >= 0 && t.personLine < t.vp.YOffset() {
		t.vp.SetYOffset(max(0, t.personLine-1))
		t.vpGen++
	}
}

// answered is the person's newest message (preferring one the source can
// answer: a Mastodon status, a Discourse post); false when none.
func (t *threadScreen) answered() (store.Message, bool) {
	var newest, newestTarget *store.Message
	for i := range t.messages {
		m := &t.messages[i]
		if m.Ours || m.Contact != t.to {
			continue
		}
		if newest == nil || !m.Published.Before(newest.Published) {
			newest = m
		}
		if !m.Target.IsZero() && (newestTarget == nil || !m.Published.Before(newestTarget.Published)) {
			newestTarget = m
		}
	}
	switch {
	case newestTarget != nil:
		return *newestTarget, true
	case newest != nil:
		return *newest, true
	}
	return store.Message{}, false
}

// answeredID is the ID of the message the reply answers ("" when the
// person has none stored).
func (t *threadScreen) answeredID() string {
	m, _ := t.answered()
	return m.ID
}

// addressee says whom the reply goes to and where: "Sofia Alvarez
// (Mastodon @sofia)", "Dana (Discourse, post #4)", "Ben (Blog comments)".
func (t *threadScreen) addressee() string {
	c, ok := t.person()
	if !ok {
		return ""
	}
	where := c.Feed
	if where == "" {
		where = t.thread.Feed
	}
	if m, ok := t.answered(); ok && !m.Target.IsZero() {
		kind := feeds.KindLabel(t.c.feedKinds[t.thread.Feed])
		switch {
		case m.Target.Mention != "" && strings.TrimPrefix(c.Name, "@") == m.Target.Mention:
			where = kind // the name is the handle already
		case m.Target.Mention != "":
			where = kind + " @" + m.Target.Mention
		case m.Target.PostNumber > 0:
			where = fmt.Sprintf("%s, post #%d", kind, m.Target.PostNumber)
		default:
			where = kind
		}
	}
	return termText(c.Name) + " (" + termText(where) + ")"
}
