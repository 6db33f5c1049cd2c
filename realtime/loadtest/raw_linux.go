//go:build linux

package loadtest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

// rawSupported reports whether [ClientsRaw] works on this OS.
const rawSupported = true

// rawPool reads the raw clients' sockets with epoll instead of a goroutine
// per connection: after the handshake (with Go's net package) each socket's
// descriptor is taken out of Go's poller and added to one of the pool's
// epoll sets, and one goroutine per set waits on it and reads every ready
// socket with one non-blocking read. The sets are edge-triggered: a read
// that fills the buffer may have left data behind, so that socket is read
// again after the others of the batch, until a read comes back short (the
// kernel had no more); new data after that raises a new event. So a
// message costs one read, never a read that returns EAGAIN, and epoll does
// not poll the socket again. Each socket belongs to one set, so its frames
// are parsed in order by one goroutine. Reads are raw system calls (a
// non-blocking read never waits), so the Go runtime does not hand the
// reader's processor over on each one.
type rawPool struct {
	url, channel string
	h            *histogram
	streaming    *atomic.Bool
	drops        *atomic.Int64
	interval     time.Duration // > 0: poll the sets this often instead of waiting

	epfds []int
	files []*os.File                // epfds, in Go's poller
	conns []atomic.Pointer[rawConn] // by member index
	ctx   context.Context           // canceled by close: stops redials
	stop  context.CancelFunc
	mu    sync.Mutex     // close closes files only between two adds to a set
	wg    sync.WaitGroup // the readers and the redials
}

// rawConn is one raw client's socket.
type rawConn struct {
	fd      int
	i       int // the member's index
	m       *member
	partial []byte // the start of a frame not yet complete
}

func newRawPool(threads, clients int, url, channel string, interval time.Duration, h *histogram, streaming *atomic.Bool, drops *atomic.Int64) (*rawPool, error) {
	ctx, cancel := context.WithCancel(context.Background())
	p := &rawPool{url: url, channel: channel, h: h, streaming: streaming, drops: drops, interval: interval,
		conns: make([]atomic.Pointer[rawConn], clients), ctx: ctx, stop: cancel}
	for range threads {
		fd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
		if err == nil {
			err = syscall.SetNonblock(fd, true)
		}
		if err != nil {
			p.close()
			return nil, fmt.Errorf("loadtest: epoll_create1: %w", err)
		}
		p.epfds = append(p.epfds, fd)
		if interval <= 0 {
			p.files = append(p.files, os.NewFile(uintptr(fd), "epoll"))
		}
	}
	if interval > 0 {
		for _, fd := range p.epfds {
			p.wg.Add(1)
			go p.pollLoop(fd)
		}
		return p, nil
	}
	for i, f := range p.files {
		sc, err := f.SyscallConn()
		if err != nil {
			p.close()
			return nil, fmt.Errorf("loadtest: epoll set: %w", err)
		}
		p.wg.Add(1)
		go p.readLoop(p.epfds[i], sc)
	}
	return p, nil
}

