package funnel

// Reading is everything Analyze takes from one message of theirs: its
// sentiment score and the sentences that carry each kind of signal. Reading
// a message (splitting sentences, VADER, the pattern rules) is nearly all
// of Analyze's cost and depends on nothing but the text and the Analyzer,
// so a caller with many new messages (a cold fetch) can make readings on
// several goroutines with Analyzer.Read and hand them to Analyze in
// Message.Reading. A Reading does not change once made.
type Reading struct {
	by    *Analyzer
	text  string
	score float64
	// unhappy is the vote of score and the trained model (unhappyVote).
	unhappy bool

	// Sentences as written; Analyze quotes them with shortQuote.
	first    string // the first sentence (or the text)
	negative string // leans most negative
	positive string // leans most positive
	// wonBack leans most positive once findThanks has run: extremeText
	// ranks sentences by their exact score where known, and findThanks
	// scores some, so a visible message is quoted from this one.
	wonBack string

	thanks, intent, advocacy       string
	thanked, intends, recommending bool
}

// Read reads text as Analyze reads a message of theirs. It is safe for
// concurrent use.
//
// The steps run in the order Analyze used to take them lazily, as the
// quotes depend on it (see wonBack); what they find does not.
func (a *Analyzer) Read(text string) *Reading {
	d := a.read(text)
	defer d.release() // r keeps only strings of text
	r := &Reading{by: a, text: text, score: a.docScore(d)}
	r.first = d.text
	if len(d.sents) > 0 {
		r.first = d.sents[0].text
	}
	// Below mildNegative the vote is unhappy whatever the model says:
	// spare it.
	r.unhappy = r.score <= mildNegative || unhappyVote(r.score, a.modelVote(d))
	// Analyze quotes the extremes of negative and positive messages only.
	if r.unhappy {
		r.negative = a.extremeText(d, -1)
	}
	if r.score >= PositiveAt {
		r.positive = a.extremeText(d, 1)
	}
	if s, ok := a.findThanks(d); ok {
		r.thanks, r.thanked = s.text, true
	}
	if r.score >= PositiveAt {
		r.wonBack = a.extremeText(d, 1)
	}
	if s, ok := a.findIntent(d); ok {
		r.intent, r.intends = s.text, true
	}
	if s, ok := a.findAdvocacy(d); ok {
		r.advocacy, r.recommending = s.text, true
	}
	return r
}

// reading is m's Reading when it is one of m.Text by a, else it reads m now.
func (a *Analyzer) reading(m *Message) *Reading {
	if r := m.Reading; r != nil && r.by == a && r.text == m.Text {
		return r
	}
	return a.Read(m.Text)
}
