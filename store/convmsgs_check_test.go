package store

import (
	"bytes"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// checkConvMsgs (part of checkIndexes): every indexed thread's conv_msgs
// entries are exactly its messages under their conversation, and no
// thread without the marker has entries.
func checkConvMsgs(tx *bolt.Tx) error {
	cm := tx.Bucket(bucketConvMsgs)
	if cm == nil {
		return nil
	}
	got := map[string][]string{} // thread ID -> key|value, key order
	marked := map[string]bool{}
	err := cm.ForEach(func(k, v []byte) error {
		switch len(k) {
		case threadIDLen:
			marked[string(k)] = true
		case threadIDLen + contactIDLen + 16:
			tid := string(k[:threadIDLen])
			got[tid] = append(got[tid], fmt.Sprintf("%x|%x", k, v))
		default:
			return fmt.Errorf("conv_msgs: key %x of length %d", k, len(k))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for tid := range got {
		if !marked[tid] {
			return fmt.Errorf("conv_msgs: thread %s has entries but no marker", tid)
		}
	}
	for tid := range marked {
		var want [][]byte
		var vals = map[string][]byte{}
		err := eachThreadMessage(tx, tid, func(k, id, rec []byte) error {
			mv, err := decodeMessageView(id, rec)
			if err != nil {
				return err
			}
			key := convMsgKey(k, convMsgContact(&mv))
			want = append(want, key)
			vals[string(key)] = threadMsgValue(mv.ours, string(id))
			return nil
		})
		if err != nil {
			return err
		}
		if len(want) == 0 {
			return fmt.Errorf("conv_msgs: thread %s is marked but has no messages", tid)
		}
		slices.SortFunc(want, bytes.Compare)
		var wantS []string
		for _, k := range want {
			wantS = append(wantS, fmt.Sprintf("%x|%x", k, vals[string(k)]))
		}
		if fmt.Sprint(got[tid]) != fmt.Sprint(wantS) {
			return fmt.Errorf("conv_msgs: thread %s:\n got %v\nwant %v", tid, got[tid], wantS)
		}
	}
	return nil
}
