package feeds

import "slices"

// oursFirst returns the indexes of items with our own posts first, each
// group in its order: lookups that cost a request are bounded per fetch,
// and which message our reply answers decides whose conversation it is in,
// so ours get the budget first.
func oursFirst(items []Item) []int {
	order := make([]int, len(items))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case items[a].Ours == items[b].Ours:
			return 0
		case items[a].Ours:
			return -1
		}
		return 1
	})
	return order
}
