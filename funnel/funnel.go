// Package funnel is parley's model of how a conversation moves toward a
// sale: new -> engaged -> trusting -> intent -> converted -> advocate,
// plus the unhappy flag and "won back". It is pure logic: it reads the
// messages it is given and says which signals they carry and which stage
// those justify, with the cause of every move. It never does IO; the
// store calls it on ingest and on our replies, the console to show why.
package funnel

import (
	"fmt"
	"strings"
	"time"
)

// Stage is how far a thread (or a contact) has come. Stages are ordered:
// a larger Stage is further along.
type Stage uint8

const (
	New       Stage = iota // seen, we have not replied
	Engaged                // we replied and they answered
	Trusting               // after a dialogue, their latest words are positive or thank us
	Intent                 // a buying signal
	Converted              // a conversion was attributed to the thread, or set by hand
	Advocate               // they recommend us publicly, or set by hand
)

// Stages lists every stage in order.
var Stages = []Stage{New, Engaged, Trusting, Intent, Converted, Advocate}

var stageNames = [...]string{"new", "engaged", "trusting", "intent", "converted", "advocate"}

func (s Stage) String() string {
	if int(s) < len(stageNames) {
		return stageNames[s]
	}
	return fmt.Sprintf("stage(%d)", uint8(s))
}

// Valid reports whether s is one of Stages.
func (s Stage) Valid() bool { return int(s) < len(stageNames) }

// ParseStage reads a stage name ("intent", case-insensitive).
func ParseStage(name string) (Stage, error) {
	name = strings.ToLower(strings.TrimSpace(name))
	for i, n := range stageNames {
		if n == name {
			return Stage(i), nil
		}
	}
	return 0, fmt.Errorf("unknown stage %q (expected one of: %s)", name, strings.Join(stageNames[:], ", "))
}

// Thresholds on VADER's compound score (-1..1), as DESIGN.md defines them.
// Unhappy is a vote of this score and a trained model (see unhappy.go).
const (
	PositiveAt = 0.3  // at or above: positive (trusting, won back), unless unhappy
	UnhappyAt  = -0.3 // at or below: unhappy, unless mild and the model disagrees
)

// Config is the [funnel] table of the config file.
//
// Each pattern list is nil or not: a nil list means the English defaults
// (DefaultIntent, DefaultAdvocacy; no competitors), a non-nil list replaces
// them, so intent = [] turns the intent patterns off. Patterns are words or
// phrases matched whole and case-insensitively ("price" does not match
// "priceless"; the words of a phrase may be separated by any white space,
// a wrapped line too, but not by a comma); punctuation in a pattern is
// ignored. An
// empty pattern, or one without letters, is an error (see PatternError).
// Analyzer.Config shows the lists in effect.
type Config struct {
	Intent   []string // buying signals
	Advocacy []string // recommendations
	// Competitors are product names that are not us: a recommendation
	// that names one is not advocacy for us. Default: none.
	Competitors []string
	// TrackLink is a URL with "{thread}" where the thread's ref goes;
	// ctrl+l inserts it while composing. Empty: no tracked links.
	TrackLink string
}

// DefaultIntent are the buying signals used when the config sets none.
// Besides these, a question about price or trial ("Is it free for
// students?") is always intent. "how much" is split into its buying uses
// so "How much RAM does it need?" is no sale; "plans" is gone ("your plans
// for mobile") in favour of named plans.
var DefaultIntent = []string{
	"price", "prices", "pricing", "cost", "costs",
	"how much is", "how much are", "how much for", "how much would", "how much do you charge",
	"trial", "free trial", "demo", "discount", "coupon", "promo code",
	"where can i buy", "where do i buy", "buy", "purchase",
	"sign up", "signup", "sign-up", "subscribe", "subscription", "upgrade",
	"team plan", "paid plan", "pro plan", "enterprise plan", "business plan", "family plan",
	"promo codes", "coupon codes", "lifetime license", "lifetime deal",
	"license", "licenses", "get a quote", "request a quote", "quote for", "invoice", "seats", "per seat",
}

// DefaultAdvocacy are the recommendation phrases used when the config
// sets none. Bare "recommended" is left out ("the recommended font size"),
// and "check it out" too ("Thanks, I'll check it out!" is no advocacy).
var DefaultAdvocacy = []string{
	"highly recommend", "highly recommended", "recommend",
	"recommended it", "recommended this", "recommended you", "recommending it", "recommending you",
	"you should try", "you have to try", "you need to try", "you should check out", "you should check it out",
	"love it", "love this", "loving it", "best app", "best tool", "game changer", "game-changer",
	"told my team", "told everyone", "told all my friends", "telling everyone",
	"tell everyone", "tell all my friends", "tell all your friends", "telling people",
	"can't live without", "cannot live without", "cant live without",
	"no regrets", "zero regrets", "won't regret it", "wont regret it", "will not regret it",
	"worth every penny", "must have", "must-have",
	"told my whole team", "go get it", "get this app", "best decision", "everyone should try", "everyone should get",
}

// Message is one message of a thread, as the funnel sees it: theirs or
// ours (from the feed, or a reply recorded in parley), in time order.
type Message struct {
	Text string
	Ours bool
	At   time.Time
	// Reading, if set, is Analyzer.Read(Text) done ahead (see Reading);
	// nil, or one of another text, and Analyze reads Text itself.
	Reading *Reading
}

// State is where a thread stands before the messages are read.
type State struct {
	Stage Stage
	// Since: a manual move at this time overrides what came before, so
	// signals in messages at or before Since move nothing (zero: none).
	Since time.Time
}

// SignalKind names what a message showed.
type SignalKind string

const (
	SignalDialogue SignalKind = "dialogue" // they answered one of our replies
	SignalPositive SignalKind = "positive" // compound >= PositiveAt
	SignalThanks   SignalKind = "thanks"   // they thanked us
	SignalNegative SignalKind = "negative" // unhappy (see unhappy.go)
	SignalIntent   SignalKind = "intent"   // a buying signal
	SignalAdvocacy SignalKind = "advocacy" // they recommend us
	SignalWonBack  SignalKind = "won back" // positive after being unhappy and answered
)

// Signal is one thing found in one of their messages.
type Signal struct {
	Kind  SignalKind
	Msg   int     // 1-based position of the message in the slice given
	Quote string  // the words that carried it, short, for causes and tooltips
	Score float64 // the message's VADER compound score
}

// Move is a forward move justified by a signal.
type Move struct {
	From, To Stage
	At       time.Time // the time of the message that carried the signal
	Msg      int       // 1-based message position
	// Cause says why, for people: `intent: "how much is the team plan?" (msg 3)`.
	Cause string
}

// Result is what Analyze found.
type Result struct {
	Stage   Stage  // the stage the messages justify; never below State.Stage
	Moves   []Move // forward moves from State.Stage to Stage, in message order
	Signals []Signal
	// Mood is the compound score of their latest message (0 when they
	// wrote none). Unhappy: that message reads unhappy (see unhappy.go).
	Mood    float64
	Unhappy bool
	// WonBack: after an unhappy message of theirs and a reply from us,
	// they wrote a positive one. WonBackAt is that message's time.
	WonBack   bool
	WonBackAt time.Time
}

// TrackLink fills a track_link template with a thread's ref.
func TrackLink(template, ref string) string {
	return strings.ReplaceAll(template, "{thread}", ref)
}
