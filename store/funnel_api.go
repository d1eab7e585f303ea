package store

// The funnel's side of the store: stage history, manual moves, refs,
// contacts, conversions, the funnel report and export. These are the
// seams the console and the CLI build on. (STUBS: being implemented.)

import (
	"errors"
	"time"

	"parley/funnel"
)

// ErrAmbiguousRef means a ref matches more than one thread.
var ErrAmbiguousRef = errors.New("ref matches more than one thread")

// RefLen is the length of a thread's ref: the first RefLen hex chars of
// its ID. 40 bits: at 100k threads the chance of any two sharing a ref is
// under 1%, and ThreadByRef reports the rare clash instead of guessing.
const RefLen = 10

// Ref is the thread's short stable reference, used in tracked links
// (track_link's {thread}) and in imported conversions.
func (t Thread) Ref() string {
	if len(t.ID) < RefLen {
		return t.ID
	}
	return t.ID[:RefLen]
}

// StageMove is one change of a thread's stage.
type StageMove struct {
	ThreadID string
	At       time.Time
	From, To funnel.Stage
	// Cause says why: a signal's cause from funnel ("intent: ... (msg 3)"),
	// "conversion: 49.00 EUR", or "manual".
	Cause  string
	Manual bool
	Who    string // who moved it by hand (empty for signals)
}

// Money is an amount in a currency, in hundredths (cents).
type Money struct {
	Currency string // upper case ISO code as given, e.g. "EUR"; may be empty
	Cents    int64
}

// Conversion is one sale attributed (by ref) to a thread.
type Conversion struct {
	// ID makes imports idempotent: the same ID is stored once. Callers
	// leave it empty to use a hash of Ref, Amount, Currency and At.
	ID     string
	Ref    string
	Amount Money
	At     time.Time
	Line   int // line in the imported file, for error reports
}

// ImportResult says what ImportConversions did.
type ImportResult struct {
	Imported  int      // conversions stored for the first time
	Duplicate int      // already stored (same ID): not counted again
	Converted []string // IDs of threads that moved to converted
	// Unknown are conversions whose ref matches no thread (or several);
	// they are not stored, so a later import can still attribute them.
	Unknown []ConversionError
}

// ConversionError is a conversion that could not be attributed.
type ConversionError struct {
	Conversion
	Err error // wraps ErrNotFound or ErrAmbiguousRef
}

// StageCount is one stage's line of the funnel report.
type StageCount struct {
	Stage  funnel.Stage
	Now    int // threads at this stage now
	In7    int // moves into this stage in the last 7 days
	In30   int // ... and 30 days
	Manual int // of In30, moved by hand
}

// FeedFunnel is one feed's line of the funnel report.
type FeedFunnel struct {
	Feed        string
	Threads     int
	Stages      [6]int // threads per stage now, indexed by funnel.Stage
	Conversions int
	Revenue     []Money // per currency, largest first
}

// FunnelReport is the funnel view's whole picture, read in one
// transaction.
type FunnelReport struct {
	Stages      []StageCount // one per funnel.Stages, in order
	Threads     int
	Unhappy     int // threads whose latest message from them is unhappy
	WonBack     int // threads won back (ever)
	WonBack30   int // ... in the last 30 days
	Conversions int
	Revenue     []Money // per currency, largest first
	Feeds       []FeedFunnel
}

// Contact is an author on a source, rolled up over their threads.
type Contact struct {
	ID        string // 16 hex chars: hash of feed and lower-cased name
	Feed      string
	Name      string
	Stage     funnel.Stage // furthest stage of their threads
	Unhappy   bool         // any of their threads is unhappy now
	Messages  int          // messages they wrote
	Replies   int          // our replies in threads they started
	FirstSeen time.Time
	LastSeen  time.Time
	Threads   int
}

// Touches is messages exchanged: theirs plus our replies to them.
func (c Contact) Touches() int { return c.Messages + c.Replies }

// ExportRow is one thread as `parley export` prints it.
type ExportRow struct {
	Thread
	Contact     string // the thread's contact name (Thread.Author)
	Replies     int    // our replies: recorded in parley plus ours in the feed
	Conversions int
	Revenue     []Money
}

// SetStage moves a thread's stage by hand (either way), recording who and
// when. Signals never move it back below a manual move, and messages at or
// before the manual move no longer count as signals.
func (s *Store) SetStage(threadID string, to funnel.Stage, who string, at time.Time) (StageMove, error) {
	return StageMove{}, errors.New("not implemented")
}

// StageHistory returns a thread's stage moves, oldest first.
func (s *Store) StageHistory(threadID string) ([]StageMove, error) {
	return nil, errors.New("not implemented")
}

// ThreadsInStage returns the threads at a stage now, most recently moved
// first.
func (s *Store) ThreadsInStage(st funnel.Stage) ([]Thread, error) {
	return nil, errors.New("not implemented")
}

// ThreadByRef finds the thread a ref (or any unique ID prefix of at least
// 6 chars) names: ErrNotFound or ErrAmbiguousRef otherwise.
func (s *Store) ThreadByRef(ref string) (Thread, error) {
	return Thread{}, errors.New("not implemented")
}

// Funnel reads the funnel report at now.
func (s *Store) Funnel(now time.Time) (FunnelReport, error) {
	return FunnelReport{}, errors.New("not implemented")
}

// Contacts returns every contact, furthest stage first, then most
// recently seen.
func (s *Store) Contacts() ([]Contact, error) {
	return nil, errors.New("not implemented")
}

// Contact returns one contact by ID.
func (s *Store) Contact(id string) (Contact, error) {
	return Contact{}, errors.New("not implemented")
}

// ContactThreads returns a contact's threads across feeds, newest activity
// first.
func (s *Store) ContactThreads(id string) ([]Thread, error) {
	return nil, errors.New("not implemented")
}

// ImportConversions attributes conversions to threads by ref in one
// transaction: each new one is stored, counted on its thread and moves the
// thread to converted (unless it is further). Importing the same
// conversions again changes nothing.
func (s *Store) ImportConversions(cs []Conversion, now time.Time) (ImportResult, error) {
	return ImportResult{}, errors.New("not implemented")
}

// Export calls fn for every thread, oldest first, with what `parley
// export` prints. It stops at fn's first error and returns it.
func (s *Store) Export(fn func(ExportRow) error) error {
	return errors.New("not implemented")
}
