package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// corpusEnd is when the newest generated item was published. A constant,
// not time.Now, so the same flags always give the same bytes.
var corpusEnd = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

// ours is the author name that stands for us in every generated set and in
// both programs' configs: parley counts these messages as our replies.
const ours = "Quillstone Team"

// corpus is one deterministic set of comment feeds: Feeds feeds of Items
// items each, as a WordPress comment feed looks (one item per comment,
// comments of one post share the post URL and differ by #comment-N).
type corpus struct {
	Name    string        // URL path segment and ETag prefix: sets served together never collide
	Feeds   int           // number of feeds
	Items   int           // items per feed
	PerPost int           // comments per post: 1 makes every item its own thread
	Span    time.Duration // the items' dates are spread evenly over this span before corpusEnd
}

// item is one generated comment. HTML is what the feed carries.
type item struct {
	GUID, Title, Author, Link string
	Published                 time.Time
	HTML                      string
}

func (c corpus) feedName(f int) string { return fmt.Sprintf("Blog %03d comments", f) }

func (c corpus) total() int { return c.Feeds * c.Items }

// seed makes each (set, feed, item) its own random stream, so an item is
// the same whether it is generated alone or with its feed.
func (c corpus) rng(f, i, salt int) *rand.Rand {
	h := uint64(14695981039346656037)
	for _, b := range []byte(c.Name) {
		h = (h ^ uint64(b)) * 1099511628211
	}
	return rand.New(rand.NewPCG(h^uint64(salt)<<56, uint64(f)<<32|uint64(i)))
}

// published spreads items evenly over Span; feeds interleave, so every feed
// covers the whole span, as real feeds polled side by side do.
func (c corpus) published(f, i int) time.Time {
	g := i*c.Feeds + f
	step := c.Span / time.Duration(max(1, c.total()))
	return corpusEnd.Add(-c.Span + time.Duration(g+1)*step)
}

func (c corpus) host(f int) string { return fmt.Sprintf("blog%03d.example.com", f) }

func (c corpus) postURL(f, post int) string {
	return fmt.Sprintf("https://%s/%s/post-%d/", c.host(f), c.Name, post)
}

// commentID leaves room for the replies gen-db adds under each item.
func commentID(i, reply int) int { return i*10 + reply }

// item is item i (0 = oldest) of feed f, as served.
func (c corpus) item(f, i int) item {
	r := c.rng(f, i, 0)
	post := i / max(1, c.PerPost)
	author := personName(r)
	if c.PerPost > 1 && i%c.PerPost == c.PerPost-1 && i%3 == 0 {
		author = ours // now and then we answer in the comments ourselves
	}
	return c.comment(r, f, post, commentID(i, 0), author, c.published(f, i), "")
}

// reply is the reply-th answer under item i of feed f: the database has
// these, the served feed does not (a comment feed shows the newest only).
// Every 3rd thread has our answer first, every 10th our answer last (the
// person it answers stops waiting); the rest are other people joining in.
func (c corpus) reply(f, i, reply, replies int) item {
	r := c.rng(f, i, reply+1)
	author := personName(r)
	switch {
	case reply == replies-1 && i%10 == 0, reply == 0 && i%3 == 0:
		author = ours
	}
	at := c.published(f, i).Add(time.Duration(reply+1)*37*time.Minute + time.Duration(r.IntN(30))*time.Minute)
	inReplyTo := personName(c.rng(f, i, 0))
	return c.comment(r, f, i/max(1, c.PerPost), commentID(i, reply+1), author, at, inReplyTo)
}

func (c corpus) comment(r *rand.Rand, f, post, id int, author string, at time.Time, inReplyTo string) item {
	title := postTitles[post%len(postTitles)]
	return item{
		GUID:      fmt.Sprintf("https://%s/%s/?p=%d#comment-%d", c.host(f), c.Name, post, id),
		Title:     fmt.Sprintf("Comment on %s by %s", title, author),
		Author:    author,
		Link:      fmt.Sprintf("%s#comment-%d", c.postURL(f, post), id),
		Published: at,
		HTML:      commentHTML(r, author == ours, inReplyTo),
	}
}

func personName(r *rand.Rand) string {
	return firstNames[r.IntN(len(firstNames))] + " " + lastNames[r.IntN(len(lastNames))]
}

