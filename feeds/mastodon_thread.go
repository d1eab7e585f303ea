package feeds

import (
	"context"
	"net/url"
	"sync"
)

// The conversation a Mastodon status belongs to: Item.Root is its first
// status. A reply's chain is followed through the statuses of the same
// fetch and the roots this Fetcher learnt before; where it leaves them
// (the answered status did not mention us), the status's context
// (GET /api/v1/statuses/:id/context, ancestors first to last) says, a few
// per fetch. Root stays empty when unknown: the store then threads by
// InReplyTo alone, as before.

const (
	// mastodonRootLookups bounds the context requests of one fetch.
	mastodonRootLookups = 10
	// mastodonRootsMax bounds the remembered roots; past it the memory
	// starts afresh.
	mastodonRootsMax = 100_000
)

type mastodonStatusKey struct {
	f            *Fetcher
	base, status string
}

// mastodonRoots remembers status ID → the ID of its conversation's first
// status.
var mastodonRoots = struct {
	sync.Mutex
	m map[mastodonStatusKey]string
}{m: map[mastodonStatusKey]string{}}

func (c *mastodonClient) rememberRoot(status, root string) {
	mastodonRoots.Lock()
	defer mastodonRoots.Unlock()
	if len(mastodonRoots.m) >= mastodonRootsMax {
		clear(mastodonRoots.m)
	}
	mastodonRoots.m[mastodonStatusKey{c.f, c.base, status}] = root
}

func (c *mastodonClient) knownRoot(status string) (string, bool) {
	mastodonRoots.Lock()
	defer mastodonRoots.Unlock()
	root, ok := mastodonRoots.m[mastodonStatusKey{c.f, c.base, status}]
	return root, ok
}

// setRoots fills Root of items, made from statuses in the same order.
func (c *mastodonClient) setRoots(ctx context.Context, token string, statuses []mastodonStatus, items []Item) {
	parent := make(map[string]string, len(statuses)) // fetched status → what it answers ("" none)
	for _, s := range statuses {
		if s.InReplyToID != nil {
			parent[s.ID] = *s.InReplyToID
		} else {
			parent[s.ID] = ""
		}
	}
	// rootOf follows id's chain; ok is false where it leaves what is known.
	rootOf := func(id string) (root string, ok bool) {
		for range len(parent) + 1 { // a longer chain is a loop: hostile
			if r, known := c.knownRoot(id); known {
				return r, true
			}
			p, fetched := parent[id]
			switch {
			case !fetched:
				return "", false
			case p == "":
				return id, true
			}
			id = p
		}
		return "", false
	}
	// Ours first: the thread our reply is in says whose conversation it is.
	order := oursFirst(items)
	lookups := mastodonRootLookups
	for _, i := range order {
		s := statuses[i]
		if s.InReplyToID == nil || *s.InReplyToID == "" {
			continue // it starts its conversation
		}
		root, ok := rootOf(s.ID)
		if !ok && lookups > 0 {
			lookups--
			root, ok = c.lookupRoot(ctx, token, s.ID)
		}
		if ok && root != s.ID {
			c.rememberRoot(s.ID, root)
			items[i].Root = c.itemID(root)
		}
	}
}

// lookupRoot asks the server for status's ancestors: the first is the
// root. Failing that (deleted, private, the server down), it is unknown.
func (c *mastodonClient) lookupRoot(ctx context.Context, token, status string) (string, bool) {
	var thread mastodonContext
	if err := c.get(ctx, token, "/api/v1/statuses/"+url.PathEscape(status)+"/context", url.Values{}, &thread); err != nil {
		return "", false
	}
	if len(thread.Ancestors) == 0 || thread.Ancestors[0].ID == "" {
		return "", false
	}
	root := thread.Ancestors[0].ID
	for _, a := range thread.Ancestors {
		c.rememberRoot(a.ID, root)
	}
	return root, true
}