// dial connects member i, subscribes it (after since when since >= 0) and
// hands its socket to an epoll set.
func (p *rawPool) dial(ctx context.Context, i int, m *member, since int64) error {
	nc, buf, err := handshake(ctx, p.url, p.channel, since)
	if err != nil {
		return err
	}
	f, rest, err := readSubscribed(nc, buf)
	if err != nil {
		nc.Close()
		return err
	}
	// Take the socket from Go: a duplicate of its descriptor (same socket,
	// still non-blocking) outlives the net.Conn, whose Close removes the
	// original from Go's poller.
	fd := -1
	sc, err := nc.(syscall.Conn).SyscallConn()
	if err == nil {
		cerr := sc.Control(func(s uintptr) { fd, err = syscall.Dup(int(s)) })
		if err == nil {
			err = cerr
		}
	}
	nc.Close()
	if err != nil {
		return fmt.Errorf("loadtest: taking the socket: %w", err)
	}
	syscall.CloseOnExec(fd)
	switch {
	case since < 0:
		m.base = f.Seq
		atomic.StoreInt64(&m.last, f.Seq)
	case !f.Recovered:
		// The history is gone: what was missed counts as lost.
		atomic.StoreInt64(&m.last, f.Seq)
	}
	rc := &rawConn{fd: fd, i: i, m: m}
	// The frames that came with the reply (a resume's replay).
	rest, ok := rc.consume(rest, time.Now().UnixNano(), p)
	if !ok {
		syscall.Close(fd)
		return errors.New("loadtest: the server closed the connection after subscribing")
	}
	rc.partial = append([]byte(nil), rest...)
	p.conns[i].Store(rc)
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN | syscall.EPOLLRDHUP | epollET, Fd: int32(i)}
	p.mu.Lock()
	defer p.mu.Unlock()
	err = p.ctx.Err()
	if err == nil {
		err = syscall.EpollCtl(p.epfds[i%len(p.epfds)], syscall.EPOLL_CTL_ADD, fd, &ev)
	}
	if err != nil {
		p.conns[i].Store(nil)
		syscall.Close(fd)
		return fmt.Errorf("loadtest: epoll_ctl: %w", err)
	}
	return nil
}

// readLoop reads the sockets of one epoll set as they become ready. The
// set itself waits in Go's poller (an epoll set is readable while it has
// ready sockets): the loop never blocks a thread in epoll_wait, and the Go
// runtime sees an idle processor, not one in a system call, between bursts.
func (p *rawPool) readLoop(epfd int, set syscall.RawConn) {
	defer p.wg.Done()
	r := newSetReader(p, epfd)
	batch := func(uintptr) bool {
		n := r.batch()
		// Nothing ready: wait for the set's next event.
		return n > 0 || len(r.more) > 0
	}
	for p.ctx.Err() == nil {
		if err := set.Read(batch); err != nil {
			return // the set was closed
		}
	}
}

// pollLoop reads the sockets of one epoll set without ever waiting on it:
// it takes what is ready, and sleeps p.interval once the set is drained.
// No thread waits on the set, so the server's writes never wake one up
// (each wake-up is an inter-processor interrupt in a VM, charged to the
// writer); the price is up to p.interval of latency.
func (p *rawPool) pollLoop(epfd int) {
	defer p.wg.Done()
	r := newSetReader(p, epfd)
	for p.ctx.Err() == nil {
		if n := r.batch(); n < len(r.events) && len(r.more) == 0 {
			time.Sleep(p.interval)
		}
	}
}

// setReader is the state of the goroutine reading one epoll set.
type setReader struct {
	p           *rawPool
	epfd        int
	events      []syscall.EpollEvent
	buf         []byte
	more, again []*rawConn // sockets whose last read filled the buffer
}

func newSetReader(p *rawPool, epfd int) *setReader {
	return &setReader{p: p, epfd: epfd, events: make([]syscall.EpollEvent, 512), buf: make([]byte, readSize)}
}

// batch reads the sockets that are ready, and those whose last read filled
// the buffer; it returns how many events the set had.
func (r *setReader) batch() int {
	p := r.p
	n := max(rawEpollWait(uintptr(r.epfd), r.events), 0)
	if n == 0 && len(r.more) == 0 {
		return 0
	}
	r.again = r.again[:0]
	for _, ev := range r.events[:n] {
		if rc := p.conns[ev.Fd].Load(); rc != nil && p.read(r.epfd, rc, r.buf) {
			r.again = append(r.again, rc)
		}
	}
	for _, rc := range r.more {
		if p.conns[rc.i].Load() == rc && p.read(r.epfd, rc, r.buf) {
			r.again = append(r.again, rc)
		}
	}
	r.more, r.again = r.again, r.more
	return n
}

// rawEpollWait returns the events ready in the set epfd without waiting
// (-1 on an error).
func rawEpollWait(epfd uintptr, events []syscall.EpollEvent) int {
	n, _, errno := syscall.RawSyscall6(syscall.SYS_EPOLL_PWAIT, epfd, uintptr(unsafe.Pointer(&events[0])), uintptr(len(events)), 0, 0, 0)
	if errno != 0 {
		return -1
	}
	return int(n)
}

