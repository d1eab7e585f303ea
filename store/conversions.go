package store

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"parley/funnel"
)

// Money is an amount in a currency, in hundredths (cents).
type Money struct {
	Currency string // upper case ISO code as given, e.g. "EUR"; may be empty
	Cents    int64
}

// String is "49.00 EUR" (no currency: "49.00").
func (m Money) String() string {
	sign, c := "", m.Cents
	if c < 0 {
		sign, c = "-", -c
	}
	s := fmt.Sprintf("%s%d.%02d", sign, c/100, c%100)
	if m.Currency != "" {
		s += " " + m.Currency
	}
	return s
}

// Conversion is one sale attributed (by ref) to a conversation: a
// conversation ref names the person, an old thread ref the starter.
type Conversion struct {
	// ID makes imports idempotent: the same ID is stored once. Callers
	// leave it empty to use a hash of Ref, Amount, Currency and At.
	ID     string
	Ref    string
	Amount Money
	At     time.Time // zero: the time of the import
	Line   int       // line in the imported file, for error reports
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

func (e ConversionError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %v", e.Line, e.Err)
	}
	return e.Err.Error()
}

func (e ConversionError) Unwrap() error { return e.Err }

// conversionID is the ID of a conversion imported without one: the same
// sale in the same file (or a re-export of it) hashes the same. The
// given At is hashed, not the import time that stands in for a zero one,
// so re-importing such a row is still a duplicate.
func conversionID(c *Conversion) string {
	key := fmt.Sprintf("%s|%d|%s|%s", normRef(c.Ref), c.Amount.Cents, c.Amount.Currency, c.At.UTC().Format(time.RFC3339Nano))
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])[:32]
}

// ImportConversions attributes conversions to threads by ref in one
// transaction: each new one is stored, counted on its thread and moves the
// thread to converted (unless it is further). Importing the same
// conversions again changes nothing.
func (s *Store) ImportConversions(cs []Conversion, now time.Time) (ImportResult, error) {
	if now.IsZero() {
		now = time.Now()
	}
	now = now.UTC()
	var (
		out     ImportResult
		touched []string // threads that counted a conversion
	)
	err := s.update(func(tx *bolt.Tx) error {
		out, touched = ImportResult{}, nil
		seen := map[string]bool{}
		b := tx.Bucket(bucketConversions)
		var contacts []string
		for _, c := range cs {
			c.Ref = normRef(c.Ref)
			c.Amount.Currency = strings.ToUpper(strings.TrimSpace(c.Amount.Currency))
			id := strings.TrimSpace(c.ID)
			if id == "" {
				id = conversionID(&c)
			}
			if b.Get([]byte(id)) != nil {
				out.Duplicate++
				continue
			}
			tid, contact, err := resolveConvRef(tx, c.Ref)
			if err != nil {
				out.Unknown = append(out.Unknown, ConversionError{Conversion: c, Err: err})
				continue
			}
			c.At = clampTime(c.At, now)
			moved, contact, err := convertConv(tx, tid, contact, &c)
			if err != nil {
				return err
			}
			rec := conversionRec{ThreadID: tid, Contact: contact, Ref: c.Ref, Amount: c.Amount, At: c.At, ImportedAt: now}
			if err := b.Put([]byte(id), encodeConversion(&rec)); err != nil {
				return fmt.Errorf("store conversion %s: %w", id, err)
			}
			feed, err := threadFeed(tx, tid)
			if err != nil {
				return err
			}
			if err := countConversion(tx, feed, rec.Amount); err != nil {
				return fmt.Errorf("count conversion %s: %w", id, err)
			}
			if err := audit(tx, AuditEntry{At: now, Who: s.who, Action: AuditConversion, ThreadID: tid, Contact: contact,
				Detail: c.Ref + " " + c.Amount.String()}); err != nil {
				return err
			}
			out.Imported++
			if !seen[tid] {
				seen[tid] = true
				touched = append(touched, tid)
			}
			if moved && !slices.Contains(out.Converted, tid) {
				out.Converted = append(out.Converted, tid)
			}
			if contact != "" && !slices.Contains(contacts, contact) {
				contacts = append(contacts, contact)
			}
		}
		return rollupContacts(tx, nil, contacts...)
	})
	if err != nil {
		return ImportResult{}, fmt.Errorf("import conversions: %w", err)
	}
	if out.Imported > 0 {
		s.changed(ChangeConversions, "", touched...)
	}
	return out, nil
}

// convertConv counts a conversion on a conversation (contact "": the
// thread's starter's) and moves it to converted if it is not there or
// further. It returns whether it moved and the contact credited, to roll
// up once the import is done.
func convertConv(tx *bolt.Tx, threadID, contact string, c *Conversion) (moved bool, credited string, err error) {
	t, err := loadThread(tx, threadID)
	if err != nil {
		return false, "", err
	}
	tc, err := loadConvs(tx, threadID)
	if err != nil {
		return false, "", err
	}
	cv, err := pickConv(&t, tc, contact)
	if err != nil {
		return false, "", err
	}
	cv.Conversions++
	if cv.Stage < funnel.Converted {
		m := StageMove{
			ThreadID: t.ID, Contact: cv.Contact, At: moveTime(c.At, c.At, cv.StageAt), From: cv.Stage, To: funnel.Converted,
			Cause: fmt.Sprintf("conversion: %s (ref %s)", c.Amount, c.Ref),
		}
		if err := putMove(tx, &m); err != nil {
			return false, "", err
		}
		cv.moved(&m)
		moved = true
	}
	if err := settleThread(tx, &t, tc, map[string]bool{cv.Contact: true}); err != nil {
		return false, "", err
	}
	if err := saveThread(tx, &t, t.SnoozedUntil); err != nil {
		return false, "", err
	}
	return moved, cv.Contact, nil
}

// revenueAdd adds an amount to a per-currency total.
func revenueAdd(rev []Money, m Money) []Money {
	for i := range rev {
		if rev[i].Currency == m.Currency {
			rev[i].Cents += m.Cents
			return rev
		}
	}
	return append(rev, m)
}

// sortRevenue orders per-currency totals largest first (then by code, so
// the order is stable).
func sortRevenue(rev []Money) {
	slices.SortFunc(rev, func(a, b Money) int {
		if c := cmp.Compare(b.Cents, a.Cents); c != 0 {
			return c
		}
		return cmp.Compare(a.Currency, b.Currency)
	})
}
