//go:build unix

package search

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// lockDir takes the index directory's lock without waiting: one process
// serves an index directory at a time. The lock is released by the
// returned function, and by the system when the process ends, however it
// ends.
func lockDir(dir string) (release func(), err error) {
	f, err := os.OpenFile(filepath.Join(dir, lockFile), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("search: lock index directory: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w: %s", ErrLocked, dir)
		}
		return nil, fmt.Errorf("search: lock index directory: %w", err)
	}
	return func() { f.Close() }, nil
}

// lockCurrent takes the lock on CURRENT, waiting for it: it is held only
// while CURRENT is checked and written.
func lockCurrent(dir string) (release func(), err error) {
	f, err := os.OpenFile(filepath.Join(dir, currentLockFile), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("search: lock %s: %w", currentFile, err)
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("search: lock %s: %w", currentFile, err)
	}
	return func() { f.Close() }, nil
}
