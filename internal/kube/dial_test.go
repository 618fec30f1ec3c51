package kube

import (
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"k8s.io/client-go/rest"
)

// TestDialGateOneHandshake: requests sent at once to a new HTTP/2 server
// share one TLS connection instead of each dialing its own.
func TestDialGateOneHandshake(t *testing.T) {
	for _, c := range []struct {
		name  string
		gated bool
	}{{"gated", true}, {"ungated", false}} {
		t.Run(c.name, func(t *testing.T) {
			var conns atomic.Int64
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("{}")) }))
			srv.EnableHTTP2 = true
			srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
				if s == http.StateNew {
					conns.Add(1)
				}
			}
			// A slow handshake, so that every request is sent before the
			// first connection exists: without it, on a loaded machine the
			// requests may run one after another and never race.
			srv.Listener = slowHandshakes{srv.Listener}
			srv.StartTLS()
			defer srv.Close()
			cfg := &rest.Config{Host: srv.URL, TLSClientConfig: rest.TLSClientConfig{Insecure: true}}
			// Not shared with other tests through client-go's transport cache.
			cfg.Proxy = http.ProxyFromEnvironment
			if c.gated {
				cfg.Wrap((&DialGate{}).Wrap)
			}
			r, err := NewREST(cfg)
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			start := make(chan struct{})
			for range 8 {
				wg.Go(func() {
					<-start
					if _, err := r.client.Get().AbsPath("/x").DoRaw(t.Context()); err != nil {
						t.Error(err)
					}
				})
			}
			close(start)
			wg.Wait()
			if got := conns.Load(); c.gated && got != 1 || !c.gated && got < 2 {
				t.Errorf("%d connections", got)
			}
		})
	}
}

// slowHandshakes delays each accepted connection's first read.
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
	c.once.Do(func() { time.Sleep(300 * time.Millisecond) })
	return c.Conn.Read(b)
}
