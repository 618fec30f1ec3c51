// Package kubetest holds test servers' pieces shared by the tests of the
// connection code in internal/kube and internal/cli.
package kubetest

import (
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// handshakeDelay holds each connection's first read: every request a test
// sends at once then reaches the client's transport before its first
// connection exists, however loaded the machine is.
const handshakeDelay = 300 * time.Millisecond

// SlowServer starts an HTTP/2 TLS server whose handshakes are slow, and
// counts the connections clients open to it; it stops when the test ends.
func SlowServer(t testing.TB, h http.Handler) (*httptest.Server, *atomic.Int64) {
	conns := &atomic.Int64{}
	srv := httptest.NewUnstartedServer(h)
	srv.EnableHTTP2 = true
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Listener = slowHandshakes{srv.Listener}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, conns
}

type slowHandshakes struct{ net.Listener }

func (l slowHandshakes) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &slowFirstRead{Conn: c}, nil
}

type slowFirstRead struct {
	net.Conn
	once sync.Once
}

func (c *slowFirstRead) Read(b []byte) (int, error) {
	c.once.Do(func() { time.Sleep(handshakeDelay) })
	return c.Conn.Read(b)
}
