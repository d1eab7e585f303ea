package feeds

import (
	"context"
	"errors"
)

func (f *Fetcher) fetchDiscourse(ctx context.Context, feed Feed) ([]Item, error) {
	return nil, errors.New("discourse: not built yet")
}

func newDiscourseReplier(f *Fetcher, feed Feed) Replier { return nil }
