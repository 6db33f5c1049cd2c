package segbuild

import "io"

// asyncWriter writes to w from its own goroutine, in chunks, so that the
// encoding of the segment and the system calls that write it overlap.
type asyncWriter struct {
	w    io.Writer
	buf  []byte
	full chan []byte
	free chan []byte
	done chan error
	err  error // the writer goroutine's error, once known
}

// newAsyncWriter returns a writer to w with n buffers of size bytes.
func newAsyncWriter(w io.Writer, size, n int) *asyncWriter {
	a := &asyncWriter{w: w, full: make(chan []byte, n), free: make(chan []byte, n), done: make(chan error, 1)}
	for range n - 1 {
		a.free <- make([]byte, 0, size)
	}
	a.buf = make([]byte, 0, size)
	go func() {
		var err error
		for b := range a.full {
			if err == nil {
				_, err = w.Write(b)
			}
			a.free <- b[:0]
		}
		a.done <- err
	}()
	return a
}

// Write copies p into the buffers; an error of an earlier write is
// returned by Close.
func (a *asyncWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		k := copy(a.buf[len(a.buf):cap(a.buf)], p)
		a.buf, p = a.buf[:len(a.buf)+k], p[k:]
		if len(a.buf) == cap(a.buf) {
			a.full <- a.buf
			a.buf = <-a.free
		}
	}
	return n, nil
}

// Close writes what is buffered, waits for the writes and returns their
// first error.
func (a *asyncWriter) Close() error {
	if len(a.buf) > 0 {
		a.full <- a.buf
	}
	close(a.full)
	return <-a.done
}
