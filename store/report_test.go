package store

import (
	"reflect"
	"testing"
	"time"

	"parley/feeds"
	"parley/funnel"
)

func day(n int) time.Time { return t0.Add(time.Duration(n) * 24 * time.Hour) }

func dayItem(id, author string, d int, txt string, opts ...func(*feeds.Item)) feeds.Item {
	return item(id, author, 0, append([]func(*feeds.Item){published(day(d)), text(txt)}, opts...)...)
}

func TestFunnelReport(t *testing.T) {
	s := openFake(t, "us")
	now := day(40) // 7 days back: day 33; 30 days back: day 10 (both excluded)
	mustIngest(t, s, result("blog",
		dayItem("a", "ann", 38, "#intent"), // into intent this week
		dayItem("b", "bob", 33, "#intent"), // exactly 7 days ago: this month only
		dayItem("c", "cat", 0, "#intent"),  // long ago
		dayItem("d", "dee", 1, "plain"),    // converted by hand on day 39
		dayItem("e", "eve", 2, "plain"),    // two conversions, first on day 37
		dayItem("w", "wes", 20, "#bad"),    // won back on day 35
		dayItem("w-us", "us", 21, "sorry", replyTo("w")),
		dayItem("w2", "wes", 35, "#good now", replyTo("w")),
		dayItem("u", "uma", 39, "#bad"), // unhappy now
	), now)
	mustIngest(t, s, result("forum",
		dayItem("f", "fay", 3, "#intent"), // converted on day 39
		dayItem("x", "xia", 1, "#bad"),    // won back on day 4
		dayItem("x-us", "us", 2, "sorry", replyTo("x")),
		dayItem("x2", "xia", 4, "#good", replyTo("x")),
	), now)
	id := func(m string) string { return threadOf(t, s, m) }
	_, err := s.SetStage(id("d"), "", funnel.Converted, "maya", day(39))
	mustNil(t, err)
	_, err = s.ImportConversions([]Conversion{
		{Ref: id("e")[:RefLen], Amount: Money{"EUR", 4900}, At: day(37)},
		{Ref: id("e")[:RefLen], Amount: Money{"USD", 1000}, At: day(38)},
		{Ref: id("f")[:RefLen], Amount: Money{"EUR", 10000}, At: day(39)},
	}, now)
	mustNil(t, err)
	checkIndexes(t, s)

	r, err := s.Funnel(now)
	mustNil(t, err)
	want := FunnelReport{
		Stages: []StageCount{
			{Stage: funnel.New, Now: 1, In7: 2, In30: 4}, // threads begun: a, u; and b, w
			{Stage: funnel.Engaged, Now: 0, In7: 1, In30: 1},
			{Stage: funnel.Trusting, Now: 2, In7: 1, In30: 1},
			{Stage: funnel.Intent, Now: 3, In7: 1, In30: 2},
			{Stage: funnel.Converted, Now: 3, In7: 3, In30: 3, Manual: 1},
			{Stage: funnel.Advocate},
		},
		Threads: 9, Conversations: 9, People: 9, Unhappy: 1, WonBack: 2, WonBack30: 1,
		Conversions: 3,
		Revenue:     []Money{{"EUR", 14900}, {"USD", 1000}},
		Feeds: []FeedFunnel{
			{Feed: "forum", Threads: 2, Conversations: 2, Stages: [6]int{0, 0, 1, 0, 1, 0}, Conversions: 1, Revenue: []Money{{"EUR", 10000}}},
			{Feed: "blog", Threads: 7, Conversations: 7, Stages: [6]int{1, 0, 1, 3, 2, 0}, Conversions: 2, Revenue: []Money{{"EUR", 4900}, {"USD", 1000}}},
		},
	}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("Funnel =\n%+v\nwant\n%+v", r, want)
	}

	// A month later nothing moved recently.
	r, err = s.Funnel(day(80))
	mustNil(t, err)
	for _, sc := range r.Stages {
		if sc.In7 != 0 || sc.In30 != 0 || sc.Manual != 0 {
			t.Errorf("40 days later: %+v, want no recent moves", sc)
		}
	}
	if r.WonBack30 != 0 || r.WonBack != 2 {
		t.Errorf("40 days later: won back %d, in 30 days %d; want 2, 0", r.WonBack, r.WonBack30)
	}
}

func TestFunnelReportEmpty(t *testing.T) {
	s := openFake(t)
	r, err := s.Funnel(at(0))
	mustNil(t, err)
	if len(r.Stages) != len(funnel.Stages) || r.Threads != 0 || len(r.Feeds) != 0 || r.Revenue != nil {
		t.Errorf("empty Funnel = %+v", r)
	}
	for i, sc := range r.Stages {
		if sc.Stage != funnel.Stages[i] {
			t.Errorf("Stages[%d] is %s", i, sc.Stage)
		}
	}
}
