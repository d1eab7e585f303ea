package store

import (
	"parley/funnel"
)

// RulesVersion names the funnel rules an analyzer applies: a hash of its
// effective config and of the analyzer version. A database records the
// version its stages were read with; when it differs, every conversation
// is re-read (Reread).
func RulesVersion(an *funnel.Analyzer) string { return "" }

// Reread re-reads every conversation with the store's analyzer, in
// chunked transactions, calling progress (if set) after each chunk, and
// records the rules version. It returns how many conversations it read.
func (s *Store) Reread(progress func(done, total int)) (int, error) { return 0, errTODO }
