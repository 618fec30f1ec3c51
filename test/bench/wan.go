package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// wan puts every context of a fleet at WAN distance: each gets a loopback
// listener of its own that forwards to the one local API server, holding
// every chunk for delay in each direction (a round trip of 2×delay, as
// between sites), without limiting bandwidth. It listens on loopback only,
// holds at most maxConns connections and stops by itself after life, so a
// benchmark that dies leaves nothing listening.
type wan struct {
	delay    time.Duration
	target   string
	maxConns int

	mu        sync.Mutex
	listeners []net.Listener
	conns     map[net.Conn]bool
	stop      chan struct{}
	once      sync.Once
}

// Kinds of listeners besides the delaying one.
const (
	wanDelay   = iota // forwards after the delay
	wanSilent         // accepts and never answers
	wanRefuser        // answers the TLS handshake with garbage
)

func newWAN(target string, delay, life time.Duration, maxConns int) *wan {
	w := &wan{delay: delay, target: target, maxConns: maxConns, conns: map[net.Conn]bool{}, stop: make(chan struct{})}
	time.AfterFunc(life, w.Close)
	return w
}

// Listen opens one more site of the given kind and returns its address.
func (w *wan) Listen(kind int) (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	w.mu.Lock()
	w.listeners = append(w.listeners, l)
	w.mu.Unlock()
	go w.accept(l, kind)
	return l.Addr().String(), nil
}

func (w *wan) accept(l net.Listener, kind int) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		if !w.track(c) {
			c.Close()
			continue
		}
		switch kind {
		case wanSilent:
			// Held open, unanswered, until the proxy stops.
		case wanRefuser:
			go func() {
				defer w.untrack(c)
				_, _ = c.Write([]byte("HTTP/1.1 400 Bad Request\r\n\r\nnot TLS"))
			}()
		default:
			go w.forward(c)
		}
	}
}

// track counts a connection in, refusing past maxConns.
func (w *wan) track(c net.Conn) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	select {
	case <-w.stop:
		return false
	default:
	}
	if len(w.conns) >= w.maxConns {
		return false
	}
	w.conns[c] = true
	return true
}

func (w *wan) untrack(c net.Conn) {
	w.mu.Lock()
	delete(w.conns, c)
	w.mu.Unlock()
	c.Close()
}

func (w *wan) forward(client net.Conn) {
	defer w.untrack(client)
	server, err := net.Dial("tcp", w.target)
	if err != nil {
		return
	}
	defer server.Close()
	done := make(chan struct{}, 2)
	go func() { w.pipe(server, client); done <- struct{}{} }()
	go func() { w.pipe(client, server); done <- struct{}{} }()
	<-done
}

// pipe copies src to dst, each chunk written delay after it was read:
// a reader stamps chunks, a writer sleeps until each one's time, so
// chunks in flight overlap as on a long link.
func (w *wan) pipe(dst, src net.Conn) {
	type chunk struct {
		at   time.Time
		data []byte
	}
	queue := make(chan chunk, 1024)
	go func() {
		defer close(queue)
		for {
			buf := make([]byte, 32*1024)
			n, err := src.Read(buf)
			if n > 0 {
				queue <- chunk{time.Now().Add(w.delay), buf[:n]}
			}
			if err != nil {
				return
			}
		}
	}()
	for c := range queue {
		time.Sleep(time.Until(c.at))
		if _, err := dst.Write(c.data); err != nil {
			break
		}
	}
	// Tell the other side no more is coming, as a closed link would.
	if tc, ok := dst.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
	}
	_ = src.Close()
	for range queue {
	}
}

// Close stops every listener and connection.
func (w *wan) Close() {
	w.once.Do(func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		close(w.stop)
		for _, l := range w.listeners {
			l.Close()
		}
		for c := range w.conns {
			c.Close()
		}
	})
}

// checkWAN measures one round trip through a delaying site: the harness
// says what it set up before any figure depends on it.
func checkWAN(w *wan) (time.Duration, error) {
	addr, err := w.Listen(wanDelay)
	if err != nil {
		return 0, err
	}
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	start := time.Now()
	// A TLS ClientHello's first byte is enough to get the server's
	// answer (an alert, or its hello).
	if _, err := c.Write([]byte{0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x00}); err != nil {
		return 0, err
	}
	buf := make([]byte, 1)
	if _, err := io.ReadFull(c, buf); err != nil && !errors.Is(err, io.EOF) {
		return 0, fmt.Errorf("no answer through the delaying proxy: %w", err)
	}
	return time.Since(start), nil
}
