package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// gcDiscardRatio is the share of a value-log file that must be garbage
// before GC rewrites it: half, Badger's recommendation.
const gcDiscardRatio = 0.5

// CollectGarbage runs one value-log GC pass: it rewrites value-log files
// that are at least half garbage until none is left. Only values larger
// than the value threshold (4 KB: document texts, long citations) live
// in the value log; the rest is compacted with the LSM tree.
func (s *Store) CollectGarbage() (rewritten int, err error) {
	for {
		err := s.db.RunValueLogGC(gcDiscardRatio)
		switch {
		case err == nil:
			rewritten++
		case errors.Is(err, badger.ErrNoRewrite), errors.Is(err, badger.ErrRejected):
			return rewritten, nil
		default:
			return rewritten, fmt.Errorf("value-log gc: %w", err)
		}
	}
}

// RunGC calls CollectGarbage every interval until ctx is done, logging
// what it did; it returns when ctx is done.
func (s *Store) RunGC(ctx context.Context, every time.Duration, log *slog.Logger) {
	if every <= 0 {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, err := s.CollectGarbage()
		switch {
		case err != nil:
			log.Warn("value-log gc failed", "err", err)
		case n > 0:
			log.Info("value-log gc", "files_rewritten", n)
		}
	}
}
