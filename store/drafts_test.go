package store

import (
	"fmt"
	"testing"
)

// draftText is who's draft on a thread, "" for none.
func draftText(t *testing.T, s *Store, who, tid string) string {
	t.Helper()
	d, ok, err := s.As(who).Draft(tid)
	mustNil(t, err)
	if !ok {
		return ""
	}
	if d.Who != who || d.ThreadID != tid {
		t.Errorf("%s's draft names %q on %q", who, d.Who, d.ThreadID)
	}
	return d.Text
}

// Ana's send deletes Ana's draft only; Bob's stays, and an autosave of
// Bob's typed before Ana's send is still saved (her send is not his text).
func TestDraftsArePerTeammate(t *testing.T) {
	s := openTest(t)
	tid := twoWayThread(t, s)
	ana, bob := s.As("ana"), s.As("bob")
	mustNil(t, ana.SaveDraft(tid, "Ana's answer", at(4)))
	mustNil(t, bob.SaveDraft(tid, "Bob's answer", at(4)))
	if a, b := draftText(t, s, "ana", tid), draftText(t, s, "bob", tid); a != "Ana's answer" || b != "Bob's answer" {
		t.Fatalf("drafts = %q, %q; want each their own", a, b)
	}
	if d, ok, _ := s.Draft(tid); ok {
		t.Errorf("the local user's draft = %+v: teammates' drafts are theirs", d)
	}
	w, err := bob.QueueWindow(at(5), QueueAnchor{}, 0, 10)
	mustNil(t, err)
	if !w.Drafts[tid] {
		t.Error("Bob's queue does not mark his draft")
	}

	mustQueue(t, s, Reply{ThreadID: tid, Text: "Ana's answer", At: at(10), Via: "Mastodon", Who: "ana"})
	if a := draftText(t, s, "ana", tid); a != "" {
		t.Errorf("Ana's draft = %q after her send, want none", a)
	}
	if b := draftText(t, s, "bob", tid); b != "Bob's answer" {
		t.Errorf("Bob's draft = %q after Ana's send, want it kept", b)
	}
	mustNil(t, bob.SaveDraft(tid, "Bob's answer, longer", at(9)))
	if b := draftText(t, s, "bob", tid); b != "Bob's answer, longer" {
		t.Errorf("Bob's autosave typed before Ana's send was dropped: %q", b)
	}
	mustNil(t, ana.SaveDraft(tid, "late autosave of Ana's", at(9)))
	if a := draftText(t, s, "ana", tid); a != "" {
		t.Errorf("Ana's own stale autosave came back as %q", a)
	}

	mustNil(t, s.RecordReply(Reply{ThreadID: tid, Text: "Bob's answer, longer", At: at(12), Via: "clipboard", Who: "bob"}))
	if b := draftText(t, s, "bob", tid); b != "" {
		t.Errorf("Bob's draft = %q after his reply, want none", b)
	}
	mustNil(t, ana.SaveDraft(tid, "Ana again", at(13)))
	mustNil(t, s.RecordReply(Reply{ThreadID: tid, Text: "x", At: at(14), Via: "clipboard", Who: "bob"}))
	if a := draftText(t, s, "ana", tid); a != "Ana again" {
		t.Errorf("Bob's RecordReply deleted Ana's draft (%q)", a)
	}
	all, err := s.Drafts()
	mustNil(t, err)
	if len(all) != 1 || all[0].Who != "ana" || all[0].ThreadID != tid {
		t.Errorf("Drafts = %+v, want Ana's", all)
	}
}

// A given-up send goes back to its author's draft, not to another's.
func TestRefusedSendGoesBackToItsAuthorsDraft(t *testing.T) {
	s := openTest(t)
	tid := twoWayThread(t, s)
	e := mustQueue(t, s, Reply{ThreadID: tid, Text: "Yes, SSO is included.", At: at(10), Via: "Mastodon", Who: "ana"})
	mustNil(t, s.As("bob").SaveDraft(tid, "Bob typing", at(11)))
	mustNil(t, s.As("ana").SaveDraft(tid, "Ana's next thought", at(11)))
	_, err := s.MarkSending(e.Key, at(12))
	mustNil(t, err)
	_, err = s.MarkFailed(e.Key, Failure{Err: "422: topic is closed", Permanent: true}, at(13))
	mustNil(t, err)
	if a := draftText(t, s, "ana", tid); a != "Yes, SSO is included.\n\nAna's next thought" {
		t.Errorf("Ana's draft = %q, want her refused text ahead of her newer draft", a)
	}
	if b := draftText(t, s, "bob", tid); b != "Bob typing" {
		t.Errorf("Bob's draft = %q, want his own untouched", b)
	}
	checkIndexes(t, s)
}

// A draft of the local user ("", every draft before schema 6) is read by
// a teammate who has none of their own, and the first to write adopts it.
func TestLegacyDraftIsAdoptedByTheFirstTeammateWhoWrites(t *testing.T) {
	s := openTest(t)
	tid := twoWayThread(t, s)
	mustNil(t, s.SaveDraft(tid, "typed before team mode", at(4)))
	for _, who := range []string{"", "ana", "bob"} {
		if got := draftText(t, s, who, tid); got != "typed before team mode" {
			t.Errorf("%q reads %q, want the legacy draft", who, got)
		}
	}
	mustNil(t, s.As("ana").SaveDraft(tid, "typed before team mode, and more", at(5)))
	if b := draftText(t, s, "bob", tid); b != "" {
		t.Errorf("Bob still reads %q: Ana adopted the draft", b)
	}
	if a := draftText(t, s, "ana", tid); a != "typed before team mode, and more" {
		t.Errorf("Ana reads %q", a)
	}
	// Clearing an adopted draft clears it: it does not fall back again.
	mustNil(t, s.SaveDraft(tid, "another legacy", at(6)))
	mustNil(t, s.As("bob").SaveDraft(tid, "", at(7)))
	if b := draftText(t, s, "bob", tid); b != "" {
		t.Errorf("Bob cleared the draft he read but reads %q", b)
	}
	if a := draftText(t, s, "ana", tid); a != "typed before team mode, and more" {
		t.Errorf("Bob's clearing touched Ana's draft: %q", a)
	}
}

// Teammates whose names share a prefix, or look like another key, stay apart.
func TestDraftKeysDoNotCollide(t *testing.T) {
	s := openTest(t)
	tid := twoWayThread(t, s)
	names := []string{"ana", "an", "ana b", "Ana"}
	for i, n := range names {
		mustNil(t, s.As(n).SaveDraft(tid, fmt.Sprint("draft ", i), at(4)))
	}
	for i, n := range names {
		if got := draftText(t, s, n, tid); got != fmt.Sprint("draft ", i) {
			t.Errorf("%q reads %q", n, got)
		}
	}
}
