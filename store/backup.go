package store

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// Backup streams every entry newer than version since to w, in Badger's
// backup format, from a consistent snapshot while writes go on. since 0 is
// a full backup. It returns the since to pass for the next incremental
// backup: the newest version this one holds.
//
// Badger's documentation says to pass that version plus one, but its
// iterator keeps only versions strictly greater than since, so plus one
// would silently skip the first transaction after this backup (a test
// pins this).
func (s *Store) Backup(w io.Writer, since uint64) (next uint64, err error) {
	last, err := s.db.Backup(w, since)
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	return max(last, since), nil
}

// maxPendingWrites bounds the batches a restore keeps in flight.
const maxPendingWrites = 256

// Restore loads backups, oldest first (a full one, then incrementals), into
// dir, which must not exist or be empty: restoring over a live store would
// mix two histories.
func Restore(dir string, backups ...io.Reader) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return fmt.Errorf("restore into %s: %w", dir, err)
	case len(entries) > 0:
		return fmt.Errorf("restore into %s: the directory is not empty; restore into a new directory, then point --data at it", dir)
	}
	s, err := Open(dir, Options{})
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	for i, r := range backups {
		if err := s.db.Load(r, maxPendingWrites); err != nil {
			s.Close()
			return fmt.Errorf("restore backup %d of %d: %w", i+1, len(backups), err)
		}
	}
	return s.Close()
}
