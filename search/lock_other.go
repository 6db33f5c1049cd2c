//go:build !unix

package search

// lockDir does not lock on systems without flock: two processes on one
// index directory wait on the index's own file lock instead.
func lockDir(string) (func(), error) { return func() {}, nil }

// lockCurrent does not lock on systems without flock.
func lockCurrent(string) (func(), error) { return func() {}, nil }
