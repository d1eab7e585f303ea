package store

import (
	"testing"

	bolt "go.etcd.io/bbolt"

	"parley/funnel"
)

// checkCause asserts that each read listing conversations gives contact's
// conversation in tid the cause of its newest move, and returns it.
func checkCause(t *testing.T, s *Store, tid, contact string) Conversation {
	t.Helper()
	h, err := s.ConversationHistory(tid, contact)
	mustNil(t, err)
	if len(h) == 0 {
		t.Fatalf("conversation %s/%s never moved", tid, contact)
	}
	newest := h[len(h)-1]
	check := func(read string, cs []Conversation) Conversation {
		t.Helper()
		for _, c := range cs {
			if c.ThreadID == tid && c.Contact == contact {
				if c.Cause != newest.Cause || c.CauseManual != newest.Manual || c.CauseWho != newest.Who {
					t.Errorf("%s: cause %q manual %v who %q; newest move has %q %v %q",
						read, c.Cause, c.CauseManual, c.CauseWho, newest.Cause, newest.Manual, newest.Who)
				}
				return c
			}
		}
		t.Fatalf("%s does not list %s/%s", read, tid, contact)
		return Conversation{}
	}
	in, err := s.ConversationsInStage(newest.To)
	mustNil(t, err)
	c := check("ConversationsInStage", in)
	w, err := s.ConversationsInStageWindow(newest.To, StageAnchor{}, 0, 50)
	mustNil(t, err)
	check("ConversationsInStageWindow", w.Conversations)
	byContact, err := s.ContactConversations(contact)
	mustNil(t, err)
	check("ContactConversations", byContact)
	return c
}

// The conversation record carries its newest move's cause through
// signal, manual and conversion moves, so lists need no history reads.
func TestConversationCauseFollowsMoves(t *testing.T) {
	s := openFake(t, "us")
	mustIngest(t, s, result("blog", item("a", "ann", 1, text("Pricing? #intent"))), at(2))
	tid := threadOf(t, s, "a")
	ann := contactID("blog", "ann")
	if c := checkCause(t, s, tid, ann); c.Stage != funnel.Intent || c.Cause == "" || c.CauseManual {
		t.Errorf("after a signal: stage %s cause %q manual %v", c.Stage, c.Cause, c.CauseManual)
	}

	_, err := s.SetStage(tid, "", funnel.Engaged, "maya", at(10))
	mustNil(t, err)
	if c := checkCause(t, s, tid, ann); c.Cause != "manual" || !c.CauseManual || c.CauseWho != "maya" {
		t.Errorf("after a manual move: cause %q manual %v who %q", c.Cause, c.CauseManual, c.CauseWho)
	}

	mustIngest(t, s, result("blog", item("a2", "ann", 20, replyTo("a"), text("Can I buy it? #intent"))), at(21))
	if c := checkCause(t, s, tid, ann); c.Stage != funnel.Intent || c.CauseManual || c.CauseWho != "" {
		t.Errorf("after a new signal: stage %s manual %v who %q", c.Stage, c.CauseManual, c.CauseWho)
	}

	th := mustThread(t, s, tid)
	_, err = s.ImportConversions([]Conversion{{Ref: th.Ref(), Amount: Money{"EUR", 4900}, At: at(30)}}, at(31))
	mustNil(t, err)
	if c := checkCause(t, s, tid, ann); c.Stage != funnel.Converted || c.Cause == "" || c.Cause[:11] != "conversion:" {
		t.Errorf("after a conversion: stage %s cause %q", c.Stage, c.Cause)
	}
}

// A re-read that moves a conversation down keeps the re-read's cause.
func TestConversationCauseAfterReread(t *testing.T) {
	path := t.TempDir() + "/parley.db"
	noIntent, err := funnel.NewAnalyzer(funnel.Config{Intent: []string{"zebra crossing"}})
	mustNil(t, err)
	s, err := Open(path, Options{NoSync: true, Funnel: noIntent})
	mustNil(t, err)
	mustIngest(t, s, result("blog", item("a", "ann", 1, text("We want the zebra crossing edition for our team."))), at(3))
	tid, ann := threadOf(t, s, "a"), contactID("blog", "ann")
	checkCause(t, s, tid, ann)
	mustNil(t, s.Close())

	defaults, err := funnel.NewAnalyzer(funnel.Config{})
	mustNil(t, err)
	s, err = Open(path, Options{NoSync: true, Funnel: defaults})
	mustNil(t, err)
	defer s.Close()
	if c := checkCause(t, s, tid, ann); c.Stage != funnel.New || c.Cause != "re-read: the rules no longer find intent" {
		t.Errorf("after the re-read: stage %s cause %q", c.Stage, c.Cause)
	}
}

// A record written before the cause fields reads its cause from its
// newest move.
func TestConversationCauseOfAnOlderRecord(t *testing.T) {
	s := openFake(t, "us")
	mustIngest(t, s, result("blog", item("a", "ann", 1, text("Pricing? #intent"))), at(2))
	tid, ann := threadOf(t, s, "a"), contactID("blog", "ann")
	_, err := s.SetStage(tid, "", funnel.Trusting, "maya", at(10))
	mustNil(t, err)
	mustNil(t, s.db.Update(func(tx *bolt.Tx) error {
		k := convKey(tid, ann)
		rec, err := decodeConv(k, tx.Bucket(bucketConversations).Get(k))
		if err != nil {
			return err
		}
		full := encodeConv(&rec)
		rec.Cause, rec.CauseManual, rec.CauseWho = "", false, ""
		// The older layout: the same record without its three trailing
		// (empty) cause fields.
		old := encodeConv(&rec)
		old = old[:len(old)-3]
		if len(full) <= len(old) {
			t.Fatal("the cause fields are not stored")
		}
		return tx.Bucket(bucketConversations).Put(k, old)
	}))
	if c := checkCause(t, s, tid, ann); c.Cause != "manual" || c.CauseWho != "maya" {
		t.Errorf("older record: cause %q who %q", c.Cause, c.CauseWho)
	}
}

// Databases of older schemas, migrated at Open (schema 5 replays the
// starters' moves; schema 6 records have no cause fields), list every
// moved conversation with its newest move's cause.
func TestConversationCauseAfterMigrations(t *testing.T) {
	for _, f := range []struct {
		name    string
		version uint64
	}{{"v3.db", 3}, {"v4.db", 4}, {"v4multi.db", 4}, {"v6.db", 6}} {
		t.Run(f.name, func(t *testing.T) {
			s := openFixture(t, f.name, f.version)
			moved := 0
			for st := funnel.New; st.Valid(); st++ {
				cs, err := s.ConversationsInStage(st)
				mustNil(t, err)
				for _, c := range cs {
					if c.StageAt.IsZero() {
						continue
					}
					moved++
					checkCause(t, s, c.ThreadID, c.Contact)
				}
			}
			if moved == 0 {
				t.Fatal("no conversation moved: the fixture checks nothing")
			}
		})
	}
}
