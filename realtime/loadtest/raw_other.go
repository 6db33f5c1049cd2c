//go:build !linux

package loadtest

import (
	"context"
	"errors"
	"sync/atomic"
	"time"
)

// rawSupported reports whether [ClientsRaw] works on this OS.
const rawSupported = false

// rawPool is Linux only (epoll); elsewhere the load tool uses
// [ClientsGoroutine].
type rawPool struct{}

func newRawPool(int, int, string, string, time.Duration, *histogram, *atomic.Bool, *atomic.Int64) (*rawPool, error) {
	return nil, errors.New("loadtest: raw clients need Linux (epoll)")
}

func (p *rawPool) dial(context.Context, int, *member, int64) error {
	return errors.New("loadtest: raw clients need Linux (epoll)")
}

func (p *rawPool) close() {}
