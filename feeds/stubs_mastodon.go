package feeds

import (
	"context"
	"errors"
)

func (f *Fetcher) fetchMastodon(ctx context.Context, feed Feed) ([]Item, error) {
	return nil, errors.New("mastodon: not built yet")
}

func newMastodonReplier(f *Fetcher, feed Feed) Replier { return nil }
