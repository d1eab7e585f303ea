package store

import "testing"

// A reply copied with ctrl+s and posted on WordPress as a threaded answer
// comes back with WordPress's "In reply to Name." opening: as the
// sanitizer renders the HTML of content:encoded (the link in brackets,
// then a blank line), or joined on one line as a plain description gives
// it. Either way it confirms the recorded reply and counts once.
func TestClipboardReplyBackWithInReplyToCountsOnce(t *testing.T) {
	for name, back := range map[string]string{
		"html":  "In reply to Priya Raman (https://quillstone.example/blog/price-increase/#comment-702).\n\nGlad it is back! Settings > History keeps 30 days.",
		"plain": "In reply to Priya Raman. Glad it is back!  Settings > History keeps 30 days.",
	} {
		t.Run(name, func(t *testing.T) {
			s := openTest(t, "Maya (Quillstone)")
			mustIngest(t, s, result("Blog comments",
				wpComment("701", "Will Harper", 1, "Is the yearly plan still 20% off?"),
				wpComment("702", "Priya Raman", 2, "My notes came back after the restore, thanks!"),
			), at(3))
			tid := threadOf(t, s, "701")
			priya := contactID("Blog comments", "Priya Raman")
			mustNil(t, s.RecordReply(Reply{ThreadID: tid, To: priya, Text: "Glad it is back! Settings > History keeps 30 days.",
				At: at(4), Via: "clipboard", Who: "maya"}))
			mustIngest(t, s, result("Blog comments", wpComment("703", "Maya (Quillstone)", 5, back)), at(6))
			checkIndexes(t, s)
			replies, err := s.Replies(tid)
			mustNil(t, err)
			if len(replies) != 1 || replies[0].RemoteID != "703" {
				t.Fatalf("replies = %+v, want the one recorded, confirmed by 703", replies)
			}
			if c := convOf(t, s, tid, "Blog comments", "Priya Raman"); c.Replies != 1 {
				t.Errorf("Priya's conversation counts %d replies, want 1", c.Replies)
			}
			if c := convOf(t, s, tid, "Blog comments", "Will Harper"); c.Replies != 0 || !c.Waiting() {
				t.Errorf("Will: %d replies, waiting %v; the copy of Priya's reply counted for him", c.Replies, c.Waiting())
			}
		})
	}
}