// commentHTML is 1 to 4 paragraphs of 1 to 3 sentences, about 100 to 1500
// bytes, with the markup comment feeds carry: links, emphasis, quotes,
// entities, WordPress's "In reply to" line.
func commentHTML(r *rand.Rand, fromUs bool, inReplyTo string) string {
	var b strings.Builder
	if inReplyTo != "" {
		fmt.Fprintf(&b, "<p>In reply to <a href=\"#comment\">%s</a>.</p>\n", inReplyTo)
	}
	bank := sentences
	if fromUs {
		bank = ourSentences
	}
	paras := 1 + r.IntN(4)
	for p := range paras {
		if p > 0 && r.IntN(8) == 0 {
			b.WriteString("<blockquote><p>" + bank[r.IntN(len(bank))] + "</p></blockquote>\n")
			continue
		}
		b.WriteString("<p>")
		for s := range 1 + r.IntN(3) {
			if s > 0 {
				b.WriteByte(' ')
			}
			sentence := bank[r.IntN(len(bank))]
			switch r.IntN(12) {
			case 0:
				sentence += ` See <a href="https://docs.quillstone.example/sync">the sync docs</a>.`
			case 1:
				sentence = "<em>" + sentence + "</em>"
			case 2:
				sentence = "<strong>Update:</strong> " + sentence
			}
			b.WriteString(sentence)
		}
		b.WriteString("</p>\n")
	}
	return b.String()
}

var firstNames = []string{"Alice", "Bruno", "Chloe", "Dana", "Eli", "Felix", "Greta", "Hugo", "Ines", "Jonas",
	"Karen", "Leo", "Maya", "Noah", "Olivia", "Paul", "Quinn", "Rui", "Sam", "Tara", "Umar", "Vera", "Wen",
	"Xavier", "Yara", "Zoe", "Arjun", "Ingrid", "Marta", "Omar", "Priya", "Lena", "Pete", "Helen", "Ken", "Sofia"}

var lastNames = []string{"Chen", "Costa", "Martin", "Live", "Braun", "Alvarado", "Santos", "Raman", "Larsen",
	"Wright", "Mehta", "Osei", "Haddad", "Grant", "Kowalska", "Meyer", "Fischer", "Nguyen", "Patel", "Almeida",
	"Olsen", "Lindqvist", "Okafor", "Tanaka", "Novak", "Rossi", "Dubois", "Schmidt", "Silva", "Jensen"}

var postTitles = []string{"Release notes 3.2", "How sync works under the hood", "Offline mode is here",
	"Tagging and backlinks", "Exporting your notes", "Our pricing, explained", "The new editor",
	"A faster search", "Templates for meeting notes", "Keyboard shortcuts you should know",
	"Why we built Quillstone", "Sharing notebooks with your team"}

// sentences mix the signals parley's funnel reads (complaints, buying
// questions, praise, recommendations) with neutral talk, as real threads do.
var sentences = []string{
	"Sync lost my notes after the update and I would like to know why.",
	"I have been using Quillstone for about a year now and it mostly does what I need.",
	"How much is the team plan if we are five people?",
	"Is there a free trial for the Pro version, or do I have to pay first?",
	"This is broken on my Pixel 6a: the app crashes every time I open a notebook.",
	"Thanks, that fixed it! I can finally search my archive again.",
	"I highly recommend Quillstone to anyone who writes a lot.",
	"Not worth the price. $8 a month for this is too much &amp; the export is limited.",
	"Does the desktop app work with Outlook calendars at work?",
	"The new editor feels much faster, great work.",
	"I cancelled my subscription last week because the sync kept failing.",
	"Can anyone recommend a good way to organise meeting notes?",
	"Same thing happened to me on Windows 11 with the latest build.",
	"We&#8217;re evaluating it for our whole department, about 40 seats.",
	"Exporting a note to Markdown keeps the images but loses the tags.",
	"Backlinks are the one feature that keeps me here.",
	"Press Ctrl+/ anywhere to see every shortcut, it took me months to find that.",
	"I would never go back to paper, but the mobile app needs work.",
	"Where can I download my invoices for the last year?",
	"Five stars. Simple, quick, and it stays out of the way.",
	"Why is it so expensive compared to the other apps I tried?",
	"You should try the templates, they saved me hours every week.",
	"My notebook with 3,000 notes takes 20 seconds to open, is that normal?",
	"Love the dark theme &#8212; my eyes thank you.",
	"Tried the beta and the same notebook opens instantly now.",
	"Is there an API so I can push notes from my scripts?",
	"Support never answered my ticket, it has been two weeks.",
	"I switched from another app last month and I am not looking back.",
	"Could you add a way to lock a note so I do not edit it by accident?",
	"The search does not find words inside attached PDFs.",
}

var ourSentences = []string{
	"Thanks for the report! Could you send us the sync log from Settings &gt; Help?",
	"We fixed this in 3.2.1, which is rolling out today.",
	"The team plan is $6 per person per month, and the first 30 days are free.",
	"Sorry about that. I have passed it to the mobile team and will update this thread.",
	"Glad it works now, and thanks for letting us know.",
	"Yes: Settings &gt; Export lets you pick Markdown or HTML for a whole notebook.",
}
