package feeds

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"parley/feeds/fakeapi"
)

// A topic with four people and us: every post says which post it answers,
// and a reply to one of them answers that person's post.
func TestDiscourseTopicFourPosters(t *testing.T) {
	e := newDiscourseEnv(t)
	topic := e.fake.AddTopic("maria_k", "Price increase: is Pro still worth it?",
		"Pro went from $8 to $12 a seat. For a team of five that adds up. Is anyone staying?", "")
	will := e.fake.AddPost("will_h", topic, "Not worth the price anymore. Dropping to free next month.", 0)
	grace := e.fake.AddPost("grace_liu", topic, "@will_h You should try Pro for a month with the new sync, it changed my mind.", 2)
	sofia := e.fake.AddPost("sofia_a", topic, "We are five too. Is there a team discount for annual billing?", 1)
	maria := e.fake.AddPost("maria_k", topic, "@grace_liu which sync features, exactly?", 3)
	ours := e.fake.AddPost(discourseTestUser, topic, "Hi Sofia! Annual billing is 20% off for teams, I can send you a quote.", 4)

	items := e.fetch(t)
	if len(items) != 6 {
		t.Fatalf("got %d items, want 6", len(items))
	}
	opening := e.topicID(topic)
	want := []struct {
		id, author, inReplyTo string
	}{
		{opening, "maria_k", ""},
		{e.postID(will), "will_h", opening},
		{e.postID(grace), "grace_liu", e.postID(will)},
		{e.postID(sofia), "sofia_a", opening}, // reply_to_post_number 1: the topic's opening post
		{e.postID(maria), "maria_k", e.postID(grace)},
		{e.postID(ours), discourseTestUser, e.postID(sofia)},
	}
	for _, w := range want {
		it := discourseItem(t, items, w.id)
		wantRoot := opening
		if w.id == opening {
			wantRoot = ""
		}
		if it.Author != w.author || it.InReplyTo != w.inReplyTo || it.Root != wantRoot {
			t.Errorf("%s: author %q InReplyTo %q Root %q; want %q, %q, %q", w.id, it.Author, it.InReplyTo, it.Root, w.author, w.inReplyTo, wantRoot)
		}
	}
	if g := discourseItem(t, items, e.postID(grace)); g.Text != "@will_h You should try Pro for a month with the new sync, it changed my mind." {
		t.Errorf("grace's post reads %q, want the mention as @will_h", g.Text)
	}
	for _, r := range e.fake.Requests() {
		if strings.Contains(r, "/posts/by_number/") {
			t.Errorf("asked the forum %q though every parent was in the fetch", r)
		}
	}

	// Answering Grace (not the topic's starter, not the newest poster)
	// answers her post.
	g := discourseItem(t, items, e.postID(grace))
	posted, err := e.replier(t).Reply(context.Background(), Outgoing{Key: "k-grace", Text: "Grace, the new sync is in 2.4: offline edits merge per paragraph.", Target: g.Target, Queued: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	created := e.fake.Created()
	if len(created) != 1 || created[0].TopicID != topic || created[0].ReplyToPostNumber != 3 {
		t.Fatalf("created %+v, want one post in topic %d answering post number 3 (Grace's)", created, topic)
	}
	back := discourseItem(t, e.fetch(t), posted.ItemID)
	if !back.Ours || back.InReplyTo != g.ID {
		t.Errorf("our reply fetched back: Ours %v InReplyTo %q, want true, Grace's post %q", back.Ours, back.InReplyTo, g.ID)
	}
}

// A post answering one outside the fetched window is resolved by asking
// the forum once; later fetches remember it.
func TestDiscourseParentOutsideWindow(t *testing.T) {
	e := newDiscourseEnv(t)
	topic := e.fake.AddTopic("alice", "Busy topic", "The opening post of a busy topic", "")
	early := e.fake.AddPost("bob", topic, "An early answer everyone quotes", 0) // post number 2
	for i := range 50 {
		e.fake.AddPost("carol", topic, "Chatter number "+strconv.Itoa(i), 0)
	}
	late := e.fake.AddPost("dave", topic, "Back to what bob said: yes, exactly that.", 2)

	for round := range 2 {
		items := e.fetch(t)
		it := discourseItem(t, items, e.postID(late))
		if it.InReplyTo != e.postID(early) || it.Root != e.topicID(topic) {
			t.Errorf("round %d: InReplyTo %q Root %q, want bob's post %q under %q", round, it.InReplyTo, it.Root, e.postID(early), e.topicID(topic))
		}
	}
	n := 0
	for _, r := range e.fake.Requests() {
		if strings.HasPrefix(r, "GET /posts/by_number/"+strconv.Itoa(topic)+"/2") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("post number 2 asked for %d times over two fetches, want 1", n)
	}
}

// Lookups are bounded per fetch, ours first; an unresolved parent, or one
// that is not conversation, leaves the topic as what the post answers.
func TestDiscourseParentLookupsBounded(t *testing.T) {
	e := newDiscourseEnv(t)
	topic := e.fake.AddTopic("alice", "Long topic", "Opening post of a long topic", "")
	var early []int // post numbers 2..
	for i := range discourseLookups + 3 {
		e.fake.AddPost("bob", topic, "Early answer "+strconv.Itoa(i), 0)
		early = append(early, i+2)
	}
	whisper := e.fake.AddPost("mod", topic, "Staff only: keep an eye on this", 0)
	e.fake.EditPost(whisper, func(p *fakeapi.DiscoursePost) { p.PostType = fakeapi.DiscourseWhisper })
	whisperNumber := len(early) + 2
	for range 50 {
		e.fake.AddPost("carol", topic, "Filler to push the early posts out", 0)
	}
	var answers []int
	for _, n := range early {
		answers = append(answers, e.fake.AddPost("dave", topic, "Answering post "+strconv.Itoa(n), n))
	}
	toWhisper := e.fake.AddPost("erin", topic, "Answering the whisper", whisperNumber)
	ours := e.fake.AddPost(discourseTestUser, topic, "Our answer to the first early post", early[0])

	items := e.fetch(t)
	lookups := 0
	for _, r := range e.fake.Requests() {
		if strings.Contains(r, "/posts/by_number/") {
			lookups++
		}
	}
	if lookups != discourseLookups {
		t.Errorf("%d lookups in one fetch, want %d", lookups, discourseLookups)
	}
	if it := discourseItem(t, items, e.postID(ours)); it.InReplyTo == e.topicID(topic) {
		t.Errorf("our post was left unresolved (%q); ours are looked up first", it.InReplyTo)
	}
	resolved := 0
	for _, id := range append(answers, toWhisper) {
		it := discourseItem(t, items, e.postID(id))
		if it.InReplyTo != e.topicID(topic) {
			resolved++
		}
	}
	if it := discourseItem(t, items, e.postID(toWhisper)); it.InReplyTo != e.topicID(topic) {
		t.Errorf("an answer to a whisper answers %q, want the topic", it.InReplyTo)
	}
	// Ours and the whisper's answer took a lookup each, the newest answers
	// the rest; the answer sharing our parent is resolved from memory.
	if want := discourseLookups - 2 + 1; resolved != want {
		t.Errorf("%d answers resolved with %d lookups, want %d", resolved, discourseLookups, want)
	}
	if it := discourseItem(t, items, e.postID(answers[0])); it.InReplyTo == e.topicID(topic) {
		t.Errorf("the answer to our parent was not resolved from memory")
	}
}

// Our post made with the topic's Reply button (no reply_to_post_number)
// answers nobody the source names: InReplyTo stays empty, so the store's
// rule for replies written elsewhere (docs/REPLIES.md) says whose it is;
// Root keeps it in the topic. Someone else's such post still answers the
// opening post.
func TestDiscourseOurTopicReplyNamesNobody(t *testing.T) {
	e := newDiscourseEnv(t)
	topic := e.fake.AddTopic("jonas", "Sync conflicts since 4.2", "Sync conflicts every morning since 4.2.", "")
	lars := e.fake.AddPost("lars", topic, "Is there a student discount for the thesis?", 0)
	ours := e.fake.AddPost(discourseTestUser, topic, "@lars yes, 50% off with your university address.", 0)
	items := e.fetch(t)
	if l := discourseItem(t, items, e.postID(lars)); l.InReplyTo != e.topicID(topic) {
		t.Errorf("Lars's post answers %q, want the opening post %q", l.InReplyTo, e.topicID(topic))
	}
	if o := discourseItem(t, items, e.postID(ours)); !o.Ours || o.InReplyTo != "" || o.Root != e.topicID(topic) {
		t.Errorf("our topic reply: Ours %v InReplyTo %q Root %q; want ours, none, the topic %q", o.Ours, o.InReplyTo, o.Root, e.topicID(topic))
	}
}
