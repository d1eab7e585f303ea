package feeds

import (
	"context"
	"errors"
)

func (f *Fetcher) fetchReddit(ctx context.Context, feed Feed) ([]Item, error) {
	return nil, errors.New("reddit: not built yet")
}

func (f *Fetcher) fetchHN(ctx context.Context, feed Feed) ([]Item, error) {
	return nil, errors.New("hn: not built yet")
}
