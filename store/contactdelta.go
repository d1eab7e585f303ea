package store

import "parley/funnel"

// A contact's Stage, Unhappy and Replies roll up all their conversations
// (rollupContact reads every thread they wrote in). Ingest changes few of
// them, so it rolls a contact up from what changed instead: the furthest
// stage is a max and unhappy an any, which a change can only raise; the
// replies and threads are sums, which take deltas. A change that lowers a
// max or clears an any (a conversation no longer unhappy, a stage going
// back) needs the others, so that contact is read in full.

// convShare is what one conversation gives its contact's roll-up.
type convShare struct {
	stage   funnel.Stage
	unhappy bool
	replies int
}

func shareOf(c *convRec) convShare {
	return convShare{stage: c.Stage, unhappy: c.Unhappy, replies: c.Replies}
}

// contactDelta is how one transaction changed a contact's conversations.
type contactDelta struct {
	replies int          // our replies to them, added
	stage   funnel.Stage // the furthest stage of the changed conversations
	unhappy bool         // a changed conversation is unhappy
	rescan  bool         // a max went down or an any was cleared: read all
}

func (d *contactDelta) add(before, after convShare) {
	d.replies += after.replies - before.replies
	d.stage = max(d.stage, after.stage)
	d.unhappy = d.unhappy || after.unhappy
	if after.stage < before.stage || (before.unhappy && !after.unhappy) {
		d.rescan = true
	}
}

// contactDeltas collects the deltas of one Ingest, and the links it made.
type contactDeltas struct {
	convs    map[string]*contactDelta // contact ID -> its conversations' change
	newLinks map[string]int           // contact ID -> threads newly linked
}

func newContactDeltas() *contactDeltas {
	return &contactDeltas{convs: map[string]*contactDelta{}, newLinks: map[string]int{}}
}

// conv records one conversation's change; a conversation not stored
// before has before zero.
func (ds *contactDeltas) conv(contact string, before, after convShare) {
	d := ds.convs[contact]
	if d == nil {
		d = &contactDelta{}
		ds.convs[contact] = d
	}
	d.add(before, after)
}

// apply rolls c up from its stored roll-up and the deltas. It reports
// false, changing nothing, when c must be read in full: a max went down
// or an any was cleared, or none of c's conversations was seen changing
// (every contact an Ingest touches has one in a touched thread, so that
// means some other writer; the full read is always right).
func (ds *contactDeltas) apply(c *Contact) bool {
	d := ds.convs[c.ID]
	if d == nil || d.rescan {
		return false
	}
	c.Threads += ds.newLinks[c.ID]
	c.Replies += d.replies
	c.Stage = max(c.Stage, d.stage)
	c.Unhappy = c.Unhappy || d.unhappy
	return true
}
