// Package kubetest holds test servers' pieces shared by the tests of the
// connection code in internal/kube and internal/cli.
package kubetest

import (
	"net"
	"sync"
	"time"
)

// SlowHandshakes delays each accepted connection's first read by d: every
// request a test sends at once then reaches the client's transport before
// its first connection exists, however loaded the machine is.
func SlowHandshakes(l net.Listener, d time.Duration) net.Listener {
	return slowHandshakes{Listener: l, delay: d}
}

type slowHandshakes struct {
	net.Listener
	delay time.Duration
}

func (l slowHandshakes) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &slowFirstRead{Conn: c, delay: l.delay}, nil
}

type slowFirstRead struct {
	net.Conn
	delay time.Duration
	once  sync.Once
}

func (c *slowFirstRead) Read(b []byte) (int, error) {
	c.once.Do(func() { time.Sleep(c.delay) })
	return c.Conn.Read(b)
}
