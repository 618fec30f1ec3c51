package kube

import (
	"context"
	"net/http"
	"net/http/httptrace"
	"sync"
)

// DialGate makes the first requests to one API server share a connection.
// Requests sent at once to a server with no connection yet each dial and
// handshake their own, and HTTP/2 then closes all but one: on a fleet run
// that is a TLS handshake too many per server, the client's costliest
// work. The first request goes ahead; the others wait until it has its
// connection (or has failed), then go on it.
type DialGate struct {
	mu    sync.Mutex
	ready chan struct{} // closed once the first request has a connection
}

// Wrap is a rest.Config WrapTransport that sends every request through
// the gate; one gate serves every client of the same server.
func (g *DialGate) Wrap(next http.RoundTripper) http.RoundTripper {
	return gated{g: g, next: next}
}

type gated struct {
	g    *DialGate
	next http.RoundTripper
}

func (t gated) RoundTrip(req *http.Request) (*http.Response, error) {
	g := t.g
	g.mu.Lock()
	ready := g.ready
	if ready == nil {
		g.ready = make(chan struct{})
		first := g.ready
		g.mu.Unlock()
		var once sync.Once
		release := func() { once.Do(func() { close(first) }) }
		trace := &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { release() }}
		resp, err := t.next.RoundTrip(req.WithContext(httptrace.WithClientTrace(req.Context(), trace)))
		release() // failed before a connection: the others dial their own
		return resp, err
	}
	g.mu.Unlock()
	select {
	case <-ready:
	case <-req.Context().Done():
		return nil, context.Cause(req.Context())
	}
	return t.next.RoundTrip(req)
}
