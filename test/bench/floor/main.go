// Command floor is the least a fleet view can cost on this machine: for
// each address given, one TLS handshake and one GET of the path, all at
// once, with Go's own HTTP/2 client and nothing else (no kubeconfig, no
// client-go, no decoding). The benchmark runs it through rss, as it runs
// the plugins, so its wall and CPU time are measured the same way.
//
// Usage: FLOOR_CA=ca.pem FLOOR_TOKEN=... floor PATH ADDRESS...
package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: floor PATH ADDRESS...")
		os.Exit(2)
	}
	ca, err := os.ReadFile(os.Getenv("FLOOR_CA"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: os.Getenv("FLOOR_SERVER_NAME")}, ForceAttemptHTTP2: true}}
	auth := "Bearer " + os.Getenv("FLOOR_TOKEN")
	path := os.Args[1]
	var failed atomic.Int64
	var wg sync.WaitGroup
	for _, addr := range os.Args[2:] {
		wg.Go(func() {
			req, err := http.NewRequest(http.MethodGet, "https://"+addr+path, nil)
			if err != nil {
				failed.Add(1)
				return
			}
			req.Header.Set("Authorization", auth)
			resp, err := client.Do(req)
			if err != nil {
				failed.Add(1)
				return
			}
			defer resp.Body.Close()
			if _, err := io.Copy(io.Discard, resp.Body); err != nil || resp.StatusCode != http.StatusOK {
				failed.Add(1)
			}
		})
	}
	wg.Wait()
	if n := failed.Load(); n > 0 {
		fmt.Fprintf(os.Stderr, "%d of %d sites failed\n", n, len(os.Args)-2)
		os.Exit(1)
	}
}
