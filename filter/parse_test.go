package filter

import (
	"errors"
	"strings"
	"testing"
	"time"

	"parley/funnel"
)

func TestParseTerms(t *testing.T) {
	tests := []struct {
		in   string
		want string // Query.String of the result
	}{
		{"", ""},
		{"  ", ""},
		{"stage:intent is:waiting", "stage:intent is:waiting"},
		{"STAGE:Intent IS:Unread", "stage:intent is:unread"},
		{"-feed:hn from:alice", "-feed:hn from:alice"},
		{`feed:"Blog comments" refund`, `feed:"blog comments" refund`},
		{`"team plan" -is:done`, `"team plan" -is:done`},
		{"since:7d since:12h since:2w", "since:1w since:12h since:2w"},
		{"e-mail", `"e mail"`},
		{"is:unreplied", "is:waiting"}, // DESIGN.md's name for it
		{"- refund", "refund"},         // a lone dash is not a negation
		{`"team pl`, `"team pl"`},      // still typing the phrase
		{"!!!", ""},
		{"-is:snoozed is:mine is:assigned is:unhappy", "-is:snoozed is:mine is:assigned is:unhappy"},
	}
	for _, tt := range tests {
		q, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if got := q.String(); got != tt.want {
			t.Errorf("Parse(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseValues(t *testing.T) {
	q, err := Parse(`-stage:advocate since:3d -"free trial" from:"Alice Chen"`)
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Terms) != 4 {
		t.Fatalf("%d terms: %+v", len(q.Terms), q.Terms)
	}
	st, since, text, from := q.Terms[0], q.Terms[1], q.Terms[2], q.Terms[3]
	if st.Kind != Stage || st.Stage != funnel.Advocate || !st.Not {
		t.Errorf("stage term %+v", st)
	}
	if since.Kind != Since || since.Within != 72*time.Hour || since.Not {
		t.Errorf("since term %+v", since)
	}
	if text.Kind != Text || !text.Not || strings.Join(text.Words, "|") != "free|trial" {
		t.Errorf("text term %+v", text)
	}
	if from.Kind != From || from.Value != "alice chen" {
		t.Errorf("from term %+v", from)
	}
	if q.Wants(Done) || q.Wants(Snoozed) {
		t.Error("Wants reports a flag the query does not ask for")
	}
	if q2, _ := Parse("-is:done"); q2.Wants(Done) {
		t.Error("-is:done wants done threads")
	}
	if q3, _ := Parse("is:done"); !q3.Wants(Done) {
		t.Error("is:done does not want done threads")
	}
}

func TestParseErrorsExplain(t *testing.T) {
	tests := []struct {
		in       string
		pos      int
		contains []string
	}{
		{"refund stage:foo", 7, []string{"unknown term stage:foo", "stages are new, engaged, trusting, intent, converted, advocate"}},
		{"stage:", 0, []string{"stages are new"}},
		{"-is:lost", 0, []string{"unknown term is:lost", "unhappy, waiting, snoozed, done, assigned, mine, unread"}},
		{"since:7y", 0, []string{"since:7y", "since:7d"}},
		{"since:d", 0, []string{"since:d"}},
		{"since:-3d", 0, []string{"since:-3d"}},
		{"feed:", 0, []string{"feed: needs a name"}},
		{"from: alice", 0, []string{"from: needs a name"}},
		{"re:order", 0, []string{"unknown term re:order", "stage:, is:, feed:, from:, since:", `"re:order"`}},
	}
	for _, tt := range tests {
		_, err := Parse(tt.in)
		var pe *Error
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%q): error %v, want an *Error", tt.in, err)
			continue
		}
		if pe.Pos != tt.pos {
			t.Errorf("Parse(%q): error at %d, want %d", tt.in, pe.Pos, tt.pos)
		}
		for _, c := range tt.contains {
			if !strings.Contains(pe.Msg, c) {
				t.Errorf("Parse(%q): %q does not say %q", tt.in, pe.Msg, c)
			}
		}
	}
	// Quoted, a colon is text.
	if q, err := Parse(`"re:order"`); err != nil || q.String() != `"re order"` {
		t.Errorf(`Parse("re:order" quoted) = %q, %v`, q.String(), err)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"stage:intent is:waiting", `-feed:"a b" "x y`, "since:7d -from:al", "re:x", `-"`, "::", "-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := Parse(s)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || pe.Pos < 0 || pe.Pos > len(s) || pe.Msg == "" {
				t.Fatalf("Parse(%q): bad error %#v", s, err)
			}
			return
		}
		// What String gives back parses to the same query.
		again, err := Parse(q.String())
		if err != nil {
			t.Fatalf("Parse(%q) ok, but its String %q: %v", s, q.String(), err)
		}
		if again.String() != q.String() {
			t.Fatalf("round trip of %q: %q then %q", s, q.String(), again.String())
		}
	})
}
