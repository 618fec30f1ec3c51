package harness

import (
	"bytes"
	"os"
	"sync"
	"syscall"
	"time"
)

// trigger is something done to a running command (a signal, a test's
// move) after a delay, once its output holds a string, or once a channel
// is closed.
type trigger struct {
	after time.Duration
	on    string
	when  <-chan struct{}
	do    func(*os.Process)
}

// SignalAfter sends sig to the command after d (to test Ctrl-C).
func (c *Cmd) SignalAfter(d time.Duration, sig syscall.Signal) *Cmd {
	c.trigger = &trigger{after: d, do: signal(sig)}
	return c
}

// SignalOn sends sig once stdout or stderr holds s: the command is
// interrupted at a point it announced, with no guessed delay.
func (c *Cmd) SignalOn(s string, sig syscall.Signal) *Cmd {
	c.trigger = &trigger{on: s, do: signal(sig)}
	return c
}

// SignalWhen sends sig once ready is closed (by a fault the test drives,
// such as a proxy holding a request).
func (c *Cmd) SignalWhen(ready <-chan struct{}, sig syscall.Signal) *Cmd {
	c.trigger = &trigger{when: ready, do: signal(sig)}
	return c
}

// On runs fn once stdout or stderr holds s, while the command runs (the
// test plays a controller at the moment the command waits for it).
func (c *Cmd) On(s string, fn func()) *Cmd {
	c.trigger = &trigger{on: s, do: func(*os.Process) { fn() }}
	return c
}

func signal(sig syscall.Signal) func(*os.Process) {
	return func(p *os.Process) { _ = p.Signal(sig) }
}

// start arms the trigger; stop disarms it.
func (tr *trigger) start(p *os.Process, seen <-chan struct{}) (stop func()) {
	if tr.on == "" && tr.when == nil {
		timer := time.AfterFunc(tr.after, func() { tr.do(p) })
		return func() { timer.Stop() }
	}
	when := tr.when
	if tr.on != "" {
		when = seen
	}
	done := make(chan struct{})
	go func() {
		select {
		case <-when:
			tr.do(p)
		case <-done:
		}
	}()
	return func() { close(done) }
}

// watchedOutput collects a command's stdout and stderr and closes seen
// once either holds on.
type watchedOutput struct {
	mu             sync.Mutex
	stdout, stderr bytes.Buffer
	on             string
	seen           chan struct{}
	fired          bool
}

type streamWriter struct {
	o   *watchedOutput
	buf *bytes.Buffer
}

func (o *watchedOutput) stream(buf *bytes.Buffer) *streamWriter { return &streamWriter{o, buf} }

func (w *streamWriter) Write(p []byte) (int, error) {
	w.o.mu.Lock()
	defer w.o.mu.Unlock()
	n, err := w.buf.Write(p)
	if w.o.on != "" && !w.o.fired && bytes.Contains(w.buf.Bytes(), []byte(w.o.on)) {
		w.o.fired = true
		close(w.o.seen)
	}
	return n, err
}

func (o *watchedOutput) strings() (string, string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.stdout.String(), o.stderr.String()
}