// readSize is the most a raw client reads at once: several frames when it
// is behind.
const readSize = 16 << 10

// read makes one read from rc's socket and handles the complete frames. It
// reports whether the read filled the buffer (the socket may hold more).
func (p *rawPool) read(epfd int, rc *rawConn, buf []byte) (full bool) {
	if len(rc.partial) > len(buf)/2 {
		buf = make([]byte, 2*len(rc.partial)+readSize) // a rare large frame
	}
	k := copy(buf, rc.partial)
	n, errno := rawRead(rc.fd, buf[k:])
	if errno == syscall.EAGAIN || errno == syscall.EINTR {
		return false
	}
	if n <= 0 {
		p.drop(epfd, rc)
		return false
	}
	rest, ok := rc.consume(buf[:k+n], time.Now().UnixNano(), p)
	if !ok {
		p.drop(epfd, rc)
		return false
	}
	rc.partial = append(rc.partial[:0], rest...)
	return k+n == len(buf)
}

// rawRead reads from the non-blocking fd without telling the Go scheduler
// (it never waits).
func rawRead(fd int, b []byte) (int, syscall.Errno) {
	n, _, errno := syscall.RawSyscall(syscall.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)))
	return int(n), errno
}

// consume handles the complete frames at the start of b, received at now,
// and returns the rest; !ok when the connection must end (a close frame
// or a protocol error).
func (rc *rawConn) consume(b []byte, now int64, p *rawPool) (rest []byte, ok bool) {
	for {
		op, payload, r, complete, err := nextFrame(b)
		if err != nil {
			return nil, false
		}
		if !complete {
			return b, true
		}
		b = r
		switch op {
		case opText:
			if seq, data, ok := parseMessage(payload); ok {
				rc.m.receiveAt(seq, data, now, p.h, p.streaming)
			}
			// Other frames (a reset's subscribed, errors) change nothing
			// the tally needs.
		case opPing:
			_, _ = syscall.Write(rc.fd, clientFrame(opPong, payload))
		case opClose:
			return nil, false
		}
	}
}

// drop ends rc's connection (the server closed it or broke the protocol)
// and, unless the pool is closing, redials with since in the background.
func (p *rawPool) drop(epfd int, rc *rawConn) {
	_ = syscall.EpollCtl(epfd, syscall.EPOLL_CTL_DEL, rc.fd, nil)
	p.conns[rc.i].Store(nil)
	syscall.Close(rc.fd)
	if p.ctx.Err() != nil {
		return
	}
	p.drops.Add(1)
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		backoff := 50 * time.Millisecond
		for p.ctx.Err() == nil {
			time.Sleep(backoff/2 + rand.N(backoff))
			backoff = min(2*backoff, 3*time.Second)
			ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
			err := p.dial(ctx, rc.i, rc.m, atomic.LoadInt64(&rc.m.last))
			cancel()
			if err == nil {
				return
			}
		}
	}()
}

// closeMember closes member i's connection with a close frame.
func (p *rawPool) closeMember(i int) {
	rc := p.conns[i].Swap(nil)
	if rc == nil {
		return
	}
	_, _ = syscall.Write(rc.fd, closeFrame)
	syscall.Close(rc.fd)
}

// close stops the readers and the redials and closes every connection.
func (p *rawPool) close() {
	p.stop()
	p.mu.Lock()
	for _, f := range p.files {
		f.Close() // wakes its reader
	}
	p.files = nil
	p.mu.Unlock()
	p.wg.Wait()
	for i := range p.conns {
		p.closeMember(i)
	}
	if p.interval > 0 {
		for _, fd := range p.epfds {
			syscall.Close(fd)
		}
	}
}

// epollET is EPOLLET as the uint32 of an epoll event's mask.
const epollET = 1 << 31
