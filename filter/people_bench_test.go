package filter

import (
	"fmt"
	"testing"
	"time"

	"parley/funnel"
)

// BenchmarkContactsWindow300k is one keystroke of a filter on the
// contacts at 300k contacts: every contact tested, one window named.
func BenchmarkContactsWindow300k(b *testing.B) {
	ix := NewIndex()
	const n = 300_000
	cs := make([]Contact, n)
	for i := range cs {
		cs[i] = Contact{ID: fmt.Sprintf("%016x", i), Feed: fmt.Sprintf("feed%02d", i%50), Name: fmt.Sprintf("Person %d", i),
			Stage: funnel.Stage(i % 6), LastSeen: now.Add(-time.Duration(i) * time.Minute)}
	}
	ix.PutContacts(cs)
	ix.ContactsLoaded()
	ix.Prepare()
	q, _ := Parse("from:a")
	q2, _ := Parse("from:person feed:feed0")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		qq := q
		if i++; i%2 == 0 {
			qq = q2
		}
		ix.ContactsWindow(qq, Env{Now: now}, Contact{}, false, 40, 60)
	}
}
