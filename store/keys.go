package store

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"strings"
	"time"

	"parley/funnel"
)

// threadIDLen is the fixed length of a thread ID. Index keys put the
// thread ID first, so a fixed length keeps prefix scans exact.
const threadIDLen = 16

// Queue ranks: the rank byte leads the queue key, so the queue reads
// unhappy threads first, then buying intent, then the rest, each group
// longest waiting first.
const (
	rankUnhappy byte = 0
	rankIntent  byte = 1
	rankOther   byte = 2
)

// contactIDLen is the fixed length of a contact ID, for the same reason.
const contactIDLen = 16

// threadIDFor hashes a thread key ("url:…" or "id:…") into a stable ID.
func threadIDFor(threadKey string) string {
	sum := sha256.Sum256([]byte(threadKey))
	return hex.EncodeToString(sum[:threadIDLen/2])
}

// contactID names an author on a source. Names are compared trimmed and
// case-insensitively ("Ann " and "ann" are one person); the feed is part
// of the key because the same name on two sources need not be the same
// person.
func contactID(feed, author string) string {
	sum := sha256.Sum256([]byte(feed + "\x00" + strings.ToLower(strings.TrimSpace(author))))
	return hex.EncodeToString(sum[:contactIDLen/2])
}

// nanos turns t into unix nanoseconds for big-endian, sortable keys.
// Times outside what UnixNano can represent are clamped (zero and
// pre-1970 times sort first) rather than wrapping around.
func nanos(t time.Time) uint64 {
	switch {
	case t.IsZero() || t.Unix() < 0:
		return 0
	case t.Unix() >= math.MaxInt64/int64(time.Second):
		return math.MaxInt64
	}
	return uint64(t.UnixNano())
}

// fromNanos is the inverse of nanos for keys read back from an index.
func fromNanos(n uint64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, int64(n)).UTC()
}

// queueKey: rank (1) | WaitingSince unix nanos (8, BE) | thread ID.
func queueKey(rank byte, waitingSince time.Time, threadID string) []byte {
	k := make([]byte, 0, 1+8+len(threadID))
	k = append(k, rank)
	k = binary.BigEndian.AppendUint64(k, nanos(waitingSince))
	return append(k, threadID...)
}

// snoozeKey: SnoozedUntil unix nanos (8, BE) | thread ID.
func snoozeKey(until time.Time, threadID string) []byte {
	k := make([]byte, 0, 8+len(threadID))
	k = binary.BigEndian.AppendUint64(k, nanos(until))
	return append(k, threadID...)
}

// timedKey: thread ID (16) | time unix nanos (8, BE) | sequence (8, BE).
// Used by thread_msgs and replies; the sequence keeps entries with equal
// times distinct and in arrival order.
func timedKey(threadID string, t time.Time, seq uint64) []byte {
	k := make([]byte, 0, len(threadID)+16)
	k = append(k, threadID...)
	k = binary.BigEndian.AppendUint64(k, nanos(t))
	return binary.BigEndian.AppendUint64(k, seq)
}

// convKey: thread ID (16) | contact ID (16), the key of a conversation.
// A thread's conversations are one key range.
func convKey(threadID, contact string) []byte {
	k := make([]byte, 0, threadIDLen+contactIDLen)
	k = append(k, threadID...)
	return append(k, contact...)
}

// convStageKey: stage (1) | StageAt unix nanos (8, BE) | thread ID (16) |
// contact ID (16).
func convStageKey(st funnel.Stage, stageAt time.Time, threadID, contact string) []byte {
	k := make([]byte, 0, 1+8+threadIDLen+contactIDLen)
	k = append(k, byte(st))
	k = binary.BigEndian.AppendUint64(k, nanos(stageAt))
	k = append(k, threadID...)
	return append(k, contact...)
}

// movesByTimeKey: At unix nanos (8, BE) | sequence (8, BE). The sequence
// is the one of the move's stage_moves key, so the two entries pair up.
func movesByTimeKey(t time.Time, seq uint64) []byte {
	k := make([]byte, 0, 16)
	k = binary.BigEndian.AppendUint64(k, nanos(t))
	return binary.BigEndian.AppendUint64(k, seq)
}

// Values in moves_by_time: thread ID (16) | from (1) | to (1) | manual (1)
// | contact ID (16, schema 5).
func movesByTimeValue(m *StageMove) []byte {
	v := make([]byte, 0, threadIDLen+3+contactIDLen)
	v = append(v, m.ThreadID...)
	var manual byte
	if m.Manual {
		manual = 1
	}
	v = append(v, byte(m.From), byte(m.To), manual)
	return append(v, m.Contact...)
}

// contactThreadKey: contact ID (16) | thread ID (16).
func contactThreadKey(contact, threadID string) []byte {
	k := make([]byte, 0, len(contact)+len(threadID))
	k = append(k, contact...)
	return append(k, threadID...)
}

// Values in contact_threads: one flags byte.
const flagStarted byte = 1 << 0 // the contact is the thread's Author

// timedSeekAfter is where a cursor starts to find threadID's entries
// strictly after t (all of them when t is zero).
func timedSeekAfter(threadID string, t time.Time) []byte {
	n := nanos(t)
	if !t.IsZero() && n < math.MaxInt64 {
		n++
	}
	k := make([]byte, 0, len(threadID)+8)
	k = append(k, threadID...)
	return binary.BigEndian.AppendUint64(k, n)
}

// timedKeyTime reads the time part of a timedKey.
func timedKeyTime(k []byte) time.Time {
	if len(k) < threadIDLen+8 {
		return time.Time{}
	}
	return fromNanos(binary.BigEndian.Uint64(k[threadIDLen:]))
}

// Values in thread_msgs: flags (1) | message ID. The ours flag lets
// WaitingSince be recomputed from the index alone.
const flagOurs byte = 1 << 0

func threadMsgValue(ours bool, msgID string) []byte {
	v := make([]byte, 0, 1+len(msgID))
	var f byte
	if ours {
		f |= flagOurs
	}
	v = append(v, f)
	return append(v, msgID...)
}

func uint64Bytes(v uint64) []byte {
	return binary.BigEndian.AppendUint64(nil, v)
}

func uint64FromBytes(b []byte) uint64 { return binary.BigEndian.Uint64(b) }
