package store

import (
	"encoding/binary"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"

	"parley/funnel"
)

// Per-teammate counters ("who moved what"), kept in funnel_counts in the
// transaction of the move or reply they count, so the funnel's
// per-teammate figures read one short key range:
//
//	'M' | stage (1) | who   manual stage moves into the stage by who (8 BE)
//	'R' | who               replies recorded or sent by who (8 BE)
//	'T'                     the two above are built (a database at schema 7
//	                        from before them builds them once at open)
//
// who is the teammate's login name; "" is the console's user in
// single-user mode.
const (
	countTeamMoves   = 'M'
	countTeamReplies = 'R'
	countTeamBuilt   = 'T'
)

var keyTeamBuilt = []byte{countTeamBuilt}

func teamMoveKey(to funnel.Stage, who string) []byte {
	return append([]byte{countTeamMoves, byte(to)}, who...)
}

func teamReplyKey(who string) []byte { return append([]byte{countTeamReplies}, who...) }

// TeammateFunnel is one teammate's part in the funnel: the conversations
// they moved on by hand into each stage, and their replies.
type TeammateFunnel struct {
	Who string // login name; "" the console's user when not in team mode
	// Moved counts their manual moves into each stage, indexed by
	// funnel.Stage (a move back counts at the stage it went to).
	Moved   [6]int
	Replies int
}

// Moves is all their manual moves.
func (t TeammateFunnel) Moves() int {
	n := 0
	for _, m := range t.Moved {
		n += m
	}
	return n
}

// FunnelByTeammate reads the per-teammate counters: one entry per
// teammate who moved a conversation by hand or replied, most replies
// first (then most moves, then by name). It reads O(teammates × stages)
// records.
func (s *Store) FunnelByTeammate() ([]TeammateFunnel, error) {
	var out []TeammateFunnel
	err := s.view(func(tx *bolt.Tx) error {
		byWho := map[string]*TeammateFunnel{}
		of := func(who []byte) *TeammateFunnel {
			t := byWho[string(who)]
			if t == nil {
				t = &TeammateFunnel{Who: string(who)}
				byWho[t.Who] = t
			}
			return t
		}
		c := tx.Bucket(bucketFunnelCounts).Cursor()
		for k, v := c.Seek([]byte{countTeamMoves}); k != nil && k[0] <= countTeamReplies; k, v = c.Next() {
			if len(v) < 8 {
				return fmt.Errorf("funnel counter %q is damaged", k)
			}
			n := int(binary.BigEndian.Uint64(v))
			switch k[0] {
			case countTeamMoves:
				if len(k) < 2 {
					return fmt.Errorf("funnel counter %q is damaged", k)
				}
				if st := funnel.Stage(k[1]); st.Valid() {
					of(k[2:]).Moved[st] += n
				}
			case countTeamReplies:
				of(k[1:]).Replies += n
			}
		}
		for _, t := range byWho {
			out = append(out, *t)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the funnel per teammate: %w", err)
	}
	slices.SortFunc(out, func(a, b TeammateFunnel) int {
		switch {
		case a.Replies != b.Replies:
			return b.Replies - a.Replies
		case a.Moves() != b.Moves():
			return b.Moves() - a.Moves()
		case a.Who < b.Who:
			return -1
		case a.Who > b.Who:
			return 1
		}
		return 0
	})
	return out, nil
}

// countTeamMove counts a manual move by its teammate.
func countTeamMove(tx *bolt.Tx, m *StageMove) error {
	if !m.Manual {
		return nil
	}
	return addCount(tx.Bucket(bucketFunnelCounts), teamMoveKey(m.To, m.Who), 1)
}

// countTeamReply counts a reply stored for the first time.
func countTeamReply(tx *bolt.Tx, r *Reply) error {
	return addCount(tx.Bucket(bucketFunnelCounts), teamReplyKey(r.Who), 1)
}

// buildTeamCounts counts every stored manual move and reply afresh (the
// counters must not be there yet) and marks them built.
func buildTeamCounts(tx *bolt.Tx) error {
	counts := tx.Bucket(bucketFunnelCounts)
	sums := map[string]uint64{}
	if err := tx.Bucket(bucketStageMoves).ForEach(func(k, v []byte) error {
		m, err := decodeMove(k, v)
		if err != nil {
			return err
		}
		if m.Manual {
			sums[string(teamMoveKey(m.To, m.Who))]++
		}
		return nil
	}); err != nil {
		return err
	}
	if err := tx.Bucket(bucketReplies).ForEach(func(_, v []byte) error {
		r, err := decodeReply(v)
		if err != nil {
			return err
		}
		sums[string(teamReplyKey(r.Who))]++
		return nil
	}); err != nil {
		return err
	}
	for k, n := range sums {
		if err := counts.Put([]byte(k), binary.BigEndian.AppendUint64(nil, n)); err != nil {
			return err
		}
	}
	return counts.Put(keyTeamBuilt, binary.BigEndian.AppendUint64(nil, 1))
}

// ensureTeamCounts builds the per-teammate counters of a database
// upgraded to schema 7 before they existed: once, at open.
func ensureTeamCounts(db *bolt.DB) error {
	built := true
	if err := db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketFunnelCounts); b != nil {
			built = b.Get(keyTeamBuilt) != nil
		}
		return nil
	}); err != nil || built {
		return err
	}
	return db.Update(buildTeamCounts)
}
